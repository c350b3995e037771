#!/usr/bin/env bash
# Rollouts over HTTP (benchmarks/README.md): in-process DJL generation vs PolicyServer + RemotePolicy,
# and LoRA adapter sync time. Run from the repository root after
#   mvn -B -o -q -pl benchmarks -am package -DskipTests
# Extra arguments go to the harness (for example --models=quickstart --repeats=5).
# The harness runs twice: with the JDK HttpServer's default (Nagle's algorithm on) and with
# -Dsun.net.httpserver.nodelay=true (TCP_NODELAY on the server's sockets), a process-wide
# property read once, hence two JVMs.
set -euo pipefail
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "missing $jar: build it first (see the header of this script)" >&2; exit 1; }
main=dev.spice.benchmarks.remote.RolloutThroughputHarness
echo "== uptime before: $(uptime)"
java -version 2>&1
for nodelay in false true; do
  echo "== sun.net.httpserver.nodelay=$nodelay"
  java -Dai.djl.offline=true -Dsun.net.httpserver.nodelay=$nodelay -cp "$jar" "$main" "$@" 2>&1 | grep -v ' INFO '
done
echo "== uptime after: $(uptime)"

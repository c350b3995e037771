#!/usr/bin/env bash
# Rollouts over HTTP (benchmarks/README.md): in-process DJL generation vs PolicyServer + RemotePolicy,
# and LoRA adapter sync time. Run from the repository root after
#   mvn -B -o -q -pl benchmarks -am package -DskipTests
# Extra arguments go to the harness (for example --models=quickstart --repeats=5).
# The harness runs twice: with glibc's malloc as it is and with MALLOC_ARENA_MAX=1 (one malloc
# arena for all threads; read by glibc at process start, hence two JVMs). The server's
# TCP_NODELAY (sun.net.httpserver.nodelay) is on in both, as PolicyServer sets it; pass
# NODELAY=false in the environment to measure the JDK's default instead.
set -euo pipefail
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "missing $jar: build it first (see the header of this script)" >&2; exit 1; }
main=dev.spice.benchmarks.remote.RolloutThroughputHarness
nodelay=${NODELAY:-true}
echo "== uptime before: $(uptime)"
java -version 2>&1
for arenas in default 1; do
  echo "== MALLOC_ARENA_MAX=$arenas, sun.net.httpserver.nodelay=$nodelay"
  if [ "$arenas" = default ]; then
    env -u MALLOC_ARENA_MAX java -Dai.djl.offline=true -Dsun.net.httpserver.nodelay=$nodelay -cp "$jar" "$main" "$@" 2>&1 | grep -v ' INFO '
  else
    MALLOC_ARENA_MAX=$arenas java -Dai.djl.offline=true -Dsun.net.httpserver.nodelay=$nodelay -cp "$jar" "$main" "$@" 2>&1 | grep -v ' INFO '
  fi
done
echo "== uptime after: $(uptime)"

#!/usr/bin/env bash
# Runs the published configuration of dev.spice.benchmarks.rewards.AdvantageBenchmark (the one in
# benchmarks/README.md): the @Fork/@Warmup/@Measurement of the class (5 forks, 5 x 1 s warm-up,
# 10 x 1 s measurement, -Xms1g -Xmx1g -XX:+AlwaysPreTouch, one thread), groups 1024 and 131072 of 8,
# with the GC profiler (-prof gc: gc.alloc.rate.norm = bytes allocated per operation).
#
# Usage, from anywhere:  benchmarks/run-advantage-jmh.sh [extra JMH options, e.g. -f 5]
#   OUT=dir         where the JMH log and JSON go (default: a new directory under /tmp)
#   SKIP_BUILD=1    use benchmarks/target/benchmarks.jar as it is (default: rebuild it first)
#   BENCH_JAR=path  another benchmarks jar
# It prints the date, `uptime` before and after, `java -version`, the CPU, JMH's own table and a
# Markdown table (score, 99.9% error and its share of the score, bytes allocated per operation,
# rewards per nanosecond). Run it on an otherwise idle machine; the load average it prints says
# whether it was.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${BENCH_JAR:-benchmarks/target/benchmarks.jar}
OUT=${OUT:-$(mktemp -d /tmp/advantage-jmh.XXXXXX)}
mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -o -q -pl benchmarks -am package -DskipTests -Djacoco.skip=true -Dmaven.javadoc.skip=true
fi
echo "== date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "== uptime before: $(uptime)"
echo "== java -version"
java -version 2>&1
echo "== cpu: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- || true)"
echo "== git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
java -jar "$JAR" 'dev.spice.benchmarks.rewards.AdvantageBenchmark' -prof gc \
  -rf json -rff "$OUT/advantage-jmh.json" "$@" | tee "$OUT/advantage-jmh.log"
echo "== uptime after: $(uptime)"
echo "== JMH table, time and gc.alloc.rate.norm rows"
awk '/^Benchmark +\(/ {on = 1} on && ($1 == "Benchmark" || $1 !~ /:/ || $1 ~ /gc\.alloc\.rate\.norm/)' "$OUT/advantage-jmh.log"
if command -v python3 > /dev/null; then
  echo "== Markdown table"
  python3 - "$OUT/advantage-jmh.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("| benchmark | groups x size | us/op | error (99.9%) | error % | B/op (gc.alloc.rate.norm) | rewards/ns |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    p = r["params"]; m = r["primaryMetric"]
    n = int(p["groups"]) * int(p["groupSize"])
    norm = float(r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", "nan"))
    err = float(m["scoreError"])  # "NaN" with a single iteration
    print("| %s | %s x %s | %.3f | %.3f | %.1f%% | %.1f | %.2f |" % (
        r["benchmark"].rsplit(".", 1)[1], p["groups"], p["groupSize"], m["score"], err,
        100 * err / m["score"], norm, n / (m["score"] * 1000)))
PY
fi
echo "== files: $OUT"

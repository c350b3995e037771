#!/usr/bin/env bash
# Rebuilds the bundled chemical-elements resources of spice-corpus from the Debian package
# dict-elements (Jay F. Kominek's Elements Database, public domain, in dictd format). Not needed
# by the build: the generated files are committed. Needs apt-get (only to download; no root),
# dpkg-deb and python3.
#
#   spice-corpus/tools/rebuild-elements.sh               # fetches the package with `apt-get download`
#   spice-corpus/tools/rebuild-elements.sh FILE.deb      # uses an already downloaded package
#
# Writes src/main/resources/dev/spice/corpus/elements/:
#   elements.jsonl.gz  one JSON object per element, in atomic-number order:
#                      {"id":"hydrogen","text":"hydrogen symbol H\n...","source":"elements",
#                       "metadata":{"name":"hydrogen","symbol":"H","atomic_number":"1",...}}
#   NOTICE.txt         origin, package version and the upstream public-domain statement
#
# How the dict entries become documents:
#   - The index (*.index) lines are `headword TAB offset TAB length`, offset and length in the
#     dictd base64 alphabet (A-Za-z0-9+/, most significant digit first); *.dict.dz is gzip. The
#     entries are ISO-8859-1 text: headword, `Symbol:`, `Atomic number:`, `Atomic weight:`
#     (sometimes misspelt `Atmic weight:`) and a free-text description.
#   - Entries without an `Atomic number:` line (cross references such as aluminium, wolfram,
#     rutherfordium, and the database's own 00-database-* entries) are left out. Where two entries
#     share an atomic number (110: darmstadtium and unnildecium) the one whose name does not start
#     with the temporary `un` prefix is kept.
#   - Text: one fact per line, `<name> <field words> <value>`, no final punctuation, the value the
#     LAST word of the line (multi-word values joined with `_`), so a cloze generator can blank it:
#         <name> symbol <Symbol as written>         from `Symbol:` (skipped when empty)
#         <name> atomic number <Z>                  from `Atomic number:`
#         <name> atomic weight <weight>             from `Atomic weight:`; parentheses of a mass
#                                                   number dropped, `(98)` -> `98`; skipped when
#                                                   not a number (`???`, `(272)?`)
#         <name> group <1..18>                      computed from Z (none for La-Lu and Ac-Lr)
#         <name> period <1..7>                      computed from Z
#         <name> discovered by <first_last>         from the description, see DISCOVERY below
#         <name> discovery year <yyyy>              from the description
#     Words are lowercase except the symbol. Values are the source's, errors included (it dates
#     from 2000: some weights are old or wrong, e.g. uranium (231), lutetium 194.967).
#   - Metadata: every value of the text under `name`, `symbol`, `atomic_number`, `atomic_weight`,
#     `group`, `period`, `discoverer`, `discovery_year`, all strings, written exactly as in the
#     text; absent fields are left out.
# The output is deterministic (sorted by Z, gzip without a timestamp).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then
  deb="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  [ -f "$deb" ] || { echo "rebuild-elements.sh: no such file: $1" >&2; exit 2; }
else
  (cd "$work" && apt-get download dict-elements >/dev/null)
  deb="$(ls "$work"/dict-elements_*.deb)"
fi
version="$(dpkg-deb -f "$deb" Version)"
dpkg-deb -x "$deb" "$work/pkg"
out="$here/src/main/resources/dev/spice/corpus/elements"
mkdir -p "$out"

python3 - "$work/pkg" "$version" "$out" <<'PY'
import gzip
import io
import json
import os
import re
import sys

pkg, version, out = sys.argv[1:4]
dictd = os.path.join(pkg, "usr/share/dictd")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def fail(msg):
    sys.exit("rebuild-elements.sh: " + msg)


def b64(s):
    """A dictd base64 number: most significant digit first."""
    v = 0
    for c in s:
        if c not in B64:
            fail("bad base64 digit %r in %r" % (c, s))
        v = v * 64 + B64.index(c)
    return v


with gzip.open(os.path.join(dictd, "elements.dict.dz")) as f:
    data = f.read()

# ---- DISCOVERY: discoverer and year from the free-text description --------------------------
# A name is a list of persons (capitalised words, initials like `J.C.G` or `W.H.`, particles
# de/del/von/van) separated by `,` or `and`; the title `Sir` is dropped, `and associates` cut, and
# the persons joined with `_and_`. Verb classes, in this order of preference:
#   discovered, identified, found | isolated | produced, synthesized, made, created, detected,
#   observed | prepared, obtained
# First pass, the first class with a match of a frame naming person and year wins:
#   VERB [up to 4 lowercase words] by NAME [in/of/at Place] in [Month [of]] YEAR
#   VERB [adverb] [in/from lowercase phrase] in YEAR by NAME
# Otherwise the first class with either of these wins, and both come from that class:
#   VERB [up to 4 lowercase words] by NAME           (person only)
#   VERB ... in [Month [of]] YEAR                    (year only, same clause, `found` excluded)
# Statements such as "first reported by", "predicted by", "confirmed by" are not used.
VERB_CLASSES = [
    r"discovered|identified|found",
    r"isolated",
    r"produced|synthesized|synthesised|made|created|detected|observed",
    r"prepared|obtained",
]
INIT = r"(?:[A-Z]\.)+[A-Z]?(?![\w.])"
WORD = r"[A-Z][\w'\-]*"
PART = rf"(?:{INIT}|{WORD}|de|del|von|van)"
PERSON = rf"(?:{INIT}|{WORD})(?: {PART})*"
LIST_SEP = r"(?:,? and |, )"
NAME = rf"(?P<name>{PERSON}(?:{LIST_SEP}{PERSON})*)"
YEAR = r"(?:[A-Z][a-z]+ (?:of )?)?(?P<year>1[0-9]{3}|20[0-9]{2})\b"
GAP = r"(?:[a-z]+ ){0,4}"
ADV = r"(?:(?:[a-z]+ly|first|independently) )?"
FOLLOW = r"(?=[.,;:)]|\s+(?:in|at|of|and|by|from|with|via|who)\b|$)"
MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"


def frames(verb):
    v = rf"\b(?i:{verb})\b "
    return [
        re.compile(rf"{v}{GAP}by {NAME}(?: and (?:associates|co-workers))?"
                   rf"(?: (?:in|of|at) [A-Z][\w]*(?: [A-Z][\w]*)*)? in {YEAR}"),
        re.compile(rf"{v}{ADV}(?:(?:in|from) [a-z][a-z ]{{0,30}} )?in {YEAR} by {NAME}{FOLLOW}"),
    ]


def name_only(verb):
    return re.compile(rf"\b(?i:{verb})\b {GAP}by {NAME}{FOLLOW}")


def year_only(verb):
    # up to 90 characters of the same clause: no sentence end (a period not after a capital)
    return re.compile(rf"\b(?i:{verb})\b(?:[^.]|(?<=[A-Z])\.){{0,90}}? in (?:{MONTHS} (?:of )?)?"
                      r"(?P<year>1[0-9]{3}|20[0-9]{2})\b")


def token(raw):
    """A value as one lowercase word: periods dropped, spaces to `_`."""
    return "_".join(raw.replace(".", " ").lower().split())


def person_list(raw):
    persons = [re.sub(r"^(?:Sir|Lord) ", "", p) for p in re.split(LIST_SEP, raw)]
    if persons[0].split()[0] in ("The", "It", "In", "Its"):
        return None
    return "_and_".join(token(p) for p in persons)


def first(pattern, desc):
    """The first match whose name (if the pattern has one) is a list of persons."""
    for m in pattern.finditer(desc):
        if "name" not in pattern.groupindex or person_list(m.group("name")):
            return m
    return None


def discovery(desc):
    """(discoverer token or None, year or None) from a description."""
    for cls in VERB_CLASSES:
        hits = [m for m in (first(p, desc) for p in frames(cls)) if m]
        if hits:
            best = min(hits, key=lambda m: m.start())
            return person_list(best.group("name")), best.group("year")
    for cls in VERB_CLASSES:
        who = first(name_only(cls), desc)
        when = first(year_only(cls.replace("|found", "")), desc)
        if who or when:
            return (person_list(who.group("name")) if who else None), (when.group("year") if when else None)
    return None, None


# ---- group and period from the atomic number ----------------------------------------------
def period(z):
    for p, last in enumerate((2, 10, 18, 36, 54, 86, 118), start=1):
        if z <= last:
            return p
    fail("atomic number %d out of range" % z)


def group(z):
    if z == 1:
        return 1
    if z == 2:
        return 18
    for start in (3, 11):
        if start <= z < start + 8:
            off = z - start
            return off + 1 if off < 2 else off + 11
    for start in (19, 37):
        if start <= z < start + 18:
            return z - start + 1
    for start in (55, 87):
        if start <= z < start + 32:
            off = z - start
            if off < 2:
                return off + 1
            if off < 17:
                return None  # lanthanides, actinides
            return off - 13
    fail("atomic number %d out of range" % z)


# ---- entries ----------------------------------------------------------------------------------
entries = []
with open(os.path.join(dictd, "elements.index"), encoding="ascii") as f:
    for n, line in enumerate(f, start=1):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 3:
            fail("elements.index line %d: expected 3 tab-separated fields, got %d" % (n, len(parts)))
        head, off, length = parts
        o, l = b64(off), b64(length)
        if o + l > len(data):
            fail("elements.index line %d: entry %s ends past the data (%d > %d)" % (n, head, o + l, len(data)))
        body = data[o:o + l].decode("iso-8859-1")
        lines = body.split("\n")
        fields = {}
        desc = []
        for x in lines[1:]:
            m = re.match(r"^(Symbol|Atomic number|At(?:o)?mic [Ww]eight): *(.*?)\s*$", x)
            if m:
                key = "weight" if "eight" in m.group(1) else m.group(1)
                fields[key] = m.group(2)
            else:
                desc.append(x)
        if "Atomic number" not in fields:
            continue
        entries.append((n, head.strip().lower(), fields, re.sub(r"\s+", " ", " ".join(desc)).strip()))

by_z = {}
for n, name, fields, desc in entries:
    if not re.fullmatch(r"[a-z]+", name):
        fail("unexpected element name %r" % name)
    if not re.fullmatch(r"[0-9]+", fields["Atomic number"]):
        fail("%s: atomic number %r is not a number" % (name, fields["Atomic number"]))
    by_z.setdefault(int(fields["Atomic number"]), []).append((name.startswith("un"), n, name, fields, desc))

docs = []
for z in sorted(by_z):
    cands = sorted(by_z[z])
    if len(cands) > 1:
        print("atomic number %d: keeping %s, leaving out %s" % (z, cands[0][2], ", ".join(c[2] for c in cands[1:])))
    _, _, name, fields, desc = cands[0]
    md = {"name": name}
    text = []

    def fact(key, words, value):
        if value is None or value == "":
            return
        value = str(value)
        if " " in value or not re.search(r"[\w]$", value):
            fail("%s: value %r of %s is not one word ending in a letter or digit" % (name, value, key))
        md[key] = value
        text.append("%s %s %s" % (name, words, value))

    symbol = fields.get("Symbol", "")
    fact("symbol", "symbol", symbol if re.fullmatch(r"[A-Z][a-z]{0,2}", symbol) else None)
    fact("atomic_number", "atomic number", z)
    w = re.fullmatch(r"\(?([0-9]+(?:\.[0-9]+)?)\)?", fields.get("weight", ""))
    fact("atomic_weight", "atomic weight", w.group(1) if w else None)
    fact("group", "group", group(z))
    fact("period", "period", period(z))
    who, year = discovery(desc)
    fact("discoverer", "discovered by", who)
    fact("discovery_year", "discovery year", year)
    docs.append({"id": name, "text": "\n".join(text), "source": "elements", "metadata": md})

ids = [d["id"] for d in docs]
if len(set(ids)) != len(ids):
    fail("duplicate ids")
if len(docs) < 100:
    fail("only %d elements parsed; the package format may have changed" % len(docs))

buf = io.BytesIO()
with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
    for d in docs:
        gz.write((json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
with open(os.path.join(out, "elements.jsonl.gz"), "wb") as f:
    f.write(buf.getvalue())

# ---- NOTICE.txt -------------------------------------------------------------------------------
with open(os.path.join(pkg, "usr/share/doc/dict-elements/copyright"), encoding="utf-8") as f:
    cp = f.read()
m = re.search(r"^ (This dictionary database was created.*?is not needed\.)$", cp, re.S | re.M)
if not m:
    fail("copyright file: upstream public-domain statement not found")
statement = "\n".join("  " + x.strip() for x in m.group(1).split("\n"))
src = re.search(r"^Source: *(.*)$", cp, re.M)
with open(os.path.join(out, "NOTICE.txt"), "w", encoding="utf-8") as f:
    f.write(f"""spice-corpus bundles data from the Elements Database by Jay F. Kominek.

Files: src/main/resources/dev/spice/corpus/elements/elements.jsonl.gz
Origin: The Elements Database (20001107), {src.group(1) if src else "http://www.miranda.org/~jkominek/elements/"},
        as packaged in the Debian package dict-elements {version} (dictd format), converted
        by spice-corpus/tools/rebuild-elements.sh into short fact lines ({len(docs)} elements).
        Group and period are computed from the atomic number by that script; every other
        value is the database's, as written there.
Licence: public domain. The Debian copyright file of dict-elements says "Copyright: public
         domain" and quotes the upstream notice:

{statement}
""")
print("wrote %d elements to %s" % (len(docs), out))
PY
ls -l "$out"

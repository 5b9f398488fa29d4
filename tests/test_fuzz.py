"""Random claim and source files through the real CLI, on a real SQLite file.

For every generated file (claims, sources, the desk's places): the exit code is 0 or 2 (never 1, never an exception or traceback);
a refused file leaves the database exactly as it was (its whole SQL dump); and every claim of
an accepted file is shown back by `reconcile claims --json` as given, under its field names.

The files mix valid-looking rows with broken ones: random Unicode (lone surrogates as JSON
escapes, controls, bidi and tag characters, markup), random types (numbers of any size, lists,
nested objects, booleans, null), random nesting and sizes around the limits, duplicate keys and
headers, junk lines.

``RECONCILE_FUZZ_EXAMPLES`` sets the number of files per test (default 40, about 20 s for the
file in all); the README gives the long run: ``RECONCILE_FUZZ_EXAMPLES=10000 python -m pytest
tests/test_fuzz.py``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cli.main import cli
from conftest import SOURCES_YAML
from reconciler.reading import CLAIM_FIELDS

EXAMPLES = int(os.environ.get("RECONCILE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])
REGISTERED = ["Armed Forces of Ukraine", "ZSU", "Army", "Government of Ukraine", "dpa", "Interfax"]
SOURCE_FIELDS = ("name", "aliases", "kind", "parent", "side")
KINDS = ("military", "government", "intergovernmental", "ngo", "media", "social", "individual", "unknown")
MARKER = itertools.count()   # makes each generated claim's content unique (see `claims`)

# Characters that have broken or fooled readers, parsers, terminals or databases.
SPECIAL = ("\x00", "\x1b[2J", "\u202e", "\u2066", "\u200b", "\u2028", "\u2029", "\ufeff", "\U000e0041", "[/]",
           "[red]", "[link=https://evil.example/]", "\r", "\n", "\r\n", "\t", '"', "\\", ",", ";", "'", "\ud800",
           "\udfff", "\U0001f600", "Ꮩ", "²", "٣", "𝟘", "\x85", "\x7f", "%", "_", "{", "[", "&a", "*a", "!!binary",
           "- ", ": ", "#", "Авдіївка", "e\u0301", "ﬁ", "\u0000\u0000")

chars = st.one_of(st.characters(exclude_categories=()), st.sampled_from([c for c in SPECIAL if len(c) == 1]))
text = st.one_of(
    st.text(chars, max_size=30),
    st.lists(st.sampled_from(SPECIAL), max_size=5).map("".join),
    st.integers(295, 305).map(lambda n: "x" * n),          # either side of the name limit
    st.sampled_from([50_000, 50_001]).map(lambda n: "y" * n),   # either side of the text limit
)


class Digits:
    """A number written out in JSON as these digits (json.dumps refuses ints of 4,300 digits or more)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Digits({len(self.text)} characters)"

    def __str__(self) -> str:
        return self.text


numbers = st.one_of(st.integers(), st.integers(-10**60, 10**60), st.floats(),
                    st.sampled_from([2**31 - 1, 2**31, -0.0, 1e308]),
                    st.integers(1, 6000).map(lambda n: Digits("9" * n)), st.just(Digits("1e400")))
scalars = st.one_of(st.none(), st.booleans(), numbers, text)
anything = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                        max_leaves=12)
# Valid-looking values, field by field: they still carry controls, bidi and tag characters and
# markup, which are data like any other.
clean_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
names = st.one_of(st.sampled_from(REGISTERED), st.sampled_from(REGISTERED).map(lambda n: f"  {n} "),
                  clean_text.filter(str.strip))
coordinates = {"lat": st.one_of(st.floats(-90, 90), st.integers(-90, 90), st.floats(-90, 90).map(str)),
               "lon": st.one_of(st.floats(-180, 180), st.integers(-180, 180), st.floats(-180, 180).map(str))}
VALID = {
    "source": names, "via": st.one_of(st.lists(names, max_size=3), names.map(lambda n: f"dpa; {n}")),
    "date": st.one_of(st.dates().map(lambda d: d.isoformat()), st.dates().map(lambda d: d.isoformat()[:7]),
                      st.tuples(st.dates(), st.dates()).map(lambda p: f"{min(p)}/{max(p)}"),
                      st.sampled_from(["9999-12-31", "0001-01-01", "2021", " 2021-04-06 "])),
    "published": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    "killed": st.one_of(st.integers(0, 10**6), st.integers(0, 10**9).map(lambda n: f"{n:,}"), st.sampled_from(
        ["two", "more than 40", "at least 3", "up to 5", "3-5", "about 10", "dozens", "two thousand million",
         "hundreds of thousands", "1.5 thousand", "a few thousand", "двоє-троє", "5+", "Two."])),
    "stance": st.sampled_from(["asserts", "denies", " DENIES "]), "lang": st.sampled_from(["en", "uk", "ru"]),
} | {field: clean_text for field in ("ref", "report", "place", "region", "type", "target", "actor", "victims",
                                     "text", "note")}
VALID["wounded"] = VALID["killed"]
# Hostile values: of any type, beside the limits, of every script and code point.
HOSTILE = {
    "date": st.one_of(st.integers(0, 10_000).map(str), st.sampled_from(
        ["0000", "06/04/2021", "2021-13", "２０２１", "٢٠٢١-04", "2021-04-06/2021-04-01", "2021\n"])),
    "published": st.sampled_from(["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+12:00", "yesterday",
                                  "2021-04-07T25:00"]),
    "killed": st.one_of(st.integers(-5, 3_000_000_000), st.sampled_from(
        ["²", "٣", "three thousand million", "1.2345 thousand", "two million thousand", "lots", "9" * 60, "-3"])),
    "lat": st.one_of(st.floats(), st.integers(-10**6, 10**6), st.floats().map(str)),
    "stance": st.sampled_from(["maybe", "", "DENY"]), "lang": st.sampled_from(["", "a" * 17, "en-GB-oxendict-x"]),
} | {field: text for field in ("ref", "source", "via", "report", "place", "region", "type", "target", "actor",
                                "victims", "text", "note")}
HOSTILE["wounded"], HOSTILE["lon"] = HOSTILE["killed"], HOSTILE["lat"]


@st.composite
def claims(draw: st.DrawFn, clean: bool) -> list[tuple[str, object]]:
    """One claim as (field, value) pairs: valid-looking values, or (unless ``clean``) each field
    hostile half the time, and now and then an unknown or repeated field. A unique ref and a
    unique end to ``text`` (or ``note``) keep the contents apart, so that each claim is stored
    under its own ref."""
    marker = next(MARKER)

    def value(field: str) -> object:
        if clean or draw(st.booleans()):
            return draw(VALID[field]) if field in VALID else draw(coordinates[field])
        return draw(st.one_of(HOSTILE[field], anything))

    pairs = [("ref", f"fz-{marker}"), ("source", value("source")), ("date", value("date"))]
    fields = draw(st.lists(st.sampled_from([f for f in CLAIM_FIELDS if f not in ("ref", "source", "date", "lon")]),
                           unique=True, max_size=8))
    for field in fields:
        pairs.append((field, value(field)))
        if field == "lat" and (clean or draw(st.booleans())):
            pairs.append(("lon", value("lon")))
    given_text = dict(pairs).get("text")
    if isinstance(given_text, str) or given_text is None:
        pairs = [p for p in pairs if p[0] != "text"] + [("text", f"{given_text or ''} #{marker}")]
    else:
        pairs = [p for p in pairs if p[0] != "note"] + [("note", f"#{marker}")]
    if not clean and draw(st.integers(0, 9)) == 0:
        pairs.append(draw(st.sampled_from([("source", "Kremlin"), ("colour", "red"), ("date", "2021")])))
    return pairs


def json_line(pairs: list[tuple[str, object]], ascii_only: bool) -> str:
    """The pairs as one JSON object, keys repeated as given."""
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=ascii_only)}: {json_value(v, ascii_only)}"
                           for k, v in pairs) + "}"


def json_value(value: object, ascii_only: bool) -> str:
    if isinstance(value, Digits):
        return value.text
    if isinstance(value, list):
        return "[" + ", ".join(json_value(v, ascii_only) for v in value) + "]"
    if isinstance(value, dict):
        return json_line(list(value.items()), ascii_only)
    return json.dumps(value, ensure_ascii=ascii_only)


junk_lines = st.one_of(
    st.text(chars, max_size=40),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 3000).map(lambda n: '{"source": "Army", "date": "2021", "place": ' + "[" * n + "]" * n + "}"),
    anything.map(lambda v: json_value(v, True)),
    st.just('{"source": "Army", "date": "2021-04-06", "killed": ' + "9" * 5000 + "}"),
    st.just('{"source": "Army", "date": "2021-04-06", "lat": NaN, "lon": 1e400}'),
    st.just(""),
)


# What can happen to a whole file: (content, whether the claims still read as written). Old Mac
# line endings and a cut may leave a valid file, a byte that is not UTF-8 never does.
mutations = st.sampled_from([
    lambda b: (b, True),
    lambda b: (b"\xef\xbb\xbf" + b, True),                               # a byte order mark
    lambda b: (b.replace(b"\n", b"\r"), False),                          # old Mac line endings
    lambda b: (b[:len(b) // 2] + b"\xff" + b[len(b) // 2:], False),       # a byte that is not UTF-8
    lambda b: (b[:len(b) // 2], False),                                   # cut short
])


@st.composite
def claim_files(draw: st.DrawFn) -> tuple[str, bytes, list[dict] | None, bool]:
    """(file name, content, the claims as the reader should see them or None when that is not
    known, whether the file holds a junk line and must be refused)."""
    clean = draw(st.booleans())
    rows = draw(st.lists(claims(clean), min_size=1, max_size=6))
    if draw(st.booleans()):
        ascii_only = draw(st.booleans())
        lines = [json_line(pairs, ascii_only) for pairs in rows]
        broken = False
        if not clean and draw(st.booleans()):
            junk = draw(junk_lines)
            lines.insert(draw(st.integers(0, len(lines))), junk)
            broken = bool(junk.strip())   # a blank line is no junk: it is skipped
        content = ("\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))).encode("utf-8", "surrogatepass")
        content, as_written = draw(mutations)(content)
        return "claims.jsonl", content, [dict(pairs) for pairs in rows] if as_written else None, broken and as_written
    header = list(dict.fromkeys(k for pairs in rows for k, _ in pairs))
    if not clean and draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(header + ["colour"])))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    given = []
    for pairs in rows:
        row = {k: _csv_cell(v) for k, v in pairs}
        writer.writerow([row.get(k, "") for k in header])
        given.append({k: v for k, v in row.items() if v.strip()})
    content, intact = draw(mutations)(out.getvalue().encode("utf-8", "surrogatepass"))
    return "claims.csv", content, given if intact else None, False


def _csv_cell(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def expected_shown(given: dict) -> dict:
    """How `claims --json` shows a claim given with these fields (README, input formats): each
    field as given; via as a list (split at ';' when given as text); stance 'asserts' when left out."""
    shown = {}
    for field in CLAIM_FIELDS:
        value = given.get(field)
        if field == "via" and isinstance(value, str):
            value = [v.strip() for v in value.split(";") if v.strip()]
        if value in (None, "", []):
            value = [] if field == "via" else ("asserts" if field == "stance" else None)
        shown[field] = value
    return shown


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the registered sources, copied afresh for every example."""
    directory = tmp_path_factory.mktemp("fuzz-template")
    (directory / "sources.yaml").write_text(SOURCES_YAML, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(directory / "t.sqlite"), "sources", "import",
                                      str(directory / "sources.yaml")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return directory / "t.sqlite"


class FreshDesk:
    """A working directory whose database is a fresh copy of the template."""

    def __init__(self, template: Path, directory: Path):
        self.template, self.directory, self.db = template, directory, directory / "desk.sqlite"
        self.before = dump(template)

    def reset(self) -> None:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.db)

    def invoke(self, *args: str):
        return CliRunner().invoke(cli, ["--db", str(self.db), "--user", "fuzz", *args], catch_exceptions=False)


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture(scope="module")
def fresh(template: Path, tmp_path_factory: pytest.TempPathFactory) -> FreshDesk:
    return FreshDesk(template, tmp_path_factory.mktemp("fuzz"))


def check_exit(result) -> None:
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    event(f"exit code {result.exit_code}")   # --hypothesis-show-statistics shows the share accepted


@FUZZ
@given(claim_files(), st.integers(0, 3))
def test_fuzz_claim_files_are_stored_as_given_or_refused_whole(fresh: FreshDesk,
                                                               generated: tuple[str, bytes, list | None, bool],
                                                               run: int) -> None:
    name, content, given, junk = generated
    fresh.reset()
    path = fresh.directory / name
    path.write_bytes(content)
    result = fresh.invoke("import", str(path))
    check_exit(result)
    if result.exit_code == 2:
        assert result.stderr.endswith("nothing was written to the database.\n"), result.output
        assert dump(fresh.db) == fresh.before
        return
    assert not junk, "a file with a junk line was accepted"
    listed = fresh.invoke("claims", "--json")
    assert listed.exit_code == 0, listed.output
    by_ref = {claim["ref"]: claim for claim in json.loads(listed.stdout)}
    assert len(by_ref) == len(given or by_ref)
    for row in given or []:
        claim = by_ref[row["ref"]]
        assert {field: claim[field] for field in CLAIM_FIELDS} == expected_shown(row)
    if run == 0:   # a quarter of the accepted files are matched and graded, and each event shown
        assert fresh.invoke("run").exit_code == 0
        events = fresh.invoke("events", "--json")
        assert events.exit_code == 0, events.output
        for item in json.loads(events.stdout):
            shown = fresh.invoke("show", str(item["id"]))
            assert shown.exit_code == 0, shown.output


SOURCE_VALUES = {
    "aliases": st.lists(clean_text, max_size=3), "kind": st.sampled_from(KINDS + (" Media ",)),
    "parent": st.sampled_from(REGISTERED), "side": clean_text,
}
SOURCE_HOSTILE = {"aliases": st.lists(text, max_size=3), "kind": st.just("militia"), "parent": text, "side": text,
                  "country": text}


@st.composite
def source_rows(draw: st.DrawFn, clean: bool) -> list[tuple[str, object]]:
    """One source as (field, value) pairs, its name unique (so that it is stored under it)."""
    pairs = [("name", f"Fuzz {next(MARKER)} {draw(clean_text if clean else text)}")]
    fields = SOURCE_FIELDS[1:] + (() if clean else ("country",))
    for field in draw(st.lists(st.sampled_from(fields), unique=True, max_size=4)):
        hostile = field == "country" or (not clean and draw(st.booleans()))
        pairs.append((field, draw(st.one_of(SOURCE_HOSTILE[field], anything) if hostile else SOURCE_VALUES[field])))
    return pairs


# Junk for a YAML list: (text, whether it must be refused; random text may be a comment).
yaml_junk = st.one_of(
    st.integers(1, 3000).map(lambda n: ("- name: x\n  side: " + "[" * n + "]" * n, True)),
    st.sampled_from(["- name: &a dpa\n- name: *a", "- name: !!binary ZHBh", "- name: " + "9" * 5000, "name: dpa",
                     "- name: dpa\n  name: Interfax", "- name: dpa\n  <<: {kind: media}"]).map(lambda t: (t, True)),
    st.text(chars, max_size=40).map(lambda t: (t, False)),
)


class Dumper(yaml.SafeDumper):
    """Writes Digits as a plain YAML number."""


Dumper.add_representer(Digits, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:int", value.text))


def imported(fresh: FreshDesk, name: str, content: bytes, *command: str):
    """The file written to a fresh desk and put through ``command``: the result when accepted,
    None when refused (exit 2), after checking the exit code and that the refusal wrote nothing."""
    fresh.reset()
    path = fresh.directory / name
    path.write_bytes(content)
    result = fresh.invoke(*command, str(path))
    check_exit(result)
    if result.exit_code == 2:
        assert dump(fresh.db) == fresh.before
        return None
    return result


def _reads_back(document: str, items: list) -> bool:
    """Whether a YAML document dumped from ``items`` says the same names when read, every scalar
    as the text written (as `sources import` reads them: composed, never constructed, so that
    "1e400" is no float PyYAML fails to build)."""
    try:
        rows = yaml.load(document, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return False
    return [row.get("name") for row in rows] == [dict(pairs).get("name") for pairs in items]


@st.composite
def source_files(draw: st.DrawFn) -> tuple[str, bytes, list[str] | None, bool]:
    """(file name, content, the names given or None when not known, whether the file holds junk
    and must be refused)."""
    clean = draw(st.booleans())
    items = draw(st.lists(source_rows(clean), min_size=1, max_size=5))
    names = [dict(pairs)["name"].strip() for pairs in items]
    if draw(st.booleans()):
        document = yaml.dump([dict(pairs) for pairs in items], Dumper=Dumper, allow_unicode=draw(st.booleans()),
                             default_flow_style=draw(st.sampled_from([False, True, None])))
        # PyYAML writes a name holding a line break of its own (NEL, U+2028) as a folded line, and
        # folded lines read back as a space: the file then says another name than the one dumped.
        must_refuse, intact = False, _reads_back(document, items)
        if not clean and draw(st.booleans()):
            added, must_refuse = draw(yaml_junk)
            document, intact = document.rstrip("\n") + "\n" + added + "\n", False
        content, as_written = draw(mutations)(document.encode("utf-8", "surrogatepass"))
        # A cut may take the junk away again: only a file read as written must be refused.
        return "sources.yaml", content, names if intact and as_written else None, must_refuse and as_written
    out = io.StringIO()
    writer = csv.writer(out)
    header = list(SOURCE_FIELDS) + ([] if clean or draw(st.integers(0, 9)) else ["country"])
    writer.writerow(header)
    for pairs in items:
        row = dict(pairs)
        writer.writerow([_csv_cell(row.get(k)) for k in header])
    content, intact = draw(mutations)(out.getvalue().encode("utf-8", "surrogatepass"))
    return "sources.csv", content, names if intact else None, False


@FUZZ
@given(source_files())
def test_fuzz_source_files_are_registered_or_refused_whole(fresh: FreshDesk,
                                                          generated: tuple[str, bytes, list | None, bool]) -> None:
    name, content, names, junk = generated
    if imported(fresh, name, content, "sources", "import") is None:
        return
    assert not junk, "a file with a junk line was accepted"
    listed = fresh.invoke("sources", "list", "--json")
    assert listed.exit_code == 0, listed.output
    stored = {source["name"] for source in json.loads(listed.stdout)}
    assert set(names or []) <= stored


GEONAMES_IDS = itertools.count(99_100_000)   # above any real GeoNames id: nothing bundled is replaced


@st.composite
def place_files(draw: st.DrawFn) -> tuple[str, bytes, list[str] | None, bool]:
    """(file name, content, the places' own names or None when not known, False): a GeoNames
    dump or a desk's landmarks CSV, valid-looking cells or (unless clean) hostile ones."""
    clean = draw(st.booleans())
    cell = (lambda valid: draw(valid)) if clean else (lambda valid: draw(st.one_of(valid, text.map(str))))
    blank = {ord(c): " " for c in "\t\r\n"}   # a dump's own separators, spaces in any name
    names = [f"Fuzz place {next(MARKER)} {draw(clean_text)}".translate(blank).strip()
             for _ in range(draw(st.integers(1, 4)))]
    lat, lon = st.floats(-90, 90).map(str), st.floats(-180, 180).map(str)
    if draw(st.booleans()):
        rows = [[str(next(GEONAMES_IDS)), cell(st.just(n)), n, cell(st.lists(clean_text).map(",".join)), cell(lat),
                 cell(lon), cell(st.sampled_from("PSTL")), cell(st.sampled_from(["PPL", "AIRP", "X" * 11])),
                 cell(st.sampled_from(["UA", "UKR"])), "", cell(st.sampled_from(["05", "1" * 21])), "", "", "",
                 cell(st.integers(0, 10**6).map(str)), "", "200", "Europe/Kyiv", "2024-01-01"] for n in names]
        lines = ["\t".join(row).replace("\n", " ").replace("\r", " ") for row in rows]
        name, content = "UA.txt", ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["name", "lat", "lon", "aliases", "population"])
        for n in names:
            writer.writerow([cell(st.just(n)), cell(lat), cell(lon), cell(st.lists(clean_text).map(";".join)),
                             cell(st.integers(0, 10**6).map(str))])
        name, content = "landmarks.csv", out.getvalue().encode("utf-8", "surrogatepass")
    content, as_written = draw(mutations)(content)
    return name, content, [n.strip() for n in names] if clean and as_written else None, False


@FUZZ
@given(place_files())
def test_fuzz_place_files_are_stored_or_refused_whole(fresh: FreshDesk, generated: tuple) -> None:
    name, content, names, _ = generated
    if imported(fresh, name, content, "places", "import") is None:
        return
    listed = fresh.invoke("places", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert set(names or []) <= {place["name"] for place in json.loads(listed.stdout)}


@settings(FUZZ, max_examples=max(3, EXAMPLES // 40))
@given(st.one_of(claim_files(), source_files(), place_files()))
def test_fuzz_files_through_a_process_never_end_in_a_traceback(fresh: FreshDesk,
                                                               generated: tuple) -> None:
    # A real process writes to real stdout and stderr (encodings, pipes), which CliRunner does not.
    name, content = generated[:2]
    fresh.reset()
    path = fresh.directory / name
    path.write_bytes(content)
    command = {"sources": ["sources", "import"], "claims": ["import"]}.get(name.split(".")[0], ["places", "import"])
    done = subprocess.run([sys.executable, "-m", "cli", "--db", str(fresh.db), "--user", "fuzz", *command,
                           str(path)], capture_output=True, cwd=Path(__file__).parent.parent, timeout=120)
    assert done.returncode in (0, 2), done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    if done.returncode == 2:
        assert dump(fresh.db) == fresh.before

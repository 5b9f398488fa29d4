"""Drafts of the seed story against the 17 claims coded by hand from it, field by field.

    python bench/extract_seed.py [--story PATH] [--claims PATH] [--sources PATH]

Each hand-coded claim is paired with the draft whose text shares most words with its own (at
least a third of them; one draft per claim). A pair is **found** when source, via, date, place
and the killed and wounded figures all agree, **wrong** otherwise (the fields that differ are
printed); a draft paired with no claim is **extra**. Agreement: source and via equal; dates
equal when each end of the hand-coded interval falls within the draft's end read at the
draft's own precision ("2014/2021-04-07" holds 2014-04-01/2021-04-07: the words said only
2014); places the same gazetteer place (or both none); figures the same interval (or both none).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reconciler.dates import parse_event_date  # noqa: E402
from reconciler.extract import ExtractOptions, extract_file, registered_names  # noqa: E402
from reconciler.figures import parse_figure  # noqa: E402
from reconciler.places import PlaceNormaliser  # noqa: E402
from reconciler.sources import read_source_file  # noqa: E402

ROOT = HERE.parent
STORY = ROOT.parent / "shared" / "seed" / "dpa-2021-04-07-ukraine.txt"   # ../shared beside the checkout
CLAIMS = ROOT / "examples" / "dpa-2021-04-07" / "claims.jsonl"
SOURCES = ROOT / "examples" / "dpa-2021-04-07" / "sources.yaml"
FIELDS = ("source", "via", "date", "place", "killed", "wounded")


def names_in(path: Path) -> dict[str, str]:
    """The names and aliases of a sources file, as `reconcile extract --sources FILE` reads them."""
    return registered_names((spec.name, spec.aliases) for spec in read_source_file(path))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _date_agrees(drafted: str | None, expected: str) -> bool:
    if drafted is None:
        return False
    want = parse_event_date(expected)
    parts = drafted.split("/")
    start = parse_event_date(parts[0])
    end = parse_event_date(parts[-1])
    return start.start <= want.start <= start.end and end.start <= want.end <= end.end


def _figure(value) -> tuple | None:
    parsed = parse_figure(value) if value is not None else None
    return (parsed.low, parsed.high) if parsed is not None else None


def compare(drafts: list[dict], claims: list[dict]) -> tuple[list, list, list, list]:
    """(found, wrong, missed, extra): pairs (claim, draft, differing fields), claims, drafts."""
    places = PlaceNormaliser()
    left = list(range(len(drafts)))
    found, wrong, missed = [], [], []
    for claim in claims:
        want = _words(claim["text"])
        scored = [(len(want & _words(drafts[i]["text"])) / max(1, len(want)), i) for i in left]
        best = max(scored, default=(0, None))
        if best[1] is None or best[0] < 1 / 3:
            missed.append(claim)
            continue
        draft = drafts[best[1]]
        left.remove(best[1])
        differ = []
        if draft.get("source") != claim["source"]:
            differ.append("source")
        if list(draft.get("via", [])) != list(claim.get("via", [])):
            differ.append("via")
        if not _date_agrees(draft.get("date"), claim["date"]):
            differ.append("date")
        if places.normalise(draft.get("place")).key != places.normalise(claim.get("place")).key:
            differ.append("place")
        for name in ("killed", "wounded"):
            if _figure(draft.get(name)) != _figure(claim.get(name)):
                differ.append(name)
        (wrong if differ else found).append((claim, draft, differ))
    return found, wrong, missed, [drafts[i] for i in left]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--story", type=Path, default=STORY)
    parser.add_argument("--claims", type=Path, default=CLAIMS)
    parser.add_argument("--sources", type=Path, default=SOURCES)
    args = parser.parse_args()
    drafts = [d.record(False) for d in extract_file(args.story, ExtractOptions(names=names_in(args.sources)))]
    claims = [json.loads(line) for line in args.claims.read_text(encoding="utf-8").splitlines() if line.strip()]
    found, wrong, missed, extra = compare(drafts, claims)
    for claim, draft, differ in wrong:
        shown = ", ".join(f"{f}: {draft.get(f)!r} (coded {claim.get(f)!r})" for f in differ)
        print(f"wrong  {claim['ref']}: {shown}")
    for claim in missed:
        print(f"missed {claim['ref']}: {claim['text'][:90]}")
    for draft in extra:
        print(f"extra  {draft['ref']}: {draft['text'][:90]}")
    print(f"seed story: {len(claims)} claims coded by hand, {len(drafts)} drafts: found {len(found)}, "
          f"wrong {len(wrong)}, missed {len(missed)}, extra {len(extra)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

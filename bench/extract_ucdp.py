"""Drafts from UCDP's source headlines, against UCDP's own coding of each event.

    python bench/extract_ucdp.py [--split dev|holdout|all] [--failures N] [--csv PATH] [--limit N]

Every headline of every event (``source_headline``, split at ";" with ``source_office`` and
``source_date``) is drafted on its own (``--headlines`` mode: published on its article's date,
the office as publisher). Printed, for the split asked (both splits by default): how often the
killed figure's interval meets UCDP's low–high deaths (of the drafts that give a killed figure),
how often the place lies within 10 km of UCDP's coordinates (of the drafts that name a place the
gazetteer knows; loose: any of the namesakes the draft keeps, strict: the one it shows), how
often the draft's dates meet UCDP's dates, and how often the victims' kind agrees; then the
failures counted by kind (``--failures N`` prints N examples of each) and the median time to
draft 1,000 headlines over five runs, the gazetteer already loaded.

UCDP codes one event per place and day, so a story ("More than 50 rebels killed", "fighting in
Sloviansk and Kramatorsk") is often the source of several events, each with a part of its toll
and one of its places; a headline's figure is then the story's, larger than any one event's. The
same figures are therefore printed **by article** too: each distinct article (headline, office,
day) drafted once, its killed figure against each event citing it and against their sum, its
place against each event's point. Both views are printed; neither replaces the other.

The splits, fixed before any rule was tuned: **dev** is the 2014 events and the 2022 events with
an odd UCDP ``id``; **holdout** the 2022 events with an even ``id`` and every 2023 event. Rules
are tuned on dev; holdout is read only to report.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reconciler.errors import ExtractError  # noqa: E402
from reconciler.extract import ExtractOptions, detect_language, extract, read_document  # noqa: E402
from reconciler.dates import parse_event_date  # noqa: E402
from reconciler.figures import parse_figure  # noqa: E402
from reconciler.gazetteer import distance_km, shared_gazetteer  # noqa: E402
from reconciler.translit import ascii_key  # noqa: E402
from reconciler.vocabulary import victims_category  # noqa: E402

CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "ucdp-ged-ukraine-2014-2022-2023.csv"   # ../shared beside the checkout
PLACE_KM = 10.0
TIMING_RUNS = 5

# --- failure kinds (diagnosis only: the bench's reading of a miss, not the extractor's rules) --
# Each is tried in order on the headline (lower case, ASCII); the first that fits names the kind.
_FIGURE_KINDS = (
    ("figure counts killed and wounded", re.compile(
        r"killed (?:and|or) (?:wounded|injured)|dead (?:and|or) (?:wounded|injured)|casualt|"
        r"ubit\w* (?:i|ili) ranen|pogib\w* (?:i|ili) ranen|vbyt\w* (?:i|ta) poranen|zahyb\w* (?:i|ta) poranen|"
        r"poteri|vtraty")),
    ("figure is equipment or other", re.compile(
        r"\b(?:tanks?|aircraft|planes?|helicopters?|drones?|uavs?|sorties|vehicles?|armou?red|artillery|"
        r"positions?|depots?|launchers?|howitzers?|shot down|downed|tekhnik\w*|tank\w*|samolet\w*|vertolet\w*|"
        r"bespilotnik\w*|bpla|sbit\w*|zbyt\w*|litak\w*|hvyntokryl\w*)\b")),
    ("figure is a cumulative tally", re.compile(
        r"\b(?:since|in total|total|so far|this year|past (?:week|month|weeks|months|days)|toll (?:rises|rose|climbs|"
        r"reaches|hits|tops)|rises to|climbs to|z pochatku|s nachala|vsego|zagalom|za vremia|overall)\b")),
)


def _ucdp_day(text: str) -> date:
    """A date as UCDP writes it: an article's day first ("27/01/2014") or ISO; an event's
    month first, with a time ("1/22/2014 12:00:00 AM", "05/02/2014 00:00" is 2 May)."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def split_of(row: dict) -> str:
    """'dev' (2014; 2022 with an odd id) or 'holdout' (2022 with an even id; 2023)."""
    year = int(row["year"])
    if year == 2014 or (year == 2022 and int(row["id"]) % 2 == 1):
        return "dev"
    return "holdout"


def headlines(path: Path):
    """(headline, office, published, event row) for every headline of every event."""
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts = row["source_headline"].split(";")
            offices = row["source_office"].split(";")
            days = row["source_date"].split(";")
            for i, text in enumerate(texts):
                if not text.strip():
                    continue
                try:
                    published = _ucdp_day(days[min(i, len(days) - 1)])
                except ValueError:
                    published = _ucdp_day(row["date_end"])
                yield text.strip(), offices[min(i, len(offices) - 1)].strip() or None, published, row


def draft_of(text: str, office: str | None, published: date):
    lang = detect_language(text) or "en"
    try:
        document = read_document("headline", text, lang)
        drafts = extract(document, ExtractOptions(published=published, source=office, headline=True))
    except ExtractError:
        return None
    return drafts[0]


def _ucdp_victims(row: dict) -> str | None:
    combatants = int(row["deaths_a"] or 0) + int(row["deaths_b"] or 0)
    civilians = int(row["deaths_civilians"] or 0)
    if civilians and not combatants and not int(row["deaths_unknown"] or 0):
        return "civilian"
    if combatants and not civilians and not int(row["deaths_unknown"] or 0):
        return "military"
    return None


_PLACE_WORDS = frozenset("village town city settlement urban type township oblast region raion district airport "
                         "international area near outskirts of the".split())
_CAPITALS = frozenset("kyiv kiev kyyiv kiiv moskva moscow".split())


def ucdp_place_name(row: dict) -> str:
    """UCDP's place as a name ("Chornukhyne village" → "chornukhyne"), ASCII."""
    words = [w for w in ascii_key(row["where_coordinates"]).split() if w not in _PLACE_WORDS]
    return " ".join(words)


def names_ucdp_place(text: str, name: str) -> bool:
    """Whether a headline names UCDP's place: every word of its name, an inflected ending aside."""
    if not name:
        return False
    words = set(ascii_key(text).split())
    return all(any(w.startswith(part[: max(4, len(part) - 2)]) for w in words) for part in name.split())


def in_gazetteer_near(gazetteer, name: str, lat: float, lon: float) -> bool:
    """Whether the gazetteer knows a place of UCDP's name within PLACE_KM of UCDP's point."""
    return any(distance_km(lat, lon, p.lat, p.lon) <= PLACE_KM for p in gazetteer.exact(name))


def figure_failure(text: str, low: int, high: int, figure) -> str:
    key = ascii_key(text)
    for kind, pattern in _FIGURE_KINDS:
        if pattern.search(key):
            return kind
    if figure.low > high:
        return "figure larger than the event (a wider area's or several days' toll)"
    return "figure smaller than the event (an early count; UCDP's event sums more)"


_NAMES_OF: dict[int, set[str]] = {}


def names_near(gazetteer, lat: float, lon: float) -> set[str]:
    """Every name (ASCII) of the gazetteer's places within PLACE_KM of a point."""
    if not _NAMES_OF:
        for key, ids in gazetteer.names.items():
            for g in ids:
                _NAMES_OF.setdefault(g, set()).add(key)
    return {k for _d, p in gazetteer.within(lat, lon, PLACE_KM) for k in _NAMES_OF.get(p.geonameid, ())}


def names_known_near(gazetteer, text: str, lat: float, lon: float) -> bool:
    """Whether the headline names (an ending aside) a place the gazetteer knows near UCDP's point."""
    words = ascii_key(text).split()
    near = {k for k in names_near(gazetteer, lat, lon) if len(k) >= 4}
    grams = {" ".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    return any(g in near or any(k.startswith(g[: max(4, len(g) - 2)]) and abs(len(k) - len(g)) <= 3 for k in near)
               for g in grams if len(g) >= 4)


def place_failure(gazetteer, text: str, draft, row: dict, lat: float, lon: float) -> str:
    found = draft.place
    name = ucdp_place_name(row)
    candidates = getattr(found, "candidates", ()) or (found.place,)
    if int(row["where_prec"] or 1) >= 3:
        return "UCDP codes a district or region, not a place"
    if ascii_key(found.place.name) in _CAPITALS and not names_ucdp_place(text, name):
        return "place read from a capital named for its government"
    if names_known_near(gazetteer, text, lat, lon):
        return "another place of the headline taken (UCDP's, known to the gazetteer, is named too)"
    if names_ucdp_place(text, name) and not in_gazetteer_near(gazetteer, name, lat, lon):
        return "UCDP's place not in the gazetteer (a namesake elsewhere taken)"
    if min(distance_km(lat, lon, p.lat, p.lon) for p in candidates) <= 60:
        return "a nearby town named, UCDP's point beside it"
    return "the headline's place is not UCDP's event's (another event of the story)"


class Tally:
    """Counts of one split, and its failures by kind with examples."""

    def __init__(self) -> None:
        self.n = Counter()
        self.failures: dict[str, dict[str, list[str]]] = {"figure": defaultdict(list), "place": defaultdict(list)}

    def fail(self, field: str, kind: str, example: str) -> None:
        self.failures[field][kind].append(example)

    def share(self, ok: str, of: str) -> str:
        return f"{100 * self.n[ok] / max(1, self.n[of]):.1f} % of {self.n[of]}"


def score(gazetteer, tally: Tally, text: str, row: dict, draft) -> None:
    tally.n["headlines"] += 1
    if draft is None:
        return
    tally.n["drafts"] += 1
    fields = draft.fields
    start, end = _ucdp_day(row["date_start"]), _ucdp_day(row["date_end"])
    drafted = parse_event_date(fields["date"])
    tally.n["date_ok"] += drafted.start <= end and start <= drafted.end
    if "killed" in fields:
        tally.n["killed"] += 1
        figure = parse_figure(fields["killed"])
        low, high = int(row["low"]), int(row["high"])
        within = figure.low <= high and (figure.high is None or figure.high >= low)
        tally.n["killed_ok"] += within
        if not within:
            tally.fail("figure", figure_failure(text, low, high, figure),
                       f"{text!r}: killed {fields['killed']!r}, UCDP {low}-{high}")
    if row["latitude"]:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        name = ucdp_place_name(row)
        named = names_ucdp_place(text, name)
        lacking = named and not in_gazetteer_near(gazetteer, name, lat, lon)
        if draft.place is not None:
            tally.n["place_any"] += 1
            tally.n["place_lacking"] += lacking
            candidates = getattr(draft.place, "candidates", ()) or (draft.place.place,)
            strict = distance_km(draft.place.place.lat, draft.place.place.lon, lat, lon) <= PLACE_KM
            loose = any(distance_km(p.lat, p.lon, lat, lon) <= PLACE_KM for p in candidates)
            tally.n["place_any_ok"] += loose
            if not lacking:   # the headline names no place the gazetteer lacks: resolvable
                tally.n["place"] += 1
                tally.n["place_ok"] += loose
                tally.n["place_strict_ok"] += strict
            if not loose:
                tally.fail("place", place_failure(gazetteer, text, draft, row, lat, lon),
                           f"{text!r}: {fields['place']!r} → {draft.place.place.name} "
                           f"({len(candidates)} candidate(s)), UCDP {row['where_coordinates']!r}")
        elif named:
            tally.n["place_missed"] += 1
            tally.n["place_missed_lacking"] += lacking
            kind = "no place drafted, UCDP's place not in the gazetteer" if lacking else \
                "no place drafted, though the gazetteer knows UCDP's place"
            tally.fail("place", kind, f"{text!r}: UCDP {row['where_coordinates']!r}")
    kind, want = victims_category(fields.get("victims")), _ucdp_victims(row)
    if kind in ("civilian", "military") and want is not None:
        tally.n["victims"] += 1
        tally.n["victims_ok"] += kind == want


def articles_of(items) -> dict[tuple, list[dict]]:
    """The events that cite each article (its headline, office and day): UCDP codes one event per
    place and day, so one story's toll and places are often spread over several events."""
    found: dict[tuple, list[dict]] = {}
    for text, office, published, row in items:
        events = found.setdefault((text, office, published), [])
        if all(e["id"] != row["id"] for e in events):
            events.append(row)
    return found


def score_article(gazetteer, tally: Tally, text: str, events: list[dict], draft) -> None:
    """One draft per article, against every event citing it: the killed figure meets one event's
    low–high or the sum of them all; a place lies within PLACE_KM of one event's point."""
    tally.n["articles"] += 1
    if draft is None:
        return
    fields = draft.fields
    if "killed" in fields:
        tally.n["a_killed"] += 1
        figure = parse_figure(fields["killed"])
        ranges = [(int(e["low"]), int(e["high"])) for e in events]
        ranges.append((sum(r[0] for r in ranges), sum(r[1] for r in ranges)))
        tally.n["a_killed_ok"] += any(figure.low <= high and (figure.high is None or figure.high >= low)
                                      for low, high in ranges)
    points = [(float(e["latitude"]), float(e["longitude"]), e) for e in events if e["latitude"]]
    if draft.place is not None and points:
        lacking = any(names_ucdp_place(text, ucdp_place_name(e))
                      and not in_gazetteer_near(gazetteer, ucdp_place_name(e), lat, lon) for lat, lon, e in points)
        if not lacking:
            candidates = getattr(draft.place, "candidates", ()) or (draft.place.place,)
            tally.n["a_place"] += 1
            tally.n["a_place_ok"] += any(distance_km(p.lat, p.lon, lat, lon) <= PLACE_KM
                                         for p in candidates for lat, lon, _e in points)
            tally.n["a_place_strict_ok"] += any(
                distance_km(draft.place.place.lat, draft.place.place.lon, lat, lon) <= PLACE_KM
                for lat, lon, _e in points)


def report(name: str, tally: Tally, examples: int) -> None:
    n = tally.n
    print(f"== {name}: headlines {n['headlines']}, drafted {n['drafts']}")
    print(f"killed figure within UCDP's low-high: {tally.share('killed_ok', 'killed')} drafts giving a killed figure")
    print(f"place within {PLACE_KM:.0f} km of UCDP's point, any candidate: {tally.share('place_ok', 'place')} drafts "
          "naming a place, UCDP's place not missing from the gazetteer")
    print(f"  the one place shown (strict):        {tally.share('place_strict_ok', 'place')}")
    print(f"  any candidate, all drafts naming a place: {tally.share('place_any_ok', 'place_any')}")
    print(f"  UCDP's place named but not in the gazetteer: {n['place_lacking']} drafts (a namesake taken) "
          f"and {n['place_missed_lacking']} with no place; the gazetteer knows it but no place drafted: "
          f"{n['place_missed'] - n['place_missed_lacking']}")
    print(f"date within UCDP's dates:             {tally.share('date_ok', 'drafts')} drafts")
    print(f"victims' kind agrees:                 {tally.share('victims_ok', 'victims')} drafts saying civilians or "
          "military, of events UCDP codes as one of them")
    print(f"-- by article ({n['articles']} distinct articles; each drafted once, against every event citing it):")
    print(f"killed figure within one event's low-high or their sum: {tally.share('a_killed_ok', 'a_killed')} "
          "drafts giving a killed figure")
    print(f"place within {PLACE_KM:.0f} km of one event's point, any candidate: {tally.share('a_place_ok', 'a_place')} "
          "drafts naming a place, no event's place missing from the gazetteer")
    print(f"  the one place shown (strict):        {tally.share('a_place_strict_ok', 'a_place')}")
    for field, kinds in tally.failures.items():
        print(f"{field} failures by kind:")
        for kind, cases in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(cases):4d}  {kind}")
            for case in cases[:examples]:
                print(f"          {case}")


def timing(items) -> float:
    """The median time of TIMING_RUNS runs drafting the first 1,000 headlines, in seconds."""
    runs = []
    for _ in range(TIMING_RUNS):
        started = time.perf_counter()
        for text, office, published, _row in items[:1000]:
            draft_of(text, office, published)
        runs.append((time.perf_counter() - started) * 1000 / max(1, min(1000, len(items))))
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default=None,
                        help="the rows to score (default: dev and holdout, each apart)")
    parser.add_argument("--failures", type=int, default=0, metavar="N", help="print N examples of each failure kind")
    args = parser.parse_args()
    gazetteer = shared_gazetteer()
    gazetteer.exact("kyiv")
    items = list(headlines(args.csv))[: args.limit]
    splits = [args.split] if args.split else ["dev", "holdout"]
    for split in splits:
        chosen = [item for item in items if split == "all" or split_of(item[3]) == split]
        tally = Tally()
        for text, office, published, row in chosen:
            score(gazetteer, tally, text, row, draft_of(text, office, published))
        # An article belongs to the split of its first event (by UCDP id), so that the splits stay apart.
        for (text, office, published), events in articles_of(items).items():
            if split == "all" or split_of(min(events, key=lambda e: int(e["id"]))) == split:
                score_article(gazetteer, tally, text, events, draft_of(text, office, published))
        report(split, tally, args.failures)
    print(f"time: {timing(items):.2f} s per 1,000 headlines (median of {TIMING_RUNS} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Drafts from UCDP's source headlines, against UCDP's own coding of each event.

    python bench/extract_ucdp.py [--csv PATH] [--limit N]

Every headline of every event (``source_headline``, split at ";" with ``source_office`` and
``source_date``) is drafted on its own (``--headlines`` mode: published on its article's date,
the office as publisher). Printed: how often the killed figure's interval meets UCDP's low–high
deaths (of the drafts that give a killed figure), how often the place lies within 10 km of UCDP's
coordinates (of the drafts that name a place), how often the draft's dates meet UCDP's dates,
and how often the victims' kind agrees (of drafts saying civilians or military, against events
whose deaths UCDP codes as all civilians or all combatants); then the time to draft 1,000
headlines, the gazetteer already loaded.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reconciler.errors import ExtractError  # noqa: E402
from reconciler.extract import ExtractOptions, detect_language, extract, read_document  # noqa: E402
from reconciler.dates import parse_event_date  # noqa: E402
from reconciler.figures import parse_figure  # noqa: E402
from reconciler.gazetteer import distance_km, shared_gazetteer  # noqa: E402
from reconciler.vocabulary import victims_category  # noqa: E402

CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "ucdp-ged-ukraine-2014-2022-2023.csv"   # ../shared beside the checkout


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    gazetteer = shared_gazetteer()
    gazetteer.exact("kyiv")
    items = list(headlines(args.csv))[: args.limit]
    counts = dict.fromkeys(("headlines", "drafts", "killed", "killed_ok", "place", "place_ok", "date_ok",
                            "victims", "victims_ok", "single_killed", "single_killed_ok"), 0)
    started = time.perf_counter()
    drafts = [draft_of(text, office, published) for text, office, published, _row in items[:1000]]
    per_thousand = (time.perf_counter() - started) * 1000 / max(1, min(1000, len(items)))
    drafts += [draft_of(text, office, published) for text, office, published, _row in items[1000:]]
    for (text, _office, _published, row), draft in zip(items, drafts):
        counts["headlines"] += 1
        if draft is None:
            continue
        counts["drafts"] += 1
        fields = draft.fields
        start, end = _ucdp_day(row["date_start"]), _ucdp_day(row["date_end"])
        drafted = parse_event_date(fields["date"])
        counts["date_ok"] += drafted.start <= end and start <= drafted.end
        if "killed" in fields:
            counts["killed"] += 1
            figure = parse_figure(fields["killed"])
            low, high = int(row["low"]), int(row["high"])
            within = figure.low <= high and (figure.high is None or figure.high >= low)
            counts["killed_ok"] += within
            if ";" not in row["source_headline"]:   # the event's only headline: its figure is the event's
                counts["single_killed"] += 1
                counts["single_killed_ok"] += within
        if draft.place is not None and row["latitude"]:
            counts["place"] += 1
            km = distance_km(draft.place.place.lat, draft.place.place.lon, float(row["latitude"]), float(row["longitude"]))
            counts["place_ok"] += km <= 10
        kind, want = victims_category(fields.get("victims")), _ucdp_victims(row)
        if kind in ("civilian", "military") and want is not None:
            counts["victims"] += 1
            counts["victims_ok"] += kind == want

    def share(ok: str, of: str) -> str:
        return f"{100 * counts[ok] / max(1, counts[of]):.1f} % of {counts[of]}"

    print(f"headlines {counts['headlines']}, drafted {counts['drafts']}")
    print(f"killed figure within UCDP's low-high: {share('killed_ok', 'killed')} drafts giving a killed figure")
    print(f"  of events with one headline:         {share('single_killed_ok', 'single_killed')}")
    print(f"place within 10 km of UCDP's point:   {share('place_ok', 'place')} drafts naming a place")
    print(f"date within UCDP's dates:             {share('date_ok', 'drafts')} drafts")
    print(f"victims' kind agrees:                 {share('victims_ok', 'victims')} drafts saying civilians or "
          "military, of events UCDP codes as one of them")
    print(f"time: {per_thousand:.2f} s per 1,000 headlines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The HTML report: one self-contained page of events, their claims side by side, and a timeline.

The page is for someone who never ran the tool. It is rendered here, server-side, by Jinja2
with autoescaping; its script only shows and hides what is already on the page (by the
``data-`` attributes of each event), so no stored value ever reaches the page's JavaScript as
data. Every stored value passes through :func:`reconciler.display.visible` (control and bidi
characters written as escapes, as in the terminal) and then Jinja's HTML escaping, and is
wrapped in ``<bdi>`` so that right-to-left text cannot reorder the text around it. A
Content-Security-Policy allows only the page's own style and script (by hash) and no network
at all. See docs/report.md.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from math import ceil

from anyascii import anyascii
from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup
from sqlalchemy.orm import Session

from . import __version__
from .claims import figure_text
from .config import Config
from .display import visible
from .events import EventFilter, event_details, latest_event_ids
from .figures import tally_text
from .matching import explain_rows
from .models import STATUS_LABELS, STATUSES, uncounted_draft

TEMPLATES = "templates"


@dataclass(frozen=True)
class ClaimView:
    """One claim as the page shows it: every value as written (figures with their reading)."""

    id: int
    ref: str | None
    source: str
    origin: str | None          # None: no known origin (unregistered, or a source of unknown kind)
    side: str | None
    registered: bool
    relays: list[str]           # from the source outwards: who passed it on, nearest the reader last
    report: str | None
    published: str | None
    date: str
    place: str                  # as written, or "region: …" when only a region is named
    what: list[tuple[str, str]]  # (field, value as written): type, target, victims, actor
    killed: str
    wounded: str
    stance: str
    quote: str | None
    lang: str | None
    note: str | None
    draft: str | None = None    # 'draft' (not yet accepted) or 'rejected': shown, counted for nothing


@dataclass(frozen=True)
class LinkView:
    """A claim's strongest link: its partner, its score and the score's named parts.

    Claims are named by id alone: the claims table above gives each ref (a link's rows
    repeated them, often 60 characters twice). When two claims are each other's strongest match,
    the second row is the same link read backwards: it names the first claim's row
    (``same_as``) instead of repeating its parts."""

    claim: str
    partner: str | None
    score: float | None
    components: list[tuple[str, float, str]]
    explanation: str | None     # only where it says more than the components
    claim_id: int | None = None
    partner_id: int | None = None   # set when the partner is a claim of this event (linked to its row)
    same_as: str | None = None      # "claim 5": this link's parts are shown on that claim's row


@dataclass(frozen=True)
class EventView:
    id: int
    status: str
    manual: bool
    active: bool
    reason: str
    date: str | None
    start: str                  # ISO first and last day ("" when undated), for the date filter
    end: str
    place: str | None
    killed: str
    wounded: str
    origins: list[str]
    n_claims: int
    n_origins: int
    agree: list[str]
    differ: list[str]
    claims: list[ClaimView]
    links: list[LinkView]
    decisions: list[dict]       # {"at", "user", "action", "text"}
    lineage: list[dict]         # {"old", "new", "kind", "run"}
    place_keys: str             # what the place and source filters search, folded (see _fold)
    source_keys: str


@dataclass(frozen=True)
class Bar:
    """One column of the timeline: a day (or week, month) and its events stacked by grade."""

    x: float
    label: str | None           # the axis label, on every few bars only
    title: str
    first: str
    last: str
    segments: list[tuple[str, float, float, int]]  # (grade, y, height, count)


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    top: int
    bottom: int                 # y of the axis
    left: int
    bar_width: float
    unit: str                   # "day", "week" or "month"
    ticks: list[tuple[float, int]]  # (y, count) on the vertical axis
    bars: list[Bar]
    rows: list[tuple[str, dict[str, int]]]  # (bin label, counts by grade): the chart as a table
    periods: list[EventView] = field(default_factory=list)  # events over long periods: not drawn


@dataclass(frozen=True)
class Report:
    title: str
    generated_at: str
    version: str
    scope: str                  # which events: the filter the report was made with
    events: list[EventView]
    counts: dict[str, int]
    timeline: Timeline
    total: int = 0              # events the filter selects; more than len(events) when the limit left some out
    limit: int | None = None

    @property
    def left_out(self) -> int:
        """Events the filter selects that the limit left out (the earliest by first day)."""
        return self.total - len(self.events)


LIMIT = 2000   # events on a page by default: about 9 MB, and filters that answer at once


def build_report(session: Session, flt: EventFilter = EventFilter(), *, title: str = "Reconciled events",
                 generated_at: datetime | None = None, config: Config | None = None,
                 limit: int | None = None) -> Report:
    """The report's content: the events ``flt`` selects (as `show` gives them) and their timeline.

    Args:
        flt: which events (grade, dates); all active events by default.
        title: the page's heading.
        generated_at: the time printed on the page (now, in UTC, by default).
        config: what counts as a period (events longer than ``period_days`` are listed under
            the timeline, not drawn in it); the default settings when not given.
        limit: at most this many events, the latest by first day (undated events count as
            the earliest); ``Report.left_out`` says how many the limit left out. None: all.
    """
    ids, total = latest_event_ids(session, flt, limit)
    details = event_details(session, flt, event_ids=ids, decisions=True) if ids is not None else \
        event_details(session, flt, decisions=True)
    events = [_event_view(d) for d in details]
    counts = {g: sum(e.status == g for e in events) for g in STATUSES}
    when = (generated_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Report(title=title, generated_at=when.strftime("%Y-%m-%d %H:%M UTC"), version=__version__,
                  scope=_scope(flt), events=events, counts=counts, timeline=timeline(events, config or Config()),
                  total=total if ids is not None else len(events), limit=limit)


def render_report(report: Report) -> str:
    """The page: one HTML document with its style and script inline and nothing to fetch."""
    css, js = _asset("report.css"), _asset("report.js")
    policy = ("default-src 'none'; "
              f"style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; base-uri 'none'; form-action 'none'")
    return environment().get_template("report.html").render(
        report=report, css=Markup(css), js=Markup(js), policy=policy, labels=STATUS_LABELS, grades=STATUSES)


def environment() -> Environment:
    """Jinja2 over the package's templates, escaping every value (``shown`` first makes it visible)."""
    env = Environment(loader=PackageLoader("reconciler", TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, extensions=[_Unindented])
    env.filters["shown"] = lambda value, newlines=False: visible(value, newlines=newlines)
    env.filters["points"] = _points
    return env


class _Unindented(Extension):
    """The template's own indentation left out of the page (it was a tenth of each event's
    bytes). Only the template's source is changed, never a value: a quote keeps its spaces."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return "\n".join(line.lstrip(" ") for line in source.split("\n"))


def _asset(name: str) -> str:
    return resources.files("reconciler").joinpath(TEMPLATES, name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    """A CSP source for exactly this inline text: only the page's own style and script run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _points(value: float) -> str:
    """+4, −3.5, ±0: as `show` writes a component's points."""
    return ("+" if value > 0 else "−" if value < 0 else "±") + f"{abs(value):g}"


def _scope(flt: EventFilter) -> str:
    parts = [f"{STATUS_LABELS[flt.status]} events" if flt.status else "all active events"]
    if flt.since and flt.until:
        parts.append(f"dated between {flt.since.isoformat()} and {flt.until.isoformat()}")
    elif flt.since:
        parts.append(f"dated on or after {flt.since.isoformat()}")
    elif flt.until:
        parts.append(f"dated on or before {flt.until.isoformat()}")
    return " ".join(parts)


def _fold(*values: str | None) -> str:
    """Search keys for the page's filters: each value, and its Latin transliteration, in lower
    case without accents, spaces or punctuation, joined by "|" (which no key holds). The page
    folds what is typed the same way (NFKD, marks dropped, lower case, letters and digits
    only), so "Marinka" finds "Марьинка" (transliterated "Mar'inka") and "марьинка" finds it
    as written."""
    keys: list[str] = []
    for value in values:
        if not value:
            continue
        for key in _folded(value):
            if key not in keys:
                keys.append(key)
    return "|".join(keys)


@lru_cache(maxsize=65536)
def _folded(value: str) -> tuple[str, ...]:
    """One value's keys (as written, transliterated), remembered: the same sources and places
    come back in event after event, and transliterating was a third of a report's time."""
    keys = []
    for form in (value, anyascii(value)):
        decomposed = unicodedata.normalize("NFKD", form)
        key = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()
        key = "".join(c for c in key if c.isalnum())
        if key:
            keys.append(key)
    return tuple(keys)


def _figure(raw, parsed: dict | None) -> str:
    """A figure as stated, with its reading where that differs: 'more than 200 (≥201)'."""
    if raw is None or raw == "":
        return ""
    if parsed is None:
        return str(raw)
    return figure_text(str(raw), parsed["low"], parsed["high"])


def _claim_view(c: dict) -> ClaimView:
    parsed = c["parsed"]
    place = c["place"] or (f"region: {c['region']}" if c.get("region") else "")
    what = [(name, c[name]) for name in ("type", "target", "victims", "actor") if c.get(name)]
    return ClaimView(
        id=c["id"], ref=c["ref"], source=c["source"], origin=parsed["origin"], side=parsed["side"],
        registered=parsed["source_registered"], relays=list(reversed(c["via"] or [])), report=c["report"],
        published=c["published"], date=c["date_label"], place=place, what=what,
        killed=_figure(c["killed"], parsed["killed"]), wounded=_figure(c["wounded"], parsed["wounded"]),
        stance=c["stance"], quote=c["text"], lang=c["lang"], note=c["note"],
        draft=c["draft_state"] if uncounted_draft(c["draft_state"]) else None)


def _claim_name(claim_id: int | None) -> str | None:
    return None if claim_id is None else f"claim {claim_id}"


def _link_view(link: dict, refs: dict[int, str | None]) -> LinkView:
    """``refs``: the event's claims, whose rows in the claims table a link can point to."""
    components = [(name, part["points"], part["note"]) for name, part in link["components"].items()]
    said = explain_rows(link["score"], components) if link["score"] is not None and components else None
    explanation = link["explanation"] if link["explanation"] != said else None
    partner_id = link["partner_claim_id"]
    inside = partner_id is not None and partner_id in refs
    return LinkView(claim=_claim_name(link["claim_id"]), partner=_claim_name(partner_id),
                    score=link["score"], components=components, explanation=explanation,
                    claim_id=link["claim_id"], partner_id=partner_id if inside else None)


def _link_views(links: list[dict], refs: dict[int, str | None]) -> list[LinkView]:
    """Each claim's strongest link; a link already shown the other way round (A's partner is B
    and B's is A, with the same score and parts) names that row instead of repeating its parts."""
    views: list[LinkView] = []
    for link in links:
        view = _link_view(link, refs)
        twin = next((v for v in views if v.same_as is None and v.claim_id == view.partner_id
                     and v.partner_id == view.claim_id and v.score == view.score
                     and v.components == view.components and v.explanation == view.explanation), None)
        if twin is not None and view.components:
            view = replace(view, components=[], explanation=None, same_as=twin.claim)
        views.append(view)
    return views


def decision_text(entry: dict) -> str:
    """What a person decided, in a sentence (the audit entry's before and after, read)."""
    before, after, object_id = entry["before"] or {}, entry["after"] or {}, entry["object_id"]
    action = entry["action"]
    if action in ("link", "unlink"):
        a, _, b = (object_id or "").partition(",")
        return (f"linked claims {a} and {b}: one event" if action == "link"
                else f"unlinked claims {a} and {b}: different events")
    if action == "merge":
        return f"merged event {after.get('merged')} into event {object_id}"
    if action == "split":
        new = [k for k in after if k not in (str(object_id), "moved")]
        moved = ", ".join(map(str, after.get("moved", [])))
        return f"moved claims {moved} out of event {object_id} into event {', '.join(new) or '?'}"
    if action == "grade":
        was, now = before.get("status"), after.get("status")
        change = f"{STATUS_LABELS.get(was, was)} → {STATUS_LABELS.get(now, now)}" if was != now else STATUS_LABELS.get(now, now)
        return f"graded event {object_id} by hand: {change}, because: {after.get('reason')}"
    return f"{action} {entry['object_type']} {object_id or ''}".strip()


def _event_view(d: dict) -> EventView:
    start, _, end = (d["date"] or "").partition("/")
    refs = {c["id"]: c["ref"] for c in d["claim_details"]}
    claims = [_claim_view(c) for c in d["claim_details"]]
    places, sources = [d["place"]], []
    for c in d["claim_details"]:
        places += [c["place"], c["region"], c["parsed"]["place"]["label"]]
        sources += [c["source"], c["parsed"]["source"], c["parsed"]["origin"], *(c["via"] or []),
                    *c["parsed"]["relays"]]
    decisions = [{"at": e["at"][:16].replace("T", " ") + " UTC", "user": e["user"], "action": e["action"],
                  "text": decision_text(e)} for e in d.get("decisions") or []]
    lineage = [{"old": e["old_event_id"], "new": e["new_event_id"], "kind": e["kind"], "run": e["run_id"]}
               for e in d["lineage"]]
    return EventView(
        id=d["id"], status=d["status"], manual=d["manual"], active=d["active"], reason=d["reason"] or "",
        date=d["date"], start=start, end=end or start, place=d["place"], killed=tally_text(d["killed"]),
        wounded=tally_text(d["wounded"]), origins=d["origins"], n_claims=d["n_claims"], n_origins=d["n_origins"],
        agree=d["agree"], differ=d["differ"], claims=claims, links=_link_views(d["links"], refs),
        decisions=decisions, lineage=lineage, place_keys=_fold(*places), source_keys=_fold(*sources))


# The timeline's drawing area (SVG user units; the page scales it to its width).
WIDTH, HEIGHT, LEFT, RIGHT, TOP, AXIS = 960, 260, 44, 12, 14, 214


def _bin_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _next_bin(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def _bin_label(start: date, unit: str) -> str:
    if unit == "month":
        return start.strftime("%b %Y")
    return f"{start.day} {start.strftime('%b')}"


def timeline(events: list[EventView], config: Config) -> Timeline:
    """Events per day by grade, stacked: each event on its first day. Events about a period
    (longer than ``config.period_days``) are left out of the bars and listed instead. Over
    more than 92 days the bars are weeks (from Monday), over more than three years months."""
    dated, periods = [], []
    for event in events:
        if not event.start:
            continue
        first, last = date.fromisoformat(event.start), date.fromisoformat(event.end)
        (periods if config.is_period((last - first).days + 1) else dated).append((first, event))
    if not dated:
        return Timeline(WIDTH, HEIGHT, TOP, AXIS, LEFT, 0, "day", [], [], [], [e for _, e in periods])
    low, high = min(d for d, _ in dated), max(d for d, _ in dated)
    span = (high - low).days + 1
    unit = "day" if span <= 92 else "week" if span <= 3 * 366 else "month"
    starts, cursor = [], _bin_start(low, unit)
    while cursor <= high:
        starts.append(cursor)
        cursor = _next_bin(cursor, unit)
    counts = {s: dict.fromkeys(STATUSES, 0) for s in starts}
    for first, event in dated:
        counts[_bin_start(first, unit)][event.status] += 1
    peak = max(sum(c.values()) for c in counts.values())
    step = max(1, ceil(peak / 5))
    top_count = step * ceil(peak / step)
    scale = (AXIS - TOP) / top_count
    slot = (WIDTH - LEFT - RIGHT) / len(starts)
    every = max(1, ceil(len(starts) / 14))
    bars = []
    for n, start in enumerate(starts):
        y, segments = float(AXIS), []
        for grade in STATUSES:
            count = counts[start][grade]
            if count:
                y -= count * scale
                segments.append((grade, round(y, 2), round(count * scale, 2), count))
        last = _next_bin(start, unit) - timedelta(days=1)
        what = ", ".join(f"{c} {STATUS_LABELS[g]}" for g, c in counts[start].items() if c) or "no events"
        when = start.isoformat() if unit == "day" else f"{start.isoformat()} to {last.isoformat()}"
        bars.append(Bar(x=round(LEFT + n * slot + slot * 0.15, 2), label=_bin_label(start, unit) if n % every == 0 else None,
                        title=f"{when}: {what}", first=start.isoformat(), last=last.isoformat(), segments=segments))
    ticks = [(round(AXIS - k * scale, 2), k) for k in range(0, top_count + 1, step)]
    rows = [(_bin_label(s, unit) + (f" {s.year}" if unit != "month" else ""), counts[s]) for s in starts]
    return Timeline(WIDTH, HEIGHT, TOP, AXIS, LEFT, round(slot * 0.7, 2), unit, ticks, bars, rows,
                    [e for _, e in periods])

"""Synthetic claims about armed-conflict incidents, with known ground truth and realistic noise.

Every claim is generated from a known incident, so a benchmark can tell which claims
`reconcile` should have put together and which grade each event should have. The sources
are fictional (a North and a South side, neutral monitors, relaying agencies, an unregistered
channel); the places are real Ukrainian populated places from GeoNames, written in the
spellings GeoNames records for them (Latin or Cyrillic script).

Noise, per claim unless said otherwise:

* the date one day off (25 %) or two days off (3 %: meant to be the same incident, may be missed);
* the place in another spelling or script, sometimes inside a phrase ("5 km north of X"),
  missing in 3 % of claims (60 % of those name the region instead: "Donetsk oblast",
  "Донеччина"); the type in other words ("artillery fire", "обстріл"), missing in 8 %;
* figures as written by people ("at least 2", "two", "about 10", "2-3"), one of the two
  figures left out now and then;
* 0-2 relaying agencies; the same origin repeated in other reports (never corroboration), a
  quarter of those repeats revising the death toll upwards ("the toll rose to 3"), drawn from a
  random generator of their own;
  daily bulletins of one origin listing several incidents (never one event);
* each side blaming the other, denials (5 % of incidents), contradictory figures (5 %);
* hard negatives: ~15 % of incidents have a sibling at the same place 0-2 days apart,
  mostly of another type or with other victims;
* what was hit (a school, houses, positions), named in the `target` field by 55 % of the claims
  about civilian harm and 25 % about soldiers (``--target-rate`` scales both; 0 gives the claims
  of the same seed without it); 5 % of those name the wrong thing, some add "and nearby houses",
  and some use a word that names nothing ("a building"). Drawn from a random generator of its
  own, so every other field is the same whatever the rate;
* period claims ("N soldiers since the start of the year", ~2 % of claims), each its own
  incident unless a second origin reports the same period and victims; no two period
  incidents share a scope (period and victims), which no claim could tell apart.

Ground truth grades follow the rule table in ``reconciler.grading``, computed from the
claims an incident actually has. Two variants: ``grade`` decides "different actors" by
who is meant (North or South), ``grade_strict`` by the fuzzy comparison of actor names the
grading module uses, so a gap between the two is an actor-normalisation error.

Example:

    python bench/generate.py --claims 10000 --seed 1 --out /tmp/bench10k
    python bench/generate.py --claims 100000 --extra 1000 --seed 1 --out /tmp/bench100k
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from reconciler.vocabulary import event_type_category, kind_family

try:
    from .truth import canonical, incident_grades
    from .world import (ACTORS, AGENCIES, DIRECTIONS, NUMBER_WORDS, ORIGINS, PREFIXES, SOURCES, SPAN_DAYS, START,
                        REGION_MENTION, TARGET_MENTION, TARGET_WEIGHTS, TARGET_WORDS, TYPE_WEIGHTS, TYPES, VICTIMS,
                        Origin, Place, check_vocabulary, load_places, region_words)
except ImportError:   # run as a script from bench/, not as the bench package
    from truth import canonical, incident_grades
    from world import (ACTORS, AGENCIES, DIRECTIONS, NUMBER_WORDS, ORIGINS, PREFIXES, SOURCES, SPAN_DAYS, START,
                       REGION_MENTION, TARGET_MENTION, TARGET_WEIGHTS, TARGET_WORDS, TYPE_WEIGHTS, TYPES, VICTIMS,
                       Origin, Place, check_vocabulary, load_places, region_words)


# --- incidents -------------------------------------------------------------------------

@dataclass
class Incident:
    id: str
    kind: str                  # 'single' or 'period'
    start: date
    end: date
    place: Place | None
    type: str | None
    victims: str               # 'military' or 'civilian'
    victim_side: str | None    # whose soldiers, or who holds the place for civilians
    perpetrator: str           # 'North' or 'South'
    killed: int
    wounded: int
    sibling_of: str | None = None
    target: str | None = None    # what was hit: a vocabulary.TARGETS category, None for "a building"
    denied: bool = False
    contradicted: bool = False
    origins: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"kind": self.kind, "date": self.start.isoformat() if self.kind == "single"
                else f"{self.start.isoformat()}/{self.end.isoformat()}",
                "place": self.place.name if self.place else None,
                "geonameid": self.place.geonameid if self.place else None, "type": self.type,
                "victims": self.victims, "victim_side": self.victim_side, "perpetrator": self.perpetrator,
                "killed": self.killed, "wounded": self.wounded, "target": self.target, "sibling_of": self.sibling_of,
                "denied": self.denied, "contradicted": self.contradicted}


def _other(side: str) -> str:
    return "South" if side == "North" else "North"


class Generator:
    """Draws incidents and the claims about them; all randomness from one seeded RNG."""

    def __init__(self, seed: int, span_days: int = SPAN_DAYS, target_rate: float = 1.0, region_rate: float = 1.0):
        self.rng = random.Random(seed)
        # What was hit comes from a generator of its own, so that the rate leaves every other draw as it is.
        self.trng = random.Random(f"targets-{seed}")
        self.vrng = random.Random(f"revisions-{seed}")   # tolls revised in an origin's later reports
        self.grng = random.Random(f"regions-{seed}")     # the region a claim without a town names
        self.seed, self.span_days, self.target_rate, self.region_rate = seed, span_days, target_rate, region_rate
        places = load_places()
        self.places = places
        self.place_weights = [2.0 if p.frontline else 1.0 for p in places]
        self.held_by = {p.geonameid: (self.rng.choice(["North", "South"]) if p.frontline else "North") for p in places}
        self.incidents: list[Incident] = []
        self.periods: list[Incident] = []
        self.claims: list[dict] = []
        self.claim_incident: dict[str, str] = {}
        self._fingerprints: set[str] = set()
        self._scopes: set[tuple] = set()

    # -- drawing helpers
    def pick(self, weighted):
        items, weights = zip(*weighted)
        return self.rng.choices(items, weights)[0]

    def count(self, table: list[tuple[int, float]]) -> int:
        return self.pick(table)

    def new_id(self) -> str:
        return f"I{self.seed}-{len(self.incidents) + len(self.periods):06d}"

    # -- incidents
    def single_incident(self, place: Place | None = None, day: date | None = None, type_: str | None = None,
                        victims: str | None = None) -> Incident:
        rng = self.rng
        place = place or rng.choices(self.places, self.place_weights)[0]
        day = day or START + timedelta(days=rng.randrange(self.span_days))
        type_ = type_ or self.pick(TYPE_WEIGHTS.items())
        victims = victims or self.pick([("military", 60), ("civilian", 40)])
        if victims == "military":
            victim_side = self.pick([("North", 55), ("South", 45)])
            perpetrator = _other(victim_side)
        else:
            victim_side = self.held_by[place.geonameid]
            perpetrator = _other(victim_side) if rng.random() < 0.8 else victim_side
        killed = self.count([(0, 35), (1, 35), (2, 15), (3, 8), (4, 3), (5, 2), (6, 1), (8, 1)])
        wounded = self.count([(0, 30), (1, 28), (2, 18), (3, 10), (4, 6), (5, 4), (7, 2), (10, 2)])
        if killed == wounded == 0 and rng.random() < 0.7:
            wounded = 1
        incident = Incident(self.new_id(), "single", day, day, place, type_, victims, victim_side, perpetrator,
                            killed, wounded)
        incident.target = self._draw_target(victims)
        self.incidents.append(incident)
        return incident

    def _draw_target(self, victims: str, other_than: str | None = "-") -> str | None:
        table = [(c, w) for c, w in TARGET_WEIGHTS[victims].items() if c != other_than]
        items, weights = zip(*table)
        return self.trng.choices(items, weights)[0]

    def target_text(self, incident: Incident, lang: str) -> str | None:
        """What was hit, as this claim says it, or None when it does not say."""
        trng = self.trng
        if trng.random() >= TARGET_MENTION[incident.victims] * self.target_rate or incident.type == "sniper fire":
            return None   # a sniper hits people, not a building
        category = incident.target
        if trng.random() < 0.05:   # names the wrong thing
            category = self._draw_target(incident.victims, other_than=category)
        text = trng.choice(TARGET_WORDS[category][lang])
        if incident.victims == "civilian" and category not in ("homes", None) and trng.random() < 0.1:
            text += {"en": " and nearby houses", "uk": " та житлові будинки", "ru": " и жилые дома"}[lang]
        return text

    def sibling(self, first: Incident) -> Incident:
        """A different incident at the same place, 0-2 days apart: the hard negative."""
        rng = self.rng
        gap = self.pick([(0, 15), (1, 50), (2, 35)]) * rng.choice([-1, 1])
        day = min(max(first.start + timedelta(days=gap), START), START + timedelta(days=self.span_days - 1))
        how = self.pick([("type", 40), ("victims", 30), ("same", 30)])
        type_, victims = first.type, first.victims
        if how == "type":
            # Another family of incident (reconciler/data/kinds.yaml): not rocket fire for artillery.
            family = kind_family(event_type_category(first.type))
            type_ = self.pick([(t, w) for t, w in TYPE_WEIGHTS.items()
                               if kind_family(event_type_category(t)) != family])
        elif how == "victims":
            victims = "civilian" if first.victims == "military" else "military"
        incident = self.single_incident(first.place, day, type_, victims)
        incident.sibling_of = first.id
        return incident

    def choose_origins(self, incident: Incident) -> list[str]:
        n = self.count([(1, 40), (2, 30), (3, 18), (4, 8), (5, 4)])
        if incident.victims == "military":
            own = "NORTH" if incident.victim_side == "North" else "SOUTH"
            enemy = "SOUTH" if own == "NORTH" else "NORTH"
            weights = {own: 6, "MONITOR": 2.5, enemy: 1.5, "MEDICS": 0.4, "REPORTER": 0.7, "UNNAMED": 1, "CHANNEL": 1}
        else:
            own = "NORTH" if incident.victim_side == "North" else "SOUTH"
            enemy = "SOUTH" if own == "NORTH" else "NORTH"
            weights = {own: 4, "MONITOR": 3, enemy: 2, "MEDICS": 2.5, "REPORTER": 1, "UNNAMED": 1, "CHANNEL": 1}
        chosen = []
        for _ in range(n):
            key = self.pick(weights.items())
            chosen.append(key)
            del weights[key]
        return chosen

    # -- claims
    def actor_for(self, incident: Incident, origin: Origin) -> str | None:
        """Who the origin says did it: the parties blame each other; others name the truth, if anyone."""
        rng = self.rng
        if rng.random() >= origin.names_actor:
            return None
        if origin.side is None:
            side = incident.perpetrator if origin.key != "CHANNEL" else rng.choice(["North", "South"])
        elif incident.victims == "military":
            side = _other(origin.side) if origin.side == incident.victim_side else origin.side
        else:
            side = _other(origin.side)   # civilians: each side blames the other
        group = "variant" if rng.random() < 0.1 else "same"
        return rng.choice(ACTORS[side][group])

    def figure(self, n: int) -> object:
        """A true figure as a person might write it; the interval always contains ``n``."""
        rng, r = self.rng, self.rng.random()
        if n == 0:
            return rng.choice([0, "0", "no", "none"])
        if r < 0.35:
            return n
        if r < 0.55:
            return str(n)
        if r < 0.70 and n < len(NUMBER_WORDS):
            return NUMBER_WORDS[n]
        if r < 0.80:
            return f"at least {rng.choice([n, max(n - 1, 1)])}"
        if r < 0.85:
            return f"more than {n - 1}"
        if r < 0.90 and n >= 3:
            return f"about {n}"
        if r < 0.95:
            return f"{max(n - 1, 0)}-{n + rng.choice([0, 1])}" if n > 1 else f"{n}-{n + 1}"
        if r < 0.98:
            return f"up to {n + rng.choice([0, 1, 2])}"
        return n

    def place_text(self, place: Place, lang: str) -> str:
        rng = self.rng
        if lang != "en" and place.cyrillic and rng.random() < 0.8:
            name = rng.choice(place.cyrillic)
        elif place.latin and rng.random() < 0.55:
            name = rng.choice(place.latin)
        else:
            name = place.name
        if lang == "en" and rng.random() < 0.2:
            pattern = rng.choice(PREFIXES)
            return pattern.replace("{n}", str(rng.randint(2, 15))).replace("{d}", rng.choice(DIRECTIONS)).format(name)
        return name

    def date_noise(self, day: date) -> date:
        r = self.rng.random()
        shift = 0 if r >= 0.28 else (self.rng.choice([-1, 1]) if r >= 0.03 else self.rng.choice([-2, 2]))
        return min(max(day + timedelta(days=shift), START - timedelta(days=3)), START + timedelta(days=self.span_days + 3))

    def source_name(self, origin: Origin, channel: int | None) -> str:
        return f"Channel X{channel}" if origin.key == "CHANNEL" else self.pick(origin.sources)

    def routing(self, origin: Origin, source: str, day: date, taken: set) -> tuple[list[str], str | None, date]:
        """Relays, report title and publication date; never two claims of one origin about one
        incident in one report (that would tell the matcher they are distinct incidents)."""
        rng = self.rng
        for _attempt in range(6):
            n_via = self.pick([(0, 45), (1, 45), (2, 10)])
            published = day + timedelta(days=self.pick([(0, 40), (1, 45), (2, 15)]))
            via = rng.sample(AGENCIES, n_via)
            if via:
                report = f"{via[0]}: front-line round-up no. {rng.randint(1, 4)}, {published.isoformat()}"
            elif origin.bulletin and source == origin.bulletin and rng.random() < 0.65:
                report, published = f"{source} daily report for {day.isoformat()}", day + timedelta(days=1)
            else:
                report = None
            if report is None or (origin.key, report) not in taken:
                taken.add((origin.key, report))
                return via, report, published
        return [], None, day

    def text(self, lang: str, source: str, stance: str, fields: dict) -> str:
        place = fields.get("place") or fields.get("region") or "an unnamed location"
        what = fields.get("type") or {"en": "an incident", "uk": "інцидент", "ru": "инцидент"}[lang]
        who = fields.get("victims") or {"en": "people", "uk": "людей", "ru": "людей"}[lang]
        k, w = fields.get("killed"), fields.get("wounded")
        by = fields.get("actor")
        when = self.rng.choice(["in the morning", "in the afternoon", "in the evening", "overnight", "", ""])
        hit = fields.get("target")
        if lang == "uk":
            base = f"{place}: {what}. Загинули: {k if k is not None else '—'}, поранені: {w if w is not None else '—'} ({who})."
            base += f" Пошкоджено: {hit}." if hit else ""
            return base + (f" Винні: {by}." if by else "") if stance == "asserts" else f"{source} заперечує: {what}, {place}."
        if lang == "ru":
            base = f"{place}: {what}. Погибли: {k if k is not None else '—'}, ранены: {w if w is not None else '—'} ({who})."
            base += f" Повреждено: {hit}." if hit else ""
            return base + (f" Виновны: {by}." if by else "") if stance == "asserts" else f"{source} отрицает: {what}, {place}."
        if stance == "denies":
            return f"{source} denied reports of {what} at {place}, calling them a provocation."
        parts = [f"{source} reported {what} {when}, {place}".replace("  ", " ").replace(" ,", ",")]
        if hit:
            parts.append(f"hitting {hit}")
        if by:
            parts.append(f"blamed on {by}")
        figures = [f"{k} killed" if k is not None else "", f"{w} wounded" if w is not None else ""]
        figures = [f for f in figures if f]
        return ", ".join(parts) + (f"; {who}: {' and '.join(figures)}." if figures else ".")

    def claim(self, incident: Incident, origin: Origin, *, channel: int | None, taken: set, stance: str = "asserts",
              day: date | None = None, killed: int | None = None, actor: str | None | bool = True) -> dict:
        rng = self.rng
        lang = self.pick(origin.langs)
        source = self.source_name(origin, channel)
        day = day or self.date_noise(incident.start)
        via, report, published = self.routing(origin, source, day, taken)
        if via:
            lang = "en"   # agencies translate
        fields: dict = {}
        if incident.place is not None and rng.random() >= 0.03:
            fields["place"] = self.place_text(incident.place, lang)
        elif incident.place is not None and self.grng.random() < REGION_MENTION * self.region_rate:
            fields["region"] = self.grng.choice(region_words(incident.place.admin1, lang))
        if rng.random() >= 0.08:
            fields["type"] = rng.choice(TYPES[incident.type][lang])
        target = self.target_text(incident, lang)
        if target:
            fields["target"] = target
        if rng.random() >= 0.03 or stance == "denies":
            cat = "people" if rng.random() < (0.1 if incident.victims == "civilian" else 0.05) else incident.victims
            fields["victims"] = rng.choice(VICTIMS[cat][lang])
        if stance == "asserts":
            k, w = (incident.killed if killed is None else killed), incident.wounded
            r = rng.random()
            drop = "killed" if r < 0.05 else ("wounded" if r < 0.10 else None)   # one figure left out
            if (k or rng.random() < 0.3) and not (drop == "killed" and w):
                fields["killed"] = self.figure(k)
            if w and not (drop == "wounded" and "killed" in fields):
                fields["wounded"] = self.figure(w)
            name = self.actor_for(incident, origin) if actor is True else actor
            if name:
                fields["actor"] = name
        ref = f"c{self.seed}-{len(self.claims):07d}"
        row = {"ref": ref, "source": source}
        if via:
            row["via"] = via
        if report:
            row["report"] = report
        row["published"] = published.isoformat()
        row["date"] = day.isoformat()
        row.update(fields)
        if origin.key == "MONITOR" and incident.place is not None and rng.random() < 0.5:
            row["lat"] = round(incident.place.lat + rng.uniform(-0.01, 0.01), 5)
            row["lon"] = round(incident.place.lon + rng.uniform(-0.01, 0.01), 5)
        row["stance"] = stance
        row["text"] = self.text(lang, source, stance, {**fields, "actor": fields.get("actor")})
        row["lang"] = lang
        self._unique(row)
        self.claims.append(row)
        self.claim_incident[ref] = incident.id
        incident.refs.append(ref)
        return row

    def _unique(self, row: dict) -> None:
        """The importer drops a claim whose content (all but ref) repeats another's; a
        generated claim must therefore differ from every other in some field."""
        n = 0
        while True:
            content = {k: v for k, v in row.items() if k != "ref"}
            content["source"] = canonical(row["source"])
            content["via"] = [canonical(v) for v in row.get("via", [])]
            key = json.dumps(content, sort_keys=True, ensure_ascii=False)
            if key not in self._fingerprints:
                self._fingerprints.add(key)
                return
            n += 1
            row["note"] = f"entry {n + 1} of this text"

    def report_incident(self, incident: Incident) -> None:
        rng = self.rng
        origins = self.choose_origins(incident)
        accused_key = "NORTH" if incident.perpetrator == "North" else "SOUTH"
        incident.denied = rng.random() < 0.05
        if incident.denied:
            origins = [o for o in origins if o != accused_key] or ["MONITOR"]
        known = [o for o in origins if o in ("NORTH", "SOUTH", "MONITOR", "MEDICS", "REPORTER")]
        contradict = None
        if len(known) >= 2 and rng.random() < 0.09:
            contradict, incident.contradicted = known[-1], True
        taken: set = set()
        for key in origins:
            origin = ORIGINS[key]
            channel = rng.randint(1, 40) if key == "CHANNEL" else None
            killed = None
            if key == contradict:
                killed = incident.killed + rng.randint(2, 4) if incident.killed <= 2 else max(incident.killed // 3, 0)
            first = self.claim(incident, origin, channel=channel, taken=taken, killed=killed)
            incident.origins.append(key)
            if rng.random() < 0.25:
                for _ in range(self.pick([(1, 70), (2, 30)])):
                    same_day = date.fromisoformat(first["date"]) if rng.random() < 0.75 else None
                    actor = first.get("actor") if rng.random() < 0.6 else True
                    toll = killed
                    if self.vrng.random() < 0.25:   # a later report: the toll rose
                        toll = (incident.killed if killed is None else killed) + self.vrng.choice([1, 1, 2])
                    self.claim(incident, origin, channel=channel, taken=taken, day=same_day, killed=toll, actor=actor)
        if incident.denied:
            self.claim(incident, ORIGINS[accused_key], channel=None, taken=taken, stance="denies")
            incident.origins.append(accused_key)

    def period_claim(self) -> None:
        """'N soldiers killed since the start of the year': its own incident unless a second
        origin reports the same period and victims."""
        rng = self.rng
        reuse = [p for p in self.periods if len(p.origins) < 3]
        if reuse and rng.random() < 0.3:
            incident = rng.choice(reuse)
        else:
            # A scope (period and victims) belongs to one tally: two incidents sharing one could
            # not be told apart by any claim, so a drawn scope already in use is drawn again.
            # Periods start on the first of a month; when those scopes run out (5,720 of them: a
            # million claims hold more periods), on any day.
            for attempt in itertools.count():
                year = rng.choice([2021, 2022])
                if attempt < 50:
                    start = date(year, 1, 1) if rng.random() < 0.5 else date(year, rng.randint(1, 10), 1)
                else:
                    start = date(year, 1, 1) + timedelta(days=rng.randint(0, 300))
                end = start + timedelta(days=rng.randint(8, 150))
                victims = self.pick([("military", 70), ("civilian", 30)])
                if (start, end, victims) not in self._scopes:
                    self._scopes.add((start, end, victims))
                    break
            side = rng.choice(["North", "South"])
            incident = Incident(self.new_id(), "period", start, end, None, None, victims, side, _other(side),
                                rng.randint(5, 300), rng.randint(0, 600))
            self.periods.append(incident)
        if incident.victims == "military":
            candidates = ["NORTH" if incident.victim_side == "North" else "SOUTH", "MONITOR"]
        else:
            candidates = ["MONITOR", "MEDICS", "NORTH" if incident.victim_side == "North" else "SOUTH"]
        candidates = [c for c in candidates if c not in incident.origins] or ["REPORTER"]
        key = rng.choice(candidates)
        origin = ORIGINS[key]
        lang = self.pick(origin.langs)
        source = self.source_name(origin, None)
        who = rng.choice(VICTIMS[incident.victims][lang])
        killed = self.figure(incident.killed)
        span = f"{incident.start.isoformat()}/{incident.end.isoformat()}"
        text = {"en": f"{source}: {killed} {who} killed between {span}.",
                "uk": f"{source}: з {incident.start.isoformat()} загинули {killed} ({who}).",
                "ru": f"{source}: с {incident.start.isoformat()} погибли {killed} ({who})."}[lang]
        ref = f"c{self.seed}-{len(self.claims):07d}"
        row = {"ref": ref, "source": source, "published": (incident.end + timedelta(days=1)).isoformat(),
               "date": span, "victims": who, "killed": killed, "stance": "asserts", "text": text, "lang": lang}
        self._unique(row)
        self.claims.append(row)
        self.claim_incident[ref] = incident.id
        incident.refs.append(ref)
        incident.origins.append(key)

    def run(self, n_claims: int) -> None:
        while len(self.claims) < n_claims:
            if self.rng.random() < 0.055:
                self.period_claim()
                continue
            incident = self.single_incident()
            self.report_incident(incident)
            if self.rng.random() < 0.08:
                self.report_incident(self.sibling(incident))


def _hold_back(gen: Generator, n_extra: int, recent_days: int | None = None) -> set[str]:
    """Refs of the later claims: ~70 % about incidents nobody reported before, the rest new
    reports about incidents already stored. With ``recent_days``, both are of the incidents of
    the last days (the latest first), as a desk's claims of the last day or two are; without,
    of any day."""
    extra: set[str] = set()
    incidents = list(reversed(gen.incidents))
    if recent_days is not None:
        last = max(i.start for i in gen.incidents)
        incidents = sorted((i for i in gen.incidents if i.start > last - timedelta(days=recent_days)),
                           key=lambda i: (i.start, i.id), reverse=True)
    for incident in incidents:
        if len(extra) + len(incident.refs) > 0.7 * n_extra:
            break
        extra.update(incident.refs)
    stored = gen.incidents if recent_days is None else incidents
    later = [r for i in stored for r in i.refs[1:] if r not in extra and i.refs[0] not in extra]
    gen.rng.shuffle(later)
    extra.update(later[:n_extra - len(extra)])
    return extra


def generate_split(n_base: int, n_extra: int, seed: int,
                   span_days: int = SPAN_DAYS, target_rate: float = 1.0,
                   region_rate: float = 1.0,
                   recent_days: int | None = None) -> tuple[list[dict], list[dict], list[dict], dict]:
    """(sources, base claims, extra claims, truth): the extra claims arrive later (about the
    incidents of the last ``recent_days`` days, where given: :func:`_hold_back`).

    ``truth`` has ``claims`` (ref -> incident id), and per incident its description, the
    ``grade``/``grade_strict`` over all claims and ``base_grade``/``base_grade_strict`` over
    the base claims only (None when the incident has none).
    """
    check_vocabulary()
    gen = Generator(seed, span_days, target_rate, region_rate)
    gen.run(n_base + n_extra)
    surplus = gen.claims[n_base + n_extra:]
    for row in surplus:
        incident = gen.claim_incident.pop(row["ref"])
        for i in gen.incidents + gen.periods:
            if i.id == incident:
                i.refs.remove(row["ref"])
    claims = gen.claims[:n_base + n_extra]
    extra_refs = _hold_back(gen, n_extra, recent_days) if n_extra else set()
    base = [c for c in claims if c["ref"] not in extra_refs]
    extra = [c for c in claims if c["ref"] in extra_refs]
    base.sort(key=lambda c: (c["published"], c["ref"]))
    extra.sort(key=lambda c: (c["published"], c["ref"]))
    truth = {"seed": seed, "span_days": span_days, "target_rate": target_rate, "region_rate": region_rate,
             "claims": dict(gen.claim_incident), "incidents": {}}
    grades = {s: incident_grades(claims, gen.claim_incident, s) for s in (False, True)}
    base_grades = {s: incident_grades(base, gen.claim_incident, s) for s in (False, True)}
    for incident in gen.incidents + gen.periods:
        if not incident.refs:
            continue
        truth["incidents"][incident.id] = incident.summary() | {
            "n_claims": len(incident.refs), "grade": grades[False][incident.id],
            "grade_strict": grades[True][incident.id], "base_grade": base_grades[False].get(incident.id),
            "base_grade_strict": base_grades[True].get(incident.id)}
    return [dict(s) for s in SOURCES], base, extra, truth


def generate(n_claims: int, seed: int, span_days: int = SPAN_DAYS,
             target_rate: float = 1.0) -> tuple[list[dict], list[dict], dict]:
    """(sources, claims, truth) for ``n_claims`` claims; the same seed gives the same output."""
    sources, base, _extra, truth = generate_split(n_claims, 0, seed, span_days, target_rate)
    return sources, base, truth


def stats(claims: list[dict], truth: dict) -> dict:
    """What was generated: sizes, noise and grades, to check the generator is realistic."""
    incidents = truth["incidents"]
    sizes = Counter(v["n_claims"] for v in incidents.values())
    return {
        "claims": len(claims), "incidents": len(incidents),
        "period_incidents": sum(v["kind"] == "period" for v in incidents.values()),
        "incidents_with_sibling": sum(1 for v in incidents.values() if v["sibling_of"]) * 2,
        "claims_per_incident": dict(sorted(sizes.items())),
        "grades": dict(Counter(v["grade"] for v in incidents.values())),
        "grades_strict": dict(Counter(v["grade_strict"] for v in incidents.values())),
        "denied": sum(v["denied"] for v in incidents.values()),
        "contradicted": sum(v["contradicted"] for v in incidents.values()),
        "no_place": sum("place" not in c for c in claims),
        "unregistered_claims": sum(1 for c in claims if c["source"].startswith("Channel X")),
    }


def write(out: Path, sources: list[dict], base: list[dict], extra: list[dict], truth: dict) -> None:
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    with open(out / "sources.yaml", "w", encoding="utf-8") as fh:
        fh.write("# Fictional sources for the synthetic benchmark (bench/generate.py).\n"
                 "# 'Channel X<n>' sources are left out on purpose: they stay unregistered.\n")
        yaml.safe_dump(sources, fh, allow_unicode=True, sort_keys=False)
    for name, rows in (("claims.jsonl", base), ("claims-extra.jsonl", extra)):
        if name == "claims-extra.jsonl" and not rows:
            continue
        with open(out / name, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(out / "truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True, help="Number of claims in claims.jsonl.")
    parser.add_argument("--extra", type=int, default=0, help="Claims arriving later, in claims-extra.jsonl.")
    parser.add_argument("--extra-days", type=int, default=None, metavar="DAYS",
                        help="The claims arriving later are about the incidents of the last DAYS days (the latest "
                             "first), as a desk's new claims are; by default about incidents of any day.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--span-days", type=int, default=SPAN_DAYS,
                        help=f"Days the single incidents are spread over (default {SPAN_DAYS}): with more claims "
                             "over the same days, more different incidents meet at one place within a day or two.")
    parser.add_argument("--target-rate", type=float, default=1.0,
                        help="Scales how often claims name what was hit (default 1: 55 %% of claims about civilian "
                             "harm, 25 %% about soldiers); 0 leaves it out, giving the seed's claims otherwise unchanged.")
    parser.add_argument("--region-rate", type=float, default=1.0,
                        help="Scales how often a claim without a town names its region (default 1: 60 %%); 0: never.")
    parser.add_argument("--out", type=Path, required=True, help="Directory to write into.")
    args = parser.parse_args(argv)
    sources, base, extra, truth = generate_split(args.claims, args.extra, args.seed, args.span_days, args.target_rate,
                                                 args.region_rate, args.extra_days)
    write(args.out, sources, base, extra, truth)
    print(json.dumps(stats(base + extra, truth), indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

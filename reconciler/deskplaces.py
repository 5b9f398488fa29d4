"""A desk's own places: a GeoNames country dump and the desk's landmarks, kept in the database.

The bundled gazetteer holds populated places of 500 inhabitants or more; much of a front line is
smaller villages, and reports name airports, mines, plants, checkpoints and hills. A desk adds
them with ``reconcile places import``, from either of two files:

- **a GeoNames country dump** (``UA.txt`` from the GeoNames export, tab-separated, 19 columns:
  geonameid, name, asciiname, alternatenames, latitude, longitude, feature class, feature code,
  country code, cc2, admin1 code, admin2, admin3, admin4, population, elevation, dem, timezone,
  modification date). Rows of the feature classes in ``DEFAULT_CLASSES`` are kept: populated
  places and the sections of cities (P), spots such as airports, mines, plants and checkpoints
  (S), hills such as Saur-Mohyla (T) and areas (L). A row keeps its GeoNames id, so a place the
  bundled gazetteer holds too is the same place, with the dump's names added.
- **the desk's own places**, a CSV with the columns ``name``, ``lat``, ``lon`` and optionally
  ``aliases`` (``;``-separated), ``region`` (an oblast as the regions table reads it) and
  ``population``: a landmark such as "IL-76 crash site". Without a region, a place takes the
  region of the nearest bundled populated place within ``REGION_FROM_NEAREST_KM``.

The places live in the ``places`` and ``place_names`` tables, so that the whole desk reads
claims with them; every import is one transaction and one audit entry, and a file with any
problem is refused whole with file, line and field. Commands that read places lay them over the
bundled gazetteer (:func:`desk_gazetteer`); claims stored before an import keep what they were
read as until ``reconcile renormalise`` reads them again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from . import audit, content
from .db import CHUNK, among, chunks, parts
from .errors import InputError, Problem
from .limits import Limits, key_width_problem, shown_key, text_problem
from .gazetteer import Gazetteer, GazetteerPlace, shared_gazetteer
from .marks import touch_where
from .models import Claim, Place, PlaceName, core, utcnow
from .places import place_id_key
from .textfiles import Lines, csv_records, refuse_problems
from .translit import ascii_key

DEFAULT_CLASSES = frozenset("PSTL")
FEATURE_CLASSES = frozenset("AHLPRSTUV")
GEONAMES_COLUMNS = 19
DESK_COLUMNS = ("name", "aliases", "lat", "lon", "region", "population")
REGION_FROM_NEAREST_KM = 20.0
MAX_NAME = 300


@dataclass(frozen=True)
class PlaceRow:
    """One place read from a file, before it is stored."""

    origin: str                    # 'geonames' or 'desk'
    geonameid: int | None
    name: str
    names: tuple[str, ...]         # every name it goes by, its own first
    lat: float
    lon: float
    feature_class: str | None
    feature_code: str | None
    country: str | None
    admin1: str | None
    population: int
    line: int


def read_places_file(path: Path, gazetteer: Gazetteer | None = None,
                     classes: frozenset[str] = DEFAULT_CLASSES, limits: Limits = Limits()) -> list[PlaceRow]:
    """Read a GeoNames dump (``.txt``, tab-separated) or a desk's places CSV (``.csv``), line by
    line within ``limits.line_bytes``.

    Raises :class:`InputError` listing every problem (file, line, field, what was expected)."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".csv"):
        raise InputError([Problem(name, None, None, "has an unknown extension; expected .txt (a GeoNames dump) "
                                                    "or .csv (the desk's own places)")])
    lines = Lines(path, name, limits, records=suffix == ".csv")
    rows: list[PlaceRow] = []
    problems: list[Problem] = []
    try:
        if suffix == ".txt":
            _geonames_rows(name, lines, classes, rows, problems)
        else:
            _desk_rows(name, lines, gazetteer or shared_gazetteer(), rows, problems)
    except InputError as exc:   # the file could not be read on: what was found before it counts too
        problems.extend(exc.problems)
    refuse_problems(name, lines, problems, len(rows), "is empty; expected places",
                    f"holds no places of the feature classes kept ({', '.join(sorted(classes))})")
    return rows


def _number(value: str, kind: type, name: str, line: int, column: str, problems: list[Problem],
            low: float | None = None, high: float | None = None) -> float | int | None:
    try:
        number = kind(value.strip())
    except ValueError:
        problems.append(Problem(name, line, column, f"expected a number, got {value!r}"))
        return None
    if (isinstance(number, float) and not math.isfinite(number)) or (low is not None and number < low) \
            or (high is not None and number > high):
        problems.append(Problem(name, line, column, f"expected a number between {low:g} and {high:g}, got {value!r}"))
        return None
    return number


def _names(*groups) -> tuple[str, ...]:
    """Distinct names, in order, leaving out empty ones, ones without letters and any that cannot
    be stored (longer than a name or its key can be, or holding a NUL)."""
    found: dict[str, None] = {}
    for group in groups:
        for name in group:
            name = name.strip()
            if name and ascii_key(name) and _name_problem(name) is None:
                found.setdefault(name)
    return tuple(found)


def _name_problem(name: str) -> str | None:
    """What keeps a name (with letters) from being stored: its length or its key's, a NUL."""
    return text_problem(name, MAX_NAME) or key_width_problem(ascii_key(name))


# Codes stored in columns of these widths (PostgreSQL enforces them): GeoNames column, cell, width.
_CODES = (("feature code", 7, 10), ("country code", 8, 2), ("admin1 code", 10, 20))


def _geonames_rows(name: str, lines: Lines, classes: frozenset[str], rows: list[PlaceRow],
                   problems: list[Problem]) -> None:
    """Append each kept row of a GeoNames dump to ``rows``, each fault to ``problems``."""
    for line in lines:
        number, line = lines.number, line.rstrip("\r\n")
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != GEONAMES_COLUMNS:
            problems.append(Problem(name, number, None, f"expected {GEONAMES_COLUMNS} tab-separated columns (the "
                                                        f"GeoNames dump format), got {len(cells)}"))
            continue
        before = len(problems)
        gid = _number(cells[0], int, name, number, "geonameid", problems, 1, 2**31 - 1)
        lat = _number(cells[4], float, name, number, "latitude", problems, -90, 90)
        lon = _number(cells[5], float, name, number, "longitude", problems, -180, 180)
        population = _number(cells[14] or "0", int, name, number, "population", problems, 0, 2**31 - 1)
        feature_class = cells[6].strip()
        if feature_class not in FEATURE_CLASSES:
            problems.append(Problem(name, number, "feature class", "expected one of the GeoNames feature classes "
                                                                   f"{', '.join(sorted(FEATURE_CLASSES))}, got "
                                                                   f"{feature_class!r}"))
        if not cells[1].strip() or len(cells[1].strip()) > MAX_NAME or not ascii_key(cells[1]):
            problems.append(Problem(name, number, "name", f"expected a name of 1 to {MAX_NAME} characters with "
                                                          f"letters, got {cells[1][:40]!r}"))
        elif _name_problem(cells[1].strip()) is not None:
            problems.append(Problem(name, number, "name", _name_problem(cells[1].strip())))
        for column, cell, width in _CODES:
            message = text_problem(cells[cell].strip(), width)
            if message is not None:
                problems.append(Problem(name, number, column, message))
        if len(problems) > before or feature_class not in classes:
            continue
        rows.append(PlaceRow("geonames", gid, cells[1].strip(), _names([cells[1], cells[2]], cells[3].split(",")),
                             lat, lon, feature_class, cells[7].strip() or None, cells[8].strip() or None,
                             cells[10].strip() or None, population, number))


def _desk_rows(name: str, lines: Lines, gazetteer: Gazetteer, rows: list[PlaceRow],
               problems: list[Problem]) -> None:
    """Append each place of a desk's CSV to ``rows``, each fault to ``problems``."""
    records = csv_records(lines)
    first = next(records, None)
    if first is None:
        return
    header = [h.strip() for h in first[1]]
    found = [Problem(name, 1, shown_key(column), f"unknown column; expected {', '.join(DESK_COLUMNS)}")
             for column in header if column not in DESK_COLUMNS]
    found += [Problem(name, 1, column, "is given twice") for column in sorted(set(header))
              if header.count(column) > 1]
    found += [Problem(name, 1, column, "is a required column") for column in ("name", "lat", "lon")
              if column not in header]
    if found:
        problems.extend(found)
        return
    seen: dict[str, int] = {}
    for number, values in records:
        if len(values) != len(header):
            problems.append(Problem(name, number, None, f"has {len(values)} values; the header has "
                                                        f"{len(header)} columns"))
            continue
        row = dict(zip(header, values))
        place = _desk_row(name, number, row, gazetteer, problems)
        if place is None:
            continue
        key = ascii_key(place.name)
        if key in seen:
            problems.append(Problem(name, number, "name", f"{place.name!r} is given at line {seen[key]} too"))
            continue
        seen[key] = number
        rows.append(place)


def _desk_row(name: str, number: int, row: dict, gazetteer: Gazetteer, problems: list[Problem]) -> PlaceRow | None:
    before = len(problems)
    own = row["name"].strip()
    if not own or len(own) > MAX_NAME or not ascii_key(own):
        problems.append(Problem(name, number, "name", f"expected a name of 1 to {MAX_NAME} characters with letters, "
                                                      f"got {own[:40]!r}"))
    elif _name_problem(own) is not None:
        problems.append(Problem(name, number, "name", _name_problem(own)))
    lat = _number(row["lat"], float, name, number, "lat", problems, -90, 90)
    lon = _number(row["lon"], float, name, number, "lon", problems, -180, 180)
    population = _number(row.get("population") or "0", int, name, number, "population", problems, 0, 2**31 - 1)
    country = admin1 = None
    region_text = (row.get("region") or "").strip()
    if region_text:
        code = gazetteer.region_named(region_text)
        if code is None:
            problems.append(Problem(name, number, "region", "expected a region the regions table knows (e.g. "
                                                            f"'Donetsk oblast', 'Луганська область'), got {region_text!r}"))
        else:
            country, _, admin1 = code.partition(".")
    elif lat is not None and lon is not None:
        nearest = gazetteer.nearest(lat, lon, REGION_FROM_NEAREST_KM)
        if nearest is not None:
            country, admin1 = nearest[0].country, nearest[0].admin1 or None
    if len(problems) > before:
        return None
    aliases = [a for a in (row.get("aliases") or "").split(";")]
    return PlaceRow("desk", None, own, _names([own], aliases), lat, lon, None, None, country, admin1, population, number)


@dataclass
class PlacesSummary:
    added: list[int] = field(default_factory=list)      # places ids
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"added": len(self.added), "updated": len(self.updated), "unchanged": self.unchanged}


_STORED = ("name", "lat", "lon", "feature_class", "feature_code", "country", "admin1", "population")


def import_places(session: Session, rows: list[PlaceRow], user: str, file: str) -> PlacesSummary:
    """Store ``rows`` in the caller's transaction: new places added, changed ones updated (their
    names replaced), unchanged ones left; one audit entry names the places added and updated."""
    summary = PlacesSummary()
    stored = {(p.origin, p.geonameid if p.origin == "geonames" else ascii_key(p.name)): p
              for p in session.scalars(select(Place))}
    names_of: dict[int, list[str]] = {}
    for place_id, value in session.execute(select(PlaceName.place_id, PlaceName.name).order_by(PlaceName.id)):
        names_of.setdefault(place_id, []).append(value)
    now = utcnow()
    new_names: list[dict] = []
    moved: set[int] = set()   # gazetteer ids of stored places given other coordinates
    for row in rows:
        key = (row.origin, row.geonameid if row.origin == "geonames" else ascii_key(row.name))
        place = stored.get(key)
        values = {k: getattr(row, k) for k in _STORED}
        if place is None:
            place = Place(origin=row.origin, geonameid=row.geonameid, file=file, created_by=user, created_at=now,
                          **values)
            session.add(place)
            session.flush()
            stored[key] = place
            summary.added.append(place.id)
        elif {k: getattr(place, k) for k in _STORED} != values or tuple(names_of.get(place.id, ())) != row.names:
            if (place.lat, place.lon) != (values["lat"], values["lon"]):
                moved.add(gazetteer_id(place))
            for k, v in values.items():
                setattr(place, k, v)
            place.file, place.updated_by, place.updated_at = file, user, now
            session.execute(delete(PlaceName).where(PlaceName.place_id == place.id))
            summary.updated.append(place.id)
        else:
            summary.unchanged += 1
            continue
        new_names += [{"place_id": place.id, "name": n, "name_key": ascii_key(n)} for n in row.names]
    for part in chunks(new_names, 5000):
        session.connection().execute(core(PlaceName).insert(), part)
    _mark_claims_at(session, moved)
    if summary.added or summary.updated:
        audit.record(session, user, "places import", "places", after={
            "file": file, "added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged},
            content=content.places_written(session, user, summary.added + summary.updated))
    return summary


def _mark_claims_at(session: Session, moved: set[int]) -> None:
    """Mark for the next run the claims that may be at a place given other coordinates: a run
    reads a place's coordinates as stored now (distances, places near), so their pairs score
    otherwise, and a run re-decides only marked claims and what they reach. (Names added or
    changed are read by `reconcile renormalise`, which marks the claims it reads otherwise.)"""
    if not moved:
        return
    wanted, keys = {str(g) for g in moved}, {place_id_key(g) for g in moved}
    hit = [claim_id for claim_id, key, geonameid, candidates in session.execute(
        select(Claim.id, Claim.place_key, Claim.place_geonameid, Claim.place_candidates)
        .where(Claim.place_key.is_not(None)))
        if key in keys or geonameid in moved or (candidates and wanted & set(candidates.split(",")))]
    for part in parts(session, hit, CHUNK):
        touch_where(session, among(session, Claim.id, part))


def list_places(session: Session, origin: str | None = None) -> list[dict]:
    """The desk's places, with every name, in name order."""
    query = select(Place).order_by(Place.name, Place.id)
    if origin is not None:
        query = query.where(Place.origin == origin)
    names: dict[int, list[str]] = {}
    for place_id, value in session.execute(select(PlaceName.place_id, PlaceName.name).order_by(PlaceName.id)):
        names.setdefault(place_id, []).append(value)
    return [{"id": p.id, "origin": p.origin, "geonameid": p.geonameid, "name": p.name,
             "names": names.get(p.id, [])[1:], "lat": p.lat, "lon": p.lon, "feature": p.feature_code,
             "region": f"{p.country}.{p.admin1}" if p.country and p.admin1 else None,
             "population": p.population, "file": p.file} for p in session.scalars(query)]


def gazetteer_id(place: Place) -> int:
    """A desk place's id in the gazetteer: its GeoNames id, or the negated ``places`` id of the
    desk's own (so the two never meet)."""
    return place.geonameid if place.geonameid is not None else -place.id


_overlays: dict[tuple, Gazetteer] = {}


def desk_gazetteer(session: Session) -> Gazetteer:
    """The bundled gazetteer with the desk's places laid over it (the bundled one itself when the
    desk has none). Built once per process for each state of the places table."""
    signature = tuple(session.execute(select(func.count(Place.id), func.max(Place.id), func.max(Place.updated_at),
                                             func.count(PlaceName.id)).outerjoin(PlaceName, PlaceName.place_id ==
                                                                                 Place.id)).one())
    if signature[0] == 0:
        return shared_gazetteer()
    found = _overlays.get(signature)
    if found is None:
        places, names = [], {}
        ids = {}
        for p in session.scalars(select(Place)):
            gid = gazetteer_id(p)
            ids[p.id] = gid
            places.append(GazetteerPlace(gid, p.name, p.lat, p.lon, p.country or "", p.population, p.admin1 or ""))
        for place_id, key in session.execute(select(PlaceName.place_id, PlaceName.name_key)):
            # A place deleted with the sqlite3 shell (no cascade) leaves its names behind.
            if len(key) >= 3 and place_id in ids:
                names.setdefault(key, []).append(ids[place_id])
        found = _overlays[signature] = shared_gazetteer().overlaid(places, names)
    return found

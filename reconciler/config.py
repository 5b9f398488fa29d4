"""The matching and grading configuration: one frozen object with documented defaults.

Nothing in the core reads global settings; a run takes a :class:`Config` and records it.
Weights are points added to (or taken from) a pair's score; a pair at or above
``link_threshold`` may be linked, one between ``review_threshold`` and ``link_threshold`` is
uncertain and goes to the review queue.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from .datafiles import content_hash

# What the tool derives from claims and how it grades, as one version: the first run after an
# upgrade that changes either re-decides every event instead of only the new claims' (recorded
# with each run's configuration; see reconciler.runs.reconcile). Its second part is a digest of
# the word lists and tables in reconciler/data/ (vocabularies, regions, place words), so that no
# change of a word can forget it; raise SCORING_REVISION by hand when the code reads, scores or
# grades claims differently. 2: vocabulary of parties, quoted actors. 3: what was hit and one
# origin's reports of other occasions. 4: two groups merge only at the merge threshold. 5: places
# as candidate sets with distances and qualifiers; figures close or far apart; dates weighed by
# agreement; corroboration stricter than linking; groups merge at the merge threshold only when
# they contradict each other; the review queue holds pairs held back by one component. 6: periods
# that cross; a place one of several a list names; the same city counts less than the same village;
# one place beside another only within its extent; specific kinds of two related branches differ.
# 7: an outlet a dataset cites (ACLED's sources, UCDP's source_office) is no origin.
# 8: drafts not accepted (and rejected ones) count for no grade, origin or figure.
SCORING_REVISION = 8
POLICY_VERSION = f"{SCORING_REVISION}-{content_hash()}"


@dataclass(frozen=True)
class Weights:
    """Points per score component. Positive counts for a match, negative against it."""

    place_same: float = 4.0        # same gazetteer place, or the same place text
    place_similar: float = 3.0     # text places with similarity ≥ place_similar_min (scaled)
    place_beside: float = 4.0      # one place lies in or beside the other (a district of the city, the village by
                                   # the airport): within Config.place_beside_km of the larger one's extent
    place_same_city: float = 3.0   # the same city, or a district of it: a city holds many incidents a day, so
                                   # naming it says less than naming a village (Config.place_city_km)
    place_listed: float = 1.0      # one claim's place is a list of several (a bulletin's "3 in Bakhmut, 2 in
                                   # Toretsk") that holds the other's: one of the incidents it tallies, or another
    place_near: float = -1.0       # within Config.place_near_km: neighbouring villages, one incident placed at either
                                   # or two incidents (in dense fighting, more often two): a little against, so that
                                   # a pair agreeing on all else goes to the review queue, not into one event
    place_neighbour: float = -2.0  # within Config.place_neighbour_km: likely other places, but a person should see a
                                   # pair that agrees on everything else (the review queue)
    place_differs: float = -6.0    # both places known and different: different incidents
    place_unknown: float = -1.0    # one place missing: not a mismatch, but weaker evidence, so that
                                   # a claim without a place reaches the review queue, not a link
    place_inferred: float = 1.0    # one place missing, but the other claim's is the only place with a
                                   # compatible report within the dates (Config.place_inference_min)
    date_same: float = 2.0         # day-precise dates on the same day
    date_same_period: float = 4.0  # period claims of one scope: with the same victims, enough to link
    date_near: float = 1.0         # one day apart (within the tolerance)
    date_two_days: float = -0.5    # two days apart (each report a day off, or two incidents); an interval and a
                                   # date a day outside it: most reports lag by a day at most, so a little against
    date_overlap: float = 0.5      # coarse dates that overlap (a week, a range); intervals that agree more, more
    date_crossing: float = 0.0     # two stated intervals that cross (5-6 May and 6-7 May): each rules out days the
                                   # other gives, as rolling daily reports of two periods do; neither for nor against
    date_far: float = -2.0         # per day beyond the blocker's window (two days): such pairs are
                                   # never proposed, only scored inside a group other links formed
    type_same: float = 1.5
    type_compatible: float = 1.5   # a generic kind and a specific one under it (shelling and mortar fire): the less
                                   # specific claim agrees with all it states, as two claims of the generic kind do
    type_related: float = -1.0     # two specific kinds under one parent (mortar vs rocket fire), or shelling vs an air
                                   # strike: often confused, still a difference
    type_differs: float = -3.0
    victims_same: float = 1.0
    victims_compatible: float = 0.25   # one claim says only "people"
    victims_differs: float = -3.5      # soldiers vs civilians
    target_same: float = 1.0       # both name what was hit, with something in common (a school; a school and houses)
    target_differs: float = -3.5   # both name what was hit, nothing in common (a school vs the market): with
                                   # the same place, type and victims a day apart, below the link threshold
    actor_same: float = 0.5        # naming different actors is a contradiction to grade, not a reason to split
    figures_agree: float = 0.5     # killed/wounded intervals that overlap
    figures_close: float = -0.5    # intervals that cannot both be true but lie close (2 vs 3 killed): a toll
                                   # counted differently (Config.figures_far_ratio, figures_far_gap), no
                                   # contradiction, but a little against: most reports of one incident agree
    figures_differ: float = -1.5   # intervals far apart: weak evidence against, never
                                   # enough alone to part claims agreeing on place, type and victims
                                   # (Config checks: place + type + victims + this >= link threshold)
    origin_other_occasion: float = -4.0   # one origin, day-precise dates that differ, figures that cannot both be
                                         # true: its own reports of two occasions, not one incident told twice
    origin_other_day: float = -0.5  # one origin, day-precise dates that differ, figures that can both be true:
                                    # a little against (real bulletins: more often two occasions)
    text_similar: float = 1.0      # scaled by token-set similarity above text_similar_min


@dataclass(frozen=True)
class Config:
    """Everything a reconciliation run depends on. Recorded with each run."""

    date_tolerance_days: int = 1       # reporting lag: dates one day apart may be one incident
    period_days: int = 7               # a claim whose interval is longer than this is about a period
    period_end_tolerance_days: int = 0  # period claims of one scope end on the same day: a tally through
                                        # 7 April and one through 9 April are different figures
    link_threshold: float = 5.0
    merge_margin: float = 1.0          # clustering: a single claim joins a group of claims when the average score
                                       # over every pair between them reaches link_threshold, and so do two groups
                                       # of claims; two groups of two claims or more with a contradiction between
                                       # them (contradiction_points) merge only at link_threshold + merge_margin (the
                                       # merge threshold, 6). Measured: group merges averaging 5-6 with a
                                       # contradiction joined mostly different incidents (generator, 10,000 claims:
                                       # 26 of 132 pairs right), without one mostly the same (generator 121 of 145,
                                       # real claims 41 of 53)
    contradiction_points: float = -3.0  # a score component this low or lower contradicts (see merge_margin)
    review_threshold: float = 3.5
    place_similar_min: float = 0.85
    # Distances between two located places, from the nearest candidates, less the larger's extent
    # (its radius from its population: reconciler.gazetteer): conflict-event de-duplication works
    # with windows of about 1 and 5 km (xSub, MELTT).
    place_beside_km: float = 0.0       # one centre within the other's extent: adjoining districts are two places
    place_near_km: float = 5.0
    place_city_km: float = 3.5         # a place of this extent (radius) or more, about 100,000 people, is a city
    place_neighbour_km: float = 15.0   # also how far the blocker looks for pairs at neighbouring places
    # Figures that cannot both be true are far apart (grading: contested; matching: figures_differ)
    # when the larger is more than figures_far_ratio times the smaller and more than figures_far_gap
    # above it, or one says none and the other some; else they are close, a toll counted differently.
    figures_far_ratio: float = 2.0
    figures_far_gap: int = 2
    # Corroboration is stricter than linking (grading, rule "corroborated"): two origins corroborate
    # each other only through a pair of their claims at one place (or one within the other's
    # extent and at most this far beyond it: a district of the city, the village by the airport;
    # never farther than matching's place_beside_km), dates that
    # agree (of the days the two dates span, this share given by both: 1, the same day or the same
    # interval; a day within two days is 0.5), and nothing that differs.
    corroborate_km: float = 0.0
    corroborate_dates: float = 1.0
    place_inference_min: float = 4.0   # a placed claim is a compatible report for one without a place when
                                       # they score this much, quote left out: with the default weights the
                                       # same day, type and victims, and agreeing figures or the same actor
    text_similar_min: float = 0.5
    text_kind_weight: float = 0.5      # the kind a quote names counts this much of the type field's
    require_neutral: bool = False      # verified also needs a corroborating origin with no side
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        if self.merge_margin < 0:
            raise ValueError(f"merge_margin {self.merge_margin:g} is negative: merging two groups cannot need less "
                             "than joining one claim")
        w = self.weights
        complete = w.place_same + w.type_same + w.victims_same + w.date_near + w.figures_differ
        if complete < self.link_threshold:
            # Competing figures are the point of the tool: two reports (of different origins: one
            # origin's other day and other figures is Weights.origin_other_occasion) that agree on
            # place, type and victims within a day must still link.
            raise ValueError(
                f"figures_differ {w.figures_differ:g} would let differing figures alone part claims that agree on "
                f"place, type and victims: place_same + type_same + victims_same + date_near + figures_differ = "
                f"{complete:g} < link_threshold {self.link_threshold:g}")
        edge = w.place_same + w.type_same + w.victims_same + w.date_two_days + w.figures_differ
        if edge < self.review_threshold:
            # Two days apart (the edge of the blocker's window), such reports go to a person.
            raise ValueError(
                f"date_two_days {w.date_two_days:g} would hide reports agreeing on place, type and victims two days "
                f"apart from the review queue: place_same + type_same + victims_same + date_two_days + figures_differ "
                f"= {edge:g} < review_threshold {self.review_threshold:g}")
        groups = w.place_same + w.type_same + w.victims_same + w.date_near + w.figures_differ
        if groups < self.merge_threshold:
            # Two groups of reports of one incident, each telling its own figures (the army's
            # toll and the mission's), agreeing on place, type and victims a day apart, must merge.
            raise ValueError(
                f"merge_margin {self.merge_margin:g} would let differing figures part groups of reports that "
                f"agree on place, type and victims a day apart: place_same + type_same + victims_same + date_near "
                f"+ figures_differ = {groups:g} < merge threshold {self.merge_threshold:g} "
                f"(link_threshold + merge_margin)")

    @property
    def merge_threshold(self) -> float:
        """The average two groups of two claims or more need to merge (clustering)."""
        return self.link_threshold + self.merge_margin

    def is_period(self, days: int) -> bool:
        """Whether an interval of ``days`` days (first and last included) is about a period."""
        return days > self.period_days

    def as_dict(self) -> dict:
        """The settings, with the policy version they are read under."""
        return asdict(self) | {"policy_version": POLICY_VERSION}

    @classmethod
    def from_dict(cls, data: dict) -> "Config":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and k != "weights"}
        weights = Weights(**{k: v for k, v in (data.get("weights") or {}).items() if k in {f.name for f in fields(Weights)}})
        return cls(**values, weights=weights)

    def matching_part(self) -> dict:
        """The settings that change which claims are linked (grading settings excluded)."""
        data = self.as_dict()
        data.pop("require_neutral")
        return data

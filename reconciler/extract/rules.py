"""The extractor's rules, read from ``reconciler/data/extract/`` (``common.yaml`` and one file per
language) and compiled once: attribution patterns, hedges, denials, casualty words, date words,
place words. The files say in their comments what each list means."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..datafiles import load
from ..translit import ascii_key
from ..vocabulary import keyword_pattern

LANGUAGES = ("en", "uk", "ru")
_FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class Pattern:
    """One named rule: its compiled pattern and what it carries (a note, a date meaning)."""

    name: str
    regex: re.Pattern
    spec: dict

    def search(self, text: str) -> re.Match | None:
        return self.regex.search(text)


@dataclass(frozen=True)
class LanguageRules:
    lang: str
    attribution: tuple[Pattern, ...]
    unattributed: tuple[Pattern, ...]
    speaker_noise: tuple[str, ...]
    relay_noise: frozenset[str]
    speaker_refuse: frozenset[str]       # ascii keys
    speaker_relative: frozenset[str]     # "which Kyiv said …": a relative clause, no speaker of the sentence
    relative_clause: re.Pattern          # ", which denies the accusations,": not the sentence's statement
    speaker_not_last: frozenset[str]     # "The police chief was …": a passive's subject, no speaker
    speaker_not_first: frozenset[str]    # "citing preliminary data": no origin
    speaker_prepositions: frozenset[str] # "from", "из": "data from X" is X's; "Из Минобороны" the ministry
    reported_speech: re.Pattern          # ", that", ", что", ", що": what follows is told of its own subject
    speaker_lead_ins: frozenset[str]     # "In an interview with Reuters he said": words before a pronoun
    pronouns_male: frozenset[str]             # "he": a man where a first name says (ascii keys)
    pronouns_female: frozenset[str]           # "she": a woman where a first name says (ascii keys)
    pronouns_plural: frozenset[str]           # "they": anyone (ascii keys)
    speaker_pronouns_person: frozenset[str]   # "he", "she": a person (ascii keys)
    speaker_pronouns_thing: frozenset[str]    # "it": an organisation (ascii keys)
    person_titles: frozenset[str]
    organisation_words: frozenset[str]
    speaker_pronouns: frozenset[str]     # "he said", "за його словами": the story's last named speaker (ascii keys)
    speaker_clause_joins: re.Pattern     # a clause before the speaker ends at the last of these
    speaker_clause_not: re.Pattern       # phrases holding such a word that join no clause
    denier_goes_on: frozenset[str]       # "denies … while claiming 600 killed": the joined clause is the denier's
    hedges: tuple[re.Pattern, ...]
    denials: tuple[re.Pattern, ...]
    denial_asides: tuple[re.Pattern, ...]   # "…, a claim that Kyiv dismissed": another speaker's denial
    killed: re.Pattern
    wounded: re.Pattern
    total: re.Pattern
    not_victims: re.Pattern
    singular_killed: frozenset[str]
    singular_victims: frozenset[str]     # one victim by its noun (English): "kills civilian"
    singular_active: frozenset[str]      # a casualty verb whose object is its victim: "kills civilian"
    singular_passive: frozenset[str]     # a casualty word whose subject is its victim: "soldier killed"
    singular_passive_glue: frozenset[str]
    singular_relative: frozenset[str]
    singular_and_more: frozenset[str]
    singular_neutral_endings: tuple[str, ...]   # a singular noun's or adjective's endings beside such a form ("жителя", "дівчину")
    singular_neutral: frozenset[str]     # of singular_killed, the forms that say no number ("поранено"): a singular noun only
    singular_died: frozenset[str]        # "resident injured in shelling … dies": the wounded one died
    singular_died_not: frozenset[str]    # "… says his commander died": not the wounded one's verb
    figure_glue: frozenset[str]
    figure_glue_verbs: frozenset[str]    # verbs of receiving wounds, also glue: no free words in a gap (_gap_ok)
    figure_vague_oblique: frozenset[str]  # "кількох": a figure only before victims or a casualty word, not "кількох годин"
    figure_alternatives: frozenset[str]   # "two or three", "two to three", "between two and three": no group's figure
    figure_negations: frozenset[str]     # "no one was killed": no figure
    figure_none_of: frozenset[str]       # "None of the 30 people … was hurt": no figure
    figure_vague: frozenset[str]         # "how many", "so many": no figure (the two words)
    verb_negations: frozenset[str]       # "не поранено": a casualty word that counts nobody
    no_casualties: tuple[Pattern, ...]   # "no one was killed": a figure of none for the fields named
    no_casualties_not: tuple[re.Pattern, ...]   # a question, a hope, a denial…: no figure of none
    after_glue: frozenset[str]
    toll_words: frozenset[str]           # "death toll … rises to five": a toll's figure after a phrase
    toll_before: tuple[str, ...]         # "number of injured … increased to six"
    toll_rise: frozenset[str]
    toll_after: frozenset[str]           # words after a toll's figure that end its phrase ("rises to 23 in Uman")
    toll_negations: frozenset[str]       # "has not reached 400": no toll
    toll_things: re.Pattern              # "number of destroyed Russian tanks": a casualty word of things too
    inclusion_aside: re.Pattern          # ", including two children," left out when figures are read
    lone_aside: re.Pattern               # ", зокрема," alone between commas: read past, its commas no break
    sentence_aside: re.Pattern           # ", unfortunately,": a comment on the whole sentence, read past
    age_phrase: re.Pattern               # "aged between 20 and 45": left out too
    group_others: frozenset[str]         # "3 others", "3 more": people, after an age ("aged 62 and 3 others")
    article_words: frozenset[str]
    part_of: frozenset[str]
    part_of_then: frozenset[str]
    at_least: str
    group_and: frozenset[str]      # "and" between groups of victims ("two soldiers and three civilians")
    group_and_written: str         # the word that joins the victims of summed groups
    group_singular: frozenset[str]  # a victim's singular noun, one as a last group: "дві жінки та дитина"
    group_singular_then: frozenset[str]   # words such a group may be followed by ("… та дитина у Харкові")
    enumerations: tuple[Pattern, ...]
    kind_followers: frozenset[str]
    place_before: frozenset[str]
    place_near: frozenset[str]
    place_not_before: frozenset[str]
    place_subject_before: frozenset[str]
    place_object_after: tuple[str, ...]
    region_after: frozenset[str]
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_dates: tuple[Pattern, ...]
    numbers: dict[str, int]


@dataclass(frozen=True)
class CommonRules:
    speakers: dict[str, str]   # ascii key of a description → the name to give
    unattributed: str
    datelines: tuple[Pattern, ...]
    place_stop: frozenset[str]
    inflections: tuple[tuple[str, str], ...]
    adjective_inflections: tuple[tuple[str, str], ...]   # the first words of a name of several
    adjective_endings: tuple[str, ...]   # a declined adjective's endings (ascii): "Великої Британії"
    adjective_place_nouns: tuple[str, ...]   # "напрямках", "округе", "море": an adjective of place's noun
    adjective_place_joins: frozenset[str]
    whole_word_inflections: tuple[tuple[str, str], ...]   # "Кривому Розі": the last word replaced whole
    inflections_after_place_word: tuple[tuple[str, str], ...]
    inflections_after_place_word_towns: tuple[tuple[str, str], ...]   # into a town of ``town_population`` only
    town_population: int
    war_starts: tuple[date, ...]       # what "since the start of the war" may refer to, earliest first
    headline_slug: re.Pattern          # a wire slug at a headline's start ("UPDATE 2-")
    victims_whole: re.Pattern          # victims' words naming a whole category ("civilians"), on ascii keys
    male_first_names_in_a: frozenset[str]   # "Mykola": a man's name that ends as a woman's
    neuter_heads: tuple[str, ...]      # "Міноборони": a ministry, neuter whatever its ending
    separatist_words: re.Pattern = re.compile("(?!)")   # "separatists", "бойовики": a side of their own


def _patterns(specs: list[dict]) -> tuple[Pattern, ...]:
    # A rule with `case: true` tells names by their capitals ("Lavrov said"): matched as written.
    return tuple(Pattern(s["name"], re.compile(s["pattern"], re.UNICODE if s.get("case") else _FLAGS), s)
                 for s in specs)


def _words(words: list[str]) -> re.Pattern:
    # Longest first, so that "shot dead" wins over "shot" and "death toll" over "death".
    if not words:
        return re.compile(r"(?!)")   # no words: a pattern that never matches
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)", _FLAGS)


def _relative_clause(words: list[str]) -> re.Pattern:
    """A relative clause between commas (", which denies the accusations,", ", который называет
    обвинения ложью,"): what it says is not the sentence's statement."""
    if not words:
        return re.compile(r"(?!)")
    opening = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r",\s*(?:" + opening + r")\b[^,;:]*,", _FLAGS)


def _aside(words: list[str]) -> re.Pattern:
    """An aside that opens with one of ``words`` and ends at a comma: between commas (", including
    two children,") or right after a figure's words ("13 including two children,")."""
    if not words:
        return re.compile(r"(?!)")
    opening = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?:,\s*|(?<=\w)\s+)(?:" + opening + r")\s+[^,;:()–—]{1,60},", _FLAGS)


def _between_commas(words: list[str]) -> re.Pattern:
    """One of ``words`` alone between two commas (", зокрема,", ", unfortunately,")."""
    opening = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"
    return re.compile(r",\s*(?:" + opening + r")\s*,", _FLAGS)


@lru_cache(maxsize=None)
def language_rules(lang: str) -> LanguageRules:
    """The compiled rules of one language (``en``, ``uk`` or ``ru``)."""
    data = load(f"extract/{lang}")
    dates = data["dates"]
    return LanguageRules(
        lang=lang,
        attribution=_patterns(data["attribution"]),
        unattributed=_patterns(data.get("unattributed", [])),
        speaker_noise=tuple(sorted(data.get("speaker_noise", []), key=len, reverse=True)),
        relay_noise=frozenset(data.get("relay_noise", [])),
        speaker_refuse=frozenset(ascii_key(w) for w in data.get("speaker_refuse", [])),
        speaker_relative=frozenset(data.get("speaker_relative", [])),
        relative_clause=_relative_clause(data.get("relative_clause_words", [])),
        speaker_not_last=frozenset(data.get("speaker_not_last", [])),
        speaker_not_first=frozenset(data.get("speaker_not_first", [])),
        speaker_prepositions=frozenset(data.get("speaker_prepositions", [])),
        reported_speech=re.compile("|".join(data.get("reported_speech", [])) or "(?!)", _FLAGS),
        speaker_lead_ins=frozenset(data.get("speaker_lead_ins", [])),
        pronouns_male=frozenset(ascii_key(w) for w in data.get("pronouns_male", [])),
        pronouns_female=frozenset(ascii_key(w) for w in data.get("pronouns_female", [])),
        pronouns_plural=frozenset(ascii_key(w) for w in data.get("pronouns_plural", [])),
        speaker_pronouns_person=frozenset(ascii_key(w) for w in data.get("speaker_pronouns_person", [])),
        speaker_pronouns_thing=frozenset(ascii_key(w) for w in data.get("speaker_pronouns_thing", [])),
        person_titles=frozenset(w.lower() for w in data.get("person_titles", [])),
        organisation_words=frozenset(w.lower() for w in data.get("organisation_words", [])),
        speaker_pronouns=frozenset(ascii_key(w) for w in data.get("speaker_pronouns", [])),
        speaker_clause_joins=_words([re.escape(w) for w in data.get("speaker_clause_joins", [])]),
        speaker_clause_not=_words([re.escape(w) for w in data.get("speaker_clause_not", [])]),
        denier_goes_on=frozenset(data.get("denier_goes_on", [])),
        hedges=tuple(re.compile(h["pattern"], _FLAGS) for h in data.get("hedges", [])),
        denials=tuple(re.compile(p, _FLAGS) for p in data.get("denials", [])),
        denial_asides=tuple(re.compile(p, _FLAGS) for p in data.get("denial_asides", [])),
        killed=_words(data["killed"]),
        wounded=_words(data["wounded"]),
        total=_words(data.get("killed_and_wounded", [])),
        not_victims=re.compile("|".join(data.get("not_victims", [])) or "(?!)", _FLAGS),
        singular_killed=frozenset(data.get("singular_killed", [])),
        singular_victims=frozenset(data.get("singular_victims", [])),
        singular_active=frozenset(data.get("singular_active", [])),
        singular_passive=frozenset(data.get("singular_passive", [])),
        singular_passive_glue=frozenset(data.get("singular_passive_glue", [])),
        singular_relative=frozenset(data.get("singular_relative", [])),
        singular_and_more=frozenset(data.get("singular_and_more", [])),
        singular_neutral=frozenset(data.get("singular_neutral", [])),
        singular_neutral_endings=tuple(data.get("singular_neutral_endings", [])),
        singular_died=frozenset(data.get("singular_died", [])),
        singular_died_not=frozenset(data.get("singular_died_not", [])),
        figure_glue=frozenset(data.get("figure_glue", [])) | frozenset(data.get("figure_glue_verbs", [])),
        figure_glue_verbs=frozenset(data.get("figure_glue_verbs", [])),
        figure_vague_oblique=frozenset(data.get("figure_vague_oblique", [])),
        figure_alternatives=frozenset(data.get("figure_alternatives", [])),
        figure_negations=frozenset(data.get("figure_negations", [])),
        figure_none_of=frozenset(data.get("figure_none_of", [])),
        figure_vague=frozenset(f"{before} {w}" for before, words in data.get("figure_vague", {}).items() for w in words),
        verb_negations=frozenset(data.get("verb_negations", [])),
        no_casualties=_patterns(data.get("no_casualties", [])),
        no_casualties_not=tuple(re.compile(p, _FLAGS) for p in data.get("no_casualties_not", [])),
        after_glue=frozenset(data.get("after_glue", [])),
        toll_words=frozenset(data.get("toll_words", [])),
        toll_before=tuple(data.get("toll_before", [])),
        toll_rise=frozenset(data.get("toll_rise", [])),
        toll_after=frozenset(data.get("toll_after", [])),
        toll_negations=frozenset(data.get("toll_negations", [])),
        toll_things=_words(data.get("toll_things", [])),
        inclusion_aside=_aside(data.get("inclusion_asides", [])),
        lone_aside=_between_commas(data.get("inclusion_asides", [])),
        sentence_aside=_between_commas(data.get("sentence_asides", [])),
        age_phrase=re.compile("|".join(data.get("age_phrases", [])) or "(?!)", _FLAGS),
        group_others=frozenset(data.get("group_others", [])),
        article_words=frozenset(data.get("article_words", [])),
        part_of=frozenset(data.get("part_of", [])),
        part_of_then=frozenset(data.get("part_of_then", [])),
        at_least=data.get("at_least", "at least"),
        group_and=frozenset(data.get("group_and", [])),
        group_and_written=(data.get("group_and") or ["and"])[0],
        group_singular=frozenset(data.get("group_singular", [])),
        group_singular_then=frozenset(data.get("group_singular_then", [])),
        enumerations=_patterns(data.get("enumerations", [])),
        kind_followers=frozenset(data.get("kind_followers", [])),
        place_before=frozenset(data.get("place_before", [])),
        place_near=frozenset(data.get("place_near", [])),
        place_not_before=frozenset(data.get("place_not_before", [])),
        place_subject_before=frozenset(data.get("place_subject_before", [])),
        place_object_after=tuple(data.get("place_object_after", [])),
        region_after=frozenset(data.get("region_after", [])),
        months={k.lower(): int(v) for k, v in dates["months"].items()},
        weekdays={k.lower(): int(v) for k, v in dates["weekdays"].items()},
        relative_dates=_patterns(dates["relative"]),
        numbers={k.lower(): int(v) for k, v in dates.get("numbers", {}).items()},
    )


@lru_cache(maxsize=1)
def common_rules() -> CommonRules:
    """The rules every language shares: speaker descriptions, datelines, place stop words."""
    data = load("extract/common")
    return CommonRules(
        speakers={ascii_key(k): v for k, v in data["speakers"].items()},
        unattributed=data["unattributed"],
        datelines=tuple(Pattern(s["name"], re.compile(s["pattern"]), s) for s in data["datelines"]),
        place_stop=frozenset(ascii_key(w) for w in data["place_stop"]),
        inflections=tuple((e, r or "") for e, r in data["inflections"]),
        adjective_inflections=tuple((e, r or "") for e, r in data.get("adjective_inflections", [])),
        adjective_endings=tuple(data.get("adjective_endings", [])),
        adjective_place_nouns=tuple(data.get("adjective_place_nouns", [])),
        adjective_place_joins=frozenset(data.get("adjective_place_joins", [])),
        whole_word_inflections=tuple((e, r) for e, r in data.get("whole_word_inflections", [])),
        inflections_after_place_word=tuple((e, r or "") for e, r in data.get("inflections_after_place_word", [])),
        inflections_after_place_word_towns=tuple((e, r or "") for e, r in data.get("inflections_after_place_word_towns", [])),
        town_population=int(data.get("town_population", 0)),
        war_starts=tuple(sorted(date.fromisoformat(str(d)) for d in data.get("war_starts", []))),
        headline_slug=re.compile(data.get("headline_slugs", "(?!)")),
        victims_whole=keyword_pattern(data.get("victims_wholes", [])),
        male_first_names_in_a=frozenset(data.get("male_first_names_in_a", [])),
        neuter_heads=tuple(data.get("neuter_heads", [])),
        separatist_words=keyword_pattern(data.get("separatist_words", [])),
    )

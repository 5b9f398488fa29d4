"""Drafts from a report: each attributed statement about an incident, a tally or a denial, in
the import contract, with the sentence(s) it came from and the rule behind each field.

Across sentences: an incident with no speaker of its own takes the nearest speaker of its
paragraph (the one before it first), and a speaker written as a pronoun ("he added") is the one
of the sentence before, where the pronoun fits it, else nobody known; a date carries forward to
later incidents that give none;
a tally broken down in the sentences after it ("two more were killed … a soldier was shot …")
leaves only what is not broken down (``tally_remainder``); a sentence that is only a hedge
("could not be independently verified") becomes the note of its paragraph's drafts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from ..errors import ExtractError
from ..gazetteer import Gazetteer, shared_gazetteer
from ..translit import ascii_key
from .document import Document, line_language
from .rules import LanguageRules, common_rules, language_rules
from .statements import Casualty, Reading, enumeration, incident_kind, read_sentence
from .when import When, sentence_date
from .where import PlaceFound, Where, find_place, names_a_place


@dataclass(frozen=True)
class ExtractOptions:
    """``published`` and ``source`` (the publisher) stand in for or override the dateline;
    ``report`` names the document (else the file); ``names`` maps the ASCII key of each
    registered name and alias to its registered name; ``headline`` drafts every line of the text
    as one headline (a figure or a place is enough: the publisher is the source when nobody is
    named)."""

    published: date | None = None
    source: str | None = None
    report: str | None = None
    lang: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    headline: bool = False


@dataclass(frozen=True)
class Draft:
    """One draft claim: ``fields`` in the import contract, ``rules`` the rule behind each field,
    ``place`` the gazetteer place taken (for checking), ``where`` its paragraph and sentence."""

    fields: dict
    rules: dict
    place: PlaceFound | None
    where: tuple[int, int]

    def record(self, provenance: bool = True) -> dict:
        """The draft as a JSON object; with ``provenance``, a ``draft`` member holding the rules
        and the gazetteer place."""
        out = dict(self.fields)
        if provenance:
            out["draft"] = {"rules": dict(self.rules), "sentence": list(self.where)}
            if self.place is not None:
                out["draft"]["gazetteer"] = {"name": self.place.place.name, "geonameid": self.place.place.geonameid,
                                             "lat": self.place.place.lat, "lon": self.place.place.lon}
        return out


@dataclass
class _Pending:
    reading: Reading
    when: When | None
    place: Where
    where: tuple[int, int]
    sentence: str          # the whole sentence (a reading may be one part of it)
    lang: str              # the language it was read in
    order: int = 0         # the sentence's place in the document (its first is 0)
    hedge_sentences: list[str] = field(default_factory=list)
    speaker_from: tuple[int, int] | None = None
    speaker_text: str | None = None
    speaker_note: str | None = None   # whom a pronoun speaker was read as (_resolve_pronouns)
    drop: bool = False


class _Names:
    """Speakers matched to registered names and aliases, then to described speakers."""

    def __init__(self, names: Mapping[str, str], gazetteer: Gazetteer | None = None):
        self.names = dict(names)
        self.speakers = common_rules().speakers
        self.gazetteer = gazetteer

    def resolve(self, phrase: str) -> tuple[str, str]:
        """(the name to give, the rule): the longest registered name or alias inside the phrase,
        else a described speaker ("the army"), else the phrase as written."""
        key = f" {ascii_key(phrase)} "
        inside = [(len(k), self.names[k]) for k in self.names if f" {k} " in key]
        if inside:
            return max(inside)[1], "registered_name"
        bare = ascii_key(phrase)
        if bare in self.speakers:
            return self.speakers[bare], "described_speaker"
        if bare.startswith("the ") and bare[4:] in self.speakers:
            return self.speakers[bare[4:]], "described_speaker"
        return phrase, "as_written"

    def known(self, phrase: str, label: bool = False, place: bool = False) -> bool:
        """Whether the phrase names a registered or described speaker; with ``label``, whether
        the whole phrase is one, and no place: a country stands for its government only with a
        verb ("Ukraine says"), and a headline that starts "Ukraine: …" or "Donetsk: …" names its
        topic. With ``place``: whether the phrase, no such speaker, is a place the gazetteer
        knows, declined as after a word of place ("в Донецке")."""
        if place:
            return self.resolve(phrase)[1] == "as_written" and self.gazetteer is not None \
                and names_a_place(self.gazetteer, phrase)
        if not label:
            return self.resolve(phrase)[1] != "as_written"
        # A label speaks only as a whole: "NATO summit in Vilnius: …" names a topic, though a
        # registered name is inside it.
        key = ascii_key(phrase)
        key = key[4:] if key.startswith("the ") else key
        if key not in self.names and key not in self.speakers:
            return False
        return key not in common_rules().place_stop and not (self.gazetteer and self.gazetteer.exact(key))


def extract(document: Document, options: ExtractOptions = ExtractOptions(),
            gazetteer: Gazetteer | None = None) -> list[Draft]:
    """The drafts of one document; raises :class:`ExtractError` when it has no publication date
    (no dateline and no ``options.published``) or no claims."""
    rules = language_rules(document.lang)
    published = options.published or (document.dateline.published if document.dateline else None)
    if published is None:
        raise ExtractError(document.name, "has no dateline with a date; give --published DATE")
    publisher = options.source or (document.dateline.agency if document.dateline else None)
    gazetteer = gazetteer or shared_gazetteer()
    names = _Names(options.names, gazetteer)
    pending: list[_Pending] = []
    previous: When | None = None    # the last date the story gave: an incident that gives none takes it
    order = -1
    for p, paragraph in enumerate(document.paragraphs):
        found, hedges = [], []
        # Headlines gathered in one file may be in several languages: unless the language was
        # given, each line is read in its own (found from its words), else in the document's.
        if options.headline and options.lang is None:
            rules = language_rules(line_language(" ".join(paragraph), document.lang))
        for s, sentence in enumerate(paragraph):
            order += 1
            read = common_rules().headline_slug.sub("", sentence) if options.headline else sentence
            when = sentence_date(read, rules, published, previous)
            previous = when or previous
            hedged = any(h.search(read) for h in rules.hedges)
            readings = _readings(read, rules, names, options.headline)
            if not readings:
                if hedged:
                    hedges.append((s + 1, sentence))
                continue
            for reading in readings:
                # Names of the speaker, and of another's denial in the sentence, are no places.
                speaker = " ".join(n for n in (reading.attribution.speaker if reading.attribution else None,
                                               reading.denier) if n) or None
                place = Where()
                if reading.incident or options.headline:
                    # What the speaker says first; the clause before the speaker only if it names
                    # nothing ("Village retaken near Bakhmut while Russia claims advances in
                    # Avdiivka": Russia's claim is about Avdiivka).
                    clause = reading.attribution.clause if reading.attribution else None
                    if clause and clause in reading.text:
                        place = find_place(reading.text.replace(clause, " ", 1), rules, gazetteer, speaker)
                    if place.place is None:
                        place = find_place(reading.text, rules, gazetteer, speaker)
                if place.place is None and reading.incident and reading.text != read:
                    place = find_place(read, rules, gazetteer, speaker)
                item = _Pending(reading, when, place, (p + 1, s + 1), sentence, rules.lang, order)
                if reading.incident:
                    item.when = when or previous
                found.append(item)
        _settle_paragraph(found, paragraph, hedges)
        pending.extend(found)
    _resolve_pronouns(pending, options.headline)
    drafts = [_draft(item, n, document, options, names, rules, published, publisher)
              for n, item in enumerate((i for i in pending if not i.drop), 1)]
    if not drafts:
        raise ExtractError(document.name, "holds no claims the extractor can draft (no attributed statement, "
                                          "figure or denial); nothing written")
    return drafts


def _readings(sentence: str, rules: LanguageRules, names: _Names, headline: bool) -> list[Reading]:
    """What a sentence says: one reading, two for "one …, another …", none when it is neither
    attributed nor about casualties (a headline: also when it names a place)."""
    reading = read_sentence(sentence, rules, names.known, headline)
    split = enumeration(sentence, rules)
    if split is not None and reading.killed is not None:
        rule, first, second, count = split
        one = read_sentence(first, rules, names.known, headline)
        other = read_sentence(second, rules, names.known, headline)
        if one.killed is not None:
            other.killed = Casualty(count.figure if count else 1, one.killed.victims, f"enumeration:{rule.name}",
                                    count.low if count else 1)
            other.kind = other.kind or incident_kind(second, rules)
            other.attribution = other.attribution or one.attribution or reading.attribution
            one.attribution = one.attribution or reading.attribution
            return [one, other]
    if reading.attribution is None and not reading.incident and not (headline and sentence.strip()):
        return []
    return [reading]


# An elided second toll ("… and one in Chasiv Yar") is a breakdown's part with its first, never
# a single part of an earlier tally (tally_remainder).
_ELIDED = "enumeration:and_count_in_place"


@lru_cache(maxsize=None)
def _lending_rules(lang: str) -> frozenset[str]:
    """The attribution rules that only lend their speaker (``lends_only`` in the language's file)."""
    return frozenset(rule.name for rule in language_rules(lang).attribution if rule.spec.get("lends_only"))


def _settle_paragraph(found: list[_Pending], paragraph: tuple[str, ...], hedges: list[tuple[int, str]]) -> None:
    """Speakers lent within a paragraph, tallies broken down, hedges noted."""
    attributed = [i for i in found if i.reading.attribution is not None]
    lent: set[tuple[int, int]] = set()
    for item in found:
        if item.reading.attribution is None and item.reading.incident and attributed:
            before = [a for a in attributed if a.where < item.where]
            after = [a for a in attributed if a.where > item.where]
            if after and after[0].reading.attribution.rule in _lending_rules(after[0].lang):
                lender = after[0]   # "… загинули двоє. Про це повідомив голова ОВА …": the next sentence's
            else:
                lender = before[-1] if before else min(attributed, key=lambda a: a.where)
                if not before and lender.reading.attribution.pronoun:
                    continue   # "“…,” one woman said. “…,” she added.": a pronoun names nobody before it
            lent.add(lender.where)
            item.reading.attribution = replace(lender.reading.attribution, rule="speaker_of_paragraph")
            if lender.where != item.where:
                item.speaker_from = lender.where
                item.speaker_text = paragraph[lender.where[1] - 1]
    for item in attributed:
        # "Про це повідомив голова ОВА …", "Об этом сообщил губернатор …": a sentence that only
        # says who said what came before lends its speaker and is no draft of its own; when it
        # lent it to nothing (what came before is no incident: "Кремль не причастен к удару. Об
        # этом заявил Песков."), it is a statement whose text holds the sentence before it.
        reading = item.reading
        if reading.incident or reading.denies or reading.attribution.rule not in _lending_rules(item.lang):
            continue
        if item.where in lent:
            item.drop = True
        elif item.where[1] > 1:
            item.speaker_from = (item.where[0], item.where[1] - 1)
            item.speaker_text = paragraph[item.where[1] - 2]   # the sentence before, first in the text
    for i, item in enumerate(found):
        killed = item.reading.killed
        if killed is None or killed.count < 2 or item.reading.wounded is not None:
            continue
        parts = [o for o in found[i + 1:] if o.reading.killed is not None and o.reading.killed.count == 1
                 and o.where != item.where and not o.reading.killed.rule.startswith(_ELIDED)]
        if not parts:
            continue
        if len(parts) >= killed.count:
            item.drop = True
        else:
            rest = killed.count - len(parts)
            item.reading.killed = Casualty(rest, killed.victims, "tally_remainder", rest)
    for item in found:   # a hedge sentence hedges what its paragraph said before it
        item.hedge_sentences.extend(h for at, h in hedges if at > item.where[1])


def _resolve_pronouns(pending: list[_Pending], headline: bool) -> None:
    """A speaker written as a pronoun ("he added", "It said", "за його словами", "по его словам")
    stands for the speaker named in the sentence before it (or in its own), where that speaker can
    be what the pronoun says: "he"/"she" a person, "it" an organisation (:func:`_person_like`);
    the draft's text then holds that sentence too, and, across paragraphs, its note says so. Else
    (a sentence between that names someone else as easily, a headline's line before, or nobody)
    the claim is of nobody known (no origin that could corroborate), never the publisher's own,
    with a note. A sentence a pronoun says that tells no casualties and denies nothing is no draft."""
    last: _Pending | None = None   # the sentence that named the last speaker
    last_order = -2                # the last sentence that speaker spoke in (a pronoun read as it goes on)
    stands_for: dict[tuple[int, int], _Pending | None] = {}   # each pronoun's sentence: whom it was read as
    for item in pending:
        attribution = item.reading.attribution
        if attribution is None or attribution.rule.startswith("unattributed:"):
            continue
        if not attribution.pronoun:
            last, last_order = item, item.order
            continue
        written = attribution.speaker
        if item.speaker_from in stands_for:   # lent by a pronoun's sentence before it: read as that one was
            named = stands_for[item.speaker_from]
        else:
            named = last if last is not None and last_order >= item.order - 1 \
                and not (headline and last.where[0] != item.where[0]) \
                and _fits(written, last.reading.attribution.speaker, language_rules(item.lang)) else None
            stands_for[item.where] = named
        if named is not None:
            last_order = max(last_order, item.order)   # "За його словами, … «…», — додав він.": the same one
        if not (item.reading.incident or item.reading.denies):
            # "He said he had no information", "They claimed the village": whom a pronoun stands
            # for is a guess, worth making for casualties or a denial only.
            item.drop = True
            continue
        if named is None:
            item.reading.attribution = replace(attribution, speaker=common_rules().unattributed, pronoun=False,
                                               rule=f"pronoun_nobody_named:{attribution.rule}")
            item.speaker_note = f"The speaker is written as '{written}' and nobody it can stand for is named " \
                                "in the sentence before: no known origin."
            continue
        source = named.reading.attribution
        item.reading.attribution = replace(attribution, speaker=source.speaker, pronoun=False,
                                           rule=f"pronoun_last_speaker:{attribution.rule}",
                                           relays=attribution.relays or source.relays,
                                           channel=attribution.channel or source.channel)
        if named.where[0] != item.where[0]:   # in its own paragraph, as any reader would take it
            item.speaker_note = f"The speaker is written as '{written}': read as the speaker before it, " \
                                f"'{source.speaker}'."
        if named.where != item.where and (item.speaker_text is None or item.speaker_from not in stands_for):
            item.speaker_from, item.speaker_text = named.where, named.sentence


def _fits(pronoun: str, speaker: str, rules: LanguageRules) -> bool:
    """Whether ``pronoun`` can stand for ``speaker``: "he"/"she" a person, "it" no person; a
    pronoun of one sex a speaker with a first name only of that sex (:func:`_woman_by_name`); a
    speaker of one word that is no registered or described name ("Zelenskiy", "Naftogaz") may be
    a person or a company, so only "they" fits it. In Ukrainian and Russian an organisation's
    pronoun agrees with its first word (:func:`_gender_of_word`)."""
    key = ascii_key(pronoun)
    words = speaker.split()
    if len(words) == 1 and key not in rules.pronouns_plural and words[0][:1].isupper() and not words[0].isupper():
        return False
    woman = _woman_by_name(speaker, rules)
    if woman is not None and ((key in rules.pronouns_female and not woman) or (key in rules.pronouns_male and woman)):
        return False   # "Governor Oleh Syniehubov … she said"
    if rules.lang in ("uk", "ru") and woman is None and not _person_like(speaker, rules):
        gender = _gender_of_word(words[0])
        if gender == "plural" and key not in rules.pronouns_plural:
            return False   # "Повітряні сили … За його словами"
        if gender in ("f", "m", "n") and ((key in rules.pronouns_female) != (gender == "f")
                                          or (key in rules.pronouns_male) != (gender == "m")) \
                and (key in rules.pronouns_female or key in rules.pronouns_male):
            return False   # "Минобороны России … — сказала она", "Росія … За його словами"
    if key in rules.speaker_pronouns_person:
        return _person_like(speaker, rules)
    if key in rules.speaker_pronouns_thing:
        return not _person_like(speaker, rules)
    return True


def _gender_of_word(word: str) -> str | None:
    """A Ukrainian or Russian noun's gender by its ending: "f" (-а, -я: служба, Росія), "n" (-о,
    -е, and ministries: Міністерство, Минобороны), "m" (a consonant: Генштаб, Кремль), "plural"
    (-и, -і: сили), None for an acronym (ОВА, МЧС: any)."""
    lowered = word.lower()
    if word.isupper() or not lowered or not lowered[-1].isalpha():
        return None
    if lowered.startswith(common_rules().neuter_heads):
        return "n"   # the ministry of …: a neuter noun, though the word ends otherwise
    if lowered.endswith(("а", "я")):
        return "f"
    if lowered.endswith(("о", "е", "є")):
        return "n"
    if lowered.endswith(("и", "і", "ы")):
        return "plural"
    return "m"


def _woman_by_name(speaker: str, rules: LanguageRules) -> bool | None:
    """Whether a speaker named with a first name and a surname (:func:`_ends_in_name`: "Iryna
    Vereshchuk", "Павло Кириленко") is a woman, by the first name's ending (-a, -ya, -ia, but
    for ``male_first_names_in_a``); None without such a name."""
    words = speaker.replace("’", "'").split()
    if not _ends_in_name(words, rules):
        return None
    first = ascii_key(words[-2])
    return first.endswith("a") and first not in common_rules().male_first_names_in_a


def _person_like(speaker: str, rules: LanguageRules) -> bool:
    """Whether a speaker phrase names a person: its last word of a title or an organisation is a
    title ("regional governor", "Defence Ministry spokesman Oleksandr Motuzyanyk", "head of the
    RMA"; not "General Staff", "Prosecutor General's Office", "Office of the President"), or,
    with neither, it ends in a name (:func:`_ends_in_name`: "Denis Pushilin")."""
    words = speaker.replace("’", "'").split()
    lowered = [w.lower().removesuffix("'s").strip(".,'") for w in words]
    head = lowered[:lowered.index("of")] if "of" in lowered[1:] else lowered   # "Office of the President": an office
    for word in reversed(head):
        if word in rules.organisation_words:
            return False
        if word in rules.person_titles:
            return True
    return _ends_in_name(words, rules)


def _ends_in_name(words: list[str], rules: LanguageRules) -> bool:
    """Whether the last two words are a name: capitalised, not acronyms, neither a word of a title
    or an organisation ("Human Rights Watch" is none)."""
    last = words[-2:]
    return len(last) == 2 and all(w[:1].isupper() and not w.isupper() for w in last) \
        and not any(w.lower() in rules.person_titles or w.lower() in rules.organisation_words for w in last)


def _draft(item: _Pending, n: int, document: Document, options: ExtractOptions, names: _Names,
           rules: LanguageRules, published: date, publisher: str | None) -> Draft:
    reading, out, why = item.reading, {}, {}
    stem = Path(document.name).stem
    out["ref"] = f"{stem}-{n:02d}"
    attribution = reading.attribution
    if attribution is None:   # a headline or an incident nobody is named for: the publisher's own
        speaker, how = (names.resolve(publisher) if publisher else (common_rules().unattributed, "unattributed"))
        out["source"], why["source"] = speaker, f"publisher_own_report:{how}"
    else:
        out["source"], how = names.resolve(attribution.speaker)
        why["source"] = f"{attribution.rule}:{how}"
    via = [names.resolve(publisher)[0]] if publisher else []
    if attribution is not None:
        via += [names.resolve(r)[0] for r in attribution.relays]
        if attribution.channel:
            via.append(names.resolve(attribution.channel)[0])
    via = [v for v in dict.fromkeys(via) if v != out["source"]]
    if via:
        out["via"], why["via"] = via, ("dateline" if not options.source else "--source") + \
            ("+relay" if attribution and (attribution.relays or attribution.channel) else "")
    out["report"] = options.report or document.name
    out["published"] = published.isoformat()
    why["published"] = "--published" if options.published else f"dateline:{document.dateline.rule}"
    when = item.when
    if when is None:
        # A statement reported as new and not dated: the day of the report or the day before.
        when = When(f"{(published - timedelta(days=1)).isoformat()}/{published.isoformat()}",
                    published - timedelta(days=1), published, "reported_as_new")
    out["date"], why["date"] = when.value, when.rule
    if item.place.place is not None:
        out["place"], why["place"] = item.place.place.text, item.place.place.rule
    if item.place.region is not None:
        out["region"], why["region"] = item.place.region, "region_word"
    if reading.incident:
        if reading.kind:
            out["type"], why["type"] = reading.kind, "kind_word"
    elif attribution is not None and attribution.what:
        out["type"], why["type"] = attribution.what.removeprefix("the "), attribution.rule
    elif attribution is not None:
        out["type"], why["type"] = "statement", "attributed_statement"
    if attribution is not None and attribution.actor:
        out["actor"], why["actor"] = attribution.actor, attribution.rule
    victims = (reading.killed and reading.killed.victims) or (reading.wounded and reading.wounded.victims)
    if victims:
        out["victims"], why["victims"] = victims, "victims_word"
    for name in ("killed", "wounded"):
        casualty = getattr(reading, name)
        if casualty is not None:
            out[name], why[name] = casualty.figure, casualty.rule
    if reading.denies:
        out["stance"], why["stance"] = "denies", "denial_word"
    text = item.sentence if item.speaker_text is None else (
        f"{item.speaker_text} {item.sentence}" if item.speaker_from < item.where else f"{item.sentence} {item.speaker_text}")
    out["text"] = text
    out["lang"] = item.lang
    notes = [attribution.unattributed_note] if attribution is not None and attribution.unattributed_note else []
    if item.speaker_note:
        notes.append(item.speaker_note)
    phrases = [h for h in dict.fromkeys(reading.hedges) if not any(h.lower() in n.lower() for n in notes)]
    if phrases:
        notes.append("Hedged: " + ", ".join(f"'{h}'" for h in phrases) + ".")
    if reading.total is not None:
        # The contract's killed is deaths only: a figure of killed and wounded together is kept
        # as written, in the note, for a person to split.
        notes.append(f"Killed and wounded together, as written: '{reading.total.figure}' (no killed figure).")
        why["total"] = reading.total.rule
    if reading.denial_elsewhere:
        notes.append(f"A denial in the same sentence is another speaker's, not drafted: '{reading.denial_elsewhere}'.")
    if reading.toll_elsewhere:
        notes.append(f"A toll in the same sentence is not the denier's, not drafted: '{reading.toll_elsewhere}'.")
    notes += item.hedge_sentences
    if notes:
        out["note"], why["note"] = " ".join(notes), "hedge" if reading.total is None else "killed_and_wounded"
    return Draft(out, why, item.place.place, item.where)

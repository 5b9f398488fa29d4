"""What one sentence says: who says it and through whom, what happened to whom (figures as
written), and its stance and hedges. Every value carries the rule that gave it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..errors import ValueParseError
from ..figures import parse_figure
from ..translit import ascii_key
from ..vocabulary import event_type_category, side_words, victims_category, word_party
from .rules import LanguageRules, Pattern, common_rules

_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[\w'’ʼ-]+", re.UNICODE)


@dataclass(frozen=True)
class Attribution:
    speaker: str            # as written, cleaned of noise words
    rule: str
    relays: tuple[str, ...] = ()
    channel: str | None = None
    actor: str | None = None
    what: str | None = None
    unattributed_note: str | None = None
    clause: str | None = None   # the clause cut from before the speaker (_after_clause)
    pronoun: bool = False       # the speaker is a pronoun ("he added"): drafting reads whom it stands for


@dataclass(frozen=True)
class Casualty:
    figure: str | int       # as written ("more than 40"), or 1 for "a soldier" / "another"
    victims: str | None
    rule: str
    low: int = 0

    @property
    def count(self) -> int:
        """The number the figure names, its qualifier aside ("about two" → 2), for breaking
        down a tally."""
        last = str(self.figure).split()[-1]
        return _figure(last) or self.low


@dataclass
class Reading:
    """Everything read from one sentence (or one part of an enumerating sentence)."""

    text: str
    attribution: Attribution | None = None
    killed: Casualty | None = None
    wounded: Casualty | None = None
    total: Casualty | None = None     # killed and wounded together ("250 killed and wounded"): no killed figure
    kind: str | None = None
    hedges: list[str] = field(default_factory=list)
    denies: bool = False
    denial_elsewhere: str | None = None   # a denial in a clause joined after the casualties: another's
    denier: str | None = None             # who says that denial (no place: "Moscow denied …, while …")
    toll_elsewhere: str | None = None     # a toll nobody named in a clause joined after a denial: not drafted

    @property
    def incident(self) -> bool:
        return self.killed is not None or self.wounded is not None or self.total is not None


# --- who says it ----------------------------------------------------------------------------

def _clean(phrase: str, noise: tuple[str, ...]) -> str:
    """A phrase without noise words at either end ("the army" → "army", "UN estimates" → "UN")."""
    text = " ".join(phrase.strip(" ,.;:–—-").split())
    changed = True
    while changed and text:
        changed = False
        low = text.lower()
        for word in noise:
            if low.startswith(word + " "):
                text, changed = text[len(word) + 1:], True
                break
            if low.endswith(" " + word):
                text, changed = text[: -len(word) - 1], True
                break
    return text.strip(" ,.;:’'")


def _after_clause(phrase: str, rules: LanguageRules) -> str:
    """A speaker phrase without the clause before its speaker ("Heavy fighting in Bakhmut as
    Wagner" → "Wagner"): what follows the last of the language's ``speaker_clause_joins``. A
    clause that tells casualties is left in ("Shelling kills two as Kyiv" denies something
    else: the figure is not Kyiv's, and the phrase is then no speaker at all), and so are the
    phrases that join no clause (``speaker_clause_not``: "such as", "as well as", "поки що")."""
    masked = rules.speaker_clause_not.sub(lambda m: "_" * len(m.group(0)), phrase)
    last = None
    for last in rules.speaker_clause_joins.finditer(masked):
        pass
    if last is None:
        return phrase
    clause = phrase[:last.start()]
    if any(ch.isdigit() for ch in clause) or rules.killed.search(clause) or rules.wounded.search(clause):
        return phrase
    return phrase[last.end():]


def _relay_name(phrase: str, rules: LanguageRules) -> str:
    words = [w for w in phrase.split() if w.lower() not in rules.relay_noise]
    return " ".join(words) or phrase.strip()


def attribute(sentence: str, rules: LanguageRules, known, headline: bool = False) -> Attribution | None:
    """The first attribution rule that names a speaker in ``sentence`` (a pronoun only when no
    rule names one: "she said, citing the regional administration" is the administration's);
    ``known`` tells whether a cleaned speaker phrase is a registered or described speaker (for
    rules that need one), and with ``label=True`` whether it is one that is no place (for a
    headline's label: "General Staff: …" speaks, "Ukraine: …" and "Donetsk: …" name the topic)."""
    by_pronoun: Attribution | None = None   # a pronoun's, unless another rule names a speaker
    for rule in rules.attribution:
        if rule.spec.get("headline") and not headline:
            continue
        found = rule.search(sentence)
        if found is None:
            continue
        groups = found.groupdict()
        cut = _after_clause(groups["speaker"], rules)
        speaker = _clean(cut, rules.speaker_noise)
        if not speaker or speaker.split(maxsplit=1)[0].lower() in rules.speaker_relative:
            continue   # "…, which Kyiv said was a war crime": a relative clause's speaker, not the sentence's
        words = speaker.split()
        if words[0].lower() in rules.speaker_prepositions:   # "Из Минобороны сообщили": the ministry
            if len(words) < 2 or not words[1][:1].isupper():
                continue   # "с мест", "з місця події": where, not who
            speaker, words = " ".join(words[1:]), words[1:]
        if words[0].lower() in rules.speaker_not_first or (len(words) > 1 and words[1].lower() in rules.speaker_not_first):
            # "without citing evidence", "сославшись на предварительные данные", "its own sources": no
            # origin, but "preliminary data from Ukraine's emergency service" is the service's
            source_at = next((i for i, w in enumerate(words) if w.lower() in rules.speaker_prepositions), None)
            if source_at is None or source_at + 1 >= len(words):
                continue
            speaker, words = " ".join(words[source_at + 1:]), words[source_at + 1:]
        if incident_kind(speaker, rules) is not None and not known(speaker):
            continue   # "citing Russian shelling of the town": a cause, not an origin
        if words[-1].lower() in rules.speaker_not_last:
            continue   # "A ceasefire proposal was rejected by Moscow …": no speaker of its own
        if len(words) > 1 and words[0].lower() in rules.speaker_lead_ins and ascii_key(words[-1]) in rules.speaker_pronouns:
            speaker = words[-1]   # "In an interview with Reuters he said …": he
        pronoun = ascii_key(speaker) in rules.speaker_pronouns
        if pronoun and (rule.spec.get("known_speaker") or by_pronoun is not None):
            continue
        if (not pronoun and ascii_key(speaker) in rules.speaker_refuse) or len(speaker) > 80:
            continue
        if any(ch.isdigit() for ch in speaker) or rules.killed.search(speaker) or rules.wounded.search(speaker) \
                or rules.total.search(speaker):
            continue   # "two soldiers were killed, the army said", "No casualties were reported": no speaker
        need = rule.spec.get("known_speaker")
        if need and not (known(speaker, label=True) if need == "label" else known(speaker)):
            continue
        relays = tuple(_relay_name(groups[g], rules) for g in ("relay", "relay2") if groups.get(g))
        if rule.spec.get("place_names_nobody") and known(speaker, place=True):
            # "Об этом в Донецке сообщили ТАСС": somebody in Donetsk, relayed by ТАСС
            return Attribution(common_rules().unattributed, rule.name, relays,
                               unattributed_note=f"Unattributed ('{speaker}' is where, not who): no known origin.")
        clause = groups["speaker"][:len(groups["speaker"]) - len(cut)] or None
        channel = groups.get("channel") or groups.get("channel2") or groups.get("channel3")   # before or after the speaker
        said = Attribution(speaker, rule.name, relays, channel, groups.get("actor"), groups.get("what"),
                           clause=clause, pronoun=pronoun)
        if not pronoun:
            return said
        by_pronoun = said   # "…,” she said, citing the regional administration": the administration
    if by_pronoun is not None:
        return by_pronoun
    for rule in rules.unattributed:
        found = rule.search(sentence)
        if found is not None:
            note = rule.spec.get("note", "").format(match=found.group(0))
            return Attribution(common_rules().unattributed, f"unattributed:{rule.name}", unattributed_note=note)
    return None


# --- what happened, to whom -----------------------------------------------------------------

@lru_cache(maxsize=65536)
def _figure(text: str) -> int | None:
    """The low end of a figure's interval, or None when ``text`` is no figure."""
    try:
        parsed = parse_figure(text)
    except ValueParseError:
        return None
    return parsed.low if parsed is not None else None


_YEAR = re.compile(r"(?:19|20)\d\d")
_BREAK = re.compile(r"[;:()–—]|(?<!\d),|,(?!\d)")   # not the comma of "13,000"


# An age: a number followed by these ("11-year-old", "60 year-old", "7 months old"), or after "aged".
_AGE_AFTER = ("-year", "-month", "-week", "-day", "year-old", "years-old", "year", "years", "month-old", "months",
              "-річ", "-місяч", "-літ", "-летн", "-месячн")   # "42-річний", "11-летний", "70-летняя"
_AGE_BEFORE = frozenset({"aged", "age"})
_AGE_JOINS = frozenset({"and", "to", "or", "-"})


def _is_age(words: list[str], j: int) -> bool:
    """Whether word ``j`` is an age ("an 11-year-old girl", "a 60 year-old man", "a man aged 62",
    "aged between 20 and 45", "aged 60 and 65")."""
    if (j + 1 < len(words) and words[j + 1].lower().startswith(_AGE_AFTER)) \
            or (j > 0 and words[j - 1].lower() in _AGE_BEFORE):
        return True
    if j > 1 and words[j - 1].lower() == "between" and words[j - 2].lower() in _AGE_BEFORE:
        return True
    # The second of two ages, unless a victims word follows it ("aged 62 and 3 children").
    return j > 1 and words[j - 1].lower() in _AGE_JOINS and words[j - 2][:1].isdigit() and _is_age(words, j - 2) \
        and not (j + 1 < len(words) and victims_category(words[j + 1]))


def _past_age(words: list[str], j: int) -> int:
    """The word after an age at word ``j`` ("62-year-old", "42-річний": two words), else ``j``."""
    return j + 2 if j + 1 < len(words) and words[j][:1].isdigit() and _is_age(words, j) else j


def _figure_from(words: list[str], j: int, rules: LanguageRules) -> tuple[int, str] | None:
    """The longest figure starting at word ``j``: (index after it, its text)."""
    first = words[j].lower()
    if first in ("no", "none", "nobody", "ни", "жодного", "ніхто", "никто") or _YEAR.fullmatch(first):
        return None   # "no detailed information about the death"; "in 2015"; "никто не ответил за гибель"
    if j and (words[j - 1].lower() in rules.figure_negations or f"{words[j - 1]} {first}".lower() in rules.figure_vague):
        return None   # "no one was killed", "not one soldier": nobody; "how many": no number
    if any(" ".join(words[max(0, j - n):j]).lower() in rules.figure_none_of for n in (2, 3, 4)) \
            and not _casualty_follows(words, j + 1, rules):
        return None   # "None of the 30 people … was hurt": a group nobody of which was hurt
    if _is_age(words, j):
        return None   # an age, not a figure
    if first in rules.figure_vague_oblique and not _casualty_follows(words, j + 1, rules) \
            and not (j + 1 < len(words) and victims_category(words[j + 1])):
        return None   # "протягом кількох годин", "после нескольких взрывов": no victims counted
    for n in (4, 3, 2, 1):
        if j + n > len(words) or (n > 1 and words[j + n - 1].lower() in rules.figure_glue):
            continue
        if n == 1 and first in rules.figure_glue:
            continue
        text = " ".join(words[j: j + n])
        if _figure(text) is not None:
            return j + n, text
    return None


def _casualty_follows(words: list[str], j: int, rules: LanguageRules) -> bool:
    """Whether word ``j``, or the one after a victims word there, is a casualty word ("з 12
    поранених", "of the 12 wounded", "none of the three people killed")."""
    def casualty(t: int) -> bool:
        return t < len(words) and any(p.fullmatch(words[t]) for p in (rules.killed, rules.wounded, rules.total))
    return casualty(j) or (j < len(words) and bool(victims_category(words[j])) and casualty(j + 1))


def _victims_counted(words: list[str], start: int, end: int, rules: LanguageRules) -> bool:
    """Whether a figure between words ``start`` and ``end`` counts victims (a victims word after it,
    glue words between: "a further four people"), which an article before it then does not; not
    after a victims word of the article's own ("A man and 3 children": the man is one)."""
    for t in range(start, end):
        if victims_category(words[t]):
            return False
        found = _figure_from(words, t, rules)
        if found is not None:
            j = found[0]
            while j < end and words[j].lower() in rules.figure_glue:
                j += 1
            if j < end and victims_category(words[j]):
                return True
    return False


def _victims(words: list[str], start: int, end: int, rules: LanguageRules) -> str | None:
    """The victims named from word ``start`` (glue words skipped) before ``end``: at most three
    words, as written, when the vocabulary knows them (victims.yaml)."""
    while start < end and words[start].lower() in rules.figure_glue:
        start += 1
    span, best = [], None
    for word in words[start:min(end, start + 3)]:
        if word.lower() in rules.figure_glue or rules.speaker_clause_joins.fullmatch(word):
            break   # "rises to 40 as rescuers end search": the rescuers are no victims
        span.append(word)
        if victims_category(word):   # "government soldiers", not "soldiers this year"
            best = " ".join(span).replace(" -", "-")   # "11-year-old girl" as written
    return best


def _gap_ok(gap: list[str], rules: LanguageRules) -> bool:
    """Words between a figure and its casualty word: glue words and at most three others
    (victims and their adjectives, "more government soldiers were")."""
    return len(gap) <= 6 and sum(w.lower() not in rules.figure_glue or w.lower() in rules.figure_glue_verbs
                                 for w in gap) <= 3   # "five people received burns and two died": two


def _counts_things(words: list[str], start: int, end: int, rules: LanguageRules) -> bool:
    """Whether the words after a figure (``start`` to ``end``) say it counts things, not people
    ("destroyed 9 pieces of equipment", "five tanks were destroyed", "shot down 3 drones", "near
    13 settlements"): a word of ``not_victims`` before any victim word or word of place ("killed
    2 in Donetsk region" counts people)."""
    for word in words[start:end]:
        if victims_category(word) or _figure(word) is not None:
            return False   # "77 invaders, six tanks": the next figure is another count
        if word.lower() in rules.place_before:
            return False   # "killed 2 in Donetsk region": where, not what was counted
        if rules.not_victims.fullmatch(word):
            return True
    return False


def _casualty(text: str, words: list[str], starts: list[int], ends: list[int], k: int, k_end: int, rules: LanguageRules,
              used: set[int]) -> Casualty | None:
    """The figure a casualty word (words ``k`` to ``k_end``) counts: before it ("two soldiers were
    killed"), else after it ("killed 3 assailants", "death toll rises to 28"); never across a
    comma or a colon."""
    best = None
    for j in range(k - 1, max(-1, k - 9), -1):
        if j in used or _BREAK.search(text, ends[j], starts[k]) and not _figure_from(words, j, rules):
            break
        found = _figure_from(words, j, rules)
        if found is None:
            continue
        end, figure = found
        if end > k or _BREAK.search(text, ends[end - 1], starts[k]) or not _gap_ok(words[end:k], rules):
            continue
        if _counts_things(words, end, k, rules):
            continue   # "five tanks were destroyed": not casualties
        article = figure.lower() in rules.article_words
        victims = _victims(words, end, k, rules)
        if article and (victims is None or _victims_counted(words, end, k, rules)):
            continue   # "a further four people were wounded": four, not "a"
        best = (j, end, 1 if article else figure, victims)
    if best is not None:
        if not _part_of(words, k, rules):
            for start in range(max(0, best[0] - 12), best[0] + 1):   # "two soldiers and three civilians were killed"
                if any(t in used for t in range(start, k)):
                    continue   # words another casualty word counted
                groups = _groups(text, words, starts, ends, start, k, rules)
                if groups is not None and all(w.lower() in rules.figure_glue for w in words[groups[0]:k]) \
                        and not _BREAK.search(text, ends[groups[0] - 1], starts[k]):
                    used.update(range(start, k))
                    return groups[1]
        used.update(range(best[0], best[1]))
        if _part_of(words, k, rules):   # "a child among the dead"
            return _at_least(best[2], best[3], rules)
        return Casualty(best[2], best[3], "figure_before_casualty_word", _figure(str(best[2])) or 0)
    if rules.toll_things.fullmatch(" ".join(words[k:k_end]).lower()) and _things_before(text, words, starts, ends, k, rules):
        return None   # "The number of Russian tanks destroyed rose to 3,000": things, not people
    j = _past_glue(words, _after_toll_phrase(text, words, starts, ends, k, k_end, rules), rules)
    if j < len(words) and j not in used and not _BREAK.search(text, ends[k_end - 1], starts[j]):
        found = _figure_from(words, j, rules)
        if found is not None and found[1].lower() not in rules.article_words \
                and not _counts_things(words, found[0], min(len(words), found[0] + 3), rules):
            end, figure = found
            used.update(range(j, end))
            stop = next((t + 1 for t in range(end - 1, len(words) - 1)
                         if _BREAK.search(text, ends[t], starts[t + 1])), len(words))
            victims = _victims(words, end, stop, rules)   # never across a comma ("…дітей, повідомила поліція")
            if _part_of(words, k, rules):   # "among the dead are two children"
                return _at_least(figure, victims, rules)
            groups = _groups(text, words, starts, ends, j, len(words), rules)   # "killed two soldiers and a civilian"
            if groups is not None and not _clause_goes_on(text, words, starts, ends, groups[0], rules):
                used.update(range(j, groups[0]))
                return groups[1]
            return Casualty(figure, victims, "figure_after_casualty_word", _figure(figure) or 0)
    return None


def _things_before(text: str, words: list[str], starts: list[int], ends: list[int], k: int,
                   rules: LanguageRules) -> bool:
    """Whether a toll's phrase of things ends at word ``k``: a word of things (``not_victims``)
    right before it, a ``toll_before`` among the six words before ("number of Russian tanks destroyed"),
    with no comma or colon between (not "lost 2 tanks, and 40 soldiers were lost", nor "strikes on
    positions eliminated up to 60 servicemen")."""
    things = False
    for t in range(k - 1, max(-1, k - 7), -1):
        if _BREAK.search(text, ends[t], starts[t + 1]):
            return False
        # The things are the word before the casualty word ("tanks destroyed") or end a noun
        # phrase a clause follows ("tanks Ukraine has destroyed"), not a noun's modifier
        # ("drone operators eliminated": people).
        things = things or (bool(rules.not_victims.fullmatch(words[t]))
                            and (t == k - 1 or words[t + 1][:1].isupper() or words[t + 1].lower() in rules.figure_glue))
        before = " ".join(words[max(0, t - 2):t + 1]).lower()
        if things and any(before.endswith(w) for w in rules.toll_before):
            return True
    return False


def _past_glue(words: list[str], j: int, rules: LanguageRules) -> int:
    """The first word from ``j`` that is no ``after_glue`` word before a figure ("rises to 28";
    "зросла до 12": the "до" of a rise too, which is no "up to")."""
    while j < len(words) and words[j].lower() in rules.after_glue and (
            _figure_from(words, j, rules) is None or _to_after_rise(words, j, rules)):
        j += 1
    return j


def _to_after_rise(words: list[str], j: int, rules: LanguageRules) -> bool:
    """Whether word ``j`` is the "to" of a toll's rise before its figure ("зросла до 12", "возросло
    до пяти"): there "до" is no "up to", and the figure is 12."""
    return 0 < j < len(words) - 1 and words[j - 1].lower() in rules.toll_rise \
        and _figure_from(words, j + 1, rules) is not None


def _after_toll_phrase(text: str, words: list[str], starts: list[int], ends: list[int], k: int, k_end: int,
                       rules: LanguageRules) -> int:
    """Where the figure after a casualty word may start: right after it, or, for a toll
    (``toll_words``: "death toll"; or a casualty word within six words after ``toll_before``:
    "number of injured", "number of Donetsk residents killed"), after a ``toll_rise`` verb of the
    next sixteen words ("The death toll from the shelling of Horlivka rises to five"). Between
    them no comma, colon, figure or clause join; a casualty word of things too (``toll_things``)
    not followed by a word of things ("number of destroyed Russian tanks rises to 3,000" counts
    tanks); the verb not negated (``toll_negations``: "has not reached 400"); and its
    figure ends the toll's phrase (the end, a break, a victims word or ``toll_after``: not "that hit
    3 apartment blocks … rises to 23", whose 3 counts blocks, but its 23)."""
    casualty = " ".join(words[k:k_end]).lower()
    if casualty not in rules.toll_words and not _after_toll_before(text, words, starts, ends, k, rules):
        return k_end
    if rules.toll_things.fullmatch(casualty) and any(
            rules.not_victims.fullmatch(w) or rules.toll_things.fullmatch(f"{casualty} {w}") for w in words[k_end:k_end + 3]):
        return k_end   # "number of destroyed Russian tanks", "number of shot down Shaheds": things, not people
    t, skip = k_end, 0   # skip: the words of another count's figure ("hit 3 apartment blocks")
    while t < min(len(words), k_end + 16):
        word = words[t].lower()
        if _BREAK.search(text, ends[t - 1], starts[t]) or (t >= skip and _figure_from(words, t, rules) is not None) \
                or rules.speaker_clause_joins.fullmatch(word):
            break
        if word in rules.toll_rise:
            if rules.toll_negations & {w.lower() for w in words[max(k_end, t - 2):t]}:
                break   # "has not reached 400": no toll told
            j = _past_glue(words, t + 1, rules)
            found = _figure_from(words, j, rules) if j < len(words) else None
            if found is not None and _ends_toll(text, words, starts, ends, found[0], rules):
                return t + 1
            skip = found[0] if found is not None else skip
        t += 1
    return k_end


def _ends_toll(text: str, words: list[str], starts: list[int], ends: list[int], end: int,
               rules: LanguageRules) -> bool:
    """Whether the figure ending before word ``end`` ends a toll's phrase: nothing after it, a
    comma or colon, a victims word, or one of ``toll_after`` ("rises to 23 in Uman")."""
    if end >= len(words) or _BREAK.search(text, ends[end - 1], starts[end]):
        return True
    after = words[end].lower()
    return bool(victims_category(words[end])) or after in rules.toll_after


def _after_toll_before(text: str, words: list[str], starts: list[int], ends: list[int], k: int,
                       rules: LanguageRules) -> bool:
    """Whether one of ``toll_before`` ("number of") ends within the six words before word ``k``,
    with no comma, colon or figure between."""
    for start in range(k - 1, max(-1, k - 7), -1):
        if start < k - 1 and (_BREAK.search(text, ends[start], starts[start + 1])
                              or _figure_from(words, start + 1, rules) is not None):
            return False
        before = " ".join(words[max(0, start - 2):start + 1]).lower()
        if any(before.endswith(w) for w in rules.toll_before):
            return True
    return False


def _groups(text: str, words: list[str], starts: list[int], ends: list[int], j: int, stop: int,
            rules: LanguageRules) -> tuple[int, Casualty] | None:
    """A toll told by groups from word ``j`` (before word ``stop``): "two soldiers and three
    civilians", "3 soldiers, 2 civilians", "дві дитини та троє військових". Summed only when the
    groups are surely apart: military and civilian, or two kinds of civilian neither of which is
    a whole (:func:`_civilians_apart`), one group each, and only exact figures or lower bounds
    ("at least two"). A whole and then a part of it ("22 civilians, 3 children")
    is the whole's figure. Returns (the word after the last group, the sum: exact when every figure
    is, else at least the sum of the lows); None when the words from ``j`` are no such list."""
    groups: list[tuple[str, str]] = []
    if j >= 2 and words[j - 1].lower() in rules.figure_alternatives and _figure(words[j - 2].lower()) is not None:
        return None   # "between two and three women and a child": the first group's figure is a range
    after_comma = None   # the end of the group before, when this one follows it after a comma
    while j < stop:
        found = _figure_from(words, j, rules)
        last = None
        if found is not None:
            end, figure = found
            for t in range(end, min(stop, end + 3)):
                if words[t].lower() in rules.figure_glue or _BREAK.search(text, ends[t - 1], starts[t]):
                    break
                if victims_category(words[t]):
                    last = t + 1
        if last is None or any(w.lower() in rules.figure_alternatives or _figure(w.lower()) is not None
                               for w in words[end:last - 1]):   # "two or three women": a choice of figures
            if after_comma is None:
                return None
            j = after_comma   # "…, five more were wounded": no group; the list ends before the comma
            break
        if after_comma is not None and stop == len(words) and (_clause_goes_on(text, words, starts, ends, last, rules)
                                                               or _casualty_in_clause(text, words, starts, ends, last, rules)):
            # "killed two soldiers and three civilians, five people were wounded": a group after a
            # comma that is the subject of a clause going on is not of the list; the list ends before.
            j = after_comma
            break
        groups.append(("1" if figure.lower() in rules.article_words else figure, " ".join(words[end:last])))
        j, after_comma = last, None
        if j >= stop:
            break
        between = text[ends[j - 1]:starts[j]]
        if words[j].lower() in rules.group_and and not _BREAK.search(between) and j + 1 < stop \
                and _figure_from(words, j + 1, rules) is not None:
            j += 1
        elif len(groups) == 1 and words[j].lower() in rules.group_and and not _BREAK.search(between) \
                and j + 1 < stop and _bare_group(text, words, starts, ends, j + 1, stop, rules):
            groups.append(("1", words[j + 1]))   # "дві жінки та дитина": the child is one
            j += 2
            break
        elif between.strip() != "," or _figure_from(words, j, rules) is None:
            break
        else:
            after_comma = j
    kinds = [victims_category(victims) for _figure_text, victims in groups]
    if len(groups) == 2 and _whole_then_part(groups, kinds):
        # "22 civilians, 3 children killed": the toll is the whole, its part says who was among
        # it; a "part" larger than the whole is none ("three civilians, 22 children").
        figure, victims = groups[0]
        whole, part = _figure(figure), _figure(groups[1][0])
        if whole is not None and part is not None and part <= whole:
            return j, Casualty(figure, victims, "figure_of_whole_group", whole)
    if len(groups) != 2 or not (set(kinds) == {"military", "civilian"} or _civilians_apart(groups, kinds)
                                or _sides_apart(groups, kinds)):
        return None
    try:
        parsed = [parse_figure(figure) for figure, _victims_text in groups]
    except ValueParseError:
        return None
    if any(p is None for p in parsed):
        return None
    if any(p.high is not None and p.high != p.low for p in parsed):
        return None   # "about three", "2-4": a sum of ranges is no figure anyone stated
    low = sum(p.low for p in parsed)
    exact = all(p.high == p.low for p in parsed)
    victims = f" {rules.group_and_written} ".join(v for _f, v in groups)
    return j, Casualty(str(low) if exact else f"{rules.at_least} {low}", victims, "figure_sum_of_groups", low)


def _bare_group(text: str, words: list[str], starts: list[int], ends: list[int], j: int, stop: int,
                rules: LanguageRules) -> bool:
    """Whether word ``j`` is a victim's singular noun that ends a list of two groups without a
    figure ("дві жінки та дитина": one; ``group_singular``; asked only after one counted group:
    after two the noun is left out and the two are summed, as nobody sums three): last before
    ``stop`` (the casualty word),
    the end, a break, or a word that may follow the list (``group_singular_then``: "у Харкові"),
    never the subject of a clause going on ("… та дитина отримала поранення")."""
    if words[j].lower() not in rules.group_singular or not victims_category(words[j]):
        return False
    after = j + 1
    return after >= stop or bool(_BREAK.search(text, ends[j], starts[after])) \
        or text[ends[j]:starts[after]].strip() in (".", "!") or words[after].lower() in rules.group_singular_then


def _civilians_apart(groups: list[tuple[str, str]], kinds: list[str | None]) -> bool:
    """Whether two groups of civilians are surely apart: each names its own kind of person
    ("two women and a child", "дві жінки та двоє дітей"), neither a whole that may hold the other
    ("civilians", "residents": victims_wholes in common.yaml; "three civilians and two children"
    stays the first group's figure)."""
    whole = common_rules().victims_whole
    return kinds == ["civilian", "civilian"] and not any(whole.search(ascii_key(v)) for _f, v in groups)


SEPARATISTS = "separatists"


def victims_side(text: str | None) -> str | None:
    """The side a group of victims is on where its words name one: a party of ``parties.yaml``
    ("Ukrainian soldiers", "ЗСУ": 'ukrain'), the occupiers' ("окупантів": 'russ'), or the
    separatist formations ("separatists", "бойовиків", "ополченцев": SEPARATISTS, by
    ``separatist_words`` in common.yaml); None where they name none ("soldiers", "servicemen")
    or more than one. "pro-Russian" and "Russian-backed" say whom the separatists side with,
    not which party they are."""
    sides = _sides(text)
    return next(iter(sides)) if len(sides) == 1 else None


def _sides(text: str | None) -> dict[str, bool]:
    """The sides the words of ``text`` name (:func:`victims_side`), each with whether it is the
    separatists named by their own noun (a party's adjective, "Ukrainian", "Russian", is said of
    the group's noun; the occupiers' noun is every one of that party's soldiers)."""
    if not text:
        return {}
    separatist = common_rules().separatist_words
    sides: dict[str, bool] = {}
    for word in side_words(text):
        if word.startswith("pro_"):
            continue
        if separatist.match(word):
            sides[SEPARATISTS] = True
            continue
        party = word_party(word)
        if party is not None:
            sides.setdefault(party, False)
    return sides


def _sides_apart(groups: list[tuple[str, str]], kinds: list[str | None]) -> bool:
    """Whether two groups of combatants are surely apart: each names a side, and not the same
    one ("two Ukrainian soldiers and three Russian soldiers"), or one is the separatists by their
    own noun and the other names no side ("two soldiers and three separatists", "двоє військових
    і троє бойовиків"). Not a group named by a party's adjective or the occupiers' noun beside
    one that names none ("22 Ukrainian servicemen and 3 officers", "two occupiers and three
    officers": the officers may be among them), nor two that name none ("two soldiers and three
    officers") or one ("two separatists and three rebels")."""
    if kinds != ["military", "military"]:
        return False
    first, second = (_sides(v) for _f, v in groups)
    if len(first) > 1 or len(second) > 1:
        return False
    if first and second:
        return first.keys() != second.keys()
    named = first or second
    return bool(named) and next(iter(named.values()))


def _whole_then_part(groups: list[tuple[str, str]], kinds: list[str | None]) -> bool:
    """Whether the first of two groups names a whole ("civilians", "people": victims_wholes in
    common.yaml) and the second a part of it ("children", "women"; under "people", anyone)."""
    whole = common_rules().victims_whole
    (_f1, first), (_f2, second) = groups
    if not whole.search(ascii_key(first)) or whole.search(ascii_key(second)):
        return False
    return kinds[0] == "people" or kinds[0] == kinds[1] == "civilian"


def _casualty_in_clause(text: str, words: list[str], starts: list[int], ends: list[int], j: int,
                       rules: LanguageRules) -> bool:
    """Whether a casualty word comes from word ``j`` before the next break, not in a relative
    clause: the group before ``j``, after a comma, is that clause's subject ("killed two soldiers,
    three civilians also suffered injuries", "…, троє цивільних у Херсоні отримали поранення"),
    not the last of a list; "killed 3 soldiers, 2 civilians in Kherson" is a list."""
    # Between them a glue word of the clause ("also suffered", "in Kherson were", "також отримали"),
    # not an article or a preposition ("in the wounded ward", "at the site of the killing"); the
    # clause ends at a break (also right after the group: "…, ще п'ятеро поранені"), a relative
    # clause, a clause join, "and" or another figure ("and wounded ten others", "та ще п'ятеро
    # отримали поранення", "left ten injured").
    not_glue = rules.group_and | rules.article_words | set(rules.part_of_then) | set(rules.speaker_prepositions)
    glued = False
    for t in range(j, len(words)):
        word = words[t].lower()
        if t and _BREAK.search(text, ends[t - 1], starts[t]) or word in rules.speaker_relative \
                or word in rules.group_and or rules.speaker_clause_joins.fullmatch(word) \
                or _figure_from(words, t, rules) is not None:
            return False
        if _casualty_at(text, starts[t], rules):
            return glued
        glued = glued or (word in rules.figure_glue and word not in not_glue)
    return False


def _clause_goes_on(text: str, words: list[str], starts: list[int], ends: list[int], j: int,
                    rules: LanguageRules) -> bool:
    """Whether the words from ``j`` carry on a clause whose subject the list after a casualty word
    ends in: "killed two soldiers, three civilians were wounded" (a verb, or another casualty
    word): then the last group is that clause's, and the list is no toll. Not after a break: in
    "загинули дві жінки та дитина, ще п'ятеро людей поранені" the list ends at the comma; but
    after a dash standing for "are" ("…, троє цивільних – поранені") it goes on."""
    if j >= len(words):
        return False
    word = words[j].lower()
    if j and _BREAK.search(text, ends[j - 1], starts[j]):
        # "загинули двоє військових, троє цивільних – поранені": a dash before a casualty word that
        # ends the clause stands for its verb ("are"), and the clause goes on; not "… – поранено
        # ще п'ятеро" (a clause of its own).
        if text[ends[j - 1]:starts[j]].strip() not in ("–", "—"):
            return False
        return any(m is not None and re.match(r"\s*(?:[.,;:!?]|$)", text[m.end():])
                   for m in (pattern.match(text, starts[j]) for pattern in (rules.killed, rules.wounded, rules.total)))
    return (word in rules.figure_glue and word not in rules.group_and) or _casualty_at(text, starts[j], rules) is not None


def _casualty_at(text: str, at: int, rules: LanguageRules) -> re.Match | None:
    """The casualty word (killed, wounded, or both together) that begins at ``at``, if any."""
    return next((m for pattern in (rules.killed, rules.wounded, rules.total) if (m := pattern.match(text, at))), None)


def _part_of(words: list[str], k: int, rules: LanguageRules) -> bool:
    """Whether the casualty word at ``k`` follows "among" ("among the dead", "among those
    killed", "серед загиблих"): the figure is a part of the casualties. Not "fighting among
    militias killed 12": there "among" is not about the dead."""
    before = [w.lower() for w in words[max(0, k - 2):k]]
    return bool(before) and (before[-1] in rules.part_of
                             or len(before) == 2 and before[0] in rules.part_of and before[1] in rules.part_of_then)


def _at_least(figure: str | int, victims: str | None, rules: LanguageRules) -> Casualty:
    """A figure counted among the casualties: at least that many ("a child among the dead" →
    "at least 1"); a figure with a qualifier of its own is kept as written."""
    try:
        parsed = parse_figure(str(figure))
    except ValueParseError:
        return Casualty(figure, victims, "figure_part_of_casualties", 0)
    shown = f"{rules.at_least} {figure}" if parsed.high == parsed.low else figure
    return Casualty(shown, victims, "figure_part_of_casualties", parsed.low)


def casualties(text: str, rules: LanguageRules) -> tuple[Casualty | None, Casualty | None, Casualty | None]:
    """(killed, wounded, total) figures of a sentence, each the first of its kind found; a total
    is a figure of killed and wounded together ("250 killed and wounded", "casualties"), whose
    words are then no killed or wounded word. An aside naming a part of the victims (", including
    two children,": ``inclusion_asides``) is left out, and so are a comment on the sentence
    between commas (", unfortunately,": ``sentence_asides``) and an age after the victims ("aged
    between 20 and 45": ``age_phrases``), all blanked, so that places in the text keep their
    offsets."""
    text = rules.inclusion_aside.sub(lambda m: _aside_blanked(text, m, rules), text)
    # ", unfortunately,", ", за попередніми даними,": a comment on the sentence between the
    # victims and their casualty word ("Two soldiers, unfortunately, were killed") is blanked,
    # commas and all: the clause goes on past it. (After an inclusion aside, whose closing comma
    # stays where no casualty word follows in its clause: "…, серед них двоє дітей, на жаль,
    # загинули" is then one clause again.)
    text = rules.sentence_aside.sub(lambda m: _comment_blanked(text, m), text)
    text = rules.age_phrase.sub(lambda m: _age_blanked(text, m, rules), text)   # "men aged between 20 and 45"
    text = rules.lone_aside.sub(lambda m: m.group(0).replace(",", " "), text)   # "загинув, зокрема, чоловік"
    spans = list(_TOKEN.finditer(text))
    words = [m.group(0) for m in spans]
    starts = [m.start() for m in spans]
    ends = [m.end() for m in spans]
    used: set[int] = set()
    breaks = frozenset(t for t in range(len(words) - 1) if _BREAK.search(text, ends[t], starts[t + 1]))
    found: dict[str, Casualty] = {}
    at: dict[str, int] = {}
    totals = [(m.start(), m.end(), "total") for m in rules.total.finditer(text)]
    marks = totals + sorted([(m.start(), m.end(), "killed") for m in rules.killed.finditer(text)
                             if not any(a <= m.start() < b for a, b, _ in totals)]
                            + [(m.start(), m.end(), "wounded") for m in rules.wounded.finditer(text)
                               if not any(a <= m.start() < b for a, b, _ in totals)])
    for start, end, what in marks:
        if what in found or start not in starts:
            continue
        k = starts.index(start)
        k_end = k + 1
        while k_end < len(starts) and starts[k_end] < end:
            k_end += 1
        casualty = _casualty(text, words, starts, ends, k, k_end, rules, used) or _singular(words, k, k_end, rules, used,
                                                                                           breaks)
        if casualty is not None:
            found[what] = casualty
            at[what] = start
    one = found.get("wounded")
    if one is not None and one.rule == "singular_victim_word" and "killed" not in found and any(
            what == "killed" and start > at["wounded"] and text[start:end].lower() in rules.singular_died
            and _same_subject(text[at["wounded"]:start], rules) for start, end, what in marks):
        # "Soldier wounded in shelling … dies": the one wounded died; no wounded figure.
        del found["wounded"]
        found["killed"] = Casualty(1, one.victims, "singular_wounded_died", 1)
    if "total" not in found:
        for field_name, casualty in _nobody(text, rules):
            found.setdefault(field_name, casualty)
    return found.get("killed"), found.get("wounded"), found.get("total")


def _comment_blanked(text: str, comment: re.Match) -> str:
    """A comment on the sentence between commas as spaces; but for its first comma where a
    figure or a victims' word follows it, which opens a clause of its own ("killed two
    soldiers, unfortunately, three civilians were wounded", "…, на жаль, цивільні також
    поранені": the civilians are no soldiers)."""
    after = _TOKEN.match(text[comment.end():].lstrip())
    if after is not None and (_figure(after.group(0).lower()) is not None or victims_category(after.group(0))):
        return "," + " " * (len(comment.group(0)) - 1)
    return " " * len(comment.group(0))


def _aside_blanked(text: str, aside: re.Match, rules: LanguageRules) -> str:
    """An inclusion aside as spaces when the word before it names victims or is a figure ("Three
    people, including …", "13 including …") and it holds no casualty word; as written otherwise
    ("20 towns, including Kherson, killing three": the towns are no victims, and the comma still
    ends their phrase; "civilians including two children were killed in …, the governor said":
    the casualty word is the sentence's)."""
    before = _TOKEN.findall(text[:aside.start()])
    last = before[-1] if before else ""
    inside = aside.group(0)
    if (victims_category(last) or _figure(last.lower()) is not None) and not any(
            pattern.search(inside) for pattern in (rules.killed, rules.wounded, rules.total)):
        # Its closing comma stays when neither "and" (the list goes on: "two women, aged 62 and
        # 70, and a man") nor, before the next break, a casualty word follows it: "killed
        # three civilians, aged between 19 and 64, police said" (the police are no victims), "death
        # toll rose to 12, including two children, the governor said" (the toll's figure ends at
        # it); but "Three people, including two children, were killed", "…, later died", "…, в
        # Херсоні загинули" (the comma would cut the victims off their casualty word).
        rest = text[aside.end():].lstrip()
        after = _TOKEN.match(rest)
        clause = rest[:m.start()] if (m := _BREAK.search(rest)) else rest
        goes_on = after is not None and (after.group(0).lower() in rules.group_and or any(
            pattern.search(clause) for pattern in (rules.killed, rules.wounded, rules.total)))
        return " " * (len(inside) - 1) + ("," if after is not None and not goes_on else " ")
    return inside


def _age_blanked(text: str, age: re.Match, rules: LanguageRules) -> str:
    """An age phrase as spaces; of "aged 62 and 3 children" (or "3 others", "3 more people"), only
    "aged 62": the 3 counts people."""
    inside = age.group(0)
    after = _TOKEN.match(text, len(text) - len(text[age.end():].lstrip()))
    if after is not None and (victims_category(after.group(0)) or after.group(0).lower() in rules.group_others):
        first = re.search(r"\d+", inside)
        return " " * first.end() + inside[first.end():]
    return " " * len(inside)


def _same_subject(between: str, rules: LanguageRules) -> bool:
    """Whether a verb of dying after "<victim> wounded" has that victim for its subject: nothing
    between them ends the clause or opens another (a comma, colon or quotation mark; a clause
    join; a verb of saying: "Girl injured … as mother dies", "Soldier wounded … says his
    commander died", "Man injured in Kherson shelling, dog dies")."""
    return not (_BREAK.search(between) or re.search(r"[\"“”«»'‘’]", between)
                or rules.speaker_clause_joins.search(between)
                or any(w.lower() in rules.singular_died_not for w in _TOKEN.findall(between)))


def _nobody(text: str, rules: LanguageRules) -> list[tuple[str, Casualty]]:
    """Figures of none a sentence states ("No one was killed", "без жертв"), for the fields each
    matching rule names (``no_casualties``), the first rule to name a field giving it: the word
    of none as written when the rule matches one ("no one"), else "0"."""
    out: list[tuple[str, Casualty]] = []
    if any(veto.search(text) for veto in (*rules.no_casualties_not, *rules.denials)):
        return out   # a question, a hope, a condition, a denial, "in vain", no one of a group
    for rule in rules.no_casualties:
        found = rule.search(text)
        if found is None:
            continue
        written = found.groupdict().get("figure")
        figure = written if written and _figure(written.lower()) == 0 else "0"
        out += [(name, Casualty(figure, None, f"no_casualties:{rule.name}", 0)) for name in rule.spec["fields"]
                if name not in dict(out)]
    return out


def _singular(words: list[str], k: int, k_end: int, rules: LanguageRules, used: set[int] | None = None,
              breaks: frozenset[int] = frozenset()) -> Casualty | None:
    """"загинула жінка", "погиб военнослужащий": a singular casualty word beside a victim, no
    figure: one; not across a comma or colon (``breaks``: the words a break follows), nor after
    a negation ("нікого … не поранено, повідомила поліція": nobody, and the police no victim).
    In English, whose verbs do not say how many, a singular victim beside the casualty word:
    "kills civilian", "kills Ukrainian soldier" (its object), "Child killed in shelling" (the
    subject of a passive: not "soldier kills")."""
    if words[k].lower() in rules.singular_killed:
        if k and words[k - 1].lower() in rules.verb_negations:
            return None
        # A form that does not say how many ("поранено", "вбито") is one only beside a singular
        # noun ("поранено жінку"), not "поранено людей".
        neutral = words[k].lower() in rules.singular_neutral
        for j in (_past_age(words, k + 1), k - 1, k + 2):   # "загинув 42-річний чоловік": the man, past his age
            if 0 <= j < len(words) and victims_category(words[j]) \
                    and not (neutral and words[j].lower() not in rules.group_singular
                             and not words[j].lower().endswith(rules.singular_neutral_endings)) \
                    and not any(t in breaks for t in range(min(j, k), max(j, k_end - 1))):
                return Casualty(1, words[j], "singular_casualty_word", 1)
        return None
    if not rules.singular_victims:
        return None
    casualty = " ".join(words[k:k_end]).lower()
    if casualty in rules.singular_active and not (k and words[k - 1].lower() in rules.singular_relative):
        first = k_end + (k_end < len(words) and words[k_end].lower() in rules.article_words)   # "killed a man"
        first = _past_age(words, first)   # "kills 62-year-old woman": the woman, past her age
        after = [first] + ([first + 1] if first + 1 < len(words) and words[first][:1].isupper() else [])
        for j in after:
            if j < len(words) and victims_category(words[j]):
                # The object: one when its noun is singular and no other victim follows ("kills
                # man, woman"); a plural ("kills civilians") says no number.
                more = any(victims_category(w) for w in words[j + 1:j + 4]) or (
                    words[j + 1:j + 2] == ["and"] and words[j + 2:j + 3] != []
                    and words[j + 2].lower() in rules.singular_and_more)
                if words[j].lower() in rules.singular_victims and not more:
                    if used is not None:
                        used.update(range(k_end, j + 1))   # "killed a man and wounded three": the man is the killed one
                    return Casualty(1, words[j], "singular_victim_word", 1)
                return None
    if casualty not in rules.singular_passive:
        return None
    j = k - 1
    while j >= 0 and k - j <= 2 and words[j].lower() in rules.singular_passive_glue:   # "soldier was killed"
        j -= 1
    if j >= 0 and words[j].lower() in rules.singular_victims and victims_category(words[j]) \
            and not (j and words[j - 1].lower() in rules.singular_active) \
            and not any(w.lower() in rules.figure_negations for w in words[max(0, j - 3):j]):   # "not one (Russian) soldier"
        return Casualty(1, words[j], "singular_victim_word", 1)
    return None


def incident_kind(text: str, rules: LanguageRules) -> str | None:
    """The words naming the kind of incident, as written ("mortar fire"), when the vocabulary
    (kinds.yaml) knows one."""
    words = _TOKEN.findall(text)
    for i, word in enumerate(words):
        if event_type_category(word):
            follower = words[i + 1] if i + 1 < len(words) else ""
            return f"{word} {follower}" if follower.lower() in rules.kind_followers else word
    return None


def read_sentence(text: str, rules: LanguageRules, known, headline: bool = False) -> Reading:
    """What one sentence says (attribution, casualties, kind, hedges, stance)."""
    stance = _denial(text, rules, known, headline)
    killed, wounded, total = casualties(stance.told, rules)
    reading = Reading(text, attribute(stance.said, rules, known, headline), killed, wounded, total)
    reading.kind = incident_kind(text, rules) if reading.incident else None
    reading.hedges = [m.group(0) for h in rules.hedges for m in [h.search(text)] if m]
    reading.denies, reading.denial_elsewhere, reading.denier = stance.denies, stance.elsewhere, stance.denier
    reading.toll_elsewhere = stance.toll_elsewhere
    return reading


class _Stance(NamedTuple):
    """What :func:`_denial` found: whether the statement denies; the clause holding another
    speaker's denial and who says it; the part whose speaker says the statement (``said``) and
    the part whose casualties it tells (``told``); a toll told apart from a denial, not drafted."""

    denies: bool
    said: str
    told: str
    elsewhere: str | None = None
    denier: str | None = None
    toll_elsewhere: str | None = None


def _denial(text: str, rules: LanguageRules, known, headline: bool = False) -> _Stance:
    """Whether a sentence's statement is a denial, the clause holding a denial that is not its
    own, the part of the sentence whose speaker says the statement, and who says that other
    denial (a name that is then no place: "Moscow denied …, while rescuers said …"), as a
    :class:`_Stance`. Around a clause join
    (``speaker_clause_joins``) whose joined clause names its own speaker, the casualties tell
    whose statement the draft is: a denial only after a join whose part before tells casualties,
    in a clause whose named speaker denies, is that speaker's ("Strike kills two in Kramatorsk as
    Moscow denies targeting civilians": the two dead are asserted), and a denial only before a
    join whose part after alone tells them, in a clause whose speaker is named, is the first
    clause's ("Moscow denies strike on Kramatorsk while Kyiv says 50 killed": the 50 dead are
    Kyiv's, asserted). Otherwise the whole sentence denies, as it says: "dismisses reports of 400
    killed as fake" (a preposition, no clause), "denies targeting civilians while claiming 600
    soldiers killed" (no speaker named: the denier's), "denies, as Kyiv claims, that 50 were
    killed" (the join right after the denial word). A denial in an appositive after the
    casualties (``denial_asides``: "…, a claim that Kyiv dismissed") is its speaker's too."""
    relatives = [(m.start(), m.end()) for m in rules.relative_clause.finditer(text)]
    denials = [(m.start(), m.end()) for d in rules.denials for m in d.finditer(text)
               if not any(a <= m.start() < b for a, b in relatives)   # "Kyiv, which denies it, lost 200"
               and not _reported_of_another(text, m.start(), rules)]
    aside = next((m for pattern in rules.denial_asides for m in [pattern.search(text)] if m), None)
    if aside is not None and any(casualties(text[:aside.start()], rules)) \
            and not any(start < aside.start() for start, _end in denials):
        # "Russia said shelling killed three in Horlivka, a claim that Kyiv dismissed": Russia's toll,
        # asserted; the denial is Kyiv's.
        head = text[:aside.start()]
        return _Stance(False, head, head, text[aside.start():].strip(" ,.;"), aside.group("speaker"))
    if not denials:
        return _Stance(False, text, text)
    first, last = min(a for a, _b in denials), max(denials)
    masked = rules.speaker_clause_not.sub(lambda m: "_" * len(m.group(0)), text)
    joins = list(rules.speaker_clause_joins.finditer(masked))
    for join in joins:
        if first < join.start():
            break   # a denial before this join: see below
        if any(casualties(text[:join.start()], rules)):
            joined = attribute(text[join.end():], rules, known, headline)
            if joined is not None and joined.rule == "speaker_denied":
                return _Stance(False, text, text, text[join.start():].strip(" .;"), joined.speaker)
            break
    for join in joins:
        if last[0] < join.start():
            head, tail = text[:join.start()], text[join.end():]
            if not re.search(r"\w", text[last[1]:join.start()]):
                break   # "Moscow denies, as Kyiv claims, that …": the join inside the denial
            if any(casualties(head, rules)) or not any(casualties(tail, rules)):
                break
            said = attribute(tail, rules, known, headline)
            if said is not None and not said.rule.startswith("unattributed"):
                denier = attribute(head, rules, known, headline)
                return _Stance(False, tail, text, head.strip(" ,.;"), denier.speaker if denier is not None else None)
            first_word = tail.split(maxsplit=1)[0].lower().strip(",") if tail.split() else ""
            if first_word in rules.denier_goes_on:
                break   # "… while claiming 600 soldiers killed", "as it says …": the denier's own words
            # "Russia denies targeting civilians as death toll in Kramatorsk rises to 50": the toll,
            # told by nobody named, is not the denier's: the denial is drafted, the toll is not.
            return _Stance(True, head, head, toll_elsewhere=text[join.start():].strip(" ,.;"))
    return _Stance(True, text, text)

def _reported_of_another(text: str, at: int, rules: LanguageRules) -> bool:
    """Whether a denial at ``at`` is told of another, after "that"/"что"/"що" and its own subject
    ("Кремль заявил, что Киев отрицает …": Kyiv's denial, reported; not "заявили, что отрицают
    причастность", the speaker's own)."""
    before = text[:at]
    found = None
    for found in rules.reported_speech.finditer(before):
        pass
    subject = [w for w in _TOKEN.findall(before[found.end():])] if found is not None else []
    return any(ascii_key(w) not in rules.speaker_pronouns for w in subject)   # "that it denies": its own


def _elision_unclear(first: str, second: str, rest: str | None, text: str, rules: LanguageRules) -> bool:
    """Whether an elided second toll ("… and one in Chasiv Yar") cannot be read as a toll of the
    first's kind: the sentence denies, the first part tells the wounded too ("two killed and 5
    wounded in Kherson and one in Mykolaiv": killed or wounded?), what follows the second's comma
    tells a casualty ("…, who was wounded earlier, died"), or the second's name is a month or a
    day ("… and three in January")."""
    casualty = (rules.killed, rules.wounded, rules.total)
    name = second.split()[-1].lower()
    return (any(d.search(text) for d in rules.denials) or rules.wounded.search(first) is not None
            or rules.total.search(first) is not None or (rest is not None and any(p.search(rest) for p in casualty))
            or name in rules.months or name in rules.weekdays)


def enumeration(text: str, rules: LanguageRules) -> tuple[Pattern, str, str, Casualty | None] | None:
    """"One soldier was killed in mortar fire, another by an explosive device", "Two people were
    killed in Bakhmut and one in Chasiv Yar": the rule, the two parts and the second's figure
    where the rule reads one (group ``count``; else one), or None. A rule with a ``rest`` (what
    follows the second part's comma) splits nothing when the rest tells a casualty, or the
    sentence a denial: the toll is then not only the two parts'."""
    for rule in rules.enumerations:
        found = rule.search(text)
        if found is not None:
            groups = found.groupdict()
            if "rest" in groups and _elision_unclear(groups["first"], groups["second"], groups.get("rest"), text, rules):
                continue
            count = found.groupdict().get("count")
            low = _figure(count.lower()) if count else None
            figure = Casualty(count, None, f"enumeration:{rule.name}", low) if low is not None else None
            return rule, found.group("first"), found.group("second"), figure
    return None

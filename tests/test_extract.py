"""`reconcile extract` and reconciler.extract: sentences written for these tests in the style of
wire reports and bulletins (English, Ukrainian, Russian), each with its draft worked out by hand;
the seed story against its hand-coded claims; bad input.

Every sentence below is dated by a story published on Wednesday 10 August 2022 unless it has a
dateline of its own; the publisher is given as --source would give it.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from reconciler.extract import ExtractOptions, extract, read_document, registered_names
from reconciler.extract.statements import victims_side

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "dpa-2021-04-07-ukraine.txt"   # ../shared beside the checkout
PUBLISHED = date(2022, 8, 10)   # a Wednesday
PUBLISHER = {"en": "Reuters", "uk": "Укрінформ", "ru": "ТАСС"}
YESTERDAY_OR_TODAY = "2022-08-09/2022-08-10"   # a statement reported as new, not dated


def drafts_of(lang: str, text: str, published: date | None = PUBLISHED) -> list[dict]:
    document = read_document("story.txt", text, lang, published.year if published else None)
    options = ExtractOptions(published=published, source=PUBLISHER[lang] if published else None)
    return [d.record(provenance=False) for d in extract(document, options)]


# (language, sentence, the draft worked out by hand: each field given must be as here, a field
# given as None must be absent). A few expectations record what the extractor gives today where a
# person would write otherwise, so that a change shows: speakers left in their Ukrainian locative
# or genitive form ("Генштабі", "Офісі генпрокурора", "поліції Харківщини") and a verb kept as the
# type ("shelled"). They are known misses (docs/extract.md), not the hand-coded ideal.
CASES = [
    # --- English: wire style -----------------------------------------------------------------
    ("en", "Two civilians were killed and five wounded in shelling of Nikopol overnight, the regional governor said.",
     {"source": "regional governor", "via": ["Reuters"], "date": "2022-08-09", "place": "Nikopol",
      "type": "shelling", "victims": "civilians", "killed": "Two", "wounded": "five"}),
    ("en", "Russian forces shelled the town of Marhanets on Tuesday, killing three people, according to the State "
           "Emergency Service.",
     {"source": "State Emergency Service", "via": ["Reuters"], "date": "2022-08-09", "place": "Marhanets",
      "type": "shelled", "victims": "people", "killed": "three", "wounded": None}),
    ("en", "The Ukrainian military said on Monday that at least 12 Russian soldiers were killed near Kherson.",
     {"source": "Armed Forces of Ukraine", "date": "2022-08-08", "place": "near Kherson",
      "victims": "Russian soldiers", "killed": "at least 12"}),
    ("en", "Separatist authorities in Donetsk reported that a woman died when a shell hit a bus stop on Wednesday.",
     {"source": "Separatist authorities in Donetsk", "date": "2022-08-10", "place": None, "victims": "woman",
      "killed": 1}),
    ("en", "Moscow denied the accusations, saying its forces do not target civilians.",
     {"source": "Government of Russia", "stance": "denies", "date": YESTERDAY_OR_TODAY, "killed": None}),
    ("en", "According to the UN human rights office, at least 5,401 civilians have been killed since February 24.",
     {"source": "UN human rights office", "date": "2022-02-24/2022-08-10", "victims": "civilians",
      "killed": "at least 5,401"}),
    ("en", "Kremlin spokesman Dmitry Peskov told reporters that the claims were “absolutely unfounded”.",
     {"source": "Kremlin spokesman Dmitry Peskov", "type": "statement", "date": YESTERDAY_OR_TODAY}),
    ("en", "Three Ukrainian servicemen were wounded in a drone attack near Bakhmut, the General Staff said in its "
           "morning update.",
     {"source": "General Staff of the Armed Forces of Ukraine", "place": "near Bakhmut", "type": "drone attack",
      "victims": "Ukrainian servicemen", "wounded": "Three", "killed": None, "date": YESTERDAY_OR_TODAY}),
    ("en", "Two people are reported to have died in a missile strike on Kramatorsk.",
     {"source": "Unnamed sources", "via": ["Reuters"], "place": "Kramatorsk", "type": "missile strike",
      "victims": "people", "killed": "Two"}),
    ("en", "Ukraine's defence ministry rejected the claims as fake.",
     {"source": "Ukraine's defence ministry", "stance": "denies"}),
    ("en", "Local officials said two children were among the four people killed in the strike on Chuhuiv.",
     {"source": "Local officials", "place": "Chuhuiv", "victims": "people", "killed": "four"}),
    ("en", "The Russian Defence Ministry said its forces had destroyed a Ukrainian ammunition depot in Kostiantynivka.",
     {"source": "Ministry of Defence of Russia", "type": "statement", "place": None, "killed": None}),
    # A statement of no casualties is a claim of none killed and none wounded, of an attack.
    ("en", "No casualties were reported after the overnight attack on Zaporizhzhia, the city council said.",
     {"source": "city council", "type": "attack", "date": "2022-08-09", "place": "Zaporizhzhia",
      "killed": "0", "wounded": "0"}),
    ("en", "Zelensky said on Telegram that 11 people had been killed in Vinnytsia on Thursday.",
     {"source": "Zelensky", "via": ["Reuters", "Telegram"], "date": "2022-08-04", "place": "Vinnytsia",
      "victims": "people", "killed": "11"}),
    # --- Ukrainian: bulletins and agency copy -------------------------------------------------
    ("uk", "За даними Генштабу ЗСУ, внаслідок обстрілу Краматорська загинули двоє цивільних.",
     {"source": "General Staff of the Armed Forces of Ukraine", "via": ["Укрінформ"], "place": "Краматорська",
      "victims": "цивільних", "killed": "двоє", "date": YESTERDAY_OR_TODAY}),
    ("uk", "Двоє військових загинули біля Авдіївки у вівторок, повідомили в ОВА.",
     {"source": "ОВА", "place": "біля Авдіївки", "date": "2022-08-09", "victims": "військових", "killed": "Двоє"}),
    ("uk", "Унаслідок ракетного удару по Миколаєву поранено п'ятьох людей, повідомив мер міста Олександр Сєнкевич.",
     {"source": "мер міста Олександр Сєнкевич", "place": "Миколаєву", "type": "ракетного удару",
      "victims": "людей", "wounded": "п'ятьох", "killed": None}),
    ("uk", "Генштаб ЗСУ повідомив, що за минулу добу знищено 150 окупантів.",
     {"source": "General Staff of the Armed Forces of Ukraine", "date": "2022-08-09/2022-08-10",
      "victims": "окупантів", "killed": "150"}),
    ("uk", "У Міноборони РФ спростували інформацію про удар по Одесі.",
     {"source": "Міноборони РФ", "stance": "denies", "killed": None}),
    ("uk", "Як повідомили в поліції Харківщини, вчора внаслідок обстрілу Чугуєва загинула жінка.",
     {"source": "поліції Харківщини", "date": "2022-08-09", "place": "Чугуєва", "victims": "жінка", "killed": 1}),
    ("uk", "Окупанти обстріляли Нікополь з артилерії, поранено трьох людей, повідомив голова ОВА Валентин Резніченко.",
     {"source": "голова ОВА Валентин Резніченко", "place": "Нікополь", "type": "обстріляли", "victims": "людей",
      "wounded": "трьох"}),
    ("uk", "За словами речника Повітряних сил Юрія Ігната, у середу ворог атакував Київщину дронами.",
     {"source": "речника Повітряних сил Юрія Ігната", "type": "statement", "date": "2022-08-10"}),
    ("uk", "Росія звинуватила Україну в обстрілі Запорізької АЕС.",
     {"source": "Government of Russia", "actor": "Україну", "type": "обстрілі Запорізької АЕС"}),
    ("uk", "Нібито загинули десятки мирних жителів, однак ці дані не вдалося незалежно перевірити.",
     {"source": "Unnamed sources", "victims": "мирних жителів", "killed": "десятки"}),
    ("uk", "Двоє людей загинули та ще четверо поранені внаслідок вибуху в Бердянську.",
     {"source": "Укрінформ", "via": None, "place": "Бердянську", "type": "вибуху", "victims": "людей",
      "killed": "Двоє", "wounded": "четверо"}),
    # --- Russian: agency copy and official statements ------------------------------------------
    ("ru", "По данным штаба территориальной обороны ДНР, в результате обстрела Горловки погибли двое мирных жителей.",
     {"source": "штаба территориальной обороны ДНР", "via": ["ТАСС"], "place": "Горловки", "type": "обстрела",
      "victims": "мирных жителей", "killed": "двое"}),
    ("ru", "Во вторник под Донецком погиб военнослужащий, сообщили в Минобороны.",
     {"source": "Минобороны", "date": "2022-08-09", "place": "под Донецком", "victims": "военнослужащий",
      "killed": 1}),
    ("ru", "Как сообщает РИА Новости со ссылкой на источник, ранены трое военных.",
     {"source": "Unnamed sources", "via": ["ТАСС", "РИА Новости"], "victims": "военных", "wounded": "трое"}),
    ("ru", "Минобороны России заявило, что российские войска уничтожили более 200 украинских военных на "
           "Николаевском направлении.",
     {"source": "Ministry of Defence of Russia", "victims": "украинских военных", "killed": "более 200",
      "place": None, "region": "Николаевском направлении"}),
    ("ru", "Власти Украины отвергли обвинения в обстреле Запорожской АЭС.",
     {"source": "Власти Украины", "stance": "denies"}),
    ("ru", "Киев обвинил российские войска в обстреле Никополя.",
     {"source": "Government of Ukraine", "actor": "российские войска", "type": "обстреле Никополя"}),
    ("ru", "В Белгороде в результате взрыва пострадали четыре человека, сообщил губернатор Вячеслав Гладков.",
     {"source": "губернатор Вячеслав Гладков", "place": "Белгороде", "type": "взрыва", "victims": "человека",
      "wounded": "четыре"}),
    ("ru", "Вчера вечером в Донецке погибли три человека, еще пятеро получили ранения.",
     {"source": "ТАСС", "date": "2022-08-09", "place": "Донецке", "victims": "человека", "killed": "три",
      "wounded": "пятеро"}),
    ("ru", "Якобы погибли 15 военнослужащих ВСУ, однако эти данные не удалось независимо проверить.",
     {"source": "Unnamed sources", "victims": "военнослужащих", "killed": "15"}),
    ("ru", "Песков заявил, что Кремль не намерен комментировать эти сообщения.",
     {"source": "Песков", "type": "statement", "date": YESTERDAY_OR_TODAY}),
    # --- tallies, totals and things: figures that are not the day's deaths ---------------------
    # Killed and wounded together: no killed figure; the total, as written, goes to the note.
    ("en", "Ukrainian forces lost about 250 soldiers killed and wounded near Bakhmut over the past week, the Russian "
           "Defence Ministry said.",
     {"source": "Ministry of Defence of Russia", "place": "near Bakhmut", "date": "2022-08-03/2022-08-10",
      "killed": None, "wounded": None,
      "note": "Killed and wounded together, as written: 'about 250' (no killed figure)."}),
    # Equipment counted with a casualty word ("destroyed") is no casualty.
    ("en", "Russian forces destroyed five tanks and 12 armoured vehicles near Izium, the General Staff said.",
     {"source": "General Staff of the Armed Forces of Ukraine", "type": "statement", "killed": None, "place": None}),
    # "X including Y": the figure is X; "in a day" is a day's tally (the day before to the day).
    ("en", "Five civilians including two children were killed in shelling of Toretsk in a day, the regional governor "
           "said.",
     {"source": "regional governor", "place": "Toretsk", "date": "2022-08-09/2022-08-10", "victims": "civilians",
      "killed": "Five"}),
    # A tally since the war began: dated from the full-scale invasion to the report's day.
    ("en", "At least 5,500 civilians have been killed since the start of the full-scale invasion, the UN said.",
     {"source": "United Nations", "date": "2022-02-24/2022-08-10", "victims": "civilians", "killed": "At least 5,500"}),
    ("uk", "Унаслідок обстрілу Херсона 12 людей вбито та поранено, повідомили в ОВА.",
     {"source": "ОВА", "place": "Херсона", "type": "обстрілу", "killed": None, "wounded": None,
      "note": "Killed and wounded together, as written: '12' (no killed figure)."}),
    ("uk", "Сили оборони знищили 14 танків та 9 одиниць техніки на Херсонщині, повідомили в Генштабі.",
     {"source": "Генштабі", "type": "statement", "killed": None}),
    ("uk", "З початку повномасштабного вторгнення загинули 358 дітей, повідомили в Офісі генпрокурора.",
     {"source": "Офісі генпрокурора", "date": "2022-02-24/2022-08-10", "victims": "дітей", "killed": "358"}),
    ("ru", "ВСУ потеряли до 200 человек убитыми и ранеными на Донецком направлении, заявили в Минобороны России.",
     {"source": "Ministry of Defence of Russia", "region": "Донецком направлении", "killed": None, "wounded": None,
      "note": "Killed and wounded together, as written: 'до 200' (no killed figure)."}),
    ("ru", "Уничтожены 5 танков и 3 склада боеприпасов под Изюмом, сообщили в Минобороны России.",
     {"source": "Ministry of Defence of Russia", "type": "statement", "killed": None}),
    ("ru", "С начала специальной военной операции погибли 120 мирных жителей Донецка, сообщили в штабе теробороны ДНР.",
     {"source": "штабе теробороны ДНР", "date": "2022-02-24/2022-08-10", "place": "Донецка",
      "victims": "мирных жителей", "killed": "120"}),
    # A figure counted among the dead is a part of them: at least that many, in the sentence's language.
    ("en", "There is a child among the dead in Kramatorsk, the mayor said.",
     {"source": "mayor", "place": "Kramatorsk", "victims": "child", "killed": "at least 1"}),
    ("en", "Among the dead are two soldiers from Sloviansk, police said.",
     {"source": "police", "place": "Sloviansk", "victims": "soldiers", "killed": "at least two"}),
    ("uk", "Серед загиблих двоє дітей, повідомила поліція.",
     {"source": "поліція", "victims": "дітей", "killed": "щонайменше двоє"}),
    ("ru", "Среди погибших трое военных, сообщили в штабе.",
     {"source": "штабе", "victims": "военных", "killed": "не менее трое"}),
    ("en", "Among those killed were two soldiers, the army said.",
     {"source": "Armed Forces of Ukraine", "victims": "soldiers", "killed": "at least two"}),
    # "Among" about others than the dead counts nothing: the toll is 12.
    ("en", "Fighting among militias killed 12 people, the governor said.",
     {"source": "governor", "victims": "people", "killed": "12"}),
    # A described speaker closing the sentence is its source, unless a subject spoke first.
    ("en", "Russian shelling of Kharkiv killed 3, police said.",
     {"source": "police", "place": "Kharkiv", "killed": "3"}),
    ("en", "The mayor said 4 died, residents added.", {"source": "mayor", "killed": "4"}),
    # A capital after a verb of accusing is the government accused, not where anyone died.
    ("ru", "Москва обвинила Киев в обстреле, в результате которого погибли двое мирных жителей.",
     {"source": "Government of Russia", "place": None, "killed": "двое"}),
    ("uk", "Київ звинуватив Москву в обстрілі, загинули двоє цивільних.",
     {"source": "Government of Ukraine", "place": None, "killed": "двоє"}),
    # The victims after a figure are never read across a comma: "police" here is the speaker.
    ("en", "The death toll rose to 28, police said.",
     {"source": "police", "victims": None, "killed": "28"}),
    # A toll told by groups, military and civilian, is their sum (figure_sum_of_groups); the
    # victims are both groups', joined as the language joins them.
    ("en", "Two soldiers and three civilians were killed in shelling of Avdiivka, the regional governor said.",
     {"source": "regional governor", "place": "Avdiivka", "killed": "5", "victims": "soldiers and civilians"}),
    ("en", "Russian shelling killed two soldiers and three civilians and wounded five in Toretsk, police said.",
     {"source": "police", "place": "Toretsk", "killed": "5", "victims": "soldiers and civilians", "wounded": "five"}),
    ("en", "At least two soldiers and three civilians were killed near Bakhmut, the army said.",
     {"source": "Armed Forces of Ukraine", "place": "near Bakhmut", "killed": "at least 5",
      "victims": "soldiers and civilians"}),
    ("uk", "Унаслідок обстрілу Торецька загинули двоє військових та троє цивільних, повідомив голова ОВА.",
     {"source": "голова ОВА", "place": "Торецька", "killed": "5", "victims": "військових і цивільних"}),
    ("ru", "Двое военных и трое мирных жителей погибли при обстреле Горловки, сообщили в администрации города.",
     {"place": "Горловки", "killed": "5", "victims": "военных и мирных жителей"}),
    # A list after the casualty word that runs into the next clause's subject is no toll.
    ("en", "Shelling killed two soldiers, three civilians were wounded in Toretsk.",
     {"place": "Toretsk", "killed": "two", "victims": "soldiers", "wounded": "three"}),
    ("en", "Shelling wounded two soldiers, three civilians were killed in Toretsk.",
     {"place": "Toretsk", "killed": "three", "victims": "civilians", "wounded": "two"}),
    # A range is not summed ("about three": 2 to 4): the first figure, as before.
    ("en", "Shelling killed two soldiers and about three civilians in Toretsk.",
     {"place": "Toretsk", "killed": "two", "victims": "soldiers"}),
    # Two groups of civilians may be one inside the other: never summed. A whole, then a part of
    # it (figure_of_whole_group), is the whole's figure.
    ("en", "Four civilians and two children were killed in Kherson, the governor said.",
     {"source": "governor", "place": "Kherson", "killed": "Four", "victims": "civilians"}),
    # A whole, then a part of it (figure_of_whole_group): 22 civilians, three of them children;
    # not 25, and not the 3 nearest the casualty word.
    ("en", "22 civilians, 3 children were killed in shelling of Kharkiv, the governor said.",
     {"source": "governor", "place": "Kharkiv", "killed": "22", "victims": "civilians"}),
    ("uk", "Унаслідок обстрілу Харкова загинули 22 мирних жителі, 3 дитини, повідомив голова ОВА.",
     {"source": "голова ОВА", "place": "Харкова", "killed": "22", "victims": "мирних жителі"}),
    ("ru", "При обстреле Донецка погибли 10 человек, трое детей, сообщили в администрации города.",
     {"place": "Донецка", "killed": "10", "victims": "человек"}),
    ("ru", "Десять мирных жителей, трое детей погибли при обстреле Горловки, сообщили в администрации города.",
     {"place": "Горловки", "killed": "Десять", "victims": "мирных жителей"}),
    # A "part" larger than the whole is none: the figure next to the casualty word, as before.
    ("en", "Three civilians, 22 children were killed in Kharkiv, the governor said.",
     {"source": "governor", "place": "Kharkiv", "killed": "22", "victims": "children"}),
]


@pytest.mark.parametrize("lang, sentence, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_extract_sentence_gives_hand_worked_draft(lang, sentence, expected):
    drafts = drafts_of(lang, sentence)
    assert len(drafts) == 1
    draft = drafts[0]
    for name, value in expected.items():
        assert draft.get(name) == value, name
    assert draft["text"] == sentence and draft["lang"] == lang and draft["published"] == "2022-08-10"


def _headline(text: str):
    document = read_document("headline", text, "en")
    return extract(document, ExtractOptions(published=PUBLISHED, source="Reuters", headline=True))[0]


def _tolls(lang: str, text: str) -> tuple:
    """The killed and wounded figures of the one draft ``text`` gives."""
    [draft] = drafts_of(lang, text)
    return draft.get("killed"), draft.get("wounded")


def _killed_and_victims(lang: str, text: str) -> tuple:
    """The killed figure and the victims of the one draft ``text`` gives."""
    [draft] = drafts_of(lang, text)
    return draft.get("killed"), draft.get("victims")


def _only_draft(text: str, lang: str):
    """The one draft of a headline in ``lang``, published by Ukrinform (exactly one)."""
    [draft] = extract(read_document("headline", text, lang),
                      ExtractOptions(published=PUBLISHED, source="Ukrinform", headline=True))
    return draft


def test_extract_headline_wire_slug_is_no_figure():
    # Regression: "UPDATE 2-Three …" was read as the figure "2 -Three".
    draft = _headline("UPDATE 2-Three soldiers killed near Avdiivka - military")
    assert (draft.fields["killed"], draft.fields["place"], draft.fields["source"]) == (
        "Three", "near Avdiivka", "Armed Forces of Ukraine")


def test_extract_headline_ambiguous_place_keeps_its_namesakes():
    # A bare village name with namesakes all over Ukraine: every one kept for matching to compare.
    alone = _headline("Two civilians killed in Novoselivka")
    assert alone.place.place in alone.place.candidates and len(alone.place.candidates) > 10
    # Named beside a town: only the namesakes near it.
    near = _headline("Two civilians killed in Novoselivka near Kramatorsk")
    assert near.fields["place"] == "Novoselivka"
    assert 1 <= len(near.place.candidates) < len(alone.place.candidates)
    assert all(p.admin1 == "05" for p in near.place.candidates)   # Donetsk oblast, as Kramatorsk


def test_extract_headline_possessive_names_the_place():
    draft = _headline("Kiev's Maidan: one protester shot dead")
    assert (draft.fields["place"], draft.place.place.name, draft.fields["killed"]) == ("Kiev", "Kyiv", "one")


def test_extract_headline_abbreviated_oblast_is_a_region_not_its_centre():
    # "Obl." is an oblast, as "oblast" is: a region, not the city of Donetsk.
    draft = _headline("Three civilians killed in Donetsk Obl. - police")
    assert ("place" not in draft.fields, draft.fields["region"], draft.fields["killed"]) == (
        True, "Donetsk Obl", "Three")
    beside = _headline("Two soldiers killed in shelling near Horlivka, Donetsk Obl., army says")
    assert (beside.fields["place"], beside.fields["region"]) == ("near Horlivka", "Donetsk Obl")


def test_extract_headline_place_then_comma_then_speaker_keeps_the_place():
    # "Avdiivka army" would be an army; "Avdiivka, army says" is a place and then who says it.
    draft = _headline("Two soldiers killed near Avdiivka, army says")
    assert (draft.fields["place"], draft.fields["source"], draft.fields["killed"]) == (
        "near Avdiivka", "Armed Forces of Ukraine", "Two")


def test_extract_headline_region_in_the_possessive_then_the_place():
    draft = _headline("Ukrainian troops in control of Donetsk Oblast's Kramatorsk airfield, deputy prime minister says")
    assert (draft.fields["place"], draft.fields["region"]) == ("Kramatorsk", "Donetsk Oblast")


def test_extract_headline_verb_after_a_name_rules_out_a_government_not_a_place_word():
    # "Kiev says": the government speaking. "in … Donetsk has increased": the place (a word of
    # place before it), the verb's subject being the toll.
    assert "place" not in _headline("Kiev says two soldiers killed").fields
    # …and whom it accuses is a government too.
    assert "place" not in _headline("Soldiers killed in Ukraine, Kiev points at Moscow over air strike").fields
    draft = _headline("The number of victims of the shelling in the Kirovsky district of Donetsk has increased "
                      "to three")
    assert (draft.fields["place"], draft.fields["region"]) == ("Donetsk", "Kirovsky district")


def test_extract_headline_name_in_quotation_marks_is_no_place():
    # A weapon system in quotation marks is a thing destroyed, not where ("Pantsir" is also a
    # name the gazetteer knows); a place word before a quoted name still makes it a place.
    draft = _headline('In the south, the Armed Forces of Ukraine destroyed 77 invaders, six tanks and three "Pantsir"')
    assert ("place" not in draft.fields, draft.fields["killed"]) == (True, "77")
    quoted = _headline('Two soldiers killed near "Avdiivka", army says')
    assert quoted.fields["place"] == "near Avdiivka"


def test_extract_headline_label_speaks_when_a_known_speaker_and_no_place():
    # "General Staff: …" is a described speaker (common.yaml): it speaks, the agency relays it.
    staff = _headline("General Staff: Russian forces shelled Avdiivka overnight, killing two soldiers")
    assert (staff.fields["source"], staff.fields["via"], staff.fields["place"], staff.fields["killed"]) == (
        "General Staff of the Armed Forces of Ukraine", ["Reuters"], "Avdiivka", "two")
    assert staff.rules["source"] == "headline_label_speaker:described_speaker"
    # A country (place_stop), a place the gazetteer knows, a desk's label, a phrase nobody
    # registered: the topic, and the publisher's own report.
    for text in ("Ukraine: Unguided rockets killing civilians in Avdiivka",
                 "Donetsk: two civilians killed in shelling",
                 "Kyiv: two civilians killed in a drone strike",
                 "MAIN: two civilians killed in Toretsk",
                 "South: AFU eliminated almost 140 invaders"):
        label = _headline(text)
        assert (label.fields["source"], "via" in label.fields) == ("Reuters", False), text
    # Russia in Cyrillic is a country too: the topic.
    document = read_document("headline", "Россия: ВСУ обстреляли Горловку, погибли двое мирных жителей", "ru")
    russia = extract(document, ExtractOptions(published=PUBLISHED, source="ТАСС", headline=True))[0]
    assert (russia.fields["source"], "via" in russia.fields, russia.fields["killed"]) == ("ТАСС", False, "двое")
    # A label speaks only as a whole: a registered name inside it ("NATO summit …", "Zelensky
    # visits …") is the topic's, and the closing speaker and the place are read as without it.
    names = registered_names([("NATO", []), ("Volodymyr Zelensky", ["Zelensky"])])
    for text, source, place in (
            ("NATO summit in Vilnius: two soldiers killed near Avdiivka - Stoltenberg", "Stoltenberg", "near Avdiivka"),
            ("Zelensky visits Bakhmut: two soldiers killed in shelling - General Staff",
             "General Staff of the Armed Forces of Ukraine", "Bakhmut")):
        document = read_document("headline", text, "en")
        draft = extract(document, ExtractOptions(published=PUBLISHED, source="Reuters", names=names, headline=True))[0]
        assert (draft.fields["source"], draft.fields["place"]) == (source, place), text
    # The same in Ukrainian: the General Staff, no place.
    document = read_document("headline", "Генштаб ЗСУ: окупанти обстріляли Авдіївку, загинули двоє військових", "uk")
    uk = extract(document, ExtractOptions(published=PUBLISHED, source="Укрінформ", headline=True))[0]
    assert (uk.fields["source"], uk.fields["via"], uk.fields["killed"]) == (
        "General Staff of the Armed Forces of Ukraine", ["Укрінформ"], "двоє")


def test_extract_headline_closing_speaker_is_a_name_not_a_clause():
    # A name and what it did after the dash: the name speaks, and the rest is read for places
    # (it was the speaker "governor reported the details of the strike in Kramatorsk", no place).
    draft = _headline("Five civilians killed in shelling - governor reported the details of the strike in Kramatorsk")
    assert (draft.fields["source"], draft.fields["place"], draft.fields["killed"]) == (
        "governor", "Kramatorsk", "Five")
    said = _headline("Shelling of Horlivka kills three: mayor said the toll may rise")
    assert (said.fields["source"], said.fields["place"], said.fields["killed"]) == ("mayor", "Horlivka", "three")
    # A pronoun is nobody: the publisher's own report (after a colon too, and after two spaces).
    for text in ("Two soldiers killed near Avdiivka - they were hit by mortar fire",
                 "Two soldiers killed near Avdiivka -  they were hit by mortar fire",
                 "Two soldiers killed near Avdiivka: they were hit by mortar fire"):
        they = _headline(text)
        assert (they.fields["source"], they.fields["place"], "via" in they.fields) == (
            "Reuters", "near Avdiivka", False), text
    # Two words and a colon are a topic, then the news: no speaker, and the place is read.
    for text, place in (("Ukraine war: Residents bury neighbours at Izium cemetery", "Izium"),
                        ("Donbas: Burned tanks line the road to Lyman", "Lyman")):
        topic = _headline(text)
        assert (topic.fields["source"], topic.fields["place"]) == ("Reuters", place), text
    # A statement of three words or more before the colon keeps its closing speaker.
    stated = _headline("Two activists shot dead during Ukraine protests: prosecutors")
    assert (stated.fields["source"], stated.fields["killed"]) == ("prosecutors", "Two")


def test_extract_headline_bare_singular_victim_counts_one():
    # English marks one victim by its noun: a casualty word beside a singular victim, no figure,
    # counts one (rule singular_victim_word): the object after it, or the subject of a passive.
    for text, victims, place in (("Russian attack on Lyman kills civilian", "civilian", "Lyman"),
                                 ("Child killed in Russian shelling of Kherson", "Child", "Kherson"),
                                 ("Russian shelling kills man in Nikopol", "man", "Nikopol"),
                                 ("Russian drone strike kills Ukrainian soldier near Bakhmut", "soldier", "near Bakhmut"),
                                 ("Soldier was killed near Avdiivka", "Soldier", "near Avdiivka"),
                                 ("Woman wounded in shelling of Marhanets", "Woman", "Marhanets")):
        draft = _headline(text)
        figure = "wounded" if "wounded" in text else "killed"
        assert (draft.fields[figure], draft.fields["victims"], draft.fields["place"]) == (1, victims, place), text
        assert draft.rules[figure] == "singular_victim_word", text
    # A plural says no number; a singular before an active verb is who killed, not who died; a
    # figure stated wins.
    for text in ("Russian shelling kills civilians in Kherson", "Russian soldier killed civilians in Bucha",
                 "Russian soldier kills civilians near Izium"):
        assert _headline(text).fields.get("killed") is None, text
    assert _headline("Ukrainian soldier kills two Russian soldiers").fields["killed"] == "two"
    # Ukrainian and Russian mark one by the verb, as before (singular_casualty_word).
    uk = drafts_of("uk", "Унаслідок обстрілу Нікополя загинула жінка, повідомив голова ОВА.")[0]
    assert (uk["killed"], uk["victims"]) == (1, "жінка")


@pytest.mark.parametrize("text", [
    "Fighter shot down Su-25 near Bakhmut",                       # shot: no casualty verb of one
    "Soldier shot at police in Kyiv, prosecutors say",
    "Man to be executed in Belarus for sabotage",
    "Wounded soldier says Russian troops are running out of shells",   # a participle before the noun
    "Missile attack kills man, woman in Odesa",                   # more than one
    "Russian missile kills man and his son in Zaporizhzhia",
    "Soldier who killed civilian in Bucha sentenced to life",     # a court story
    "Russian court jails man who killed soldier",
])
def test_extract_headline_singular_victim_reads_no_figure_where_none_is_stated(text):
    # Found by review of the rule above: each drafted one killed or wounded (the shooter, a
    # future execution, an interview, two victims, a sentence for an old killing).
    draft = _headline(text)
    assert (draft.fields.get("killed"), draft.fields.get("wounded")) == (None, None), text


def test_extract_nobody_killed_is_no_figure_of_one():
    # "no one was killed" drafted a killed figure "one": a statement that nobody died read as a
    # death (before the rules on singular victims too). Nobody is no figure of one
    # (figure_negations): it is a figure of none, as written (no_casualties).
    draft = _headline("No one was killed in the strike on Odesa, the governor said")
    assert (draft.fields["killed"], draft.fields.get("wounded")) == ("No one", None)
    assert draft.rules["killed"] == "no_casualties:nobody_killed"
    hurt = _headline("Shelling of Kherson: no one was hurt")   # hurt: neither killed nor wounded
    assert (hurt.fields["killed"], hurt.fields["wounded"], hurt.fields["type"]) == ("no one", "no one", "Shelling")
    # A group of victims says nothing of the others: no figure read (conservative).
    soldier = _headline("Not one soldier was killed, the army said")
    assert (soldier.fields.get("killed"), soldier.fields.get("wounded")) == (None, None)
    child = _headline("Child was injured in Kharkiv shelling, but no one was killed")
    assert (child.fields["killed"], child.fields["wounded"], child.fields["victims"]) == ("no one", 1, "Child")
    assert _headline("One soldier was killed near Bakhmut").fields["killed"] == "One"


@pytest.mark.parametrize("text, victims", [
    # People named by their civilian work count one like any singular victim (victims.yaml knows them).
    ("Russian TV reporter killed in east Ukraine fighting", "reporter"),
    ("Russian reporter dies of wounds in east Ukraine: doctor", "reporter"),
    ("Nurse killed in Russian strike on Kherson hospital", "Nurse"),
])
def test_extract_headline_victim_by_civilian_work_counts_one(text, victims):
    draft = _headline(text)
    assert (draft.fields.get("killed"), draft.fields.get("victims")) == (1, victims), text


def test_extract_headline_singular_victim_who_died_of_wounds_is_one_killed():
    draft = _headline("Wounded soldier dies in Dnipro hospital")
    assert (draft.fields.get("killed"), draft.fields.get("wounded"), draft.fields["victims"]) == (1, None, "soldier")
    # The one wounded is the one who died: one killed, no wounded figure (it was no figure at all).
    died = _headline("Soldier wounded near Bakhmut dies in hospital")
    assert (died.fields["killed"], died.fields.get("wounded"), died.fields["victims"]) == (1, None, "Soldier")
    assert died.rules["killed"] == "singular_wounded_died"
    later = _headline("Resident injured in shelling of Kherson died, officials say")
    assert (later.fields["killed"], later.fields.get("wounded"), later.fields["type"]) == (1, None, "shelling")
    assert _headline("Civilian shot dead in Kherson").fields["killed"] == 1


def test_extract_speaker_after_a_clause_is_the_name_not_the_clause():
    # "<clause> as <speaker> says/claims …": the speaker is what follows the joining word, and the
    # clause is read for places (it was the speaker "Heavy fighting in Bakhmut as Wagner").
    draft = _headline("Heavy fighting in Bakhmut as Wagner claims gains")
    assert (draft.fields["source"], draft.fields["place"]) == ("Wagner", "Bakhmut")
    said = _headline("Explosions rock Melitopol while Ukraine says it hit Russian base")
    assert (said.fields["source"], said.fields["place"]) == ("Government of Ukraine", "Melitopol")
    # A clause that tells casualties is not cut: the figure is not that speaker's, and the phrase
    # is no speaker at all (the publisher's own report).
    toll = _headline("Shelling of Horlivka kills two as Kyiv denies involvement")
    assert (toll.fields["source"], toll.fields["killed"], toll.fields["place"]) == ("Reuters", "two", "Horlivka")
    # …and the denial is the joined clause's speaker's, not the toll's: the draft asserts the two
    # dead (it was drafted as a denial), and its note quotes the other's denial for a person.
    assert toll.fields.get("stance") is None
    assert toll.fields["note"] == ("A denial in the same sentence is another speaker's, not drafted: "
                                   "'as Kyiv denies involvement'.")
    # Neither a preposition nor an adverb joins clauses: "once again" stays in the phrase.
    again = _headline("Armed Forces of Ukraine once again confirmed the bridge is unusable")
    assert again.fields["source"] != "again"
    # Phrases that join no clause stay whole: "such as", "as well as", "as part of", "поки що".
    for text, cut in (("Officials in regions such as Kherson say evacuation is under way", "Kherson"),
                      ("Ukraine's army as well as volunteers say Bakhmut still holds", "volunteers"),
                      ("Russian forces as part of a new push claim capture of Soledar", "part of a new push")):
        assert _headline(text).fields["source"] != cut, text
    [so_far] = drafts_of("uk", "Поки що Генштаб повідомив, що загинули двоє цивільних.")
    assert so_far["source"] != "що Генштаб"
    # What the speaker says is where: the clause before names another place.
    claims = _headline("Ukraine retakes village near Bakhmut while Russia claims advances in Avdiivka")
    assert (claims.fields["source"], claims.fields["place"]) == ("Government of Russia", "Avdiivka")
    for lang, sentence, killed in (
            ("uk", "Бої за Бахмут тривають тоді як Генштаб повідомив про двох загиблих.", "двох"),
            ("ru", "Бои за Бахмут продолжаются тогда как Генштаб сообщил, что погибли двое мирных жителей.", "двое")):
        [found] = drafts_of(lang, sentence)
        assert (found["source"], found["place"], found["killed"]) == (
            "General Staff of the Armed Forces of Ukraine", "Бахмут", killed), sentence


def test_extract_pronoun_speaker_is_the_speaker_before_it():
    # A wire story written for this test: "It said", "he added", "according to him" were the
    # publisher's own reports (Reuters) or a speaker "him"; "It was reported" a speaker "It was".
    story = ("KYIV, Aug 10 (Reuters) - The Defence Ministry said Russian forces shelled Avdiivka.\n\n"
             "It said two soldiers were killed.\n\n"
             "Governor Pavlo Kyrylenko said Russian shelling hit Toretsk.\n\n"
             "\"Four civilians were wounded in Toretsk,\" he added.\n\n"
             "According to him, five people were killed in Bakhmut.\n\n"
             "It was reported that three civilians were wounded in Siversk.\n\n"
             "\"Two soldiers died near Bakhmut,\" she said.\n\n"
             "They claimed the village of Krasnohorivka.\n\n"
             "It claimed the lives of two teachers in Kurakhove.")
    drafts = drafts_of("en", story)
    got = [(d["source"], d.get("place"), d.get("killed"), d.get("wounded")) for d in drafts]
    assert got == [
        ("Defence Ministry", None, None, None),
        ("Defence Ministry", None, "two", None),          # "it": the ministry, in the sentence before
        ("Governor Pavlo Kyrylenko", None, None, None),
        ("Governor Pavlo Kyrylenko", "Toretsk", None, "Four"),
        ("Governor Pavlo Kyrylenko", "Bakhmut", "five", None),   # "him": the same, who goes on speaking
        ("Unnamed sources", "Siversk", None, "three"),    # nobody named: no origin at all
        ("Unnamed sources", "near Bakhmut", "Two", None),  # "she": nobody named in the sentence before
        ("Reuters", "Kurakhove", "two", None),            # "claimed the lives": no speaker
    ]   # "They claimed the village": a pronoun's statement without casualties is no draft
    assert drafts[1]["note"] == "The speaker is written as 'It': read as the speaker before it, 'Defence Ministry'."
    assert drafts[3]["note"] == ("The speaker is written as 'he': read as the speaker before it, "
                                 "'Governor Pavlo Kyrylenko'.")
    # The sentence that names the speaker is in the draft's text, first.
    assert drafts[3]["text"] == ("Governor Pavlo Kyrylenko said Russian shelling hit Toretsk. "
                                 "\"Four civilians were wounded in Toretsk,\" he added.")
    assert drafts[5]["note"] == "Unattributed ('It was reported'): no known origin."
    assert drafts[6]["note"] == ("The speaker is written as 'she' and nobody it can stand for is named in the "
                                 "sentence before: no known origin.")
    # In its own paragraph the pronoun is read as anyone reads it, without a note.
    [_, same] = drafts_of("en", "The governor said Russian forces shelled Nikopol. He said two people were killed.")
    assert (same["source"], same["killed"], same.get("note")) == ("governor", "two", None)
    # "he" is no ministry, "it" no governor: nobody known, never the publisher's own report.
    for text, pronoun in (("The Defence Ministry said Russian forces shelled Nikopol. He said two people were "
                           "killed.", "He"),
                          ("The governor said Russian forces shelled Nikopol. It said two people were killed.", "It")):
        [_, other] = drafts_of("en", text)
        assert (other["source"], other["killed"]) == ("Unnamed sources", "two"), text
        assert other["note"].startswith(f"The speaker is written as '{pronoun}' and nobody"), text
    # Another cited in the pronoun's sentence speaks: "she said, citing the regional administration".
    [_, cited] = drafts_of("en", "Governor Oleh Syniehubov said a missile hit Kharkiv. \"Five civilians were killed "
                                 "in Kupiansk,\" she said, citing the regional military administration.")
    assert cited["source"] == "regional military administration"
    # Nobody named before the pronoun: nobody known.
    [alone] = drafts_of("en", "\"Two soldiers were killed in Bakhmut,\" he said.")
    assert (alone["source"], alone["killed"]) == ("Unnamed sources", "Two")


@pytest.mark.parametrize("lang, story, speaker", [
    ("uk", "Голова Донецької ОВА Павло Кириленко повідомив, що окупанти обстріляли Авдіївку.\n\n"
           "За його словами, двоє цивільних загинули в Авдіївці.\n\n"
           "«Троє людей поранені в Торецьку», — додав він.", "Голова Донецької ОВА Павло Кириленко"),
    ("ru", "Глава ДНР Денис Пушилин сообщил, что ВСУ обстреляли Горловку.\n\n"
           "По его словам, двое мирных жителей погибли в Горловке.\n\n"
           "«Трое человек ранены в Донецке», — добавил он.", "Глава ДНР Денис Пушилин"),
])
def test_extract_pronoun_speaker_in_ukrainian_and_russian(lang, story, speaker):
    # "За його словами" / "По его словам" and "— додав він" / "— добавил он" were the publisher's.
    drafts = drafts_of(lang, story)
    assert [(d["source"], d.get("killed"), d.get("wounded")) for d in drafts] == [
        (speaker, None, None),
        (speaker, {"uk": "двоє", "ru": "двое"}[lang], None),
        (speaker, None, {"uk": "Троє", "ru": "Трое"}[lang]),
    ]
    pronoun = {"uk": ("його", "він"), "ru": ("его", "он")}[lang]
    assert [d["note"] for d in drafts[1:]] == [
        f"The speaker is written as '{p}': read as the speaker before it, '{speaker}'." for p in pronoun]


def test_extract_headline_pronoun_speaker_is_not_another_headlines_speaker(tmp_path):
    # Each line of a file of headlines is its own story: a pronoun never reaches the line above.
    path = tmp_path / "headlines.txt"
    path.write_text("Governor says Russian shelling hit Nikopol\n"
                    "\"Two soldiers killed in Bakhmut,\" he said\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(path), "--headlines", "--published", "2022-08-10",
                                      "--source", "Reuters"])
    assert result.exit_code == 0, result.output
    drafts = [json.loads(line) for line in result.output.splitlines()]
    assert (drafts[-1]["source"], drafts[-1]["killed"]) == ("Unnamed sources", "Two")


@pytest.mark.parametrize("lang, sentence, expected", [
    # (killed, wounded, victims, place), worked out by hand; each was a false figure or none.
    # A group of which nobody was hurt is no figure (it was wounded 30); the casualties' own
    # figure stays one.
    ("en", "None of the 30 people on the bus was hurt, police said.", (None, None, None, None)),
    ("en", "None of the 12 wounded died, doctors said.", (None, "12", None, None)),
    ("uk", "Нікого з 30 пасажирів не поранено, повідомила поліція.", (None, None, None, None)),
    ("ru", "Никого из 30 пассажиров не ранило, сообщила полиция.", (None, None, None, None)),
    # Things counted before their casualty word (it was killed 3,000); a comma ends them.
    ("en", "The number of Russian tanks destroyed rose to 3,000, the General Staff said.", (None, None, None, None)),
    ("en", "Russia lost 2 tanks, and Ukraine lost 40 soldiers, the report said.", ("40", None, "soldiers", None)),
    # "how many", "so many": no figure (it was killed "many").
    ("en", "Nobody knows how many people were killed in Mariupol, the mayor said.", (None, None, None, None)),
    ("en", "So many people were killed in Mariupol that nobody counts them, the mayor said.",
     (None, None, None, None)),
    # Ages after the victims are left out (it was killed 20, or nothing and no place).
    ("en", "Two men aged between 20 and 45 were killed in Bakhmut, police said.", ("Two", None, "men", "Bakhmut")),
    ("en", "Two women, aged 60 and 65, were killed in Nikopol, the regional governor said.",
     ("Two", None, "women", "Nikopol")),
    # (…and two kinds of civilian, neither a whole of the other, are summed: it was 1, the man alone.)
    ("en", "A man aged 62 and 3 children were killed in Kharkiv, the governor said.",
     ("4", None, "man and children", "Kharkiv")),
    ("uk", "Двоє чоловіків віком 40 і 45 років загинули в Херсоні, повідомила поліція.",
     ("Двоє", None, "чоловіків", "Херсоні")),
    ("uk", "Жінка віком 62 роки загинула в Херсоні, повідомила поліція.", (1, None, "Жінка", "Херсоні")),
    ("ru", "Двое мужчин в возрасте 40 и 45 лет погибли в Херсоне, сообщила полиция.",
     ("Двое", None, "мужчин", "Херсоне")),
    # "injures" is a casualty word (the wounded were lost).
    ("en", "Russian shelling kills 2, injures 7 in Kherson, officials say.", ("2", "7", None, "Kherson")),
])
def test_extract_figures_that_count_no_casualties_or_hide_behind_an_age(lang, sentence, expected):
    [draft] = drafts_of(lang, sentence)
    assert tuple(draft.get(k) for k in ("killed", "wounded", "victims", "place")) == expected


@pytest.mark.parametrize("lang, sentence, expected", [
    # (source, killed, wounded, stance, place), worked out by hand.
    # A relative clause's speaker is not the sentence's (it was the speaker "which Kyiv").
    ("en", "Russian shelling killed two civilians in Kherson, which Kyiv said was a war crime.",
     ("Reuters", "two", None, None, "Kherson")),
    # Words between "Об этом"/"Про це" and the verb (it was the speaker "Об этом на брифинге").
    ("ru", "В Горловке погибли двое мирных жителей. Об этом на брифинге сообщил глава города Иван Приходько.",
     ("глава города Иван Приходько", "двое", None, None, "Горловке")),
    ("ru", "В Донецке ранены трое. Об этом в интервью ТАСС рассказал глава ДНР Денис Пушилин.",
     ("глава ДНР Денис Пушилин", None, "трое", None, "Донецке")),
    ("uk", "У Херсоні загинули двоє людей. Про це на брифінгу повідомив голова ОВА Олександр Прокудін.",
     ("голова ОВА Олександр Прокудін", "двоє", None, None, "Херсоні")),
    # A denial in an appositive is its own speaker's: the toll is asserted (it was drafted a denial).
    ("en", "Russia said Ukrainian shelling killed three civilians in Horlivka, a claim that Kyiv dismissed.",
     ("Government of Russia", "three", None, None, "Horlivka")),
    # A passive denial's speaker follows "by" (it was the speaker "was").
    ("en", "The report was dismissed by Kyiv as propaganda.", ("Government of Ukraine", None, None, "denies", None)),
    # Denials in the present tense, and claims called propaganda or fake (none was drafted).
    ("uk", "Кремль відкидає звинувачення в обстрілі Краматорська.", ("Кремль", None, None, "denies", None)),
    ("uk", "У Міноборони Росії назвали ці дані пропагандою.", ("Міноборони Росії", None, None, "denies", None)),
    ("ru", "Кремль отвергает обвинения в обстреле Краматорска.", ("Кремль", None, None, "denies", None)),
    ("ru", "В Минобороны России назвали эти данные фейком.",
     ("Ministry of Defence of Russia", None, None, "denies", None)),
])
def test_extract_speakers_of_relative_clauses_briefings_and_denials(lang, sentence, expected):
    drafts = drafts_of(lang, sentence)
    draft = next(d for d in drafts if d.get("killed") or d.get("wounded") or d.get("stance")) if len(drafts) > 1 \
        else drafts[0]
    assert tuple(draft.get(k) for k in ("source", "killed", "wounded", "stance", "place")) == expected
    if "dismissed." in sentence:
        assert draft["note"] == "A denial in the same sentence is another speaker's, not drafted: 'a claim that Kyiv dismissed'."


# Found by a review of the pronoun, figure, place and denial rules: each input written by the
# reviewer, each expectation worked out by hand: (source, killed, wounded, place, stance) of the
# story's last draft; the publisher is Reuters, Укрінформ or ТАСС (PUBLISHER).
REVIEWED = [
    # Another cited in a pronoun's sentence is the speaker.
    ("en", "Regional governor Oleh Syniehubov said a missile hit a residential building in Kharkiv.\n\n"
           "“Five civilians were killed in Kupiansk,” she said, citing the regional military administration.",
     ("regional military administration", "Five", None, "Kupiansk", None)),
    ("en", "Ukrainian President Volodymyr Zelenskiy said Russia had launched more than 100 missiles.\n\n"
           "The barrage killed at least 11 people, he said, according to the State Emergency Service.",
     ("State Emergency Service", "at least 11", None, None, None)),
    ("ru", "Глава ДНР Денис Пушилин заявил, что ВСУ обстреляли Горловку.\n\n«Погибли двое мирных жителей, еще трое "
           "ранены», — добавил он, сославшись на данные штаба ТрО.", ("штаба ТрО", "двое", "трое", None, None)),
    # "It claimed 57 lives": the strike, no speaker.
    ("en", "Governor Serhiy Lysak said on Telegram that Russian artillery hit Nikopol overnight.\n\nThe strike on the "
           "Kramatorsk station was the deadliest of the month. It claimed 57 lives, including five children.",
     ("Reuters", "57", None, None, None)),
    ("en", "That official said three people were killed in Kherson.", ("That official", "three", None, "Kherson", None)),
    # A pronoun whose sentence before names nobody it can stand for: nobody known, not another speaker.
    ("en", "KYIV, April 7 (Reuters) - Ukraine's air force said on Friday it shot down 14 of 17 Russian drones launched "
           "overnight.\n\nMayor Ihor Terekhov visited the site of the strike in Kharkiv. He said two people were "
           "killed and five wounded.", ("Unnamed sources", "two", "five", None, None)),
    ("en", "KYIV, April 7 (Reuters) - Ukraine's Defence Minister Oleksii Reznikov met his U.S. counterpart on Friday.\n\n"
           "Russia's defence ministry said its forces had killed 60 Ukrainian soldiers near Bakhmut.\n\n“We lost two "
           "soldiers,” he told reporters later, referring to a Ukrainian unit near Kreminna.",
     ("Unnamed sources", "two", None, "near Kreminna", None)),
    ("en", "Governor Vitaliy Kim said a Russian strike hit Mykolaiv on Friday, killing one person.\n\nKim’s deputy, who "
           "was at the scene, told reporters two more bodies were found. He said rescuers were still searching.",
     ("Reuters", "two", None, None, None)),
    ("uk", "Харківська ОВА повідомила, що росіяни вдарили по Куп'янську.\n\nМешканка міста Олена розповіла "
           "журналістам про обстріл. За її словами, загинули двоє її сусідів.",
     ("Unnamed sources", "двоє", None, None, None)),
    # Named by a passive report, or quoted by an agency: that speaker.
    ("en", "Three civilians were killed in Kherson region over the past day. This was reported by the head of the "
           "Kherson Regional Military Administration Oleksandr Prokudin on Telegram.",
     ("head of the Kherson Regional Military Administration Oleksandr Prokudin", "Three", None, None, None)),
    ("en", "Police in Kherson said on Friday a man was killed by Russian shelling.\n\nInterfax news agency quoted "
           "Russian-installed official Vladimir Saldo as saying Ukrainian shelling killed 3 in Nova Kakhovka. He said 5 "
           "more were wounded.", ("Russian-installed official Vladimir Saldo", None, "5", None, None)),
    # Figures kept: the casualties of "none of", "how" two were executed, "so" 3 more, things not counted.
    ("en", "Police said none of the three people killed in the strike on Kramatorsk were soldiers.",
     ("Police", "three", None, "Kramatorsk", None)),
    ("en", "Footage verified by Reuters showed how two Ukrainian soldiers were executed near Bakhmut, Ukraine's "
           "military said.", ("Ukraine's military", "two", None, "near Bakhmut", None)),
    ("en", "The shelling did not stop, so 3 more people were wounded in Nikopol, the governor said.",
     ("governor", None, "3", "Nikopol", None)),
    ("en", "Artillery units eliminated 40 Ukrainian soldiers near Bakhmut, Russia's defence ministry said.",
     ("Russia's defence ministry", "40", None, "near Bakhmut", None)),
    ("ru", "В результате ударов по позициям ВСУ уничтожено до 60 военнослужащих, сообщили в Минобороны России.",
     ("Ministry of Defence of Russia", "до 60", None, None, None)),
    # Places: first names, lands and mountains are no towns; a district is no town's namesake.
    ("uk", "У Марії на фронті загинув чоловік, розповіла вона Укрінформу.", ("Укрінформ", 1, None, None, None)),
    ("uk", "У Карпатах загинули двоє туристів, повідомили в ДСНС.", ("ДСНС", "двоє", None, None, None)),
    ("uk", "У селі Поділля на Харківщині внаслідок обстрілу загинув чоловік, повідомила ОВА.",
     ("ОВА", 1, None, "Поділля", None)),
    ("uk", "У Кальміуському внаслідок обстрілу загинули двоє цивільних, повідомив Пушилін.",
     ("Пушилін", "двоє", None, "Кальміуському", None)),
    ("uk", "На Кримському мосту загинули двоє людей, повідомили в МВС.", ("МВС", "двоє", None, None, None)),
    # "Об этом в X сообщили Y": X speaks, Y relays only when it is a name; "в <place>" is no speaker.
    ("ru", "В результате обстрела Горловки погибли два человека. Об этом в МЧС сообщили ТАСС.",
     ("МЧС", "два", None, "Горловки", None)),
    ("ru", "В результате обстрела Горловки погибли два человека. Об этом в оперштабе ДНР сообщили журналистам.",
     ("оперштабе ДНР", "два", None, "Горловки", None)),
    ("uk", "Внаслідок обстрілу Херсона загинули двоє людей. Про це у Херсоні повідомив Олександр Прокудін.",
     ("Олександр Прокудін", "двоє", None, "Херсона", None)),
    # Denials: the first speaker's own stays; "dismissed" a police chief, "rejected" a proposal, a
    # condemnation called a provocation, a denial in a relative clause, "push back": none.
    ("en", "Moscow denied that its troops killed 400 civilians in Bucha, a claim that Kyiv rejected.",
     ("Government of Russia", "400", None, "Bucha", "denies")),
    ("en", "The regional police chief was dismissed by Zelenskiy after the strike on Dnipro that killed 46 people.",
     ("Reuters", "46", None, "Dnipro", None)),
    ("en", "A ceasefire proposal was rejected by Moscow after shelling killed 12 people in Kramatorsk.",
     ("Reuters", "12", None, "Kramatorsk", None)),
    ("ru", "Пушилин назвал обстрел Донецка, в результате которого погибли 5 человек, провокацией Киева.",
     ("ТАСС", "5", None, "Донецка", None)),
    ("ru", "Пушилин заявил, что удар нанесли ВСУ. Украинская сторона, которая отрицает обстрелы, сообщила о гибели "
           "двух своих военных.", ("Пушилин", "двух", None, None, None)),
    ("uk", "ЗСУ відкидають ворога від Бахмута, за добу знищено 40 окупантів.", ("Укрінформ", "40", None, "Бахмута", None)),
]


# Found by a fifth review (of the fourth review's mending): the same form.
REVIEWED += [
    # A denier's "dismissed" stays a denial, never the other side's toll asserted.
    ("en", "Kyiv dismissed Moscow's claim that its strike killed 600 Ukrainian soldiers in Kramatorsk.",
     ("Government of Ukraine", "600", None, "Kramatorsk", "denies")),
    ("en", "The Kremlin dismissed Ukrainian accounts that Russian troops killed 400 civilians in Bucha.",
     ("Kremlin", "400", None, "Bucha", "denies")),
    ("en", "Ukraine's claim that it killed 500 Russian soldiers near Bakhmut is rejected by Moscow.",
     ("Government of Russia", "500", None, "near Bakhmut", "denies")),
    ("en", "Requests for figures on the 50 prisoners killed at Olenivka were rejected by Moscow.",
     ("Reuters", "50", None, "Olenivka", None)),
    # "что"/"що" open what was said, no relative clause: the denial is the sentence's.
    ("ru", "В Минобороны России заявили, что отрицают причастность к удару по Краматорску, в результате которого "
           "погибли 57 человек.", ("Ministry of Defence of Russia", "57", None, "Краматорску", "denies")),
    ("uk", "У Міноборони РФ заявили, що заперечують причетність до удару по Краматорську, внаслідок якого загинули "
           "57 людей.", ("Міноборони РФ", "57", None, "Краматорську", "denies")),
    # "… lives were lost" said by someone is theirs.
    ("en", "Ukraine's military said two lives were lost in the shelling of Kherson.",
     ("Ukraine's military", "two", None, "Kherson", None)),
    # Data, information and places cited are no origins; an agency quoting someone relays them.
    ("ru", "Глава ДНР Денис Пушилин сообщил об обстреле Донецка.\n\n«Погибли трое мирных жителей», — добавил он, "
           "сославшись на предварительные данные.", ("Глава ДНР Денис Пушилин", "трое", None, None, None)),
    ("uk", "Голова ОВА Олег Синєгубов повідомив про обстріл Харкова.\n\n«Загинули двоє людей», — додав він, "
           "пославшись на дані з місця події.", ("Голова ОВА Олег Синєгубов", "двоє", None, None, None)),
    ("en", "Russia's defence ministry was quoted by RIA news agency as saying that 200 Ukrainian soldiers were "
           "killed near Avdiivka.", ("Russia's defence ministry", "200", None, "near Avdiivka", None)),
    ("en", "Three civilians were killed when a shell hit a bus stop in Donetsk. This was reported by Russian state "
           "media, citing the city's Russian-installed mayor Alexei Kulemzin.",
     ("city's Russian-installed mayor Alexei Kulemzin", "Three", None, "Donetsk", None)),
    # The pronoun fits an organisation's name of several words, a surname alone, a noun's gender.
    ("en", "Ukraine's General Staff said Russian forces launched 30 air strikes on Thursday. It said five civilians "
           "were killed in Kramatorsk.", ("Ukraine's General Staff", "five", None, "Kramatorsk", None)),
    ("en", "Human Rights Watch said it documented the strike. It said 12 civilians were killed in Uman.",
     ("Human Rights Watch", "12", None, "Uman", None)),
    # A speaker of one word may be a person or a company ("Naftogaz … He said"): only "they" fits it.
    ("en", "Zelenskiy said Russian shelling killed three civilians in Kherson. He said 14 others were wounded.",
     ("Unnamed sources", None, "14", None, None)),
    ("en", "Ukrenergo reported power outages in Kharkiv. He said three people were wounded.",
     ("Unnamed sources", None, "three", None, None)),
    ("en", "Kyiv said Russian shelling hit Kherson. He said 14 others were wounded.",
     ("Unnamed sources", None, "14", None, None)),
    ("uk", "Генштаб ЗСУ повідомив про 40 авіаударів. За його словами, загинули п'ятеро цивільних у Костянтинівці.",
     ("General Staff of the Armed Forces of Ukraine", "п'ятеро", None, "Костянтинівці", None)),
    # A pronoun of one sex and a first name of the other: nobody known.
    ("en", "Governor Oleh Syniehubov said Russian troops shelled Kupiansk.\n\n“Two women were killed and four "
           "people wounded,” she said.", ("Unnamed sources", "Two", "four", None, None)),
    ("en", "Deputy Prime Minister Iryna Vereshchuk said evacuation corridors would open on Saturday. Governor Pavlo "
           "Kyrylenko said Russian forces shelled Kramatorsk.\n\n“Three children were wounded in the attack on the "
           "shelter,” she added.", ("Unnamed sources", None, "Three", None, None)),
    ("uk", "Голова Донецької ОВА Павло Кириленко повідомив, що росіяни обстріляли Покровськ.\n\n«Загинули двоє "
           "людей», — додала вона.", ("Unnamed sources", "двоє", None, None, None)),
    ("uk", "Речниця Сил оборони півдня Наталія Гуменюк повідомила, що росіяни обстріляли Херсон.\n\n«Загинули двоє "
           "людей», — додала вона.", ("Речниця Сил оборони півдня Наталія Гуменюк", "двоє", None, None, None)),
    # A body before the verb speaks, a city does not; an agency after it relays.
    ("uk", "Унаслідок обстрілу Херсона загинули троє цивільних. Про це в Херсоні повідомила ОВА.",
     ("ОВА", "троє", None, "Херсона", None)),
    ("ru", "В результате обстрела погибли трое. Об этом в Минобороны России сообщили агентству Reuters.",
     ("Ministry of Defence of Russia", "трое", None, None, None)),
    # A place before the verb is where, not who: nobody known, relayed.
    ("ru", "В результате обстрела погибли трое. Об этом в Донецке сообщили ТАСС.",
     ("Unnamed sources", "трое", None, None, None)),
    ("uk", "Унаслідок обстрілу загинули троє людей. Про це в Херсоні повідомили Укрінформу.",
     ("Unnamed sources", "троє", None, None, None)),
    # An inclusion word alone between commas is no break; people counted are no things.
    ("uk", "Внаслідок обстрілу Херсона загинув, зокрема, чоловік, повідомили в ОВА.", ("ОВА", 1, None, "Херсона", None)),
    ("en", "The number of drone operators eliminated rose to 15, Russia's defence ministry said.",
     ("Russia's defence ministry", "15", None, None, None)),
]


# Found by a sixth review (of the fifth's mending): the same form.
REVIEWED += [
    # A denial told of another after "что"/"що"/"that" is theirs: the speaker asserts.
    ("ru", "Кремль заявил, что Киев отрицает свою причастность к удару по Донецку, в результате которого погибли "
           "12 человек.", ("Кремль", "12", None, "Донецку", None)),
    # "a claim dismissed by Kyiv" is Kyiv's denial; "rejected Moscow's claim" a denial.
    ("en", "Russia's defence ministry said 600 Ukrainian soldiers were killed in Kramatorsk, a claim dismissed by Kyiv.",
     ("Russia's defence ministry", "600", None, "Kramatorsk", None)),
    ("en", "Kyiv swiftly rejected Moscow's claim that 600 Ukrainian soldiers were killed in Kramatorsk.",
     ("Government of Ukraine", "600", None, "Kramatorsk", "denies")),
    # A pronoun of another grammatical gender or number than the organisation's: nobody known.
    ("ru", "Минобороны России сообщило об ударе по Краматорску.\n\n«Погибли четверо мирных жителей», — сказала она.",
     ("Unnamed sources", "четверо", None, None, None)),
    ("uk", "Повітряні сили повідомили про атаку дронів.\n\nЗа його словами, у Києві загинули двоє людей.",
     ("Unnamed sources", "двоє", None, "Києві", None)),
    # A possessive before an official is kept; data "from" an origin is the origin's.
    ("en", "Its governor said two people were killed in Belgorod.", ("Its governor", "two", None, "Belgorod", None)),
    ("en", "Three people were killed in Kherson, according to preliminary data from Ukraine's emergency service.",
     ("Ukraine's emergency service", "Three", None, "Kherson", None)),
    # Tanks counted since February are things, though a clause stands between.
    ("en", "The number of tanks Ukraine has destroyed since February rose to 3,600, the General Staff said.",
     ("General Staff of the Armed Forces of Ukraine", None, None, None, None)),
    # "в X сообщили Y" with the plural verb: X speaks, Y relays, whatever outlet; a land is no one.
    ("ru", "В результате удара погибли пять военнослужащих. Об этом в Минобороны сообщили НТВ.",
     ("Минобороны", "пять", None, None, None)),
    ("uk", "Унаслідок удару загинули двоє людей. Про це в Криму повідомили РІА Новини.",
     ("Unnamed sources", "двоє", None, None, None)),
]


@pytest.mark.parametrize("sentence, killed", [
    # Found by the sixth review: a dismissal from a post, named or of an official several words
    # on, is no denial of the toll told beside it (who is the speaker is not what is tested).
    ("President Volodymyr Zelenskiy on Friday dismissed Volodymyr Tymoshko, the Kharkiv police chief, after a "
     "Russian missile strike killed 12 people in the city.", "12"),
    ("Ukraine dismissed Kherson's regional military administration head after shelling killed seven people in "
     "the city, officials said.", "seven"),
])
def test_extract_a_dismissal_from_a_post_denies_nothing(sentence, killed):
    [draft] = drafts_of("en", sentence)
    assert (draft.get("killed"), draft.get("stance")) == (killed, None)


@pytest.mark.parametrize("lang, story, expected", REVIEWED)
def test_extract_false_readings_found_by_the_reviews(lang, story, expected):
    last = drafts_of(lang, story)[-1]
    assert tuple(last.get(k) for k in ("source", "killed", "wounded", "place", "stance")) == expected


def test_extract_hedges_go_to_note():
    draft = drafts_of("ru", next(c[1] for c in CASES if c[1].startswith("Якобы")))[0]
    assert "не удалось независимо проверить" in draft["note"]
    assert draft["note"].startswith("Unattributed ('Якобы')")


def test_extract_wire_dateline_gives_publisher_and_date():
    text = ("KYIV, August 9, 2022 (Reuters) - A rocket attack on Mykolaiv killed one man on Monday, "
            "Mayor Oleksandr Senkevych said.")
    [draft] = drafts_of("en", text, published=None)
    assert draft["published"] == "2022-08-09"
    assert draft["via"] == ["Reuters"]
    assert draft["source"] == "Mayor Oleksandr Senkevych"
    assert (draft["date"], draft["place"], draft["killed"], draft["victims"]) == ("2022-08-08", "Mykolaiv", "one", "man")


def test_extract_tally_broken_down_keeps_the_rest():
    # Two deaths in the tally, one told apart after it: the tally's draft keeps the other one,
    # with the speaker of its paragraph.
    text = ("date 2022-08-10 Kyiv (dpa) – Three soldiers were killed on Tuesday. According to the army, one soldier "
            "was killed by a sniper near Pisky.")
    drafts = drafts_of("en", text, published=None)
    assert [(d["source"], d["killed"], d.get("place"), d["date"]) for d in drafts] == [
        ("Armed Forces of Ukraine", 2, None, "2022-08-09"),
        ("Armed Forces of Ukraine", "one", "near Pisky", "2022-08-09")]


def test_extract_provenance_names_a_rule_for_each_field():
    document = read_document("story.txt", CASES[0][1], "en")
    [draft] = extract(document, ExtractOptions(published=PUBLISHED, source="Reuters"))
    record = draft.record()
    assert record["draft"]["rules"]["source"] == "quote_then_speaker_said:as_written"
    assert record["draft"]["rules"]["killed"] == "figure_before_casualty_word"
    assert record["draft"]["rules"]["date"] == "yesterday"
    assert record["draft"]["gazetteer"]["name"] == "Nikopol"
    assert set(record["draft"]["rules"]) >= {"source", "via", "date", "place", "type", "victims", "killed", "wounded"}


# --- the seed story -------------------------------------------------------------------------

@pytest.mark.skipif(not SEED.exists(), reason="the seed story is in ../shared")
def test_extract_seed_story_finds_the_hand_coded_claims():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from extract_seed import CLAIMS, SOURCES, compare, names_in
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from reconciler.extract import extract_file
    drafts = [d.record(False) for d in extract_file(SEED, ExtractOptions(names=names_in(SOURCES)))]
    claims = [json.loads(line) for line in CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    found, wrong, missed, extra = compare(drafts, claims)
    assert len(found) >= 14 and len(extra) <= 3, (wrong, missed, extra)


@pytest.mark.skipif(not SEED.exists(), reason="the seed story is in ../shared")
def test_extract_command_drafts_import_as_claims(tmp_path):
    runner = CliRunner()
    out = tmp_path / "drafts.jsonl"
    db = str(tmp_path / "desk.sqlite")
    sources = str(ROOT / "examples" / "dpa-2021-04-07" / "sources.yaml")
    result = runner.invoke(cli, ["--db", db, "extract", str(SEED), "--sources", sources, "--plain", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not Path(db).exists()   # extract never opens the database unless asked (--registered)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 17
    assert runner.invoke(cli, ["--db", db, "sources", "import", sources]).exit_code == 0
    result = runner.invoke(cli, ["--db", db, "import", str(out)])
    assert result.exit_code == 0, result.output


def test_extract_language_of_cyrillic_without_the_letters_only_one_language_uses():
    # No і/ї/є/ґ and no ы/э/ъ/ё: the words only one language writes decide ("погибли",
    # "человека", "при" are Russian; "загинули", "та", "що" Ukrainian). It was Ukrainian always.
    from reconciler.extract import detect_language

    assert detect_language("В результате обстрела Донецка погибли два человека") == "ru"
    assert detect_language("Под Бахмутом погибли пятеро военных") == "ru"
    assert detect_language("Окупанти обстріляли Херсон: загинула жінка") == "uk"
    assert detect_language("Загинули двоє та поранено п'ятеро") == "uk"
    assert detect_language("Донецк") == "uk"   # nothing to tell them apart: Ukrainian, as before
    assert detect_language("Донецк", undecided="ru") == "ru"   # ... or the file's, for one of its lines
    # Words both write ("через", "та") tell nothing.
    assert detect_language("Через неделю после обстрела Горловки скончались двое раненых") == "ru"


def test_extract_command_headlines_in_several_languages_read_each_in_its_own(tmp_path):
    # A monitor's list of headlines from Ukrainian, Russian and English outlets: without --lang
    # each line is read in its own language (it was the file's: the Russian lines were read with
    # Ukrainian rules and gave no figure).
    path = tmp_path / "headlines.txt"
    path.write_text("В результате обстрела Донецка погибли два человека\n"
                    "Окупанти обстріляли Херсон: загинула жінка\n"
                    "Two civilians killed in shelling of Nikopol\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(path), "--headlines", "--published", "2023-06-10",
                                      "--source", "Ukrinform", "--plain"])
    assert result.exit_code == 0, result.output
    drafts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["lang"], d["place"], d["killed"]) for d in drafts] == [
        ("ru", "Донецка", "два"), ("uk", "Херсон", 1), ("en", "Nikopol", "Two")]
    # A line that says nothing of its language is read in the file's ("Под Горловкой": Russian,
    # its "под" a word of nearness), and a Latin-script line is English.
    path.write_text("В результате обстрела Донецка погибли два человека\nПод Горловкой пострадала женщина\n"
                    "Explosions rock Kyiv overnight\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(path), "--headlines", "--published", "2023-06-10",
                                      "--source", "TASS", "--plain"])
    assert [(d["lang"], d["place"]) for d in map(json.loads, result.stdout.splitlines())] == [
        ("ru", "Донецка"), ("ru", "Под Горловкой"), ("en", "Kyiv")]
    # --lang given reads every line in it, as before.
    result = CliRunner().invoke(cli, ["extract", str(path), "--headlines", "--published", "2023-06-10",
                                      "--source", "Ukrinform", "--plain", "--lang", "uk"])
    assert {json.loads(line)["lang"] for line in result.stdout.splitlines()} == {"uk"}


@pytest.mark.parametrize("lang, headline, place, name", [
    ("ru", "ВСУ нанесли удар по Новой Каховке, погибли трое", "Новой Каховке", "Nova Kakhovka"),
    ("uk", "Удар по Новій Каховці: загинули двоє", "Новій Каховці", "Nova Kakhovka"),
    ("uk", "Унаслідок обстрілу Нової Каховки загинули двоє", "Нової Каховки", "Nova Kakhovka"),
    ("ru", "Обстрел Кривого Рога: погибли двое", "Кривого Рога", "Kryvyy Rih"),
    ("uk", "У Великій Новосілці загинули двоє", "Великій Новосілці", "Velyka Novosilka"),
    ("uk", "Обстріл Нікополя: загинув чоловік", "Нікополя", "Nikopol"),
    ("uk", "В Авдіївці загинули двоє", "Авдіївці", "Avdiyivka"),
    # Endings other words share are read only after a word of place, into the desk's regions:
    # "Українці" is no Ukrainka, "Ставці" no Stavka in Kalmykia, "Британія" and "Панциря" nowhere.
    ("uk", "Зеленський: Українці не віддадуть Бахмут", "Бахмут", "Bakhmut"),
    ("uk", "На Ставці заслухали доповідь про ситуацію під Бахмутом", "під Бахмутом", "Bakhmut"),
    ("uk", "Уоллес: Британія передасть Україні ракети Storm Shadow", None, None),
    ("uk", "Генштаб ЗСУ: знищено два ЗРК Панциря та 15 окупантів", None, None),
    # Names that are adjectives, in the locative after a word of place: -ій/-ому (uk), -ой/-ом (ru).
    ("uk", "У Попасній загинули двоє військових", "Попасній", "Popasna"),
    ("uk", "У Ясинуватій загинули двоє людей", "Ясинуватій", "Yasynuvata"),
    ("uk", "У Сватовому загинули троє людей", "Сватовому", "Svatove"),
    ("ru", "В Ясиноватой погибли два человека", "Ясиноватой", "Yasynuvata"),
    ("ru", "Под Ясиноватой погибли два человека", "Под Ясиноватой", "Yasynuvata"),
    ("ru", "В Золотом погибли три человека", "Золотом", "Zolote"),
    ("ru", "В Старом Осколе погибли два человека", "Старом Осколе", "Staryy Oskol"),   # was Star', a village
    # …which other words share: "Білому домі", "Новом году", "Верховній Раді" are no places.
    ("ru", "В Белом доме заявили, что погибли два человека", None, None),
    ("uk", "У Білому домі заявили, що загинули двоє людей", None, None),
    ("ru", "В Новом году погибли два человека", None, None),
    ("uk", "У Верховній Раді повідомили, що загинули двоє людей", None, None),
    # A declined adjective with a capital word after it begins a name that is no place: "Великої"
    # was Velyke, and "Британії" alone Dnipryany; the place is the one named besides.
    ("uk", "Посол Великої Британії відвідав Ірпінь, де загинули десятки цивільних", "Ірпінь", "Irpin"),
    ("uk", "Прем'єр Великої Британії засудив удар по Херсону, де загинули двоє", "Херсону", "Kherson"),
    # …but a name after a place is no such name: "Донецької" is the region's.
    ("uk", "Обстріл Авдіївки Донецької області: загинули двоє", "Авдіївки", "Avdiyivka"),
    ("uk", "У Білій Церкві загинули двоє людей", "Білій Церкві", "Bila Tserkva"),
    ("uk", "У Путіна заявили, що загинули двоє", None, None),
    # Found by review: an acronym or a region after a declined name begins no name of its own…
    ("uk", "Під Бахмутом ЗСУ знищили 50 окупантів", "Під Бахмутом", "Bakhmut"),
    ("ru", "Под Авдеевкой ВСУ потеряли 20 человек", "Под Авдеевкой", "Avdiyivka"),
    ("uk", "У Сватовому Луганської області загинули двоє людей", "Сватовому", "Svatove"),
    ("ru", "В Ясиноватой Донецкой народной республики погибли два человека", "Ясиноватой", "Yasynuvata"),
    # …an adjective whose noun follows is no place ("напрямках", "округе", "море")…
    ("uk", "На Лиманському та Бахмутському напрямках загинули двоє", None, None),
    ("ru", "В Южном военном округе погибли двое", None, None),
    ("ru", "В Азовском море погибли двое", None, None),
    # …and the river Дніпро and surnames are not declined into places (a -у, -і, -а read as -о).
    ("uk", "На Дніпрі під Херсоном росіяни обстріляли човен, загинули двоє", "під Херсоном", "Kherson"),
    ("uk", "З посиланням на Тимошенка: у Краматорську загинули двоє", "Краматорську", "Kramatorsk"),
    ("uk", "У Дніпрі біля Херсона знайшли тіла двох людей", "біля Херсона", "Kherson"),
    ("uk", "З посиланням на Тимошенка загинули двоє", None, None),
    # Дніпро, a town and a river, is not declined (a review found the river read as the town).
    ("uk", "Росіяни обстріляли човен з цивільними у Дніпрі, загинули двоє", None, None),
    ("uk", "На островах на Дніпрі загинули троє, повідомили в ОВА", None, None),
    # Locatives of names in -я, -к and of plurals, after a word of place (none was found); of the
    # names an ending may come from, a region's centre first (it was the village Khmelnytske).
    ("uk", "У Запоріжжі внаслідок ракетного удару загинули двоє людей", "Запоріжжі", "Zaporizhzhya"),
    ("uk", "У Кривому Розі поранено трьох цивільних", "Кривому Розі", "Kryvyy Rih"),
    ("uk", "У Великому Бурлуці загинула жінка", "Великому Бурлуці", "Velykyi Burluk"),
    ("uk", "У Хмельницькому загинули двоє людей", "Хмельницькому", "Khmelnytskyi"),
    ("uk", "У Кропивницькому загинули двоє людей", "Кропивницькому", "Kropyvnytskyi"),
    ("uk", "У Черкасах загинули двоє людей", "Черкасах", "Cherkasy"),
    ("uk", "У Чернівцях загинули двоє людей", "Чернівцях", "Chernivtsi"),
    # …of plurals whose stem is three letters ("Сум", "Сак": Суми, Саки), into a town only.
    ("uk", "У Сумах внаслідок обстрілу загинули двоє людей", "Сумах", "Sumy"),
    ("ru", "В Сумах в результате обстрела погибли два человека", "Сумах", "Sumy"),
    ("ru", "В Саках погибли двое", "Саках", "Saki"),
    ("uk", "У нас загинули двоє людей", None, None),
    # …but no historical land, nor a country, though villages have their names.
    ("uk", "На Поділлі загинули двоє людей", None, None),
    ("uk", "У Таврії загинули двоє людей", None, None),
    ("uk", "У Молдові загинули двоє людей", None, None),
    ("ru", "В Молдове погибли двое", None, None),
])
def test_extract_place_of_several_words_declined_is_found(lang, headline, place, name):
    # The first words of a name decline too ("Новой Каховке": adjective_inflections), and a name
    # ending in a soft sign takes -я, -ю ("Нікополя"). Before, "Новой Каховке" was Kakhovka, 12 km
    # away, and "Новій Каховці" a village Novy in Russia; the others had no place.
    draft = _only_draft(headline, lang)
    assert (draft.fields.get("place"), draft.place and draft.place.place.name) == (place, name)


def test_extract_command_registered_reads_names_from_the_database(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "desk.sqlite")
    story = tmp_path / "story.txt"
    story.write_text("Two soldiers were killed near Avdiivka on Tuesday, the Ukrainian Armed Forces said.", encoding="utf-8")
    sources = str(ROOT / "examples" / "dpa-2021-04-07" / "sources.yaml")
    assert runner.invoke(cli, ["--db", db, "sources", "import", sources]).exit_code == 0
    result = runner.invoke(cli, ["--db", db, "extract", str(story), "--published", "2021-04-07", "--registered",
                                 "--source", "Deutsche Presse-Agentur"])
    assert result.exit_code == 0, result.output
    draft = json.loads(result.output)
    assert (draft["source"], draft["via"], draft["date"]) == ("Armed Forces of Ukraine", ["dpa"], "2021-04-06")


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02binary", "is a binary file, not text; expected a plain-text or HTML report"),
    (b"", "is empty; expected the text of a report"),
    (b"  \n\n ", "is empty; expected the text of a report"),
    (b"\xff\xfe\xfa not utf-8", "is not UTF-8 text (byte 0); save it as UTF-8"),
    ("Der Minister sagte, es gebe keine Opfer.".encode(),
     "is in a language the extractor has no rules for (it reads en, uk, ru); give --lang if it is one of them"),
    (b"The weather in Kyiv was sunny and the markets were open.",
     "holds no claims the extractor can draft (no attributed statement, figure or denial); nothing written"),
])
def test_extract_command_bad_input_writes_nothing(tmp_path, content, message):
    report = tmp_path / "report.txt"
    report.write_bytes(content)
    out = tmp_path / "drafts.jsonl"
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.sqlite"), "extract", str(report), "--published",
                                      "2022-08-10", "--out", str(out)])
    assert result.exit_code == 2
    assert result.output == f"Error: {report}: {message}\n"
    assert not out.exists() and not (tmp_path / "x.sqlite").exists()


def test_extract_command_no_date_asks_for_published(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("Two soldiers were killed, the army said.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(report)])
    assert result.exit_code == 2
    assert result.output == f"Error: {report}: has no dateline with a date; give --published DATE\n"


def test_extract_command_one_bad_file_writes_nothing(tmp_path):
    # Regression: --out must not keep the drafts of the good file when another fails.
    good, bad, out = tmp_path / "good.txt", tmp_path / "bad.txt", tmp_path / "drafts.jsonl"
    good.write_text("Two soldiers were killed, the army said.", encoding="utf-8")
    bad.write_bytes(b"")
    out.write_text("kept\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(good), str(bad), "--published", "2022-08-10", "--out", str(out)])
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "kept\n"


def test_extract_command_unknown_language_option(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("Two soldiers were killed, the army said.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(report), "--lang", "de"])
    assert result.exit_code == 2
    assert "Invalid value for '--lang': 'de' is not one of 'en', 'uk', 'ru'." in result.output


def test_extract_html_reads_the_article(tmp_path):
    pytest.importorskip("trafilatura")
    page = tmp_path / "story.html"
    page.write_text("<html><head><title>x</title></head><body><nav>Home | World | Sport</nav><article><p>"
                    + "Two civilians were killed and five wounded in shelling of Nikopol overnight, the regional "
                      "governor said. " * 3 + "</p></article></body></html>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(page), "--published", "2022-08-10", "--plain"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.output.splitlines()[0])
    assert (first["place"], first["killed"], first["wounded"]) == ("Nikopol", "Two", "five")


@pytest.mark.parametrize("lang,text,denies", [
    # A denial before the join, or with no casualties before it, is the statement's own.
    ("en", "Kyiv denies losing 200 soldiers as Russia claims gains", True),
    ("en", "Russia denied shelling Donetsk, the ministry said", True),
    # After casualties told before a join: another speaker's.
    ("en", "Missile strike kills three civilians in Kramatorsk as Kremlin denies targeting homes", False),
    # A denial first, and the casualties only in the clause joined after it: that clause's
    # speaker asserts them (the figure is not the denier's).
    ("en", "Moscow denies strike on Kramatorsk station while Kyiv says 50 killed", False),
    ("uk", "Внаслідок обстрілу Херсона загинули двоє людей, тоді як Москва заперечує удари по місту", False),
    ("ru", "В Донецке погибли три человека, тогда как Киев опровергает обстрел", False),
])
def test_extract_denial_after_a_clause_of_casualties_is_another_speakers(lang, text, denies):
    [draft] = drafts_of(lang, text)
    assert (draft.get("stance") == "denies") is denies, text
    assert ("another speaker's" in (draft.get("note") or "")) is not denies


def test_extract_toll_after_a_denial_is_the_joined_speakers():
    [draft] = drafts_of("en", "Moscow denies strike on Kramatorsk station while Kyiv says 50 killed")
    assert (draft["source"], draft["killed"], draft["place"], draft.get("stance")) == (
        "Government of Ukraine", "50", "Kramatorsk", None)
    assert draft["note"] == ("A denial in the same sentence is another speaker's, not drafted: "
                             "'Moscow denies strike on Kramatorsk station'.")


@pytest.mark.parametrize("lang,text,killed,wounded", [
    # Worked out by hand: the word of none as written where the rule matches one, else "0"; a
    # statement of nobody hurt is none killed and none wounded.
    ("en", "Nobody was injured in the drone attack on Kyiv, the mayor said.", None, "Nobody"),
    ("en", "There were no fatalities after the shelling of Nikopol, the governor said.", "0", None),
    ("en", "Two soldiers were killed near Bakhmut, no one was injured, the army said.", "Two", "no one"),
    ("uk", "Унаслідок обстрілу Нікополя ніхто не постраждав, повідомив голова ОВА.", "ніхто", "ніхто"),
    ("uk", "Обстріл Херсона обійшовся без жертв, повідомила поліція.", "0", "0"),
    ("uk", "Внаслідок удару по Одесі загиблих немає, повідомив губернатор.", "0", None),
    ("ru", "В результате обстрела Горловки никто не погиб, сообщили в администрации.", "никто", None),
    ("ru", "При обстреле Донецка пострадавших нет, сообщили в администрации.", "0", "0"),
    # Not a figure of none: no word of none, or only "no reports", or a group of victims.
    ("en", "There were no immediate reports of casualties after the strike on Odesa, officials said.", None, None),
    ("en", "No civilians were hurt in the attack on Kherson, police said.", None, None),
])
def test_extract_statement_of_no_casualties_is_a_figure_of_none(lang, text, killed, wounded):
    [draft] = drafts_of(lang, text)
    assert (draft.get("killed"), draft.get("wounded")) == (killed, wounded), text


def test_extract_figure_of_none_imports_and_reads_as_zero():
    from reconciler.figures import parse_figure
    for written in ("no one", "No one", "nobody", "ніхто", "никто", "0"):
        figure = parse_figure(written)
        assert (figure.low, figure.high) == (0, 0), written


@pytest.mark.parametrize("lang, text, killed, wounded", [
    # A toll's figure after a phrase, following its verb of rising (toll_words, toll_before,
    # toll_rise), worked out by hand: the figure as written, "до" read as "to", not "up to".
    ("en", "Death toll in shelling of Petrovsky district of Donetsk rises to three - mayor", "three", None),
    ("en", "The number of injured in the attack on the crossing in Kherson increased to six", None, "six"),
    ("en", "Death toll in Gorlovka rises to 3, injured to 11 - mayor", "3", "11"),
    ("uk", "Кількість загиблих унаслідок удару по Одесі зросла до 12", "12", None),
    ("ru", "Число погибших при обстреле Донецка возросло до пяти", "пяти", None),
    # Not across a comma; and "до" before a figure with no verb of rising stays "up to".
    ("en", "The death toll from the strike on Dnipro, officials said, rose to 40", None, None),
    ("uk", "Загинули до 12 людей, повідомила поліція", "до 12", None),
    # "number of" up to six words before the casualty word, the verb up to sixteen after it.
    ("en", "Number of Donetsk residents killed in shelling by Ukrainian Armed Forces rises to seven - mayor",
     "seven", None),
    ("en", "The death toll in the center of Donetsk due to the shelling of the Armed Forces of Ukraine "
           "increased to two - HQ", "two", None),
    # Another number rising is no toll: the figure is the clause's after the comma.
    ("en", "The number of attacks on Kherson rose to 40, and two people were killed", "two", None),
])
def test_extract_toll_figure_after_a_phrase(lang, text, killed, wounded):
    draft = _only_draft(text, lang)
    assert (draft.fields.get("killed"), draft.fields.get("wounded")) == (killed, wounded), text


@pytest.mark.parametrize("lang, text, killed, victims", [
    # An aside naming a part of the victims is left out (inclusion_asides): the figure before it
    # is the casualty word's, with its victims (worked out by hand).
    ("en", "Three people, including two children, were killed in the shelling of Kherson - emergency services",
     "Three", "people"),
    ("en", "13 including two children, killed in Ukraine rebel city clashes", "13", None),
    ("uk", "Троє людей, серед них двоє дітей, загинули внаслідок обстрілу Херсона", "Троє", "людей"),
    ("ru", "Три человека, в том числе двое детей, погибли при обстреле Донецка", "Три", "человека"),
    # Not an aside of victims: the comma still ends "20 towns" (they were no figure of dead).
    ("en", "Russia shelled 20 towns, including Kherson, killing three civilians", "three", "civilians"),
    # An "aside" holding the casualty word is the sentence itself, read as before.
    ("en", "Five civilians including two children were killed in shelling of Toretsk, the governor said",
     "Five", "civilians"),
])
def test_extract_aside_naming_part_of_the_victims_is_left_out(lang, text, killed, victims):
    draft = _only_draft(text, lang)
    assert (draft.fields.get("killed"), draft.fields.get("victims")) == (killed, victims), text


# Found by a review of the rules above (several hundred inputs against them): each a false
# reading of the first version, worked out by hand. None: the field is absent.
@pytest.mark.parametrize("lang, text, expected", [
    # A denial's scope: "as 'fake'" is no clause; no speaker named after the join, or the join
    # right after the denial word, leaves the whole sentence the denier's.
    ("en", "Russia dismisses reports of 400 civilians killed in Bucha as 'fake'",
     {"source": "Government of Russia", "killed": "400", "stance": "denies"}),
    ("en", "Russia denies targeting civilians while claiming 600 Ukrainian soldiers killed in Kramatorsk",
     {"source": "Government of Russia", "killed": "600", "stance": "denies"}),
    ("en", "Moscow denies, as Kyiv claims, that 50 were killed in Kramatorsk",
     {"source": "Government of Russia", "stance": "denies"}),
    ("en", "Moscow denied responsibility, while rescuers said 50 people were killed.",
     {"source": "rescuers", "killed": "50", "stance": None, "place": None}),
    # A figure of none: never a figure elsewhere, nor where nothing is known, nor in a question, a
    # hope, a denial, "in vain", "not without", a group.
    ("uk", "Ніхто з 12 поранених не помер, кажуть лікарі.", {"killed": None, "wounded": "12"}),
    ("ru", "Никто не ответил за гибель 300 человек в драмтеатре Мариуполя.", {"killed": "300"}),
    ("uk", "Інформації про постраждалих немає, повідомили в ОВА.", {"killed": None, "wounded": None}),
    ("ru", "Данных о погибших нет, сообщили в МЧС.", {"killed": None}),
    ("en", "Offensive near Vuhledar was not without casualties, Russian blogger says", {"killed": None, "wounded": None}),
    ("ru", "Обстрел Белгорода обошелся не без жертв, сообщил Гладков.", {"killed": None, "wounded": None}),
    ("uk", "Обстріл Херсона не обійшовся без жертв, повідомила ОВА.", {"killed": None, "wounded": None}),
    ("en", "No victims of the Bucha massacre have received compensation, officials say", {"killed": None}),
    ("ru", "Без жертв победы не бывает, заявил Пригожин", {"killed": None, "wounded": None}),
    ("en", "No one was hurt by sanctions more than Europe, Lavrov says", {"killed": None, "wounded": None}),
    ("en", "Ukrainian medics say they leave no wounded behind", {"wounded": None}),
    ("en", "Putin says no one died in vain in Ukraine", {"killed": None}),
    ("en", "Ukrainian officials rejected Moscow's claim that no one was killed in the Mariupol theatre.",
     {"killed": None}),
    ("en", "Officials hope no one was killed in the strike on Odesa", {"killed": None}),
    ("uk", "Серед цивільних ніхто не загинув, повідомив губернатор.", {"killed": None}),
    ("en", "No casualties among Russian troops after Makiivka strike, Moscow says", {"killed": None, "wounded": None}),
    ("ru", "Неправда, что никто не погиб, заявили в ВСУ.", {"killed": None}),
    # One wounded who dies: only when the verb is the wounded one's.
    ("en", "Girl injured in Kramatorsk strike as mother dies", {"killed": None, "wounded": 1}),
    ("en", "Man injured in Kherson shelling, dog dies", {"killed": None, "wounded": 1}),
    ("en", "Soldier wounded near Bakhmut says his commander died in the same attack", {"killed": None, "wounded": 1}),
    ("en", "Not one Russian soldier was killed in the operation, the ministry said.", {"killed": None}),
    # A toll after a phrase: the figure its verb of rising gives, not another count's.
    ("en", "Death toll from Russian attack that hit 3 apartment blocks in Uman rises to 23", {"killed": "23"}),
    ("en", "Death toll unknown after Russian missiles hit 10 regions of Ukraine", {"killed": None}),
    ("en", "Number of destroyed Russian tanks rises to 3,000 - General Staff", {"killed": None}),
    ("en", "The number of shot down Shaheds reached 600, air force says", {"killed": None}),
    ("uk", "Кількість знищених російських танків зросла до 3000", {"killed": None}),
    ("en", "The death toll in Makiivka has not reached 400, Moscow says", {"killed": None}),
    ("uk", "Кількість загиблих становить до 300 людей", {"killed": "до 300"}),
    ("en", "Death toll in Dnipro rises to 40 as rescuers end search", {"killed": "40", "victims": None}),
    # Places: a word in another script after a declined name begins no name with it.
    ("uk", "Над Харковом Shahed збили, поранено трьох", {"place": "Харковом"}),
])
def test_extract_false_readings_found_by_review(lang, text, expected):
    draft = _only_draft(text, lang)
    assert {name: draft.fields.get(name) for name in expected} == expected, text


@pytest.mark.parametrize("sentence, source", [
    # A speaker after the clause whose title is written in lower case before the name (wire style).
    ("A Russian missile hit an apartment block in Dnipro on Saturday, killing at least 12 people and wounding 64, "
     "regional governor Valentyn Reznichenko said.", "regional governor Valentyn Reznichenko"),
    ("Two civilians were killed in shelling of Kherson, deputy mayor Ivan Petrenko said.", "deputy mayor Ivan Petrenko"),
    # …but not words that only begin a clause: the clause join is cut, the name is the speaker.
    ("Two civilians were killed in shelling of Kherson, but Moscow said.", "Government of Russia"),
])
def test_extract_speaker_with_a_title_in_lower_case(sentence, source):
    [draft] = drafts_of("en", sentence)
    assert draft["source"] == source


@pytest.mark.parametrize("lang, story, sources", [
    # "Про це повідомив X" / "Об этом сообщил X": the speaker after the verb, lent to the sentences
    # before; the sentence itself is no draft (it said only who said it).
    ("uk", "КИЇВ, 15 січня (Укрінформ) – Унаслідок ракетного удару по Дніпру загинули щонайменше 12 людей, "
           "ще 64 поранено. Про це повідомив голова Дніпропетровської ОВА Валентин Резніченко.",
     ["голова Дніпропетровської ОВА Валентин Резніченко"]),
    ("ru", "Белгород, 15 января (ТАСС) – В результате обстрела Шебекино погибли два человека, еще трое ранены. "
           "Об этом сообщил губернатор Белгородской области Вячеслав Гладков в Telegram-канале.",
     ["губернатор Белгородской области Вячеслав Гладков"]),
])
def test_extract_speaker_named_after_about_this_verb(lang, story, sources):
    drafts = drafts_of(lang, story, date(2023, 1, 15))
    assert [d["source"] for d in drafts] == sources
    assert drafts[0]["killed"] in ("щонайменше 12", "два")


def test_extract_wire_story_of_several_incidents_reads_each_as_written():
    # A wire story written for this test, each draft worked out by hand: an article before a
    # figure is no figure of one ("a further four people"), places counted are no casualties
    # ("near 13 settlements … losses"), a hedge alone is no statement of "The", an age no figure.
    story = ("KYIV, Feb 2 (Reuters) - In the Donetsk region, two people were killed in Bakhmut, Governor Pavlo "
             "Kyrylenko wrote on Telegram. He said a further four people were wounded across the region.\n\n"
             "Ukraine's General Staff said its troops had repelled attacks near 13 settlements and denied any "
             "losses near Vuhledar.\n\nThe claims could not be independently verified.\n\n"
             "An 11-year-old girl died in Kherson after Russian shelling, the regional governor said.")
    drafts = drafts_of("en", story, date(2023, 2, 2))
    got = [{k: d.get(k) for k in ("source", "place", "killed", "wounded", "victims", "stance", "note")} for d in drafts]
    assert got == [
        {"source": "Governor Pavlo Kyrylenko", "place": "Bakhmut", "killed": "two", "wounded": None,
         "victims": "people", "stance": None, "note": None},
        {"source": "Governor Pavlo Kyrylenko", "place": None, "killed": None, "wounded": "four",
         "victims": "people", "stance": None, "note": None},
        {"source": "Ukraine's General Staff", "place": None, "killed": None, "wounded": None,
         "victims": None, "stance": "denies", "note": None},
        {"source": "regional governor", "place": "Kherson", "killed": 1, "wounded": None,
         "victims": "11-year-old girl", "stance": None, "note": None},
    ]


@pytest.mark.parametrize("text, tolls", [
    # The second toll elided ("and one in Chasiv Yar"): a draft of its own, its figure and place.
    ("Two people were killed in Bakhmut and one in Chasiv Yar, the governor said",
     [("Bakhmut", "Two"), ("Chasiv Yar", "one")]),
    ("Three civilians died in Kherson, two in Mykolaiv", [("Kherson", "Three"), ("Mykolaiv", "two")]),
    # Not elided: the second part has a casualty word of its own.
    ("Two people were killed in Bakhmut and one in Chasiv Yar was wounded, the governor said", [("Bakhmut", "Two")]),
])
def test_extract_elided_second_toll_is_a_draft_of_its_own(text, tolls):
    assert [(d.fields.get("place"), d.fields.get("killed")) for d in
            extract(read_document("headline", text, "en"),
                    ExtractOptions(published=PUBLISHED, source="Reuters", headline=True))] == tolls


# Found by a second review (about 340 inputs against the rules of the stories above), each
# failing in the version it reviewed; the drafts worked out by hand ([]: no draft of that field).
@pytest.mark.parametrize("lang, text, expected", [
    # A title before a name, never another word: the second speaker's clause takes no toll.
    ("en", "Russia said its forces killed 200 Ukrainian soldiers near Bakhmut, but Kyiv said the claim was propaganda.",
     [{"source": "Government of Russia", "killed": "200"}]),
    ("en", "The UN said at least 40 civilians were killed in Dnipro, though Moscow said it does not target civilians.",
     [{"source": "United Nations", "killed": "at least 40"}]),
    # An elided toll only where nothing else is said of it.
    ("en", "Two people were killed in Odesa and one in Kyiv was hospitalised.", [{"place": "Odesa", "killed": "Two"}]),
    ("en", "Two people were killed in Odesa and 15 in Mykolaiv lost their homes.", [{"place": "Odesa", "killed": "Two"}]),
    ("en", "Two people were killed in Kherson and one in Mykolaiv, while 10 were wounded in Odesa.",
     [{"place": "Kherson", "killed": "Two", "wounded": "10"}]),
    ("en", "Two people were killed in Kherson in December and three in January, officials said.",
     [{"place": "Kherson", "killed": "Two"}]),   # a month is no place of a toll
    ("en", "Two people were killed and 5 wounded in Kherson and one in Mykolaiv, officials said.",
     [{"place": "Kherson", "killed": "Two", "wounded": "5"}]),   # killed or wounded: unclear
    ("en", "Two people were killed in Kherson, and one in Mykolaiv, who was wounded earlier, died in hospital, "
           "officials said.", [{"place": "Kherson", "killed": "Two"}]),
    # Places counted are things only right after their figure, not after a word of place.
    ("en", "Russian shelling killed 2 in Donetsk region, officials said.", [{"source": "officials", "killed": "2"}]),
    ("en", "Five in the Kharkiv region were wounded in shelling overnight, officials said.", [{"wounded": "Five"}]),
    # An age in any form is no figure, and an article before it counts one.
    ("en", "A man aged 62 was killed in shelling of Kherson, police said.", [{"killed": 1, "victims": "man"}]),
    ("en", "A 60 year-old man was wounded in Kherson, police said.", [{"wounded": 1}]),
    # "Об этом …" after a sentence that is no incident: a statement of that speaker, both sentences its text.
    ("ru", "Кремль не причастен к удару по Краматорску. Об этом заявил пресс-секретарь президента Дмитрий Песков.",
     [{"source": "пресс-секретарь президента Дмитрий Песков", "type": "statement",
       "text": "Кремль не причастен к удару по Краматорску. Об этом заявил пресс-секретарь президента Дмитрий Песков."}]),
    # The channel after the verb is the channel, not the speaker.
    ("ru", "Погибли два человека. Об этом сообщил в Telegram глава ДНР Денис Пушилин.",
     [{"source": "глава ДНР Денис Пушилин", "via": ["ТАСС", "Telegram"], "killed": "два"}]),
    # The speaker of the next sentence's "Про це" wins over an earlier speaker of the paragraph.
    ("uk", "Генштаб ЗСУ повідомив, що знищено 500 окупантів. Внаслідок обстрілу Херсона загинули двоє. "
           "Про це повідомив голова ОВА Янушевич.",
     [{"source": "General Staff of the Armed Forces of Ukraine", "killed": "500"},
      {"source": "голова ОВА Янушевич", "killed": "двоє"}]),
])
def test_extract_false_readings_found_by_second_review(lang, text, expected):
    drafts = drafts_of(lang, text)
    assert [{name: d.get(name) for name in want} for d, want in zip(drafts, expected)] == expected
    assert len(drafts) == len(expected)


@pytest.mark.parametrize("headline, name", [
    # Two places about as large, one of them named so only among its other names: the one whose
    # own name it is, as the import shows it ("Sloviansk" was Nikopol, 19 more people).
    ("Sloviansk", "Slovyansk"),
    ("Shelling of Nikopol: two killed", "Nikopol"),
    # Sizes apart: the larger, whatever its own name (not the village Nikolayev near Rostov).
    ("Invaders fired at Nikolaev at night, nine wounded", "Mykolayiv"),
])
def test_extract_namesakes_of_one_size_go_by_their_own_name(headline, name):
    assert _headline(headline).place.place.name == name


# Found by a third review (20 stories and 210 sentences read end to end), worked out by hand.
@pytest.mark.parametrize("lang, text, expected", [
    # A toll nobody named, joined after a denial, is not the denier's: the denial has no figure.
    ("en", "Russia denies targeting civilians as death toll in Kramatorsk rises to 50",
     {"source": "Government of Russia", "stance": "denies", "killed": None,
      "note": "A toll in the same sentence is not the denier's, not drafted: 'as death toll in Kramatorsk rises to 50'."}),
    # An age between the verb and its victim, in any of the three languages: one.
    ("en", "Shelling of Donetsk kills 62-year-old woman, wounds 2 - mayor", {"killed": 1, "victims": "woman"}),
    ("en", "Russian strike kills 3-year-old girl in Odesa", {"killed": 1, "victims": "girl"}),
    ("uk", "Окупанти обстріляли Херсон: загинув 42-річний чоловік", {"killed": 1, "victims": "чоловік"}),
    ("ru", "Пушилин: в Горловке погиб 11-летний мальчик", {"killed": 1, "victims": "мальчик"}),
    ("uk", "У Краматорську поранено 12-річну дитину", {"wounded": 1, "victims": "дитину"}),
    # An article between the verb and its one victim, and the victim then no other casualty's:
    # "killed a man and wounded three" was wounded 1 (the man) and no killed.
    ("en", "Russian shelling killed a man and wounded three people in Mykolaiv",
     {"killed": 1, "wounded": "three", "victims": "man"}),
    ("en", "Shelling killed an 11-year-old girl and wounded 4 people in Kherson, officials said",
     {"killed": 1, "wounded": "4", "victims": "girl"}),
    ("en", "Russian strike kills a civilian in Kharkiv", {"killed": 1, "victims": "civilian"}),
    ("en", "Russian missile kills a man and his son in Zaporizhzhia", {"killed": None}),   # more than one
    # A phrase of casualties is no speaker ("No casualties were" reported): the publisher's own report.
    ("en", "No casualties were reported in Odesa.", {"source": "Ukrinform", "killed": "0", "wounded": "0"}),
])
def test_extract_false_readings_found_by_third_review(lang, text, expected):
    draft = _only_draft(text, lang)
    assert {name: draft.fields.get(name) for name in expected} == expected, text


@pytest.mark.parametrize("text, killed, victims", [
    # Two kinds of civilian, neither a whole that may hold the other: summed (it was the first group's).
    ("Two women and a child were killed in Kherson, the governor said.", "3", "women and child"),
    ("A man and two boys were killed in Kherson, the governor said.", "3", "man and boys"),
    # A whole first ("civilians", "residents"): the second may be its part, so the first's figure.
    ("Three civilians and two children were killed in Kherson, the governor said.", "Three", "civilians"),
    ("Five residents and two women were killed in Kherson, the governor said.", "Five", "residents"),
    # Military and civilian, as before.
    ("Two soldiers and three civilians were killed in Kherson, the governor said.", "5", "soldiers and civilians"),
    # A range or a choice of figures is no group's figure: nothing summed (a review found 4, 4 and
    # "at least 5"; the readings are the version before's).
    ("Between two and three women and a child were killed in Kherson.", "three", "women"),
    ("Two or three women and two children were killed in Kherson.", "three", "women"),
    ("Two to three women and at least two children were killed in Kherson.", "at least two", "children"),
])
def test_extract_sums_groups_of_civilians_only_when_surely_apart(text, killed, victims):
    [draft] = drafts_of("en", text)
    assert (draft.get("killed"), draft.get("victims")) == (killed, victims)


@pytest.mark.parametrize("lang, text, killed, victims", [
    # Two groups of combatants, one of which names its side (a party, the occupiers, the
    # separatists) and the other none or another: two sides, so summed (it was one group's,
    # "Two" soldiers, or "three" rebels when the first group named its party).
    ("en", "Two soldiers and three separatists were killed near Donetsk, the army said.", "5",
     "soldiers and separatists"),
    ("en", "Two Ukrainian soldiers and three rebels were killed near Donetsk, the army said.", "5",
     "Ukrainian soldiers and rebels"),
    ("en", "Fighting killed two Ukrainian soldiers and three Russian soldiers, the army said.", "5",
     "Ukrainian soldiers and Russian soldiers"),
    ("uk", "Загинули двоє військових і троє бойовиків поблизу Донецька, повідомили в ЗСУ.", "5",
     "військових і бойовиків"),
    ("ru", "Погибли двое военных и трое ополченцев под Донецком, сообщили в штабе.", "5", "военных и ополченцев"),
    # Neither names a side, or both the same one, or one names its party by an adjective (or is
    # the occupiers, every soldier of a party) and the other none: they may overlap (officers of
    # the soldiers), so the first group's figure, as before (a review found these summed).
    ("en", "Two soldiers and three officers were killed near Donetsk, the army said.", "Two", "soldiers"),
    ("en", "Two separatists and three rebels were killed near Donetsk, the army said.", "Two", "separatists"),
    ("en", "Shelling killed 22 Ukrainian servicemen and 3 officers, the army said.", "22", "Ukrainian servicemen"),
    ("en", "Two occupiers and three officers were killed near Donetsk, the army said.", "Two", "occupiers"),
    # "бойових" (combat) is no fighters' word: one side named, by nobody (it was 5).
    ("uk", "Загинули двоє військових і троє бійців бойових підрозділів, повідомили в ЗСУ.", "двоє", "військових"),
])
def test_extract_sums_groups_of_combatants_of_two_sides(lang, text, killed, victims):
    assert _killed_and_victims(lang, text) == (killed, victims)


@pytest.mark.parametrize("lang, text, killed", [
    ("uk", "У Херсоні загинули дві жінки та двоє дітей, повідомила поліція.", "4"),
    ("ru", "В Херсоне погибли две женщины и двое детей, сообщила полиция.", "4"),
    # A choice of figures written out is no group's figure: not summed (the version before's
    # reading, the first figure).
    ("uk", "У Херсоні загинули дві або три жінки та двоє дітей.", "дві"),
    # A singular noun as the last group, without a figure, is one (it was the first group's
    # figure): at the end, before a break, before the casualty word, before a word of place.
    ("uk", "У Херсоні загинули дві жінки та дитина, повідомила поліція.", "3"),
    ("uk", "Дві жінки та дитина загинули в Херсоні.", "3"),
    ("uk", "У Херсоні загинули дві жінки та дитина у своєму будинку.", "3"),
    ("ru", "В Херсоне погибли две женщины и ребёнок, сообщила полиция.", "3"),
    ("ru", "В Херсоне погибли двое мирных жителей и военный.", "3"),
    # Not when the noun opens a clause of its own (the child was wounded, not killed), nor after
    # a whole that may hold it ("civilians"), nor after a choice of figures.
    ("uk", "У Херсоні загинули дві жінки та дитина отримала поранення.", "дві"),
    ("ru", "В Херсоне погибли две женщины и ребёнок получил ранения.", "две"),
    ("uk", "У Херсоні загинули двоє цивільних та дитина.", "двоє"),
    ("uk", "У Херсоні загинули дві або три жінки та дитина.", "дві"),
    # After a time of day, after "й" (glue like "і"), after a plural verb's reason ("вследствие").
    ("uk", "У Херсоні загинули дві жінки та дитина вчора ввечері.", "3"),
    ("uk", "У Херсоні загинули дві жінки й дитина.", "3"),
    ("ru", "В Белгороде погибли две женщины и ребенок вследствие обстрела, сообщил Гладков.", "3"),
    # Two counted groups and a bare noun: the two are summed, as before (a third group is summed by
    # nobody; taking the noun as one had lost the sum, a review found).
    ("uk", "Унаслідок обстрілу Херсона загинули двоє військових, троє цивільних та дитина, повідомила ОВА.", "5"),
    ("uk", "Загинули двоє військових і двоє цивільних та жінка.", "4"),
])
def test_extract_sums_groups_of_civilians_in_ukrainian_and_russian(lang, text, killed):
    [draft] = drafts_of(lang, text)
    assert draft.get("killed") == killed


@pytest.mark.parametrize("lang, text, wounded, victims", [
    # The accusative of a singular noun after a wounded toll: one more (military and civilian).
    ("uk", "У Херсоні поранено двох військових і жінку.", "3", "військових і жінку"),
    ("ru", "Ранены двое военных и женщина.", "3", "военных и женщина"),
    ("ru", "Ранены двое военных, трое мирных жителей и ребёнок.", "5", "военных и мирных жителей"),
])
def test_extract_counts_a_bare_singular_group_as_one(lang, text, wounded, victims):
    [draft] = drafts_of(lang, text)
    assert (draft.get("wounded"), draft.get("victims")) == (wounded, victims)


@pytest.mark.parametrize("lang, text, place", [
    # An acronym is no place, though GeoNames files airport codes among places' names (SVO for
    # Khimki, HRK for Kharkiv): "the special military operation", not a town near Moscow.
    ("ru", "Военнослужащий погиб в зоне СВО, сообщили в епархии.", None),
    ("uk", "Військовий загинув у зоні СВО, повідомили в єпархії.", None),
    ("en", "A soldier was killed during the SVO, the diocese said.", None),
    ("en", "Two civilians were killed near HRK, officials said.", None),
    ("ru", "В ЗОНЕ СВО ПОГИБ ВОЕННОСЛУЖАЩИЙ ИЗ ГОРЛОВКИ", "ГОРЛОВКИ"),
    # A place's name in capitals is read as ever, in a headline in capitals or not, its own name or
    # another of its spellings of four letters or more (a review found KIEV, КИЇВ, СУМИ lost when
    # four capitals were taken for an acronym).
    ("en", "TWO CIVILIANS KILLED IN KHARKIV, OFFICIALS SAY", "KHARKIV"),
    ("en", "Two killed in LVIV shelling, police said.", "LVIV"),
    ("en", "Two people were killed in a Russian drone attack on KIEV overnight, officials said.", "KIEV"),
    ("uk", "Унаслідок атаки на КИЇВ загинули двоє людей, повідомив Кличко.", "КИЇВ"),
    ("uk", "СУМИ: унаслідок обстрілу загинули двоє людей.", "СУМИ"),
])
def test_extract_reads_no_acronym_as_a_place(lang, text, place):
    [draft] = drafts_of(lang, text)
    assert draft.get("place") == place


@pytest.mark.parametrize("lang, text, killed, wounded", [
    # A verb of receiving wounds is glue between a list of groups and its casualty word: the groups
    # are summed (it was the last group's figure).
    ("uk", "Двоє військових та троє цивільних отримали поранення в Херсоні.", None, "5"),
    ("ru", "Двое военных и трое мирных жителей получили ранения в Горловке.", None, "5"),
    ("en", "Two soldiers and three civilians sustained injuries in Kherson.", None, "5"),
    # A list after a killed word whose last group is the subject of such a verb is no toll: two
    # killed and three wounded (it was five killed and none wounded).
    ("uk", "У Херсоні загинули двоє військових, троє цивільних отримали поранення.", "двоє", "троє"),
    ("ru", "В Горловке погибли двое военных, трое мирных жителей получили ранения.", "двое", "трое"),
])
def test_extract_reads_a_verb_of_receiving_wounds_as_glue(lang, text, killed, wounded):
    assert _tolls(lang, text) == (killed, wounded)


def test_extract_keeps_the_wounded_of_another_clause_out_of_a_killed_toll_in_english():
    # It was five killed; "wounds" after "suffered" is not read as a wounded word (not asserted).
    [draft] = drafts_of("en", "Shelling killed two soldiers, three civilians suffered wounds.")
    assert draft.get("killed") == "two"


@pytest.mark.parametrize("lang, text, killed, wounded", [
    # A list after a killed word ends at a comma: what follows is a clause of its own, so the
    # groups before it are summed (each was the first group's figure).
    ("uk", "Внаслідок удару по Одесі загинули дві жінки та двоє дітей, ще п'ятеро людей поранені.", "4", "п'ятеро"),
    ("uk", "Внаслідок удару по Одесі загинули дві жінки та дитина, ще п'ятеро людей поранені.", "3", "п'ятеро"),
    ("ru", "Погибли двое военных и трое мирных жителей, ранены три человека.", "5", "три"),
    ("en", "The attack killed two soldiers and three civilians, the governor said.", "5", None),
    # A group after a comma that opens a clause of its own, or is no group, is not of the list.
    ("en", "Shelling killed two soldiers and three civilians, five people were wounded.", "5", "five"),
    ("en", "The attack killed two soldiers and three civilians, five more were wounded.", "5", "five"),
    # As before: a list whose last group is the subject of the clause going on is no toll.
    ("en", "Shelling killed two soldiers, three civilians were wounded.", "two", "three"),
    # … and so it is when words come between the group and its casualty word (it was five
    # killed); a place after the list, or a relative clause, leaves the list as it was.
    ("en", "Shelling killed two soldiers, three civilians also suffered injuries.", "two", "three"),
    ("en", "Shelling killed two soldiers, three civilians in Kherson were wounded.", "two", "three"),
    ("uk", "Загинули двоє військових, троє цивільних також отримали поранення.", "двоє", "троє"),
    ("en", "Shelling killed 3 soldiers, 2 civilians in Kherson, the governor said.", "5", None),
    ("uk", "Загинули троє військових, двоє цивільних, які отримали поранення раніше.", "5", None),
])
def test_extract_ends_a_list_of_groups_at_a_comma(lang, text, killed, wounded):
    assert _tolls(lang, text) == (killed, wounded)


@pytest.mark.parametrize("lang, text, killed", [
    # A review found these taken wrong while verbs of receiving wounds counted as glue in the gap
    # between a figure and its casualty word: the first clause's figure reached the second's verb.
    ("en", "Five people received burns and two were killed in the blast.", "two"),
    ("en", "Six people suffered burns and one died, the State Emergency Service said.", "one"),
    ("uk", "П'ятеро людей отримали опіки та двоє загинули.", "двоє"),
    ("uk", "Троє бійців зазнали контузії та один загинув.", "один"),
    ("ru", "Пятеро человек получили ожоги и двое погибли.", "двое"),
    # … and these while every break ended a list: a dash standing for "are" before the wounded
    # word goes on with the last group, which is the wounded, not the killed.
    ("uk", "Загинули двоє військових, троє цивільних – поранені.", "двоє"),
    ("uk", "Загинули двоє військових, троє цивільних – поранені, повідомила ОВА.", "двоє"),
    ("ru", "Погибли двое военных, трое мирных жителей — ранены.", "двое"),
])
def test_extract_keeps_a_second_clause_out_of_the_killed(lang, text, killed):
    [draft] = drafts_of(lang, text)
    assert draft.get("killed") == killed


@pytest.mark.parametrize("lang, text, killed, victims", [
    # An aside of a part of the victims or their ages is left out, but its closing comma still ends
    # the victims when no casualty word follows: the speaker after it is no victim (the victims
    # were "людей повідомила поліція", "civilians police").
    ("uk", "Загинули троє людей, серед них двоє дітей, повідомила поліція.", "троє", "людей"),
    ("ru", "Погибли трое человек, в том числе двое детей, сообщила полиция.", "трое", "человек"),
    ("en", "The strike killed three civilians aged between 19 and 64, police said.", "three", "civilians"),
    ("en", "The strike killed two soldiers and three civilians, aged between 19 and 64, police said.", "5",
     "soldiers and civilians"),
    # Before a casualty word the aside goes whole, commas and all, as before.
    ("en", "Three people, including two children, were killed in Kherson, the governor said.", "Three", "people"),
    ("uk", "Троє людей, серед них двоє дітей, загинули в Херсоні.", "Троє", "людей"),
])
def test_extract_ends_the_victims_at_an_asides_closing_comma(lang, text, killed, victims):
    assert _killed_and_victims(lang, text) == (killed, victims)


@pytest.mark.parametrize("lang, text, killed, victims, place, note", [
    # A comment on the whole sentence alone between commas ("unfortunately", "на жаль", "по
    # предварительным данным") stood between the victims and their casualty word, and the
    # sentence gave no figure, victims or place at all; now it is read past. One that hedges
    # the figure ("according to preliminary data") is the draft's note, as other hedges are.
    ("en", "Two soldiers, unfortunately, were killed near Bakhmut, the army said.", "Two", "soldiers",
     "near Bakhmut", None),
    ("uk", "Двоє військових, на жаль, загинули поблизу Бахмута, повідомили в ЗСУ.", "Двоє", "військових",
     "поблизу Бахмута", None),
    ("ru", "Три человека, к сожалению, погибли в Херсоне, сообщил губернатор.", "Три", "человека", "Херсоне", None),
    ("en", "Three people, according to preliminary data, were killed in Kherson, the governor said.", "Three",
     "people", "Kherson", "Hedged: 'according to preliminary data'."),
    ("uk", "Троє людей, за попередніми даними, загинули в Херсоні, повідомив губернатор.", "Троє", "людей",
     "Херсоні", "Hedged: 'за попередніми даними'."),
    ("ru", "Три человека, по предварительным данным, погибли в Херсоне, сообщил губернатор.", "Три", "человека",
     "Херсоне", "Hedged: 'по предварительным данным'."),
    # After an inclusion aside: the aside is a part of the victims, the comment no break
    # (the victims were the part's, "двоє дітей", and the figure two).
    ("uk", "Троє людей, серед них двоє дітей, на жаль, загинули в Херсоні, повідомив губернатор.", "Троє",
     "людей", "Херсоні", None),
    # A comment that says the figure is a guess is a hedge too, only between commas there
    # ("попередньо" is also "previously"; "apparently unrelated" is no comment).
    ("ru", "Двое человек, предположительно, погибли в Херсоне, сообщил губернатор.", "Двое", "человек", "Херсоне",
     "Hedged: 'предположительно'."),
    ("uk", "Двоє людей, імовірно, загинули в Херсоні, повідомив губернатор.", "Двоє", "людей", "Херсоні",
     "Hedged: 'імовірно'."),
    ("en", "Two people, apparently, were killed in Kherson, the governor said.", "Two", "people", "Kherson",
     "Hedged: 'apparently'."),
    ("en", "Three people, including two children, sadly, were killed in Kherson, the governor said.", "Three",
     "people", "Kherson", None),
])
def test_extract_reads_past_a_comment_on_the_sentence_between_commas(lang, text, killed, victims, place, note):
    [draft] = drafts_of(lang, text)
    assert (draft.get("killed"), draft.get("victims"), draft.get("place"), draft.get("note")) == (
        killed, victims, place, note)


@pytest.mark.parametrize("lang, text, killed, wounded, victims", [
    # Where a figure or a victims' word follows the comment, it opens a clause of its own: its
    # first comma stays a break (read past whole, the victims were "soldiers three civilians",
    # "soldiers civilians", "військових цивільні").
    ("en", "Shelling killed two soldiers, unfortunately, three civilians were also wounded, the army said.",
     "two", "three", "soldiers"),
    ("uk", "Загинули двоє військових, на жаль, троє цивільних поранені, повідомили в ЗСУ.", "двоє", "троє",
     "військових"),
    ("en", "Shelling killed two soldiers, unfortunately, civilians were also wounded, the army said.", "two", None,
     "soldiers"),
    ("uk", "Загинули двоє військових, на жаль, цивільні також поранені, повідомили в ЗСУ.", "двоє", None,
     "військових"),
])
def test_extract_keeps_a_clause_after_a_comment_apart(lang, text, killed, wounded, victims):
    [draft] = drafts_of(lang, text)
    assert (draft.get("killed"), draft.get("wounded"), draft.get("victims")) == (killed, wounded, victims)


@pytest.mark.parametrize("lang, text, killed, wounded", [
    # A review of 281 sentences found these lost or wrong while an aside's closing comma stayed
    # before a casualty word later in its clause, and while any casualty word after a comma's
    # group (a noun, an adjective, another subject's verb) took the group out of a list.
    ("en", "Three people, including two children, later died in hospital, the regional governor said.", "Three", None),
    ("uk", "Троє людей, серед них двоє дітей, в Херсоні загинули внаслідок обстрілу.", "Троє", None),
    ("uk", "Шестеро людей, зокрема двоє дітей, дістали поранення у Запоріжжі, повідомив Федоров.", None, "Шестеро"),
    ("en", "Shelling killed two soldiers, three civilians and wounded ten others in Kherson, the governor said.", "5",
     "ten"),
    ("en", "Shelling killed 2 soldiers, 3 civilians in the wounded ward of the city hospital", "5", None),
    ("uk", "Унаслідок обстрілу загинули двоє військових, троє цивільних, ще п'ятеро людей поранені.", "5", "п'ятеро"),
    ("en", "Russian troops killed two soldiers, three civilians; seven more were injured.", "5", "seven"),
    ("en", "The death toll from the strike on Kherson rose to 12, including two children, the governor said.", "12",
     None),
])
def test_extract_keeps_lists_and_asides_whole_where_the_clause_goes_on(lang, text, killed, wounded):
    assert _tolls(lang, text) == (killed, wounded)


@pytest.mark.parametrize("lang, text, killed, wounded", [
    # A form that says no number ("поранено", "вбито", "загинуло") is one only beside a singular
    # noun; the collective forms in the accusative are figures. These were all 1 (wounded 1 of
    # "шістьох людей"; killed 1 of "мирне населення").
    ("uk", "Поранено шістьох людей, зокрема двох дітей, повідомив Синєгубов.", None, "шістьох"),
    ("uk", "Поранено кількох людей, повідомив Синєгубов.", None, "кількох"),
    ("ru", "Ранили семерых мирных жителей, сообщил Пушилин.", None, "семерых"),
    ("uk", "У Херсоні поранено мешканця, повідомив Прокудін.", None, 1),
    ("uk", "Вбито військового, повідомили в ОВА.", 1, None),
])
def test_extract_reads_a_number_neutral_form_as_one_only_beside_a_singular_noun(lang, text, killed, wounded):
    assert _tolls(lang, text) == (killed, wounded)


def test_extract_reads_no_figure_from_a_number_neutral_form_beside_a_plural_or_mass_noun():
    # "Поранено людей" says no number (it was 1); "мирне населення" is no one victim (it was killed 1).
    for text in ("Поранено людей, повідомив Синєгубов.", "Загинуло мирне населення, повідомили в ОВА."):
        assert _tolls("uk", text) == (None, None), text


@pytest.mark.parametrize("lang, text, killed, wounded", [
    # A singular noun not in group_singular beside a number-neutral form is still one; an oblique
    # vague form in a time or place phrase counts nobody (a review found these lost or wrong).
    ("uk", "У Херсоні поранено жителя, повідомив Прокудін.", None, 1),
    ("uk", "Поранено 17-річну дівчину, повідомив Синєгубов.", None, 1),
    ("uk", "Вбито бійця ЗСУ, повідомили в бригаді.", 1, None),
    ("uk", "Внаслідок атаки загинуло немовля, повідомив Синєгубов.", 1, None),
    ("uk", "Протягом кількох годин загинули двоє цивільних, повідомив Прокудін.", "двоє", None),
    ("uk", "Після кількох вибухів у Харкові поранено 5 людей, повідомив Терехов.", None, "5"),
    ("ru", "В течение нескольких часов ранены трое мирных жителей, сообщил Пушилин.", None, "трое"),
])
def test_extract_reads_a_singular_ending_as_one_and_no_vague_figure_of_time_or_place(lang, text, killed, wounded):
    assert _tolls(lang, text) == (killed, wounded)


@pytest.mark.parametrize("lang, text, killed, victims", [
    # Rebels and insurgents are combatants (victims.yaml, military), so a toll of rebels and
    # civilians is two groups surely apart, summed: 3 + 2 (it was 2, the civilians alone).
    ("en", "3 rebels, 2 civilians killed in Ukraine assault on Slavyansk: insurgents", "5", "rebels and civilians"),
    ("en", "Two insurgents and a civilian were killed in Sloviansk, police said.", "3", "insurgents and civilian"),
    ("ru", "В Славянске погибли трое повстанцев и двое мирных жителей.", "5", "повстанцев и мирных жителей"),
])
def test_extract_counts_rebels_as_a_group_of_combatants(lang, text, killed, victims):
    assert _killed_and_victims(lang, text) == (killed, victims)


@pytest.mark.parametrize("lang, text, killed, wounded", [
    # "also" between a group and its casualty word is glue, as "further" is: the wounded of the
    # second clause were lost (four free words in the gap: civilians, in, Kherson, also).
    ("en", "Shelling killed two people in Kharkiv, and three civilians in Kherson were also injured, the governor said.",
     "two", "three"),
    ("uk", "У Харкові загинули двоє людей, троє цивільних у Херсоні також були поранені, повідомила ОВА.",
     "двоє", "троє"),
    ("ru", "В Харькове погибли два человека, трое военных в Херсоне также были ранены, сообщили в администрации.",
     "два", "трое"),
    ("ru", "В Харькове погибли два человека, трое военных в Херсоне тоже были ранены, сообщили в администрации.",
     "два", "трое"),
    # It lets no figure of another clause through: the burns are no toll, the dead are two.
    ("en", "Five people received burns and also two died, the State Emergency Service said.", "two", None),
    # A review found "also" stretching "lost" to homes and power: what was lost is a thing there,
    # and no death (nor without "also", as before); lives lost, or people, are.
    ("en", "Ten people in the village also lost their homes, officials said.", None, None),
    ("en", "Ten people lost their homes, officials said.", None, None),
    ("en", "Twenty people in Kherson also lost power after the strike, officials said.", None, None),
    ("en", "Two soldiers lost their lives in the attack, the army said.", "Two", None),
    ("en", "Ukraine lost 13 servicemen in the battle, the army said.", "13", None),
])
def test_extract_reads_also_as_glue_before_a_casualty_word(lang, text, killed, wounded):
    assert _tolls(lang, text) == (killed, wounded)


@pytest.mark.parametrize("text, side", [
    ("Ukrainian soldiers", "ukrain"), ("військових ЗСУ", "ukrain"), ("Russian troops", "russ"),
    ("окупантів", "russ"),                      # the occupiers: the party occupier_party names
    ("separatists", "separatists"), ("rebels", "separatists"), ("бойовиків", "separatists"),
    ("ополченцев", "separatists"), ("DNR fighters", "separatists"),
    ("pro-Russian separatists", "separatists"),   # whom they side with, not which party they are
    ("бійців бойових підрозділів", None),          # "бойових": combat, not fighters
    ("Russian-backed rebels", "separatists"),
    ("soldiers", None), ("servicemen", None), (None, None),
    ("Ukrainian and Russian soldiers", None),     # two sides: none of them
])
def test_the_side_a_group_of_victims_names(text, side):
    assert victims_side(text) == side

"""What happened, to whom, who did it: words in English, Ukrainian and Russian land in one category.

Each expectation is read off the word itself: "ракетний удар" is a missile strike (artillery and
missiles count together), "бійці" are fighters, "ЗСУ" is the Armed Forces of Ukraine.
"""

import pytest

from reconciler.config import Config
from reconciler.grading import CONTESTED, VERIFIED, GradedClaim, grade_event
from reconciler.sources import OriginInfo
from reconciler.vocabulary import (actor_key, event_type_category, same_actor, target_categories, targets_relation,
                                   types_relation, victims_category)


@pytest.mark.parametrize("text, category", [
    ("удар безпілотника", "drone"),      # drone strike (uk)
    ("атака дрона-камікадзе", "drone"),   # kamikaze-drone attack: the drone, not "attack", decides
    ("FPV-дрон", "drone"),
    ("авіаудар", "air"), ("авиаудар", "air"),
    ("удар КАБ", "air"),                 # guided aerial bomb
    ("ракетний удар", "rocket"), ("ракетный удар", "rocket"), ("missile strike", "rocket"),   # missiles and rockets
    ("обстріл з танка", "artillery"), ("tank fire", "artillery"),   # tank guns count with artillery
    ("anti-tank mine", "mine"),          # a mine, whatever it was meant for
    ("стрілянина", "small_arms"), ("перестрелка", "small_arms"), ("перестрілка", "small_arms"),
    ("бойове зіткнення", "clash"), ("штурм", "clash"),
    ("обстріл", "indirect_fire"), ("sniper fire", "sniper"),
    ("mortar shelling", "mortar"),       # the specific word decides: mortar fire is shelling
    ("мінометний обстріл", "mortar"), ("artillery shelling", "artillery"), ("Grad rocket fire", "rocket"),
    ("IED blast", "ied"), ("improvised explosive device", "ied"), ("вибухівка", "explosive"), ("подрыв", "explosive"),
    ("explosive device", "explosive"),   # an explosive device of no named kind: a mine or an IED
    ("a meeting", None),
    # Words that once misfired: a Russian drone attack is not a clash ("атака"); stepping on a
    # mine ("наступив") is not an offensive ("наступ"), nor is "the next day"; a tank hit by a
    # drone is a drone strike; an aviary is no aviation.
    ("атака беспилотника", "drone"), ("наступив на міну", "mine"), ("наступила на мину", "mine"),
    ("наступного дня", None), ("наступ", "clash"), ("FPV-дрон уразив танк", "drone"),
    ("drone hit a fuel tank", "drone"), ("aviary", None), ("КАБами", "air"),
    # Cases the transliteration gives other endings than the list had: "у бою", "в боях", "боя",
    # "підірвався міною", "подорвался миной"; "бойовики" (fighters) is still no battle.
    ("загинув у бою", "clash"), ("в боях за Бахмут", "clash"), ("в ходе боя", "clash"),
    ("підірвався міною", "mine"), ("подорвался миной", "mine"), ("бойовики", None),
])
def test_event_types_across_languages(text, category):
    assert event_type_category(text) == category


@pytest.mark.parametrize("a, b, relation", [
    ("shelling", "mortar fire", "compatible"),      # a generic word and a specific one agree
    ("mortar fire", "MLRS fire", "related"),        # two specific siblings differ (a little)
    ("gunfire", "sniper fire", "compatible"),       # sniper fire is gunfire
    ("explosion", "landmine", "compatible"), ("landmine", "IED", "related"),
    ("air strike", "drone strike", "compatible"),
    ("drone strike", "shelling", "related"),        # branches often confused, one in its generic word
    ("air strike", "mortar fire", "related"), ("fighting", "sniper fire", "related"),
    ("drone strike", "mortar fire", "different"),   # two specific words of those branches say different things
    ("sniper fire", "shelling", "different"), ("landmine", "shelling", "different"),
    ("mortar fire", "мінометний обстріл", "same"),
])
def test_kinds_relate_through_the_tree(a, b, relation):
    assert types_relation(event_type_category(a), event_type_category(b)) == relation


def test_drone_strike_and_shelling_are_related_not_the_same():
    assert types_relation(event_type_category("удар дрона"), event_type_category("shelling")) == "related"


@pytest.mark.parametrize("text, category", [
    ("загиблі бійці", "military"), ("бойцы", "military"), ("захисники", "military"),
    ("окупантів", "military"),            # "occupiers" as victims: enemy soldiers
    ("жінка", "civilian"), ("дитина", "civilian"), ("женщина", "civilian"), ("ребенок", "civilian"),
    ("мешканці", "civilian"), ("рятувальники", "civilian"), ("a boy", "civilian"), ("a girl", "civilian"),
    ("люди", "people"),
    # Police: neither soldiers nor civilians for matching, so compatible with both.
    ("police officers", "people"), ("поліцейський", "people"), ("полицейские", "people"),
    ("officers", "military"),
    ("boyfriend", None),                 # "boy" is a whole word
    ("діти", "civilian"), ("many people", "people"),   # "man" is a whole word too
    ("военнослужащие народной милиции", "military"),   # the DNR's "people's militia" is no police
    # Russian and Ukrainian forms as transliterated today ("детей" is "detey", not "detei").
    ("трое детей", "civilian"), ("с детьми", "civilian"), ("ребенка", "civilian"), ("громадян", "civilian"),
    ("з дітьми", "civilian"), ("двох жінок", "civilian"), ("трьох медиків", "civilian"), ("медика", "civilian"),
    ("журналістів", "civilian"), ("підлітка", "civilian"), ("немовля", "civilian"), ("двух мужчин", "civilian"),
    ("журналистов", "civilian"), ("подростка", "civilian"), ("младенца", "civilian"), ("медикам", "civilian"),
    ("ополченцев", "military"),
    ("медикаменти", None), ("медикаментов", None),   # medicines, not medics
    # People by their civilian work, as reports name them; a military one stays military.
    ("Russian TV reporter", "civilian"), ("two photojournalists", "civilian"), ("aid workers", "civilian"),
    ("a nurse", "civilian"), ("medics", "civilian"), ("students", "civilian"), ("a cameraman", "civilian"),
    ("military medic", "military"), ("medical supplies", None),
    # Rebels and insurgents fight: combatants, as separatists and militants are; the nouns only,
    # not where they hold ground or what they rose in ("civilians in rebel-held Donetsk").
    ("rebels", "military"), ("three insurgents", "military"), ("повстанцев", "military"), ("повстанці", "military"),
    ("civilians in rebel-held Donetsk", "civilian"), ("rebellion", None), ("повстанський район", None),
    ("повстання", None), ("civilians in an insurgent attack", "civilian"),
])
def test_victims_across_languages(text, category):
    assert victims_category(text) == category


@pytest.mark.parametrize("text, category", [
    # Groups of different categories named apart are all of them: "people", compatible with either.
    ("soldiers and civilians", "people"), ("2 soldiers, 3 civilians", "people"), ("civilians & soldiers", "people"),
    ("військових і цивільних", "people"), ("військових та мешканців", "people"), ("военных и мирных жителей", "people"),
    # One group, or groups of one side: as before.
    ("volunteer fighters", "military"), ("military doctor", "military"),   # no joiner: the first category
    ("soldiers and their families", "military"), ("women and children", "civilian"),
    ("people and soldiers", "people"), ("children, servicemen", "people"),
])
def test_victims_in_groups(text, category):
    assert victims_category(text) == category


@pytest.mark.parametrize("texts, key", [
    (("ЗСУ", "ВСУ", "Збройні сили України", "вооружённые силы Украины", "Ukrainian Armed Forces", "Ukraine",
      "українські військові"), "ukrain"),
    (("ВС РФ", "армія РФ", "армия России", "российские войска", "російські окупанти", "окупанти", "рашисти",
      "the occupiers", "Russian forces", "Russia"), "russ"),
])
def test_one_party_under_the_names_either_press_uses(texts, key):
    assert {actor_key(t) for t in texts} == {key}


def test_separatists_stay_apart_from_russia():
    # Whether a separatist formation is Russia's force is for a person to grade.
    assert actor_key("ДНР") == "dnr"
    assert actor_key("pro-Russian separatists") == actor_key("Russian-backed separatists") == "pro_russ separatists"
    assert actor_key("Russian troops") == "russ"
    assert not same_actor(actor_key("Russian-backed separatists"), actor_key("Russian troops"))


def test_occupiers_are_russia_only_when_no_party_is_named():
    assert actor_key("окупаційні війська") == actor_key("occupation forces") == "russ"
    # Russia's press calls Ukraine's forces occupiers too: the party named decides.
    assert actor_key("украинские оккупанты") == actor_key("Ukrainian occupiers") == "ukrain"


def test_naming_both_parties_is_neither_party():
    both = actor_key("ВСУ и российские войска")
    assert both == "russ ukrain"
    assert not same_actor(both, "russ") and not same_actor(both, "ukrain")
    assert same_actor(actor_key("украинские силовики"), actor_key("ЗСУ"))   # "siloviki ukrain" names Ukraine


UKRAINE = OriginInfo(1, 1, "Armed Forces of Ukraine", "Ukraine", True)
RUSSIA = OriginInfo(2, 2, "Ministry of Defence of Russia", "Russia", True)
OSCE = OriginInfo(3, 3, "OSCE", None, True)


def _claim(cid, origin, actor):
    return GradedClaim(cid, origin.origin_name, origin, "asserts", actor_key(actor), "civilian", None, None, (),
                       actor_text=actor)


def test_blame_in_two_scripts_for_one_party_corroborates():
    # The army writes "російські окупанти", the monitors "Russian forces": one party, no contest
    # (their reports corroborate each other otherwise: same place and day).
    grade = grade_event([_claim(1, UKRAINE, "російські окупанти"), _claim(2, OSCE, "Russian forces")], Config(),
                        {frozenset((UKRAINE.origin_name, OSCE.origin_name)): ()})
    assert grade.status == VERIFIED


def test_each_side_calling_the_other_occupiers_is_contested():
    grade = grade_event([_claim(1, UKRAINE, "російські окупанти"), _claim(2, RUSSIA, "украинские оккупанты")],
                        Config())
    assert (grade.status, grade.rule) == (CONTESTED, "actors")


def test_each_side_blaming_the_other_in_its_own_language_is_contested():
    grade = grade_event([_claim(1, UKRAINE, "російські окупанти"), _claim(2, RUSSIA, "ВСУ")], Config())
    assert (grade.status, grade.rule) == (CONTESTED, "actors")
    assert grade.reason == 'Armed Forces of Ukraine blames "російські окупанти", Ministry of Defence of Russia blames "ВСУ"'


@pytest.mark.parametrize("text, categories", [
    ("a school", "school"), ("школу", "school"), ("школа", "school"),
    ("житловий будинок", "homes"), ("багатоповерхівка", "homes"), ("многоэтажка", "homes"), ("жилой дом", "homes"),
    ("дитячий садок", "kindergarten"), ("детский сад", "kindergarten"),
    ("лікарню", "medical"), ("больница", "medical"), ("a hospital", "medical"),
    ("the central market", "market"), ("ринок", "market"), ("на рынке", "market"),
    ("a supermarket", "shop"),             # a supermarket is a shop, not the market
    ("зупинка громадського транспорту", "public_transport"), ("залізничний вокзал", "railway"), ("пасажирський потяг", "railway"),
    ("підстанція", "energy"), ("ТЕЦ", "energy"), ("a power station", "energy"),
    ("склад боєприпасів", "depot"),        # an ammunition depot, not a warehouse
    ("позиції", "positions"), ("блокпост", "checkpoint"), ("колона техніки", "vehicle"),
    ("positions near the checkpoint", "checkpoint,positions"),
    ("a school and nearby houses", "homes,school"),
    # Generic words name nothing; "hospitalised" is what happened to the wounded, not what was hit.
    ("a building", None), ("infrastructure", None), ("об'єкт інфраструктури", None), ("hospitalised", None),
    # Words that once misfired: a maternity hospital is no home, a house of culture nobody's;
    # a store room no ammunition depot; a technical college, a penal colony, a training ground,
    # a garden and a storehouse are no vehicle, railway, kindergarten or shop.
    ("пологовий будинок", "medical"), ("будинок культури", None), ("дом культуры", None), ("склад", None),
    ("технікум", "school"), ("виправна колонія", None), ("training ground", None), ("сад", None),
    ("storehouse", None), ("дитсадок", "kindergarten"),
    # A private house is a home; a private firm or clinic is not.
    ("приватний будинок", "homes"), ("частный сектор", "homes"), ("приватне підприємство", "industry"),
    ("частная клиника", "medical"), ("домоволодіння", "homes"),
    ("", None), (None, None),
])
def test_what_was_hit_across_languages(text, categories):
    assert target_categories(text) == categories


def test_targets_differ_only_when_they_name_nothing_in_common():
    school, market = target_categories("школа"), target_categories("the market")
    assert targets_relation(school, market) == "different"
    assert targets_relation(school, target_categories("a school and nearby houses")) == "same"
    assert targets_relation(target_categories("houses"), target_categories("a school and nearby houses")) == "same"
    assert targets_relation(school, None) is None

"""The activity grant rules engine: amounts worked out by hand, every rejection reason,
gender-weighted rates, the cap, the rules parser, and properties (hypothesis)."""

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core.grants import (
    FEMALE,
    MALE,
    UNKNOWN,
    GrantRuleError,
    Occasion,
    Participant,
    apportion,
    calculate_activity_grant,
    parse_programme,
)

# A fictional programme: 30 kr per sammankomst; per deltagartillfälle 10 kr for girls and
# 8 kr for boys aged 7–12 (the board weights the rate toward girls), 8 kr for 13–20 and
# 6 kr for 21–25 whatever the gender.
VERSION = {
    "valid_from": "2027-01-01",
    "source": "Kultur- och fritidsnämnden i Exempelby, beslut 2026-11-12 § 42 (fiktivt)",
    "age_min": 7,
    "age_max": 25,
    "occasion_rate": 30,
    "participant_rates": {"7-12": {"F": 10, "M": 8}, "13-20": 8, "21-25": "6.50"},
    "min_participants": 3,
    "min_minutes": 60,
    "leader_required": True,
}


def programme(**changes):
    return parse_programme({"name": "Aktivitetsstöd", "versions": [{**VERSION, **changes}]})


def kid(ident, birth_year, gender=UNKNOWN, leader=False):
    return Participant(ident, birth_year, gender, leader)


LEADER = kid("L", 1990, MALE, leader=True)
DAY = date(2027, 3, 1)


def occ(*people, minutes=60, day=DAY, group="P10"):
    return Occasion(day, group, minutes, tuple(people))


GIRL_8, BOY_8, GIRL_15, BOY_22 = kid("g8", 2019, FEMALE), kid("b8", 2019, MALE), kid("g15", 2012, FEMALE), kid("b22", 2005, MALE)

# (name, occasion, counted, reasons, amount in öre worked out by hand)
CASES = [
    ("three children and a leader", occ(GIRL_8, BOY_8, GIRL_15, LEADER), True, (), 3000 + 1000 + 800 + 800),
    ("band 21–25 at 6,50 kr", occ(GIRL_8, BOY_8, BOY_22, LEADER), True, (), 3000 + 1000 + 800 + 650),
    ("unknown gender in a weighted band gets the lower rate", occ(kid("u", 2018), BOY_8, GIRL_8, LEADER), True, (), 3000 + 800 + 800 + 1000),
    ("age by birth year: born 2020 turns 7 in 2027", occ(kid("y", 2020, FEMALE), BOY_8, GIRL_8, LEADER), True, (), 3000 + 1000 + 800 + 1000),
    ("age by birth year: born 2001 turns 26 in 2027, too old", occ(kid("o", 2001, MALE), BOY_8, GIRL_8, LEADER), False, ("2 deltagare i åldern 7–25 år, minst 3 krävs",), 0),
    ("born 2021, turns 6, too young", occ(kid("s", 2021, FEMALE), BOY_8, GIRL_8, LEADER), False, ("2 deltagare i åldern 7–25 år, minst 3 krävs",), 0),
    ("duplicates count once", occ(GIRL_8, GIRL_8, BOY_8, BOY_8, LEADER), False, ("2 deltagare i åldern 7–25 år, minst 3 krävs",), 0),
    ("45 minutes", occ(GIRL_8, BOY_8, GIRL_15, LEADER, minutes=45), False, ("45 minuter, minst 60 krävs",), 0),
    ("no leader", occ(GIRL_8, BOY_8, GIRL_15), False, ("ingen ledare närvarande",), 0),
    (
        "every reason at once",
        occ(GIRL_8, minutes=30),
        False,
        ("1 deltagare i åldern 7–25 år, minst 3 krävs", "30 minuter, minst 60 krävs", "ingen ledare närvarande"),
        0,
    ),
    ("a leader in the age range does not count as participant", occ(GIRL_8, BOY_8, kid("L2", 2008, FEMALE, True)), False, ("2 deltagare i åldern 7–25 år, minst 3 krävs",), 0),
]


@pytest.mark.parametrize("name,occasion,counted,reasons,amount", CASES, ids=[c[0] for c in CASES])
def test_one_occasion(name, occasion, counted, reasons, amount):
    result = calculate_activity_grant(programme(), [occasion])
    (judged,) = result.occasions
    assert judged.counted is counted
    assert judged.reasons == reasons
    assert judged.amount == amount
    assert result.total == amount


def test_parts_by_gender_and_band():
    result = calculate_activity_grant(programme(), [occ(GIRL_8, BOY_8, GIRL_15, BOY_22, LEADER), occ(GIRL_8, BOY_8, LEADER, minutes=59)])
    assert result.counted_occasions == 1
    assert result.participations[(FEMALE, "7-12")] == 1
    assert result.participations[(MALE, "7-12")] == 1
    assert result.participations[(FEMALE, "13-20")] == 1
    assert result.participations[(MALE, "21-25")] == 1
    assert result.amounts[(FEMALE, "7-12")] == 1000
    assert result.amounts[(MALE, "7-12")] == 800
    assert result.amounts[(FEMALE, "13-20")] == 800
    assert result.amounts[(MALE, "21-25")] == 650
    assert result.occasion_amount == 3000
    assert result.total == 6250 and not result.cap_applied
    assert result.occasions[1].reasons == ("2 deltagare i åldern 7–25 år, minst 3 krävs", "59 minuter, minst 60 krävs")


def test_leaders_may_count_as_participants_and_leader_minimum_age():
    young_leader = kid("L2", 2015, FEMALE, True)  # 12 in 2027
    rules = programme(leaders_count_as_participants=True, leader_min_age=13)
    result = calculate_activity_grant(rules, [occ(GIRL_8, BOY_8, young_leader)])
    assert result.occasions[0].reasons == ("ingen ledare närvarande (ledaren ska vara minst 13 år)",)
    result = calculate_activity_grant(rules, [occ(GIRL_8, BOY_8, kid("L3", 2010, FEMALE, True))])
    assert result.total == 3000 + 1000 + 800 + 800


def test_no_leader_required():
    assert calculate_activity_grant(programme(leader_required=False), [occ(GIRL_8, BOY_8, GIRL_15)]).total == 5600


def test_cap_scales_every_part_and_keeps_the_sum():
    # Five occasions of 56 kr = 280 kr; cap 100 kr.  Parts before: sammankomst 150 kr,
    # F 7–12 50 kr, M 7–12 40 kr, F 13–20 40 kr.  Each × 100/280, rounded down to öre:
    # 53,5714 → 53,57 ; 17,8571 → 17,85 ; 14,2857 → 14,28 ; 14,2857 → 14,28 (sum 99,98 kr).
    # The two öre left go to the largest remainders: F 7–12 (0,71 öre), then the tie at
    # 0,57 öre is broken by part order (F before M), so F 13–20.
    result = calculate_activity_grant(programme(cap_per_year=100), [occ(GIRL_8, BOY_8, GIRL_15, LEADER)] * 5)
    assert result.uncapped_total == 28000
    assert result.cap == 10000 and result.cap_applied and result.total == 10000
    assert result.occasion_amount == 5357
    assert result.amounts[(FEMALE, "7-12")] == 1786
    assert result.amounts[(FEMALE, "13-20")] == 1429
    assert result.amounts[(MALE, "7-12")] == 1428
    assert result.occasion_amount + sum(result.amounts.values()) == 10000


def test_cap_counts_what_was_already_granted_this_year():
    result = calculate_activity_grant(programme(cap_per_year=100), [occ(GIRL_8, BOY_8, GIRL_15, LEADER)], already_granted=9000)
    assert result.total == 1000 and result.cap_applied
    result = calculate_activity_grant(programme(cap_per_year=100), [occ(GIRL_8, BOY_8, GIRL_15, LEADER)], already_granted=12000)
    assert result.total == 0 and sum(result.amounts.values()) == 0


def test_cap_not_reached():
    result = calculate_activity_grant(programme(cap_per_year=1000), [occ(GIRL_8, BOY_8, GIRL_15, LEADER)])
    assert result.total == 5600 and not result.cap_applied


def test_effective_dated_versions():
    later = {**VERSION, "valid_from": "2027-07-01", "occasion_rate": 40, "min_minutes": 45}
    rules = parse_programme({"name": "A", "versions": [later, {**VERSION, "valid_to": "2027-06-30"}]})
    spring = occ(GIRL_8, BOY_8, GIRL_15, LEADER, minutes=45, day=date(2027, 6, 30))
    autumn = occ(GIRL_8, BOY_8, GIRL_15, LEADER, minutes=45, day=date(2027, 7, 1))
    result = calculate_activity_grant(rules, [spring, autumn])
    assert result.occasions[0].reasons == ("45 minuter, minst 60 krävs",)
    assert result.occasions[1].amount == 4000 + 2600


def test_no_rules_in_force():
    result = calculate_activity_grant(programme(), [occ(GIRL_8, BOY_8, GIRL_15, LEADER, day=date(2026, 12, 31))])
    assert result.occasions[0].reasons == ("inga bidragsregler gäller den 2026-12-31",)


def test_one_calendar_year_per_calculation():
    with pytest.raises(GrantRuleError, match="kalenderår"):
        calculate_activity_grant(programme(), [occ(GIRL_8, day=date(2027, 1, 1)), occ(GIRL_8, day=date(2028, 1, 1))])


def test_conflicting_participant_in_one_occasion():
    with pytest.raises(ValueError, match="olika födelseår"):
        calculate_activity_grant(programme(), [occ(GIRL_8, kid("g8", 2018, FEMALE))])


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"source": ""}, "källa"),
        ({"valid_from": "2027-13-01"}, "valid_from ska vara ett datum"),
        ({"valid_to": "2026-01-01"}, "valid_to ligger före valid_from"),
        ({"participant_rates": {"7-12": 10, "14-25": 8}}, "utan luckor eller överlapp"),
        ({"participant_rates": {"7-12": 10, "13-20": 8}}, "ska sluta på 25"),
        ({"participant_rates": {"7-12": {"F": 10}, "13-25": 8}}, "både F och M"),
        ({"participant_rates": {"7-12": {"F": 10, "M": 8, "Q": 1}, "13-25": 8}}, "okänt kön"),
        ({"participant_rates": {"7-tolv": 10}}, "ska skrivas som"),
        ({"occasion_rate": "1.001"}, "två decimaler"),
        ({"occasion_rate": -5}, "negativt"),
        ({"min_minutes": 0}, "min_minutes ska vara ett heltal"),
        ({"leader_required": "ja"}, "true eller false"),
        ({"bonus": 1}, "okänd nyckel"),
    ],
)
def test_bad_rules(changes, message):
    with pytest.raises(GrantRuleError, match=message):
        programme(**changes)


def test_overlapping_versions_refused():
    with pytest.raises(GrantRuleError, match="gäller samtidigt"):
        parse_programme({"name": "A", "versions": [VERSION, {**VERSION, "valid_from": "2027-06-01"}]})


def test_apportion_by_hand():
    assert apportion({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}
    assert apportion({"a": 500, "b": 500}, 1000) == {"a": 500, "b": 500}


# ---------------------------------------------------------------- properties

people = st.builds(
    Participant,
    id=st.sampled_from([f"p{i}" for i in range(12)]),
    birth_year=st.integers(1995, 2024),
    gender=st.sampled_from([FEMALE, MALE, UNKNOWN]),
    leader=st.booleans(),
)


def _consistent(persons):
    """One birth year and gender per id (as the attendance parser guarantees)."""
    first = {}
    return tuple(Participant(p.id, *first.setdefault(p.id, (p.birth_year, p.gender)), p.leader) for p in persons)


occasions = st.lists(
    st.builds(
        lambda day, group, minutes, persons: Occasion(date(2027, 1, 1).replace(month=day), group, minutes, _consistent(persons)),
        st.integers(1, 12),
        st.sampled_from(["A", "B"]),
        st.integers(1, 120),
        st.lists(people, max_size=10),
    ),
    max_size=12,
)
caps = st.one_of(st.none(), st.integers(0, 500))


@settings(max_examples=200, deadline=None)
@given(occasions, caps)
def test_total_is_sum_of_parts_and_rejected_never_contribute(items, cap):
    result = calculate_activity_grant(programme(cap_per_year=cap), items)
    assert result.total == result.occasion_amount + sum(result.amounts.values())
    assert result.uncapped_total == sum(o.amount for o in result.occasions)
    assert all(o.amount == 0 and o.participations == 0 for o in result.occasions if not o.counted)
    assert sum(result.participations.values()) == sum(o.participations for o in result.occasions)
    if cap is not None:
        assert result.total <= cap * 100
    # dropping the rejected occasions changes nothing
    kept = [o for o, r in zip(items, result.occasions, strict=True) if r.counted]
    again = calculate_activity_grant(programme(cap_per_year=cap), kept)
    assert again.total == result.total and dict(again.amounts) == dict(result.amounts)


@settings(max_examples=200, deadline=None)
@given(occasions, st.randoms(use_true_random=False), caps)
def test_order_and_duplicates_do_not_matter(items, rnd, cap):
    rules = programme(cap_per_year=cap)
    result = calculate_activity_grant(rules, items)
    shuffled = []
    for o in items:
        persons = list(o.participants) + [p for p in o.participants if rnd.random() < 0.5 and not p.leader]
        rnd.shuffle(persons)
        shuffled.append(Occasion(o.date, o.group, o.minutes, tuple(persons)))
    rnd.shuffle(shuffled)
    again = calculate_activity_grant(rules, shuffled)
    assert again.total == result.total
    assert dict(again.amounts) == dict(result.amounts)
    assert dict(again.participations) == dict(result.participations)


def test_random_example_is_stable():
    rnd = random.Random(7)
    items = [occ(*(kid(f"k{i}", rnd.randint(2000, 2021), rnd.choice("FM")) for i in range(rnd.randint(0, 8))), LEADER) for _ in range(20)]
    first = calculate_activity_grant(programme(), items).total
    assert first == calculate_activity_grant(programme(), list(reversed(items))).total

"""The 3R analysis (lika.core.three_r): figures worked out by hand, then properties.

All associations, programmes and numbers are fictional.
"""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core import disclosure
from lika.core.three_r import (
    Aggregate,
    ByGender,
    Counted,
    Rules,
    ThreeRError,
    analyse,
    analyse_all,
    attribute,
    band_is_adult,
    coverage,
    grant,
    percent,
    protect_report,
    same_for_all,
    what_if,
    whole_ore,
    year_over_year,
)

P = "Aktivitetsstöd"


def football_2025():
    # 19 girls and 31 boys (boys 62 % of the participants); 30 000 kr to the girls and
    # 70 000 kr to the boys (boys 70 % of the money).
    return [
        Aggregate(P, 2025, "K", "7-12", participants=19, occasions=380, leaders=3, board_members=2,
                  money_ore=3_000_000, premises_hours=120),
        Aggregate(P, 2025, "M", "7-12", participants=31, occasions=620, leaders=5, board_members=5,
                  money_ore=7_000_000, premises_hours=Fraction(401, 2)),
        Aggregate("Annat program", 2025, "K", "7-12", participants=99, money_ore=1),
    ]


def test_boys_62_percent_of_participants_get_70_percent_of_the_money():
    report = analyse(football_2025(), group=P, year=2025)
    rep, res = report.representation, report.resources
    assert rep.participants == ByGender(19, 31, 0)
    assert rep.participants.share("M") == Fraction(62, 100)
    assert rep.leaders == ByGender(3, 5, 0)
    assert rep.board_members.share("K") == Fraction(2, 7)
    assert res.money_ore == ByGender(3_000_000, 7_000_000, 0)
    assert res.money_share == {"K": Fraction(3, 10), "M": Fraction(7, 10)}
    # 70 % − 62 % = 8 percentage points; girls −8
    assert res.gap_points == {"K": Fraction(-8), "M": Fraction(8)}
    assert res.flagged is False  # the default threshold is 10 points
    assert analyse(football_2025(), group=P, year=2025, threshold_points=5).resources.flagged is True
    # kronor per participant: 30 000 / 19 = 1 578,947… kr; 70 000 / 31 = 2 258,064… kr
    assert res.girls.per_participant == Fraction(3_000_000, 19)
    assert whole_ore(res.girls.per_participant) == 157_895
    assert whole_ore(res.boys.per_participant) == 225_806
    # per deltagartillfälle: 30 000 / 380 = 78,947… kr; 70 000 / 620 = 112,903… kr
    assert whole_ore(res.girls.per_occasion) == 7_895
    assert whole_ore(res.boys.per_occasion) == 11_290
    assert res.women.per_participant is None and res.men.per_occasion is None
    assert res.premises_hours == ByGender(120, Fraction(401, 2), 0)
    assert percent(res.participant_share["M"]) == 62


def test_adult_bands_are_women_and_men_and_unknown_is_kept_apart():
    rows = [
        Aggregate(P, 2025, "K", "13-20", participants=10, occasions=100, money_ore=50_000),
        Aggregate(P, 2025, "K", "26+", participants=8, occasions=40, money_ore=20_000),
        Aggregate(P, 2025, "M", "26+", participants=12, occasions=60, money_ore=30_000),
        Aggregate(P, 2025, "U", "13-20", participants=2, occasions=20, money_ore=10_000),
    ]
    res = analyse(rows, group=P, year=2025).resources
    assert (res.girls.participants, res.women.participants, res.men.participants, res.boys.participants) == (10, 8, 12, 0)
    assert res.women.per_participant == 2_500 and res.men.per_occasion == 500
    assert res.money_ore.total == 110_000 and res.money_ore.unknown == 10_000
    assert res.money_share["K"] == Fraction(70_000, 100_000)  # of the known-gender money
    assert band_is_adult("18-25") and not band_is_adult("13–20") and band_is_adult("65+")
    with pytest.raises(ThreeRError):
        band_is_adult("vuxna")
    with pytest.raises(ThreeRError):
        Aggregate(P, 2025, "X", "7-12")
    with pytest.raises(ThreeRError):
        Aggregate(P, 2025, "K", "7-12", money_ore=1.5)


def test_per_association_and_all_at_once():
    rows = [
        Aggregate(P, 2025, "K", "7-12", participants=10, money_ore=100, association="IF Ekebo"),
        Aggregate(P, 2025, "M", "7-12", participants=10, money_ore=300, association="IF Ekebo"),
        Aggregate(P, 2025, "K", "7-12", participants=30, money_ore=600, association="Scoutkåren Tallen"),
    ]
    ekebo = analyse(rows, group=P, year=2025, association="IF Ekebo")
    assert ekebo.resources.money_share["K"] == Fraction(1, 4)
    assert ekebo.resources.gap_points["K"] == -25 and ekebo.resources.flagged
    whole = analyse(rows, group=P, year=2025)
    assert whole.representation.participants == ByGender(40, 10, 0)
    assert whole.resources.money_share["K"] == Fraction(7, 10)
    reports = analyse_all(rows)
    assert set(reports) == {(P, 2025, "IF Ekebo"), (P, 2025, "Scoutkåren Tallen")}
    assert reports[(P, 2025, "IF Ekebo")] == ekebo
    assert protect_report(rows, ekebo).participants.total.cells == (10, 10, 20)


def test_coverage_against_the_population_of_the_same_ages():
    participants = {("K", "7-12"): 19, ("M", "7-12"): 31, ("K", "13-20"): 5}
    population = {("K", "7-12"): 190, ("M", "7-12"): 155, ("K", "13-20"): 0, ("M", "13-20"): 100}
    cov = coverage(participants, population)
    assert cov.by_band[0] == ("7-12", {"K": Fraction(1, 10), "M": Fraction(1, 5)})
    assert cov.by_band[1] == ("13-20", {"K": None, "M": Fraction(0)})
    assert cov.overall == {"K": Fraction(19, 190), "M": Fraction(31, 255)}  # no girls 13-20 live here


def test_earlier_years():
    rows = football_2025() + [
        Aggregate(P, 2024, "K", "7-12", participants=15, occasions=300, money_ore=2_000_000),
        Aggregate(P, 2024, "M", "7-12", participants=35, occasions=700, money_ore=8_000_000),
    ]
    reports = [analyse(rows, group=P, year=y) for y in (2025, 2024)]
    (change,) = year_over_year(reports)
    assert (change.earlier, change.later) == (2024, 2025)
    assert change.participants == ByGender(4, -4, 0)
    assert change.money_ore == ByGender(1_000_000, -1_000_000, 0)
    assert change.money_share_points == {"K": 10, "M": -10}  # 20 % → 30 %
    assert change.participant_share_points == {"K": 8, "M": -8}  # 30 % → 38 %
    # gap 2024: 20 − 30 = −10 points; 2025: −8; change +2
    assert change.gap_points == {"K": 2, "M": -2}


def test_small_counts_are_hidden_with_the_income_support_scheme():
    rows = [
        Aggregate(P, 2025, "K", "7-12", participants=3, occasions=30, money_ore=30_000, leaders=1, board_members=2),
        Aggregate(P, 2025, "M", "7-12", participants=20, occasions=200, money_ore=200_000, leaders=6, board_members=6),
        Aggregate(P, 2025, "K", "13-20", participants=12, occasions=100, money_ore=90_000),
        Aggregate(P, 2025, "M", "13-20", participants=9, occasions=90, money_ore=80_000),
        Aggregate(P, 2025, "U", "13-20", participants=2),
    ]
    report = analyse(rows, group=P, year=2025)
    tables = protect_report(rows, report)
    hidden = tables.participants.suppressed()
    assert ("7-12", "K") in hidden
    assert tables.money_ore.suppressed() == hidden  # amounts hidden where the counts are
    assert tables.occasions.cell("7-12", "K") is disclosure.SUPPRESSED
    assert tables.board_members.cell("Styrelse", "K") is disclosure.SUPPRESSED
    assert tables.unknown["participants"] is disclosure.SUPPRESSED
    # the 3 girls 7-12 are hidden, and with them (secondary) the boys 7-12 and both cells of
    # 13-20, so that no relation has one hidden cell; the totals stay shown
    assert hidden == {("7-12", "K"), ("7-12", "M"), ("13-20", "K"), ("13-20", "M")}
    assert tables.participants.total.cells == (15, 29, 44)
    assert tables.money_share("K") == Fraction(120_000, 400_000)
    assert tables.participant_share("K") == Fraction(15, 44)
    assert tables.leaders.cell("Totalt", "K") is disclosure.SUPPRESSED


def test_attribute_splits_by_largest_remainder():
    assert attribute(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert attribute(300_000, {"K": 121_000, "M": 273_000}) == {"K": 92_132, "M": 207_868}
    assert attribute(0, {"a": 0}) == {"a": 0}
    with pytest.raises(ThreeRError):
        attribute(5, {"a": 0})


def counted_example():
    return [
        Counted("IF Ekebo", "K", "7-12", occasions=100, meetings=10),
        Counted("IF Ekebo", "M", "7-12", occasions=300, meetings=30),
        Counted("Scoutkåren Tallen", "K", "13-20", occasions=50, meetings=5),
        Counted("Scoutkåren Tallen", "M", "13-20", occasions=50, meetings=5),
    ]


def test_what_if_by_hand():
    today = Rules(same_for_all({"7-12": 700, "13-20": 700}), same_for_all({"7-12": 2_100, "13-20": 2_100}))
    girls_more = dict(today.per_occasion) | {("7-12", "K"): 1_000, ("13-20", "K"): 1_000}
    proposed = Rules(girls_more, today.per_meeting, cap_ore=300_000)
    result = what_if(counted_example(), today, proposed)
    # today: Ekebo girls 100·7 + 10·21 = 910 kr, boys 300·7 + 30·21 = 2 730 kr;
    # Tallen 50·7 + 5·21 = 455 kr each
    assert result.today.by_association["IF Ekebo"] == ByGender(91_000, 273_000)
    assert result.today.money_ore == ByGender(136_500, 318_500)
    assert result.today.money_ore.share("K") == Fraction(3, 10)
    assert result.today.cost_ore == 455_000 and result.today.capped == ()
    # proposed: Ekebo girls 100·10 + 210 = 1 210 kr, boys 2 730 kr: 3 940 kr > cap 3 000 kr,
    # split 3 000 kr as 1 210 : 2 730 → 921,3197… / 2 078,6802… kr → 921,32 / 2 078,68 kr
    assert result.proposed.by_association["IF Ekebo"] == ByGender(92_132, 207_868)
    assert result.proposed.by_association["Scoutkåren Tallen"] == ByGender(60_500, 45_500)
    assert result.proposed.capped == ("IF Ekebo",)
    assert result.proposed.money_ore == ByGender(152_632, 253_368)
    assert result.proposed.cost_ore == 406_000 and result.cost_change_ore == -49_000
    assert result.today.within_band(Fraction(2, 5)) is False
    assert result.proposed.within_band(Fraction(2, 5)) is False
    assert result.band_gender == "K"
    k = result.band_factor
    assert k == Fraction(2 * 253_368, 3 * 152_632)
    assert k * 152_632 / (k * 152_632 + 253_368) == Fraction(2, 5)


# --- properties -----------------------------------------------------------------------------

BANDS = ("7-12", "13-20", "26+")
GENDER = st.sampled_from(("K", "M", "U"))
aggregates = st.lists(st.builds(
    Aggregate, st.just(P), st.just(2025), GENDER, st.sampled_from(BANDS),
    participants=st.integers(0, 500), occasions=st.integers(0, 5_000), leaders=st.integers(0, 20),
    board_members=st.integers(0, 9), money_ore=st.integers(0, 10**9),
    premises_hours=st.integers(0, 1_000)), max_size=12)


@settings(max_examples=200, deadline=None)
@given(aggregates)
def test_shares_sum_to_one_and_money_sums_to_the_total(rows):
    report = analyse(rows, group=P, year=2025)
    res, rep = report.resources, report.representation
    for counts in (rep.participants, rep.leaders, rep.board_members, res.money_ore):
        if counts.known:
            assert counts.share("K") + counts.share("M") == 1
        else:
            assert counts.share("K") is None
    assert res.money_ore.women + res.money_ore.men + res.money_ore.unknown == sum(r.money_ore for r in rows)
    assert sum(c.total for _, c in rep.participants_by_band) == rep.participants.total
    if res.gap_points["K"] is not None:
        assert res.gap_points["K"] == -res.gap_points["M"]
    tables = protect_report(rows, report)
    for row in tables.money_ore.all_rows():
        for cell in row.cells:
            assert cell is disclosure.SUPPRESSED or isinstance(cell, int)


counted = st.lists(st.builds(
    Counted, st.sampled_from(("A", "B", "C")), GENDER, st.sampled_from(BANDS),
    occasions=st.integers(0, 2_000), meetings=st.integers(0, 200)), max_size=15)
rates = st.fixed_dictionaries({(b, g): st.integers(0, 5_000) for b in BANDS for g in ("K", "M", "U")})


@settings(max_examples=200, deadline=None)
@given(counted, rates, rates, st.one_of(st.none(), st.integers(0, 10**7)))
def test_unchanged_rules_reproduce_today_exactly(rows, per_occasion, per_meeting, cap):
    rules = Rules(per_occasion, per_meeting, cap)
    result = what_if(rows, rules, Rules(dict(per_occasion), dict(per_meeting), cap))
    assert result.proposed == result.today
    assert result.cost_change_ore == 0
    if cap is None:
        assert result.today.cost_ore == sum(c.occasions * per_occasion[(c.age_band, c.gender)]
                                            + c.meetings * per_meeting[(c.age_band, c.gender)] for c in rows)
    else:
        for money in result.today.by_association.values():
            assert money.total <= cap
    assert sum(m.total for m in result.today.by_association.values()) == result.today.cost_ore


@settings(max_examples=200, deadline=None)
@given(counted, rates, st.sampled_from(BANDS), st.sampled_from(("K", "M", "U")), st.integers(1, 5_000))
def test_a_higher_rate_never_lowers_that_groups_money_without_a_cap(rows, per_occasion, band, gender, more):
    before = grant(rows, Rules(per_occasion))
    after = grant(rows, Rules(per_occasion | {(band, gender): per_occasion[(band, gender)] + more}))
    assert after.money_ore.get(gender) >= before.money_ore.get(gender)
    for other in {"K", "M", "U"} - {gender}:
        assert after.money_ore.get(other) == before.money_ore.get(other)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9), st.dictionaries(st.text(max_size=3), st.integers(0, 10**6), min_size=1, max_size=8))
def test_attribute_adds_up_and_stays_within_one_ore_of_the_exact_share(amount, weights):
    total = sum(weights.values())
    if total == 0:
        return
    parts = attribute(amount, weights)
    assert sum(parts.values()) == amount
    for key, part in parts.items():
        assert abs(part - Fraction(amount * weights[key], total)) < 1


@settings(max_examples=100, deadline=None)
@given(aggregates, st.integers(1, 10))
def test_protected_tables_show_no_small_count_and_hide_amounts_with_their_counts(rows, threshold):
    report = analyse(rows, group=P, year=2025)
    tables = protect_report(rows, report, threshold=threshold)
    for table in (tables.participants, tables.leaders, tables.board_members):
        for row in table.all_rows():
            for cell in row.cells:
                assert cell is disclosure.SUPPRESSED or cell == 0 or cell >= threshold
    for amounts in (tables.money_ore, tables.occasions, tables.premises_hours):
        assert amounts.suppressed() == tables.participants.suppressed()
    for value in tables.unknown.values():
        assert value is disclosure.SUPPRESSED or value == 0 or value >= threshold

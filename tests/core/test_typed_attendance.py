"""Typed-in sammankomster become occasions the rules engine judges like a file's."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lika.core.grants import calculate_activity_grant, parse_programme, parse_rule_version
from lika.core.typed_attendance import TypedAttendanceError, TypedRow, occasions_from_rows

RULES = {
    "valid_from": "2026-01-01", "source": "fiktivt beslut", "age_min": 7, "age_max": 25, "occasion_rate": 30,
    "participant_rates": {"7-12": {"F": 10, "M": 8}, "13-25": 6}, "min_participants": 3, "min_minutes": 60,
    "leader_required": True, "leader_min_age": 13,
}
VERSION = parse_rule_version(RULES)
PROGRAMME = parse_programme({"name": "Aktivitetsbidrag", "versions": [RULES]})
DAY = date(2026, 3, 1)


def row(counts, *, minutes=60, leader=True, day=DAY, group="F10"):
    return TypedRow(day, group, minutes, leader, counts)


@pytest.mark.parametrize("counts, minutes, leader, total, reasons", [
    # 2 girls 7-12 (10 kr) + 1 boy 7-12 (8 kr) + 30 kr per sammankomst = 58 kr
    ({("7-12", "F"): 2, ("7-12", "M"): 1}, 60, True, 5800, ()),
    # 3 of 13-25 of unknown gender: 30 + 3 × 6 = 48 kr
    ({("13-25", ""): 3}, 90, True, 4800, ()),
    # too few, too short, no leader: nothing, with every reason
    ({("7-12", "F"): 2}, 45, False, 0, ("2 deltagare i åldern 7–25 år, minst 3 krävs", "45 minuter, minst 60 krävs",
                                        "ingen ledare närvarande (ledaren ska vara minst 13 år)")),
])
def test_a_typed_row_is_judged_as_an_imported_one(counts, minutes, leader, total, reasons):
    occasions = occasions_from_rows([row(counts, minutes=minutes, leader=leader)], VERSION)
    result = calculate_activity_grant(PROGRAMME, occasions)
    assert result.total == total
    assert result.occasions[0].reasons == reasons


def test_the_leader_is_never_counted_as_a_participant_even_when_leaders_count():
    version = parse_rule_version({**RULES, "leaders_count_as_participants": True})
    programme = parse_programme({"name": "p", "versions": [{**RULES, "leaders_count_as_participants": True}]})
    occasions = occasions_from_rows([row({("7-12", "F"): 3})], version)
    assert calculate_activity_grant(programme, occasions).total == 3000 + 3 * 1000


@pytest.mark.parametrize("typed, message", [
    (TypedRow(None, "F10", 60, True, {("7-12", "F"): 3}), "datum saknas"),
    (TypedRow(DAY, " ", 60, True, {("7-12", "F"): 3}), "grupp saknas"),
    (TypedRow(DAY, "F10", 0, True, {("7-12", "F"): 3}), "minuter ska vara 1–1440"),
    (TypedRow(DAY, "F10", 60, True, {("26-30", "F"): 3}), "okänt åldersintervall '26-30'"),
    (TypedRow(DAY, "F10", 60, True, {("7-12", "F"): -1}), "antalet i 7-12 ska vara ett heltal 0–1000"),
])
def test_errors_name_the_row_and_refuse_every_row(typed, message):
    with pytest.raises(TypedAttendanceError) as caught:
        occasions_from_rows([row({("7-12", "F"): 3}), TypedRow(None, "", None, False, {}), typed], VERSION)
    assert (3, message) in caught.value.errors


def test_nothing_typed_is_an_error():
    with pytest.raises(TypedAttendanceError, match="minst en sammankomst"):
        occasions_from_rows([TypedRow(None, "", None, False, {})], VERSION)


counts = st.dictionaries(st.sampled_from([("7-12", "F"), ("7-12", "M"), ("13-25", "F"), ("13-25", "M"), ("13-25", "")]),
                         st.integers(0, 40))


@given(st.lists(counts, min_size=1, max_size=12))
def test_the_amount_is_the_rates_times_the_counts(rows):
    typed = [row(c, day=date(2026, 3, 1 + i)) for i, c in enumerate(rows)]
    result = calculate_activity_grant(PROGRAMME, occasions_from_rows(typed, VERSION))
    rate = {("7-12", "F"): 1000, ("7-12", "M"): 800, ("13-25", "F"): 600, ("13-25", "M"): 600, ("13-25", ""): 600}
    expected = sum(3000 + sum(rate[k] * n for k, n in c.items()) for c in rows if sum(c.values()) >= 3)
    assert result.total == expected

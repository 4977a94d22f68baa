"""Sponsorship reach (lika.core.sponsorship): bands, count checks and the comparison of
expected and reached participants, table-driven."""

from fractions import Fraction

import pytest

from lika.core.sponsorship import (
    REGISTER_BANDS,
    ReachError,
    band_label,
    band_range,
    check_counts,
    compare_reach,
)


@pytest.mark.parametrize("band, expected", [("7-12", (7, 12)), ("65-", (65, None)), ("0-6", (0, 6))])
def test_band_range_reads_closed_and_open_bands(band, expected):
    assert band_range(band) == expected


@pytest.mark.parametrize("band", ["7", "a-b", "-12", "7–12", ""])
def test_band_range_refuses_what_is_not_a_band(band):
    with pytest.raises(ReachError):
        band_range(band)


@pytest.mark.parametrize("band, label", [("7-12", "7–12 år"), ("65-", "65 år och äldre")])
def test_band_label_is_swedish(band, label):
    assert band_label(band) == label


def test_register_bands_nest_inside_the_usual_grant_ranges():
    """7–20 and 7–25 are unions of whole register bands, so a membership criterion can be read."""
    ranges = [band_range(b) for b in REGISTER_BANDS]
    assert ranges[0][0] == 0 and ranges[-1][1] is None
    for (_low, high), (low, _high) in zip(ranges, ranges[1:], strict=False):
        assert low == high + 1
    ends = {high for _low, high in ranges}
    assert {6, 20, 25} <= ends


@pytest.mark.parametrize("counts, message", [
    ({("X", "7-12"): 1}, "okänt kön"),
    ({("F", "7-11"): 1}, "åldersintervall"),
    ({("F", "7-12"): -1}, "heltal"),
    ({("F", "7-12"): 2.5}, "heltal"),
    ({("F", "7-12"): True}, "heltal"),
    ({("F", "7-12"): 1_000_001}, "heltal"),
])
def test_check_counts_refuses_bad_cells(counts, message):
    with pytest.raises(ReachError, match=message):
        check_counts(counts)


def test_an_assessment_must_expect_someone():
    with pytest.raises(ReachError, match="minst en"):
        check_counts({("F", "7-12"): 0}, require_some=True)
    assert check_counts({}, require_some=False)[("M", "65-")] == 0


def test_the_90_percent_boys_example_beside_an_even_report():
    """FACTS.md: a municipal housing company's sponsorship reached boys' football 90 %
    (Vätterhem, SKR's example). Expected 90 boys and 10 girls; reached 48 girls, 50 boys and
    2 of unknown gender."""
    expected = {("M", "7-12"): 60, ("M", "13-16"): 30, ("F", "7-12"): 10}
    actual = {("F", "7-12"): 30, ("F", "13-16"): 18, ("M", "7-12"): 30, ("M", "13-16"): 20, ("", "7-12"): 2}
    comparison = compare_reach(expected, actual)
    assert comparison.expected_total == (10, 90, 0)
    assert comparison.expected_share == (Fraction(1, 10), Fraction(9, 10), Fraction(0))
    assert comparison.actual_total == (48, 50, 2)
    assert comparison.actual_share == (Fraction(48, 100), Fraction(50, 100), Fraction(2, 100))
    row = {r.band: r for r in comparison.rows}["13-16"]
    assert row.expected == (0, 30, 0) and row.actual == (18, 20, 0)
    assert comparison.reported


def test_before_a_report_there_is_no_actual_column():
    comparison = compare_reach({("F", "7-12"): 5}, None)
    assert not comparison.reported
    assert comparison.actual_total is None and all(r.actual is None for r in comparison.rows)


def test_a_report_of_nobody_has_no_shares():
    comparison = compare_reach({("F", "7-12"): 5}, {})
    assert comparison.actual_total == (0, 0, 0)
    assert comparison.actual_share == (None, None, None)

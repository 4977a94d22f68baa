"""Reporting periods (lika.core.periods)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lika.core.periods import (
    CUSTOM,
    MONTH,
    QUARTER,
    TERTIAL,
    YEAR,
    Period,
    PeriodError,
    parse_period,
)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "code", "label"),
    [
        ("2026-05", MONTH, "2026-05-01", "2026-05-31", "2026-05", "maj 2026"),
        ("2024-02", MONTH, "2024-02-01", "2024-02-29", "2024-02", "februari 2024"),
        ("2026-12", MONTH, "2026-12-01", "2026-12-31", "2026-12", "december 2026"),
        ("2026-T1", TERTIAL, "2026-01-01", "2026-04-30", "2026-T1", "tertial 1 2026"),
        ("2026-T2", TERTIAL, "2026-05-01", "2026-08-31", "2026-T2", "tertial 2 2026"),
        ("2026-t3", TERTIAL, "2026-09-01", "2026-12-31", "2026-T3", "tertial 3 2026"),
        ("2026-Q1", QUARTER, "2026-01-01", "2026-03-31", "2026-Q1", "kvartal 1 2026"),
        ("2026-Q2", QUARTER, "2026-04-01", "2026-06-30", "2026-Q2", "kvartal 2 2026"),
        ("2026-q4", QUARTER, "2026-10-01", "2026-12-31", "2026-Q4", "kvartal 4 2026"),
        ("2026", YEAR, "2026-01-01", "2026-12-31", "2026", "2026"),
        (" 2026 ", YEAR, "2026-01-01", "2026-12-31", "2026", "2026"),
        ("2026-01-15..2026-03-31", CUSTOM, "2026-01-15", "2026-03-31", "2026-01-15..2026-03-31",
         "15 jan 2026–31 mar 2026"),
        ("2025-12-01 .. 2026-01-10", CUSTOM, "2025-12-01", "2026-01-10", "2025-12-01..2026-01-10",
         "1 dec 2025–10 jan 2026"),
        ("2024-02-29..2024-02-29", CUSTOM, "2024-02-29", "2024-02-29", "2024-02-29..2024-02-29", "29 feb 2024"),
    ],
)
def test_parse_period(text, kind, start, end, code, label):
    period = parse_period(text)
    assert period.kind == kind
    assert (period.start, period.end) == (date.fromisoformat(start), date.fromisoformat(end))
    assert period.code == str(period) == code
    assert period.label_sv == label


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "månad 13 finns inte"),
        ("2026-00", "månad 0 finns inte"),
        ("2026-T4", "tertial 4 finns inte"),
        ("2026-T0", "tertial 0 finns inte"),
        ("2026-Q5", "kvartal 5 finns inte"),
        ("0000", "år 0000 finns inte"),
        ("2026-02-30..2026-03-01", "2026-02-30 är inget giltigt datum"),
        ("2026-03-31..2026-01-15", "slutet 2026-01-15 är före början 2026-03-31"),
        ("maj 2026", "okänd period"),
        ("2026-5", "okänd period"),
        ("26", "okänd period"),
        ("", "okänd period"),
        ("2026-W01", "okänd period"),
        ("20260115..20260331", "okänd period"),
        ("２０２６", "okänd period"),  # full-width digits are not digits here
        ("2026-01-15..", "okänd period"),
        (None, "ska vara text"),
        (2026, "ska vara text"),
    ],
)
def test_bad_periods_are_refused_with_one_swedish_line(text, message):
    with pytest.raises(PeriodError, match=message) as info:
        parse_period(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("code", "months"),
    [
        ("2026-05", ["2026-05"]),
        ("2026-T2", ["2026-05", "2026-06", "2026-07", "2026-08"]),
        ("2026-Q4", ["2026-10", "2026-11", "2026-12"]),
        ("2026-01-15..2026-03-31", ["2026-01", "2026-02", "2026-03"]),
        ("2025-12-31..2026-01-01", ["2025-12", "2026-01"]),
        ("2026-03-02..2026-03-03", ["2026-03"]),
    ],
)
def test_months_lists_every_month_touched(code, months):
    assert parse_period(code).months() == [date.fromisoformat(m + "-01") for m in months]


@pytest.mark.parametrize(
    ("code", "previous", "last_year"),
    [
        ("2026-01", "2025-12", "2025-01"),
        ("2026-05", "2026-04", "2025-05"),
        ("2026-T1", "2025-T3", "2025-T1"),
        ("2026-T3", "2026-T2", "2025-T3"),
        ("2026-Q1", "2025-Q4", "2025-Q1"),
        ("2026-Q3", "2026-Q2", "2025-Q3"),
        ("2026", "2025", "2025"),
        ("2026-01-15..2026-03-31", "2025-10-31..2026-01-14", "2025-01-15..2025-03-31"),
        ("2024-02-01..2024-02-29", "2024-01-03..2024-01-31", "2023-02-01..2023-02-28"),
        ("2025-03-01..2025-03-01", "2025-02-28..2025-02-28", "2024-03-01..2024-03-01"),
    ],
)
def test_previous_and_same_period_last_year(code, previous, last_year):
    period = parse_period(code)
    assert period.previous() == parse_period(previous)
    assert period.same_period_last_year() == parse_period(last_year)


@pytest.mark.parametrize(
    "call",
    [
        lambda: parse_period("0001-01").previous(),
        lambda: parse_period("0001").same_period_last_year(),
        lambda: parse_period("0001-01-01..0001-01-05").previous(),
    ],
)
def test_no_period_before_year_one(call):
    with pytest.raises(PeriodError, match="före"):
        call()


def test_constructors_and_helpers():
    assert Period.of_month(2026, 5) == parse_period("2026-05")
    assert Period.of_tertial(2026, 2) == parse_period("2026-T2")
    assert Period.of_quarter(2026, 3) == parse_period("2026-Q3")
    assert Period.of_year(2026) == parse_period("2026")
    assert Period.between(date(2026, 1, 15), date(2026, 3, 31)) == parse_period("2026-01-15..2026-03-31")
    assert parse_period("2026-T2").number == 2 and parse_period("2026-01-15..2026-03-31").number is None
    assert parse_period("2026-Q1").days == 90 and parse_period("2024").days == 366
    assert date(2026, 5, 31) in parse_period("2026-05") and date(2026, 6, 1) not in parse_period("2026-05")
    # a custom range covering a whole month stays custom
    assert parse_period("2026-05-01..2026-05-31") != parse_period("2026-05")
    assert sorted([parse_period("2026"), parse_period("2025-12"), parse_period("2026-Q1")]) == [
        parse_period("2025-12"), parse_period("2026-Q1"), parse_period("2026")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((date(2026, 5, 2), date(2026, 5, 31), MONTH), "inte en kalendermånad"),
        ((date(2026, 2, 1), date(2026, 5, 31), TERTIAL), "inte ett tertial"),
        ((date(2026, 1, 1), date(2026, 12, 30), YEAR), "inte ett kalenderår"),
        ((date(2026, 5, 2), date(2026, 5, 1), CUSTOM), "före dess början"),
        ((datetime(2026, 5, 1), date(2026, 5, 1), CUSTOM), "ska vara datum"),
        ((date(2026, 5, 1), date(2026, 5, 1), "week"), "okänd periodtyp"),
    ],
)
def test_inconsistent_periods_cannot_be_built(args, message):
    with pytest.raises(PeriodError, match=message):
        Period(*args)


@pytest.mark.parametrize(
    ("call", "message"),
    [(lambda: Period.of_month(2026, 13), "månad 13"), (lambda: Period.of_tertial(2026, 4), "tertial 4"),
     (lambda: Period.of_quarter(2026, 0), "kvartal 0"), (lambda: Period.of_year(10000), "år 10000")],
)
def test_constructors_check_their_numbers(call, message):
    with pytest.raises(PeriodError, match=message):
        call()


# --- properties -----------------------------------------------------------------------

years = st.integers(1, 9999)
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@st.composite
def periods(draw):
    kind = draw(st.sampled_from([MONTH, TERTIAL, QUARTER, YEAR, CUSTOM]))
    if kind == MONTH:
        return Period.of_month(draw(years), draw(st.integers(1, 12)))
    if kind == TERTIAL:
        return Period.of_tertial(draw(years), draw(st.integers(1, 3)))
    if kind == QUARTER:
        return Period.of_quarter(draw(years), draw(st.integers(1, 4)))
    if kind == YEAR:
        return Period.of_year(draw(years))
    start, end = sorted([draw(days), draw(days)])
    return Period.between(start, end)


@given(periods())
def test_the_code_round_trips(period):
    assert parse_period(period.code) == period
    assert parse_period(f"  {period.code}\n") == period


@given(years)
def test_the_tertials_of_a_year_partition_its_months(year):
    tertials = [Period.of_tertial(year, n) for n in (1, 2, 3)]
    assert [m for t in tertials for m in t.months()] == [date(year, m, 1) for m in range(1, 13)]
    assert [m for q in (Period.of_quarter(year, n) for n in (1, 2, 3, 4)) for m in q.months()] == (
        Period.of_year(year).months())
    assert tertials[1].previous() == tertials[0] and tertials[2].previous() == tertials[1]


@given(periods())
def test_previous_ends_the_day_before_and_has_the_same_kind(period):
    room = (period.start - date.min).days  # days before the period starts
    if (period.kind == CUSTOM and room < period.days) or (period.kind != CUSTOM and room == 0):
        with pytest.raises(PeriodError, match="före"):
            period.previous()
        return
    before = period.previous()
    assert before.kind == period.kind
    assert before.end + timedelta(days=1) == period.start
    if period.kind == CUSTOM:
        assert before.days == period.days


@given(periods())
def test_same_period_last_year_is_a_year_of_previous_steps_for_calendar_periods(period):
    if period.start.year == 1:
        return
    last_year = period.same_period_last_year()
    assert last_year.kind == period.kind and last_year.start.year == period.start.year - 1
    if period.kind != CUSTOM:
        stepped = period
        for _ in range({MONTH: 12, TERTIAL: 3, QUARTER: 4, YEAR: 1}[period.kind]):
            stepped = stepped.previous()
        assert stepped == last_year


@given(periods())
def test_months_cover_the_period_without_gaps(period):
    months = period.months()
    assert months[0] == period.start.replace(day=1)
    assert months[-1] == period.end.replace(day=1)
    for a, b in zip(months, months[1:], strict=False):
        assert (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-05", date(2026, 5, 1)),
    (" 2026-12 ", date(2026, 12, 1)),
    ("2026-13", None),
    ("2026-3", None),
    ("2026-03-01", None),
    ("2026-T1", None),
    ("2026", None),
    ("mars", None),
])
def test_parse_month_takes_one_month_written_yyyy_mm(text, expected):
    from lika.core.periods import parse_month

    if expected is None:
        with pytest.raises(PeriodError):
            parse_month(text)
    else:
        assert parse_month(text) == expected

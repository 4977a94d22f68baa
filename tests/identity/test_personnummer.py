"""Personnummer and samordningsnummer.  Every number here is fictional: 811228-9874 is a
well-known example number, the rest come from ``generate_fictional`` or are built
with a computed Luhn digit."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from lika.identity.personnummer import (
    IdentityNumberError,
    generate_fictional,
    is_valid_identity_number,
    legal_gender_from_number,
    parse_identity_number,
)

TODAY = date(2025, 6, 15)

VALID = [
    pytest.param("811228-9874", "198112289874", date(1981, 12, 28), "M", id="10-dash"),
    pytest.param("8112289874", "198112289874", date(1981, 12, 28), "M", id="10-no-separator"),
    pytest.param("19811228-9874", "198112289874", date(1981, 12, 28), "M", id="12-dash"),
    pytest.param("198112289874", "198112289874", date(1981, 12, 28), "M", id="12-no-separator"),
    pytest.param(" 811228-9874 ", "198112289874", date(1981, 12, 28), "M", id="outer-spaces"),
    pytest.param("811228\u20139874", "198112289874", date(1981, 12, 28), "M", id="en-dash"),
    pytest.param("811228-9866", "198112289866", date(1981, 12, 28), "F", id="woman"),
    pytest.param("811228+9874", "188112289874", date(1881, 12, 28), "M", id="plus-at-100"),
    pytest.param("000101-1238", "200001011238", date(2000, 1, 1), "M", id="born-2000"),
]

SAMORDNINGSNUMMER = [
    pytest.param("811288-9871", "198112889871", date(1981, 12, 28), "M", id="man-10"),
    pytest.param("900161-0022", "199001610022", date(1990, 1, 1), "F", id="woman-10"),
    pytest.param("19900161-0022", "199001610022", date(1990, 1, 1), "F", id="woman-12"),
]

INVALID = [
    pytest.param("811228-9875", "kontrollsiffran stämmer inte", id="check-digit"),
    pytest.param("19990230-1234", "datumet finns inte", id="february-30"),
    pytest.param("811328-9873", "datumet finns inte", id="month-13"),
    pytest.param("811200-9876", "datumet finns inte", id="day-00"),
    pytest.param("811292-9875", "datumet finns inte", id="samordning-day-92"),
    pytest.param("20250616-1237", "födelsedatumet ligger i framtiden", id="future"),
    pytest.param("81122-9874", "personnumret ska ha 10 eller 12 siffror", id="9-digits"),
    pytest.param("19811228-98745", "personnumret ska ha 10 eller 12 siffror", id="13-digits"),
    pytest.param("81122A-9874", "personnumret får bara innehålla siffror", id="letter"),
    pytest.param("8112-289874", "skiljetecknet ska stå före de fyra", id="misplaced-dash"),
    pytest.param("811228--9874", "personnumret får bara innehålla siffror", id="two-dashes"),
    pytest.param("811228 9874", "personnumret får bara innehålla siffror", id="inner-space"),
    pytest.param("19811228+9874", "plustecken används bara i tiosiffrig form", id="plus-12"),
    pytest.param("", "personnummer saknas", id="empty"),
]

CENTURY = [
    pytest.param("250615-1238", TODAY, date(2025, 6, 15), id="born-today"),
    pytest.param("250616-1237", TODAY, date(1925, 6, 16), id="tomorrow-is-a-century-back"),
    pytest.param("250616+1237", TODAY, date(1925, 6, 16), id="plus-in-year-of-100th"),
    pytest.param("250616+1237", date(2024, 6, 15), date(1825, 6, 16), id="plus-before-that-year"),
    pytest.param("000101-1238", TODAY, date(2000, 1, 1), id="dash-2000"),
    pytest.param("000101+1238", TODAY, date(1900, 1, 1), id="plus-1900"),
    pytest.param("991231-1231", date(2000, 1, 1), date(1999, 12, 31), id="new-years-day"),
    pytest.param("991231-1231", date(2099, 12, 31), date(2099, 12, 31), id="end-of-century"),
]


@pytest.mark.parametrize(("text", "number", "birth_date", "gender"), VALID)
def test_valid_personnummer(text, number, birth_date, gender):
    parsed = parse_identity_number(text, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.legal_gender) == (number, birth_date, gender)
    assert parsed.kind == "personnummer"
    assert parsed.formatted == f"{number[:8]}-{number[8:]}"


@pytest.mark.parametrize(("text", "number", "birth_date", "gender"), SAMORDNINGSNUMMER)
def test_samordningsnummer_gives_the_real_birth_date(text, number, birth_date, gender):
    parsed = parse_identity_number(text, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.legal_gender) == (number, birth_date, gender)
    assert parsed.kind == "samordningsnummer"


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_numbers_are_refused_with_a_swedish_message(text, message):
    with pytest.raises(IdentityNumberError, match=message):
        parse_identity_number(text, today=TODAY)
    assert not is_valid_identity_number(text, today=TODAY)


@pytest.mark.parametrize(("text", "today", "birth_date"), CENTURY)
def test_century_is_inferred_relative_to_today(text, today, birth_date):
    assert parse_identity_number(text, today=today).birth_date == birth_date


def test_leap_day_that_would_be_in_the_future_falls_back_to_a_year_without_it():
    assert parse_identity_number("000229-1235", today=date(2000, 2, 29)).birth_date == date(
        2000, 2, 29
    )
    with pytest.raises(IdentityNumberError, match="datumet finns inte"):
        parse_identity_number("000229-1235", today=date(2000, 2, 28))


def test_century_digits_are_not_covered_by_the_check_digit():
    assert parse_identity_number("18811228-9874", today=TODAY).birth_date == date(1881, 12, 28)


def test_convenience_functions():
    assert legal_gender_from_number("811228-9874", today=TODAY) == "M"
    assert legal_gender_from_number("811228-9866", today=TODAY) == "F"
    assert is_valid_identity_number("811228-9874", today=TODAY)


def test_identity_number_is_frozen():
    parsed = parse_identity_number("811228-9874", today=TODAY)
    with pytest.raises(AttributeError):
        parsed.number = "198112289866"


@pytest.mark.parametrize(
    ("gender", "serial", "number"),
    [
        pytest.param("M", 987, "198112289874", id="odd-kept-for-man"),
        pytest.param("F", 987, "198112289866", id="odd-flipped-for-woman"),
        pytest.param("M", 1987, "198112289874", id="serial-mod-1000"),
    ],
)
def test_generate_fictional_is_deterministic(gender, serial, number):
    assert generate_fictional(date(1981, 12, 28), gender, serial) == number


def test_generate_fictional_refuses_unknown_gender():
    with pytest.raises(IdentityNumberError, match="juridiskt kön"):
        generate_fictional(date(1981, 12, 28), "X", 1)


birth_dates = st.dates(min_value=date(TODAY.year - 199, 1, 1), max_value=TODAY)
genders = st.sampled_from(["F", "M"])
serials = st.integers(min_value=-(10**6), max_value=10**6)


def ten_digit_form(number: str, birth_date: date) -> str:
    """``YYMMDD-NNNC``, with ``+`` from the year the person turns 100."""
    separator = "+" if TODAY.year - birth_date.year >= 100 else "-"
    return f"{number[2:8]}{separator}{number[8:]}"


def as_samordningsnummer(number: str) -> str:
    body = f"{number[2:6]}{int(number[6:8]) + 60}{number[8:11]}"
    return f"{number[:2]}{body}{luhn.calc_check_digit(body)}"


@given(birth_dates, genders, serials)
def test_generated_numbers_parse_back(birth_date, gender, serial):
    number = generate_fictional(birth_date, gender, serial)
    for text in (number, ten_digit_form(number, birth_date)):
        parsed = parse_identity_number(text, today=TODAY)
        assert (parsed.number, parsed.birth_date) == (number, birth_date)
        assert (parsed.kind, parsed.legal_gender) == ("personnummer", gender)


@given(birth_dates, genders, serials)
def test_generated_samordningsnummer_parse_back(birth_date, gender, serial):
    number = as_samordningsnummer(generate_fictional(birth_date, gender, serial))
    parsed = parse_identity_number(number, today=TODAY)
    assert (parsed.birth_date, parsed.legal_gender) == (birth_date, gender)
    assert parsed.kind == "samordningsnummer"


@given(
    birth_dates,
    genders,
    serials,
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=1, max_value=9),
    st.booleans(),
)
def test_any_single_digit_change_is_refused(birth_date, gender, serial, position, shift, twelve):
    number = generate_fictional(birth_date, gender, serial)
    index = position + 2
    changed_digit = str((int(number[index]) + shift) % 10)
    changed = number[:index] + changed_digit + number[index + 1 :]
    text = changed if twelve else ten_digit_form(changed, birth_date)
    with pytest.raises(IdentityNumberError):
        parse_identity_number(text, today=TODAY)

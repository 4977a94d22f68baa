"""Bank accounts, IBAN and bankgiro.  The account numbers are made up, with check digits
computed by the bank's rule (modulus 11 with or without the clearing number, or Luhn);
the Nordea personkonto uses the fictional personnummer 811228-9874."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from lika.identity.bank import BankAccountError, parse_bank_account, parse_bankgiro, parse_iban

VALID_ACCOUNTS = [
    pytest.param("5000", "1234560", "SEB", "5000, 1234560", id="seb-mod11-with-clearing"),
    pytest.param("9100", "1234563", "Nordnet Bank", "9100, 1234563", id="nordnet-whole-clearing"),
    pytest.param("6000", "123456789", "Handelsbanken", "6000, 123456789", id="handelsbanken"),
    pytest.param("83279", "1234567897", "Swedbank", "8327-9, 1234567897", id="swedbank-5-digit"),
    pytest.param("8327-9", "123 456 789-7", "Swedbank", "8327-9, 1234567897", id="separators"),
    pytest.param(
        "3300", "8112289874", "Nordea - personkonto", "3300, 8112289874", id="nordea-personkonto"
    ),
]

INVALID_ACCOUNTS = [
    pytest.param("5000", "1234561", "kontrollsiffran i kontonumret stämmer inte", id="check"),
    pytest.param("83279", "1234567898", "ett fåtal Swedbankkonton", id="swedbank-check"),
    pytest.param("8327", "1234567897", "ska ha 5 siffror för Swedbank", id="swedbank-4-digit"),
    pytest.param("500", "1234560", "clearingnumret ska ha 4 siffror", id="short-clearing"),
    pytest.param("1000", "1234560", "hör inte till någon svensk bank", id="riksbanken"),
    pytest.param("0500", "1234560", "hör inte till någon svensk bank", id="below-1000"),
    pytest.param("5000", "123456", "kontonumret för SEB ska ha 7 siffror", id="short-account"),
    pytest.param("", "1234560", "clearingnumret saknas", id="no-clearing"),
    pytest.param("5000", "", "kontonumret saknas", id="no-account"),
    pytest.param("5000", "12345a0", "kontonumret får bara innehålla siffror", id="letter"),
]


@pytest.mark.parametrize(("clearing", "account", "bank", "formatted"), VALID_ACCOUNTS)
def test_valid_bank_accounts(clearing, account, bank, formatted):
    parsed = parse_bank_account(clearing, account)
    assert parsed.bank == bank
    assert parsed.formatted == formatted
    assert parsed.number.isdigit() and parsed.clearing.isdigit()


@pytest.mark.parametrize(("clearing", "account", "message"), INVALID_ACCOUNTS)
def test_invalid_bank_accounts_are_refused(clearing, account, message):
    with pytest.raises(BankAccountError, match=message):
        parse_bank_account(clearing, account)


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        pytest.param("SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466", id="spaced"),
        pytest.param("se4550000000058398257466", "SE4550000000058398257466", id="lower-case"),
        pytest.param("NO93 8601 1117 947", "NO9386011117947", id="norwegian"),
    ],
)
def test_valid_iban(text, compact):
    assert parse_iban(text) == compact


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("SE45 5000 0000 0583 9825 7467", "kontrollsiffrorna", id="checksum"),
        pytest.param("XX07 1234 5678 9", "okänd landskod", id="unknown-country"),
        pytest.param("SE58 5000 0000 0583 9825 74", "fel längd", id="too-short-for-sweden"),
        pytest.param("5000 0000 0583 9825 7466", "börja med landskod", id="no-country"),
        pytest.param("", "börja med landskod", id="empty"),
    ],
)
def test_invalid_iban(text, message):
    with pytest.raises(BankAccountError, match=message):
        parse_iban(text)


@pytest.mark.parametrize(
    ("text", "formatted"),
    [
        pytest.param("5050-1055", "5050-1055", id="8-digits"),
        pytest.param("50501055", "5050-1055", id="8-digits-plain"),
        pytest.param("991-2346", "991-2346", id="7-digits"),
        pytest.param(" 991 2346 ", "991-2346", id="7-digits-spaced"),
    ],
)
def test_valid_bankgiro(text, formatted):
    assert parse_bankgiro(text) == formatted


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("5050-1056", "kontrollsiffran i bankgironumret", id="checksum"),
        pytest.param("12-3456", "7 eller 8 siffror", id="6-digits"),
        pytest.param("123456789", "7 eller 8 siffror", id="9-digits"),
        pytest.param("5050-105a", "får bara innehålla siffror", id="letter"),
        pytest.param("", "bankgironumret saknas", id="empty"),
    ],
)
def test_invalid_bankgiro(text, message):
    with pytest.raises(BankAccountError, match=message):
        parse_bankgiro(text)


@given(st.integers(min_value=100_000, max_value=9_999_999))
def test_bankgiro_with_a_luhn_digit_parses_and_keeps_its_digits(body):
    digits = f"{body}{luhn.calc_check_digit(str(body))}"
    formatted = parse_bankgiro(digits)
    assert formatted.replace("-", "") == digits
    assert formatted[-5] == "-"


def _stdnum_verdict(text: str):
    """What python-stdnum alone says of an IBAN: its compact form, or that it is invalid."""
    from stdnum import iban

    try:
        return iban.validate(text)
    except Exception:
        return None


def _our_verdict(text: str):
    try:
        return parse_iban(text)
    except BankAccountError:
        return None


@given(
    bban=st.text(alphabet="0123456789", min_size=18, max_size=22),
    check=st.integers(min_value=0, max_value=99),
    separator=st.sampled_from(["", " ", "-", "."]),
    lower=st.booleans(),
)
def test_swedish_iban_fast_path_agrees_with_stdnum(bban, check, separator, lower):
    """Swedish IBANs are checked without python-stdnum's registry lookup; the verdict must
    be python-stdnum's for valid, wrong-check-digit and wrong-length numbers alike."""
    text = f"SE{check:02d}{bban}"
    if separator:
        text = separator.join(text[i:i + 4] for i in range(0, len(text), 4))
    if lower:
        text = text.lower()
    assert _our_verdict(text) == _stdnum_verdict(text)


@given(bban=st.text(alphabet="0123456789", min_size=20, max_size=20))
def test_every_swedish_iban_with_right_check_digits_is_accepted(bban):
    from stdnum import iban

    text = "SE00" + bban
    text = "SE" + iban.calc_check_digits(text) + bban
    assert parse_iban(text) == text

"""Payment accounts: Swedish bank accounts, IBAN and bankgiro.

Bank accounts are checked with ``bankkonto`` against Bankgirot's "Bankernas
kontonummeruppbyggnad": the clearing number names the bank and decides the length
of the account number and which check (modulus 10 or 11) applies.  Swedbank's
clearing numbers starting with 8 have a fifth digit (``8327-9``); only the first
four name the bank.  Account numbers are taken as given, without zero padding.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from bankkonto import account as bankkonto_account
from bankkonto.exceptions import BankkontoValidationError, SwedbankBankkontoValidationError
from stdnum import iban, luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

SEPARATORS = " -."
SWEDBANK_FIVE_DIGIT_PREFIX = "8"
IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}")
# A Swedish IBAN: SE, two check digits and a BBAN of 20 digits (3!n16!n1!n in the IBAN
# registry that python-stdnum ships).  Checked here without the registry lookup, which
# is most of python-stdnum's time; every other IBAN goes through python-stdnum.
SWEDISH_IBAN = re.compile(r"SE[0-9]{22}")
_SE_AS_DIGITS = "2814"  # S = 28, E = 14 in the ISO 7064 mod 97-10 check
_WITHOUT_SEPARATORS = str.maketrans("", "", SEPARATORS)
BANKGIRO_LENGTHS = (7, 8)


# bankkonto finds a clearing number's bank by scanning its whole table, and validate()
# scans it again; the answer depends on the clearing number alone (a few hundred ranges),
# so it is looked up once per clearing number.  The payment run checks every account of
# the month (docs/benchmarks.md).  Exceptions (unknown clearing numbers) are not cached.
if not hasattr(bankkonto_account.get_account_number_format_based_on_clearing_number, "cache_info"):
    bankkonto_account.get_account_number_format_based_on_clearing_number = lru_cache(maxsize=4096)(
        bankkonto_account.get_account_number_format_based_on_clearing_number)


class BankAccountError(ValueError):
    """A bank account, IBAN or bankgiro number that is not valid."""


@dataclass(frozen=True)
class BankAccount:
    """A checked Swedish bank account: clearing number, account number and bank."""

    clearing: str
    number: str
    bank: str

    @property
    def formatted(self) -> str:
        """``5000, 1234567``; a Swedbank five-digit clearing as ``8327-9``."""
        clearing = self.clearing
        if len(clearing) == 5:
            clearing = f"{clearing[:4]}-{clearing[4]}"
        return f"{clearing}, {self.number}"


def parse_bank_account(clearing: str, account: str) -> BankAccount:
    """Check a Swedish clearing number and account number.

    Raises ``BankAccountError`` with a Swedish message.
    """
    clearing = _digits(clearing, "clearingnumret")
    account = _digits(account, "kontonumret")
    _check_clearing_length(clearing)
    bank, expected_length = _bank_and_account_length(clearing)
    if len(account) != expected_length:
        raise BankAccountError(f"kontonumret för {bank} ska ha {expected_length} siffror")
    _check_account_digit(clearing, account)
    return BankAccount(clearing, account, bank)


def parse_iban(text: str) -> str:
    """Check an IBAN and return it compact (``SE4550000000058398257466``)."""
    compact = str(text).translate(_WITHOUT_SEPARATORS).strip().upper()  # as iban.compact
    if SWEDISH_IBAN.fullmatch(compact):
        # The payment run checks every account every month: the common case is fast.
        if int(compact[4:] + _SE_AS_DIGITS + compact[2:4]) % 97 != 1:
            raise BankAccountError("kontrollsiffrorna i IBAN stämmer inte")
        return compact
    if not IBAN_SHAPE.fullmatch(compact):
        raise BankAccountError(
            "IBAN ska börja med landskod och två kontrollsiffror, följt av siffror och bokstäver"
        )
    try:
        return iban.validate(compact)
    except InvalidChecksum:
        raise BankAccountError("kontrollsiffrorna i IBAN stämmer inte") from None
    except InvalidComponent:
        raise BankAccountError("IBAN har en okänd landskod") from None
    except ValidationError:
        raise BankAccountError("IBAN har fel längd eller format för landet") from None


def parse_bankgiro(text: str) -> str:
    """Check a bankgiro number and return it formatted ``NNN-NNNN`` or ``NNNN-NNNN``."""
    digits = _digits(text, "bankgironumret")
    if len(digits) not in BANKGIRO_LENGTHS:
        raise BankAccountError("bankgironumret ska ha 7 eller 8 siffror")
    if not luhn.is_valid(digits):
        raise BankAccountError("kontrollsiffran i bankgironumret stämmer inte")
    return f"{digits[:-4]}-{digits[-4:]}"


PLUSGIRO_LENGTHS = range(2, 9)


def parse_plusgiro(text: str) -> str:
    """Check a plusgiro number and return it formatted ``N…N-N``: 2–8 digits, the last a
    check digit by modulus 10 (the Luhn method; Bankgirot's user manual *10-modul*, the
    same check as for bankgiro numbers)."""
    digits = _digits(text, "plusgironumret")
    if len(digits) not in PLUSGIRO_LENGTHS:
        raise BankAccountError("plusgironumret ska ha 2–8 siffror")
    if not luhn.is_valid(digits):
        raise BankAccountError("kontrollsiffran i plusgironumret stämmer inte")
    return f"{digits[:-1]}-{digits[-1]}"


def _digits(text: str, what: str) -> str:
    """``text`` without spaces, dashes and dots; refuses anything but digits."""
    digits = str(text).translate(_WITHOUT_SEPARATORS).strip()
    if not digits:
        raise BankAccountError(f"{what} saknas")
    if not (digits.isascii() and digits.isdigit()):
        raise BankAccountError(f"{what} får bara innehålla siffror")
    return digits


def _check_clearing_length(clearing: str) -> None:
    if clearing.startswith(SWEDBANK_FIVE_DIGIT_PREFIX):
        if len(clearing) != 5:
            raise BankAccountError("clearingnumret ska ha 5 siffror för Swedbank 8xxx-x")
    elif len(clearing) != 4:
        raise BankAccountError("clearingnumret ska ha 4 siffror")


def _bank_and_account_length(clearing: str) -> tuple[str, int]:
    try:
        bank, _, layout, _ = bankkonto_account.get_account_number_format_based_on_clearing_number(
            clearing
        )
    except BankkontoValidationError:
        raise BankAccountError("clearingnumret hör inte till någon svensk bank") from None
    return bank, len(layout.strip("0"))


def _check_account_digit(clearing: str, account: str) -> None:
    try:
        bankkonto_account.validate(clearing, account)
    except SwedbankBankkontoValidationError:
        raise BankAccountError(
            "kontrollsiffran i kontonumret stämmer inte; ett fåtal Swedbankkonton går inte "
            "att kontrollera så, jämför med kontobeviset"
        ) from None
    except BankkontoValidationError:
        raise BankAccountError("kontrollsiffran i kontonumret stämmer inte") from None


# --- one account, however it is written (issue 14: two halves into one account) --------
#
# A Swedish IBAN is SE, two check digits, a three-digit IBAN ID (the bank) and 17 digits
# for the account (ECBS/SWIFT IBAN registry: BBAN 3!n16!n1!n; Svenska Bankföreningen,
# Bankinfrastruktur i Sverige AB, "IBAN och svenskt nationellt kontonummer",
# bankinfrastruktur.se).  For most banks the 17 digits are the clearing number and the
# account number, zero-padded on the left (registry example SE45 5000 0000 0583 9825 7466
# = SEB 5839-8257466; Swedbank's example SE28 8000 0832 7900 0001 2345 = 8327-9,
# 0000012345).  Handelsbanken (IBAN ID 600) and Nordea's personkonto (clearing 3300 and
# 3782, IBAN ID 300) leave the clearing number out: the 17 digits are the account number
# alone (sv.wikipedia.org "International Bank Account Number", examples per bank).  For
# the other banks whose accounts are "type 2" in Bankgirot's "Bankernas
# kontonummeruppbyggnad" the IBAN rule was not verified here: they are compared as if
# the clearing number were included, so an IBAN of such an account and the same account
# written with clearing number may not be recognised as one (docs/payments.md).
CLEARING_LEFT_OUT = {"600": lambda clearing: clearing.startswith("6"),
                     "300": lambda clearing: clearing in ("3300", "3782")}


def account_key(iban: str = "", clearing: str = "", account: str = "") -> str:
    """One text per account, the same whether the account is written as an IBAN or as a
    Swedish clearing and account number (both already checked: ``parse_iban`` /
    ``parse_bank_account``): two people with the same key are paid into one account.
    "" when there is no account.  A foreign IBAN is its country and BBAN."""
    if iban:
        compact = iban.replace(" ", "").upper()
        if compact.startswith("SE") and len(compact) == 24:
            bank, tail = compact[4:7], compact[7:]
            if bank == "600" or (bank == "300" and tail.startswith("0000000")):
                return f"SE{bank}:{tail}"  # the account number alone, with its bank
            return f"SE:{tail}"  # clearing number and account: the clearing names the bank
        return f"{compact[:2]}:{compact[4:]}"
    if not account:
        return ""
    digits = f"{clearing}{account}"
    for bank, left_out in CLEARING_LEFT_OUT.items():
        if left_out(clearing):
            return f"SE{bank}:{account.zfill(17)}"
    return f"SE:{digits.zfill(17)}"

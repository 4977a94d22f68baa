"""Swedish personnummer and samordningsnummer (folkbokföringslagen 18 §, 18 a §).

The rules this module applies:

* A number is written ``YYMMDD-NNNC``: birth date, a three-digit birth number and a
  check digit.  Registers store twelve digits ``YYYYMMDDNNNC`` with the century; the
  canonical form here is those twelve digits with no separator.
* The ten-digit form carries no century.  It is inferred relative to ``today``: the
  latest century in which the person is born on or before ``today``.  Skatteverket
  swaps the ``-`` for a ``+`` in the calendar year the person turns 100, so ``+``
  means a birth year at least 100 years before ``today``'s year.  A person in the
  year of their 100th birthday, before the birthday itself, therefore parses to the
  same date whether written with ``-`` or ``+``.
* The check digit is the Luhn (modulus 10, weights 2 and 1) digit over the first
  nine digits of the ten-digit form.  The century digits are not covered by it, so
  a wrong century in a twelve-digit number is only caught if it puts the birth date
  in the future.
* The second-to-last digit is odd for men (``M``) and even for women (``F``).
* A samordningsnummer is built the same way with 60 added to the day of birth
  (61-91); ``birth_date`` is always the real date.
* A change of legal sex gives the person a new number (lag 2024:238), and a number
  on file may predate the change.  A stored legal gender therefore wins over the
  digit; the digit is only a default.
"""

from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.util import clean, isdigits

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
FEMALE = "F"
MALE = "M"
SAMORDNING_DAY_OFFSET = 60
HUNDRED_YEARS = 100


class IdentityNumberError(ValueError):
    """A text that is not a valid personnummer or samordningsnummer."""


@dataclass(frozen=True)
class IdentityNumber:
    """A checked personnummer or samordningsnummer."""

    number: str
    birth_date: date
    kind: str
    legal_gender: str

    @property
    def formatted(self) -> str:
        """``YYYYMMDD-NNNC``."""
        return f"{self.number[:8]}-{self.number[8:]}"


def parse_identity_number(text: str, *, today: date) -> IdentityNumber:
    """Parse and check a personnummer or samordningsnummer, 10 or 12 digits.

    Raises ``IdentityNumberError`` with a Swedish message.
    """
    digits, separator = _split_separator(text)
    if len(digits) == 12:
        if separator == "+":
            raise IdentityNumberError("plustecken används bara i tiosiffrig form")
        year = int(digits[:4])
        digits = digits[2:]
    else:
        year = _infer_year(digits, separator, today)
    birth_date, kind = _birth_date_and_kind(year, digits)
    if birth_date > today:
        raise IdentityNumberError("födelsedatumet ligger i framtiden")
    if not luhn.is_valid(digits):
        raise IdentityNumberError("kontrollsiffran stämmer inte")
    return IdentityNumber(f"{year:04d}{digits[2:]}", birth_date, kind, _gender_of(digits))


def legal_gender_from_number(text: str, *, today: date) -> str:
    """``F`` or ``M`` from the birth-number digit.  A stored legal gender wins over this."""
    return parse_identity_number(text, today=today).legal_gender


def is_valid_identity_number(text: str, *, today: date) -> bool:
    """Whether ``text`` parses as a personnummer or samordningsnummer."""
    try:
        parse_identity_number(text, today=today)
    except IdentityNumberError:
        return False
    return True


def generate_fictional(birth_date: date, legal_gender: str, serial: int) -> str:
    """A valid 12-digit personnummer for test and demo data.  Deterministic.

    The birth number is ``serial % 1000`` with its last digit's parity flipped if
    needed to match ``legal_gender`` (odd for ``M``, even for ``F``); the check digit
    is computed.  Demo data built from these numbers is fictional: the numbers are
    made up, not taken from anyone.  A made-up number can still coincide with a real
    person's, so data that leaves the development environment should use
    Skatteverket's test personnummer instead.
    """
    if legal_gender not in (FEMALE, MALE):
        raise IdentityNumberError("juridiskt kön ska vara F eller M")
    birth_number = serial % 1000
    if birth_number % 2 != (1 if legal_gender == MALE else 0):
        birth_number ^= 1
    body = f"{birth_date:%y%m%d}{birth_number:03d}"
    return f"{birth_date.year // 100:02d}{body}{luhn.calc_check_digit(body)}"


def _split_separator(text: str) -> tuple[str, str]:
    """Digits with the separator removed, and the separator ('' if none)."""
    compact = clean(str(text)).strip()
    if not compact:
        raise IdentityNumberError("personnummer saknas")
    separators = [char for char in compact if char in "-+"]
    digits = compact.replace("-", "").replace("+", "")
    if len(separators) > 1 or not isdigits(digits):
        raise IdentityNumberError(
            "personnumret får bara innehålla siffror och ett bindestreck eller plustecken"
        )
    if len(digits) not in (10, 12):
        raise IdentityNumberError("personnumret ska ha 10 eller 12 siffror")
    if separators and compact[-5] not in "-+":
        raise IdentityNumberError("skiljetecknet ska stå före de fyra sista siffrorna")
    return digits, "".join(separators)


def _infer_year(digits: str, separator: str, today: date) -> int:
    """The full birth year of a ten-digit number, relative to ``today``."""
    two_digit_year = int(digits[:2])
    if separator == "+":
        latest = today.year - HUNDRED_YEARS
        return latest - (latest - two_digit_year) % 100
    year = today.year - (today.year - two_digit_year) % 100
    month, day = int(digits[2:4]), _real_day(int(digits[4:6]))
    if (year, month, day) > (today.year, today.month, today.day):
        year -= HUNDRED_YEARS
    return year


def _birth_date_and_kind(year: int, digits: str) -> tuple[date, str]:
    """The real birth date and the kind of number, from the ten-digit form."""
    month, day = int(digits[2:4]), int(digits[4:6])
    kind = SAMORDNINGSNUMMER if day > SAMORDNING_DAY_OFFSET else PERSONNUMMER
    day = _real_day(day)
    try:
        return date(year, month, day), kind
    except ValueError:
        raise IdentityNumberError("datumet finns inte") from None


def _real_day(day: int) -> int:
    """The day of the month, with a samordningsnummer's 60 taken off."""
    return day - SAMORDNING_DAY_OFFSET if day > SAMORDNING_DAY_OFFSET else day


def _gender_of(digits: str) -> str:
    return MALE if int(digits[-2]) % 2 else FEMALE

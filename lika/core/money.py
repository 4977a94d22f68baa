"""Money as integer öre.  All rounding in Lika happens here.

Amounts enter as kronor (``Decimal``, ``int`` or a numeric string with at most two
decimals) and are kept as ``int`` öre.  Floats are refused: a float cannot hold
most öre amounts exactly.
"""

from decimal import Decimal, InvalidOperation

from .limits import shown

ORE_PER_KRONA = 100
# The largest amount one line of input may hold (a cost, an income, a payment, a return):
# far above any month's support, far below what would overflow a calculation or a column.
MAX_AMOUNT_KRONOR = 10_000_000
MAX_AMOUNT_ORE = MAX_AMOUNT_KRONOR * ORE_PER_KRONA
# Beyond these nothing is money: to_ore refuses before any arithmetic (a 5 000-digit
# number or 1e999999999 would otherwise exhaust memory or overflow Decimal).
MAX_AMOUNT_LENGTH = 40  # characters of an amount written as text
_MAX_DIGITS_BEFORE_POINT = 15  # |kronor| < 10**15


class MoneyError(ValueError):
    """An amount that is not a valid sum of money."""


def to_ore(kronor) -> int:
    """Kronor (at most two decimals) → öre.  ``to_ore("12.5") == 1250``."""
    if isinstance(kronor, bool) or isinstance(kronor, float):
        raise MoneyError("belopp måste anges som heltal eller decimaltal med högst två decimaler")
    if isinstance(kronor, int):
        if abs(kronor) >= 10**_MAX_DIGITS_BEFORE_POINT:
            raise MoneyError(f"{shown(kronor)} är inget rimligt belopp")
        return kronor * ORE_PER_KRONA
    text = str(kronor).strip()
    if len(text) > MAX_AMOUNT_LENGTH:
        raise MoneyError(f"{shown(text)} är inte ett belopp (fler än {MAX_AMOUNT_LENGTH} tecken)")
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise MoneyError(f"{kronor!r} är inte ett belopp") from None
    if not value.is_finite():
        raise MoneyError(f"{kronor!r} är inte ett belopp")
    if value and value.adjusted() >= _MAX_DIGITS_BEFORE_POINT:
        raise MoneyError(f"{shown(text)} är inget rimligt belopp")
    if value.as_tuple().exponent < -MAX_AMOUNT_LENGTH:
        raise MoneyError(f"{shown(text)} har fler än två decimaler")
    ore = value * ORE_PER_KRONA
    if ore != ore.to_integral_value():
        raise MoneyError(f"{kronor} kr har fler än två decimaler")
    return int(ore)


def amount_ore(kronor, *, minimum: int = 0, maximum: int = MAX_AMOUNT_ORE) -> int:
    """:func:`to_ore` for one line of outside input: at most two decimals and within
    ``minimum``–``maximum`` öre (by default 0 to 10 000 000 kr), else ``MoneyError``."""
    ore = to_ore(kronor)
    if ore > maximum:
        raise MoneyError(f"beloppet får vara högst {format_kronor(maximum)}".replace("\u00a0", " "))
    if ore < minimum:
        if minimum == 0:
            raise MoneyError("beloppet får inte vara negativt")
        floor = "större än noll" if minimum == 1 else f"minst {format_kronor(minimum)}".replace("\u00a0", " ")
        raise MoneyError(f"beloppet ska vara {floor}")
    return ore


def to_kronor(ore: int) -> Decimal:
    """Öre → kronor as an exact ``Decimal`` with two decimals."""
    return (Decimal(ore) / ORE_PER_KRONA).quantize(Decimal("0.01"))


def prorate(amount: int, numerator: int, denominator: int) -> int:
    """``amount × numerator / denominator`` in öre, rounded half up (away from zero).

    The one rounding rule of the calculation: days present, a share of the
    household's common costs, the jobbstimulans percentage.
    """
    if denominator <= 0:
        raise MoneyError("nämnaren måste vara positiv")
    product = amount * numerator
    sign = -1 if product < 0 else 1
    quotient, remainder = divmod(abs(product), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return sign * quotient


def round_to_ten_kronor(ore: int) -> int:
    """Round to the nearest ten kronor, half up (how riksnorm posts are uprated)."""
    return prorate(ore, 1, 1000) * 1000


def format_kronor(ore: int, *, decimals: bool = True) -> str:
    """Swedish presentation: ``format_kronor(570050) == "5 700,50 kr"``."""
    sign = "−" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), ORE_PER_KRONA)
    whole = f"{kronor:,}".replace(",", "\u00a0")
    if decimals or rest:
        return f"{sign}{whole},{rest:02d}\u00a0kr"
    return f"{sign}{whole}\u00a0kr"


def json_number(ore: int) -> str:
    """Öre as JSON number text in kronor, exact: 570000 → ``5700``, 570050 → ``5700.5``."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), ORE_PER_KRONA)
    if rest == 0:
        return f"{sign}{kronor}"
    return f"{sign}{kronor}.{rest:02d}".rstrip("0")

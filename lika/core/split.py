"""Splitting the granted support between the adults (DESIGN.md M1, M2).

By default the support goes **half to each partner**, exact to the öre; when
the two halves cannot be equal, the odd öre goes to the first partner in even
months and to the second in odd months, so over any two consecutive months —
and so over a year — neither gets more.  Direct payments the household asked
for (e.g. rent to the landlord) are taken first.  Paying one partner only is an
exception that needs a reason category and a text (*särskilda skäl*).
"""

from dataclasses import dataclass
from typing import NamedTuple

EQUAL, SINGLE = "equal", "single"


class SplitError(ValueError):
    """The payment arrangement cannot be applied."""


@dataclass(frozen=True, slots=True)
class DirectPayment:
    type: str
    amount: int
    payee: str = ""


class PaymentShare(NamedTuple):
    """One payment: to an adult of the household (``member``) or directly (``direct``)."""

    amount: int
    member: int | None = None
    direct: DirectPayment | None = None
    rule: str = ""


class PaymentSplit(NamedTuple):
    mode: str
    shares: tuple
    reason: str = ""
    reason_text: str = ""

    @property
    def total(self) -> int:
        return sum(share.amount for share in self.shares)

    def to_member(self, member: int) -> int:
        return sum(s.amount for s in self.shares if s.member == member)


_new = tuple.__new__


def month_index(year: int, month: int) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return year * 12 + (month - 1)


def split_payment(
    total: int,
    *,
    adults: tuple,
    year: int,
    month: int,
    mode: str = EQUAL,
    recipient: int | None = None,
    reason: str = "",
    reason_text: str = "",
    direct: tuple = (),
) -> PaymentSplit:
    """Split ``total`` öre between ``adults`` (the member indexes of the payees).

    ``adults`` holds one index for a single adult, two for a couple, in a fixed
    order that never depends on gender (the order the household was entered).
    """
    if total < 0:
        raise SplitError("beloppet får inte vara negativt")
    count = len(adults)
    if not 1 <= count <= 2 or (count == 2 and adults[0] == adults[1]):
        raise SplitError("utbetalning kräver en eller två olika vuxna")
    shares = []
    rest = total
    for payment in direct:
        if payment.amount <= 0:
            raise SplitError(f"direktutbetalning {payment.type!r} måste vara större än noll")
        rest -= payment.amount
        shares.append(_new(PaymentShare, (payment.amount, None, payment, "payment.direct")))
    if rest < 0:
        raise SplitError("direktutbetalningarna är större än det beviljade beloppet")
    if mode == SINGLE:
        if recipient not in adults:
            raise SplitError("mottagaren måste vara en av de vuxna i hushållet")
        if count == 2 and (not reason.strip() or not reason_text.strip()):
            raise SplitError("utbetalning till en part kräver särskilda skäl: kategori och motivering")
        shares.append(_new(PaymentShare, (rest, recipient, None, "payment.single")))
        return _new(PaymentSplit, (SINGLE, tuple(shares), reason.strip(), reason_text.strip()))
    if mode != EQUAL:
        raise SplitError(f"okänt utbetalningssätt {mode!r}")
    if count == 1:
        shares.append(_new(PaymentShare, (rest, adults[0], None, "payment.single_adult")))
        return _new(PaymentSplit, (EQUAL, tuple(shares), "", ""))
    half, odd = divmod(rest, 2)
    # The odd öre: to the first partner in even-numbered months, the second in odd.
    first_gets_odd = month_index(year, month) % 2 == 0
    first = half + odd if first_gets_odd else half
    shares.append(_new(PaymentShare, (first, adults[0], None, "payment.equal")))
    shares.append(_new(PaymentShare, (rest - first, adults[1], None, "payment.equal")))
    return _new(PaymentSplit, (EQUAL, tuple(shares), "", ""))

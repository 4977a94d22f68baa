"""Splitting the granted support between the adults (DESIGN.md M1, M2).

By default the support goes **half to each partner**, exact to the öre; when
the two halves cannot be equal, the odd öre goes to the first partner in even
months and to the second in odd months, so over any two consecutive months —
and so over a year — neither gets more.  Direct payments the household asked
for (e.g. rent to the landlord) are taken first.  Paying one partner only is an
exception that needs a reason category and a text (*särskilda skäl*).
"""

from dataclasses import dataclass

EQUAL, SINGLE = "equal", "single"


class SplitError(ValueError):
    """The payment arrangement cannot be applied."""


@dataclass(frozen=True)
class DirectPayment:
    type: str
    amount: int
    payee: str = ""


@dataclass(frozen=True)
class PaymentShare:
    """One payment: to an adult of the household (``member``) or directly (``direct``)."""

    amount: int
    member: int | None = None
    direct: DirectPayment | None = None
    rule: str = ""


@dataclass(frozen=True)
class PaymentSplit:
    mode: str
    shares: tuple
    reason: str = ""
    reason_text: str = ""

    @property
    def total(self) -> int:
        return sum(share.amount for share in self.shares)

    def to_member(self, member: int) -> int:
        return sum(s.amount for s in self.shares if s.member == member)


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
    if not 1 <= len(adults) <= 2 or len(set(adults)) != len(adults):
        raise SplitError("utbetalning kräver en eller två olika vuxna")
    for payment in direct:
        if payment.amount <= 0:
            raise SplitError(f"direktutbetalning {payment.type!r} måste vara större än noll")
    direct_total = sum(p.amount for p in direct)
    if direct_total > total:
        raise SplitError("direktutbetalningarna är större än det beviljade beloppet")
    shares = [PaymentShare(p.amount, direct=p, rule="payment.direct") for p in direct]
    rest = total - direct_total
    if mode == SINGLE:
        if recipient not in adults:
            raise SplitError("mottagaren måste vara en av de vuxna i hushållet")
        if len(adults) == 2 and (not reason.strip() or not reason_text.strip()):
            raise SplitError("utbetalning till en part kräver särskilda skäl: kategori och motivering")
        shares.append(PaymentShare(rest, member=recipient, rule="payment.single"))
        return PaymentSplit(SINGLE, tuple(shares), reason.strip(), reason_text.strip())
    if mode != EQUAL:
        raise SplitError(f"okänt utbetalningssätt {mode!r}")
    if len(adults) == 1:
        shares.append(PaymentShare(rest, member=adults[0], rule="payment.single_adult"))
        return PaymentSplit(EQUAL, tuple(shares))
    half, odd = divmod(rest, 2)
    first_gets_odd = month_index(year, month) % 2 == 0
    first = half + (odd if first_gets_odd else 0)
    second = half + (0 if first_gets_odd else odd)
    shares.append(PaymentShare(first, member=adults[0], rule="payment.equal"))
    shares.append(PaymentShare(second, member=adults[1], rule="payment.equal"))
    return PaymentSplit(EQUAL, tuple(shares))

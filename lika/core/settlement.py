"""Avräkning: what a changed decision still owes each payee.

When an issued decision is replaced by an ändringsbeslut, what the earlier decisions
of the same application have already paid is counted against the new decision, payee
by payee: the new decision pays only what is still owed, and what was paid beyond it is
recorded as overpaid (the case worker decides on any claim for repayment: 9 kap. 1 §
socialtjänstlagen (2001:453) as Socialstyrelsen describes it, "Återbetalning av
ekonomiskt bistånd", socialstyrelsen.se; the provision's place in SoL 2025:400 is not
verified here).
Paying a payee both the old and the new amount is what this prevents.

Pure: amounts are integer öre, payees any hashable keys.
"""

from collections.abc import Hashable, Mapping
from typing import NamedTuple


class Settled(NamedTuple):
    new: int  # what the new decision grants the payee
    earlier_paid: int  # what earlier decisions had paid the payee
    to_pay: int  # paid now
    overpaid: int  # paid beyond the new decision

    @property
    def balanced(self) -> bool:
        return self.earlier_paid + self.to_pay - self.overpaid == self.new


def settle(new: Mapping[Hashable, int], earlier_paid: Mapping[Hashable, int]) -> dict[Hashable, Settled]:
    """For every payee in either mapping with anything granted or paid: what to pay now
    and what was overpaid, so that earlier_paid + to_pay - overpaid == new and at most one
    of to_pay and overpaid is non-zero."""
    out = {}
    for payee in {*new, *earlier_paid}:
        granted, paid = new.get(payee, 0), earlier_paid.get(payee, 0)
        if granted < 0 or paid < 0:
            raise ValueError("belopp kan inte vara negativa")
        if granted == 0 and paid == 0:
            continue
        out[payee] = Settled(granted, paid, max(0, granted - paid), max(0, paid - granted))
    return out

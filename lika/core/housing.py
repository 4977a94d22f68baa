"""Skälig boendekostnad: the municipality's guideline for the highest accepted housing
cost, by household type (docs/calculate.md, "Skälig boendekostnad").

The law grants a *reasonable* cost for housing (SoL 2001:453 4 kap. 3 § första stycket 2;
SoL 2025:400 12 kap.); what is reasonable the socialnämnd sets in a guideline, usually a
table of the highest accepted monthly cost for one adult, two adults, and one to two adults
with 1, 2, … children, the last row counting "that many children or more" (e.g. Högsby
kommun, "Högsta godtagbara hyra", gäller från 2021-05-01).  This module is pure: it reads a
table and picks the household's row; the calculation receives the amount as its cap
(``Cost.cap``) and the text naming it (``Cost.guideline``).
"""

from dataclasses import dataclass
from datetime import date

from .money import MAX_AMOUNT_ORE

ADULT_COLUMNS = (1, 2)  # one adult; two adults (or more: the column "2 vuxna" applies)
MAX_CHILDREN_ROWS = 12


class GuidelineError(ValueError):
    """The guideline table is not valid; the message says where and why (Swedish)."""


@dataclass(frozen=True)
class HousingGuideline:
    valid_from: date
    reference: str  # the board's decision, e.g. "SN 2025-11-20 § 112"
    # ((adults, children, öre), …): adults 1 or 2, children 0…n; the highest n of a column
    # is "n children or more"
    amounts: tuple


@dataclass(frozen=True)
class GuidelineAmount:
    amount: int  # öre
    household_type: str  # "2 vuxna 1 barn"
    text: str  # "Kommunens riktlinje för skälig boendekostnad från 2026-01-01 (…), 2 vuxna 1 barn"


def parse_amounts(rows) -> tuple:
    """``[[adults, children, öre], …]`` → a checked, sorted tuple.  Each adult column must
    have rows for 0, 1, … children without gaps; both columns the same number of rows."""
    if not isinstance(rows, list | tuple) or not rows:
        raise GuidelineError("riktlinjen har inga belopp")
    seen = {}
    for row in rows:
        if not isinstance(row, list | tuple) or len(row) != 3 or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in row):
            raise GuidelineError("varje rad ska vara [vuxna, barn, öre] i heltal")
        adults, children, amount = row
        if adults not in ADULT_COLUMNS:
            raise GuidelineError(f"antal vuxna ska vara 1 eller 2, inte {adults}")
        if not 0 <= children < MAX_CHILDREN_ROWS:
            raise GuidelineError(f"antal barn ska vara 0–{MAX_CHILDREN_ROWS - 1}, inte {children}")
        if not 0 < amount <= MAX_AMOUNT_ORE:
            raise GuidelineError("beloppet ska vara större än noll")
        if (adults, children) in seen:
            raise GuidelineError(f"{household_type(adults, children, False)} står två gånger")
        seen[(adults, children)] = amount
    counts = set()
    for adults in ADULT_COLUMNS:
        children = sorted(c for a, c in seen if a == adults)
        if children != list(range(len(children))) or not children:
            raise GuidelineError(f"{household_type(adults, 0, False)}: ange belopp för 0, 1, 2 … barn utan luckor")
        counts.add(len(children))
    if len(counts) != 1:
        raise GuidelineError("lika många rader med barn för 1 vuxen och för 2 vuxna")
    return tuple((a, c, seen[(a, c)]) for a, c in sorted(seen))


def household_type(adults: int, children: int, or_more: bool) -> str:
    """``(2, 1, False)`` → ``"2 vuxna 1 barn"``; ``(1, 5, True)`` → ``"1 vuxen 5 barn eller fler"``."""
    text = "1 vuxen" if adults == 1 else "2 vuxna" if adults == 2 else f"{adults} vuxna"
    if children:
        text += f" {children} barn" + (" eller fler" if or_more else "")
    return text


def guideline_amount(guideline: HousingGuideline, adults: int, children: int) -> GuidelineAmount:
    """The row that applies to a household of ``adults`` and ``children`` (members by
    role; a child living alternately counts as a child): two or more adults read the
    column for two, children beyond the last row read the last row ("or more")."""
    if adults < 1 or children < 0:
        raise GuidelineError("hushållet måste ha minst en vuxen")
    column = min(adults, 2)
    rows = {c: amount for a, c, amount in guideline.amounts if a == column}
    top = max(rows)
    row = min(children, top)
    kind = household_type(column, row, row == top and top > 0)
    if adults > 2:
        kind = kind.replace("2 vuxna", "2 eller fler vuxna", 1)
    when = guideline.valid_from.isoformat()
    reference = f" ({guideline.reference})" if guideline.reference else ""
    return GuidelineAmount(rows[row], kind,
                           f"Kommunens riktlinje för skälig boendekostnad från {when}{reference}, {kind}")

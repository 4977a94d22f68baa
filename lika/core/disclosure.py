"""Small-cell protection for statistics split by kön (DESIGN.md M8, docs/kpi.md).

A table has one row per category (a hushållstyp, a försörjningshinder, …); every row has
three counts: kvinnor ``K``, män ``M`` and totalt ``T = K + M``.  With ``total_row=True``
a row labelled ``"Totalt"`` is added that is the sum of the category rows in each of the
three columns.

The table holds these *additive relations*:

* in every row (the total row included): ``K + M = T``;
* with a total row, in every column ``K``, ``M`` and ``T``: sum of the category rows =
  the total row.

Protection
----------
**Primary suppression** hides every count ``1 … threshold-1`` (default threshold 5:
counts 1–4 are hidden).  A **zero is shown** by default — that nobody in a category is a
woman tells nothing about any person, which is the usual convention in official
statistics; ``suppress_zero=True`` hides zeros as well.  Totals are counts too and are
hidden by the same rule.  A table without category rows has nobody to protect: its total
row is shown as zeros.

**Secondary suppression**: a relation with exactly one hidden cell would give that cell
away (``T − M``), so in such a relation one more cell is hidden: a shown category
(non-total) cell of the relation — the one whose hiding leaves the fewest other relations
with a single hidden cell (so it does not start a new chain), then a non-zero one (hiding
a zero protects less), then the smallest.  Only when the relation has no other shown
category cell is its total hidden.  Likewise a relation whose total is
shown while its hidden category cells add up to 0 (they could then only be zeros — this
happens with ``suppress_zero``) gets one more non-zero category cell, or its total,
hidden.  This is repeated until no relation has exactly one hidden cell (a fixed point;
it ends because cells are only ever hidden, never shown again).  Ties are broken by
position (row order, then ``K``, ``M``, ``T``), so the result is deterministic.

With the three columns of a gender table, "0 or at least 2 hidden cells in every
relation" means that every hidden cell lies on a cycle of hidden cells (a bridge between
two cycles would need four columns), so no hidden cell can be computed from the shown
cells, even by combining relations.  Counts are also non-negative, which is what the
zero-sum rule above is for; tests/core/test_disclosure.py checks by brute force on small
tables that every hidden cell has at least two possible non-negative values.

Derived figures
---------------
:func:`protect_amounts` hides an amount (öre, household-months, any additive figure of
the same people) exactly where the count of its cell is hidden; the pattern is the same,
so the amounts' relations are protected as well.  :func:`share` gives a share as a
``Fraction`` and hides it when its numerator, its denominator or any guarding count is
hidden.

API
---
``protect(rows, *, threshold=5, total_row=True, total_label="Totalt", suppress_zero=False)
-> ProtectedTable`` where ``rows`` is a mapping ``label -> (women, men)`` or an iterable
of ``(label, women, men)``.  Every cell of the result is an ``int`` or :data:`SUPPRESSED`
(``str(SUPPRESSED) == ".."``).  Shown cells always equal the input.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

GENDERS = ("K", "M", "T")
DEFAULT_THRESHOLD = 5
TOTAL_LABEL = "Totalt"


class DisclosureError(ValueError):
    """The table cannot be protected as given; the message says why."""


class _Suppressed(Enum):
    SUPPRESSED = ".."

    def __str__(self) -> str:
        return ".."

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = _Suppressed.SUPPRESSED
"""The marker of a hidden cell; rendered as ``..``."""

Cell = int | _Suppressed


@dataclass(frozen=True, slots=True)
class ProtectedRow:
    label: str
    women: Cell
    men: Cell
    total: Cell

    @property
    def cells(self) -> tuple[Cell, Cell, Cell]:
        return (self.women, self.men, self.total)

    def cell(self, gender: str) -> Cell:
        """The cell of ``gender`` (``"K"``, ``"M"`` or ``"T"``)."""
        try:
            return self.cells[GENDERS.index(gender)]
        except ValueError:
            raise DisclosureError(f"okänt kön {gender!r}: ska vara K, M eller T") from None


@dataclass(frozen=True, slots=True)
class ProtectedTable:
    rows: tuple[ProtectedRow, ...]
    total: ProtectedRow | None
    threshold: int

    def all_rows(self) -> tuple[ProtectedRow, ...]:
        """The category rows followed by the total row (when there is one)."""
        return self.rows + ((self.total,) if self.total is not None else ())

    def row(self, label: str) -> ProtectedRow:
        for row in self.all_rows():
            if row.label == label:
                return row
        raise DisclosureError(f"raden {label!r} finns inte i tabellen")

    def cell(self, label: str, gender: str) -> Cell:
        return self.row(label).cell(gender)

    def suppressed(self) -> frozenset[tuple[str, str]]:
        """Every hidden cell as ``(label, gender)``."""
        return frozenset((row.label, gender) for row in self.all_rows()
                         for gender, cell in zip(GENDERS, row.cells, strict=True) if cell is SUPPRESSED)


def format_cell(cell: Cell) -> str:
    """Swedish presentation: ``..`` for a hidden cell, else the number with a (no-break)
    space between thousands: ``format_cell(12345) == "12 345"``."""
    if cell is SUPPRESSED:
        return ".."
    sign = "−" if cell < 0 else ""
    return sign + f"{abs(cell):,}".replace(",", "\u00a0")


def _items(rows, what: str) -> list[tuple[str, int, int]]:
    items = list(rows.items()) if isinstance(rows, Mapping) else list(rows)
    out = []
    for item in items:
        if isinstance(rows, Mapping):
            label, pair = item
            item = (label, *pair) if isinstance(pair, tuple | list) else (label, pair)
        if not isinstance(item, tuple | list) or len(item) != 3:
            raise DisclosureError(f"{what}: varje rad ska vara (etikett, kvinnor, män), inte {item!r}")
        label, women, men = item
        if not isinstance(label, str):
            raise DisclosureError(f"{what}: etiketten {label!r} ska vara text")
        for value in (women, men):
            if isinstance(value, bool) or not isinstance(value, int):
                raise DisclosureError(f"{what}: raden {label!r} ska ha heltal, inte {value!r}")
        out.append((label, women, men))
    labels = [label for label, _, _ in out]
    for label in labels:
        if labels.count(label) > 1:
            raise DisclosureError(f"{what}: raden {label!r} förekommer två gånger")
    return out


def _grid(items, total_row: bool) -> list[list[int]]:
    grid = [[women, men, women + men] for _, women, men in items]
    if total_row:
        grid.append([sum(row[c] for row in grid) for c in range(3)])
    return grid


def _relations(rows: int, total_row: bool) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every additive relation as (its category cells, its total cell); cells are (row, column)."""
    relations = [([(r, 0), (r, 1)], (r, 2)) for r in range(rows + (1 if total_row else 0))]
    if total_row and rows:
        relations += [([(r, c) for r in range(rows)], (rows, c)) for c in range(3)]
    return relations


def _secondary(grid, relations, primary: set[tuple[int, int]]) -> set[tuple[int, int]]:
    member_of: dict[tuple[int, int], list[int]] = {}
    for index, (parts, total) in enumerate(relations):
        for cell in (*parts, total):
            member_of.setdefault(cell, []).append(index)

    def value(cell):
        return grid[cell[0]][cell[1]]

    def hidden_in(index):
        parts, total = relations[index]
        return sum(cell in hidden for cell in (*parts, total))

    def pinned_to_zero(index):
        """The total is shown and the hidden category cells add up to 0: none of them can
        be anything but 0."""
        parts, total = relations[index]
        hidden_parts = [cell for cell in parts if cell in hidden]
        return total not in hidden and hidden_parts and sum(map(value, hidden_parts)) == 0

    def preference(cell, current):
        new_problems = sum(hidden_in(other) == 0 for other in member_of[cell] if other != current)
        return (new_problems, value(cell) == 0, value(cell), cell)

    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for index, (parts, total) in enumerate(relations):
            if hidden_in(index) == 1:
                candidates = [cell for cell in parts if cell not in hidden]
            elif pinned_to_zero(index):
                candidates = [cell for cell in parts if cell not in hidden and value(cell)]
            else:
                continue
            chosen = min(candidates, key=lambda cell, index=index: preference(cell, index)) if candidates else total
            hidden.add(chosen)
            changed = True
    return hidden


def _table(labels, grid, hidden, total_label, threshold) -> ProtectedTable:
    def row(r, label):
        return ProtectedRow(label, *(SUPPRESSED if (r, c) in hidden else grid[r][c] for c in range(3)))

    rows = tuple(row(r, label) for r, label in enumerate(labels))
    total = row(len(labels), total_label) if len(grid) > len(labels) else None
    return ProtectedTable(rows, total, threshold)


def _hidden_cells(table: ProtectedTable) -> set[tuple[int, int]]:
    return {(r, c) for r, row in enumerate(table.all_rows())
            for c, cell in enumerate(row.cells) if cell is SUPPRESSED}


def protect(rows, *, threshold: int = DEFAULT_THRESHOLD, total_row: bool = True,
            total_label: str = TOTAL_LABEL, suppress_zero: bool = False) -> ProtectedTable:
    """Protect a table of counts by kön: ``rows`` is ``{label: (women, men)}`` or an
    iterable of ``(label, women, men)``; see the module docstring for the rules."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise DisclosureError(f"tröskeln ska vara ett heltal större än noll, inte {threshold!r}")
    items = _items(rows, "tabellen")
    for label, women, men in items:
        if women < 0 or men < 0:
            raise DisclosureError(f"tabellen: raden {label!r} har ett negativt antal")
        if total_row and label == total_label:
            raise DisclosureError(f"tabellen: etiketten {label!r} är reserverad för totalraden")
    grid = _grid(items, total_row)
    low = 0 if suppress_zero else 1
    primary = {(r, c) for r, row in enumerate(grid) for c, value in enumerate(row)
               if items and low <= value < threshold}
    hidden = _secondary(grid, _relations(len(items), total_row), primary)
    return _table([label for label, _, _ in items], grid, hidden, total_label, threshold)


def protect_amounts(table: ProtectedTable, amounts) -> ProtectedTable:
    """Amounts (or any other additive figure) of the same people as ``table``'s counts,
    hidden exactly where ``table`` hides the count.

    ``amounts`` has the same shape as :func:`protect`'s ``rows`` and the same labels in
    the same order; totals (``T`` and the total row) are summed here.  Amounts may be
    negative (e.g. a net figure).
    """
    items = _items(amounts, "beloppen")
    labels = [row.label for row in table.rows]
    if [label for label, _, _ in items] != labels:
        raise DisclosureError("beloppen: raderna ska vara desamma, i samma ordning, som i antalstabellen")
    grid = _grid(items, table.total is not None)
    total_label = table.total.label if table.total is not None else TOTAL_LABEL
    return _table(labels, grid, _hidden_cells(table), total_label, table.threshold)


def share(numerator: Cell, denominator: Cell, *, guards: Iterable[Cell] = ()) -> Fraction | _Suppressed | None:
    """``numerator / denominator`` as an exact ``Fraction``.

    Hidden (:data:`SUPPRESSED`) when the numerator, the denominator or any of ``guards``
    (the counts the figures are based on) is hidden; ``None`` when the denominator is 0
    (the share is undefined, e.g. no money was paid at all).

    ``share(amounts.cell("Totalt", "K"), amounts.cell("Totalt", "T"))`` is the share of the
    money that reached women; with raw (unprotected) amounts pass the count cells as
    ``guards``.
    """
    cells = (numerator, denominator, *guards)
    for cell in cells:
        if cell is not SUPPRESSED and (isinstance(cell, bool) or not isinstance(cell, int)):
            raise DisclosureError(f"en andel räknas av heltal, inte {cell!r}")
    if any(cell is SUPPRESSED for cell in cells):
        return SUPPRESSED
    if denominator == 0:
        return None
    return Fraction(numerator, denominator)

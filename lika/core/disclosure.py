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

Exact audit
-----------
After the relation rule, every protection is audited exactly (:func:`revealed`): with the
shown cells as known numbers, each relation that touches a hidden cell is a linear
equation in the hidden cells; a hidden cell is given away exactly when its unit vector
lies in the row space of these equations (integer row reduction, no floats).  While one
is, one more cell of a relation it is in is hidden, with the same preference, and the
relation rule runs again.  For one gender table the audit never finds anything (the
cycle argument above); for linked tables it is what makes the result a proof.

Linked tables
-------------
:func:`protect_units` protects the tables of one figure for every unit of a municipality
and the whole municipality at once (whole = Σ units in every cell, plus the links between
the figure's tables, e.g. :func:`link_sum`), so the same cells are hidden whichever
report is asked for and no subtraction between the reports gives a hidden cell back.
:func:`combine` makes a period of whole months from protected months, showing a cell only
where every month shows it; :func:`amounts_where` and :func:`hide_also` carry a count's
pattern to amounts.  ``tests/core/test_disclosure.py`` checks all of it with hypothesis
against an independent model (every published cell a sum of atoms; no hidden cell in the
span of the shown ones).

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
from math import gcd

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
    """:func:`_suppress` on the cells of a grid, numbered row by row (so ties go by position)."""
    width = 3

    def index(cell):
        return cell[0] * width + cell[1]

    values = [value for row in grid for value in row]
    numbered = [([index(cell) for cell in parts], index(total)) for parts, total in relations]
    hidden = _suppress(values, numbered, {index(cell) for cell in primary})
    return {divmod(i, width) for i in hidden}


def _suppress(values: list[int], relations: list[tuple[list[int], int]], primary: set[int]) -> set[int]:
    """Secondary suppression over cells numbered ``0 … len(values)-1`` (the number is the
    tie-break: a lower number is hidden first).  Relations are (parts, total) with
    ``sum(parts) == total``.  The relation rule of the module docstring until nothing
    changes, then the exact audit (:func:`revealed`): while a hidden cell still follows from
    the shown ones, one more cell of a relation it is in is hidden, and the rule runs again."""
    if not primary:
        return set()  # nothing small: nothing to protect
    member_of: dict[int, list[int]] = {}
    for number, (parts, total) in enumerate(relations):
        for cell in (*parts, total):
            member_of.setdefault(cell, []).append(number)
    hidden: set[int] = set()
    count = [0] * len(relations)  # hidden cells in each relation

    def hide(cell):
        hidden.add(cell)
        for number in member_of.get(cell, ()):
            count[number] += 1

    for cell in sorted(primary):
        hide(cell)

    def pinned_to_zero(number):
        """The total is shown and the hidden category cells add up to 0: none of them can
        be anything but 0."""
        parts, total = relations[number]
        if total in hidden:
            return False
        hidden_parts = [cell for cell in parts if cell in hidden]
        return hidden_parts and sum(values[cell] for cell in hidden_parts) == 0

    def preference(cell, current):
        new_problems = sum(count[other] == 0 for other in member_of.get(cell, ()) if other != current)
        return (new_problems, values[cell] == 0, values[cell], cell)

    def choose(parts, total, current):
        candidates = [cell for cell in parts if cell not in hidden]
        if candidates:
            return min(candidates, key=lambda cell: preference(cell, current))
        return total if total not in hidden else None

    while True:
        changed = True
        while changed:
            changed = False
            for number, (parts, total) in enumerate(relations):
                if not count[number]:
                    continue
                if count[number] == 1:
                    chosen = choose(parts, total, number)
                elif pinned_to_zero(number):
                    chosen = choose([cell for cell in parts if values[cell]], total, number)
                else:
                    continue
                if chosen is not None:
                    hide(chosen)
                    changed = True
        touched = [number for number in range(len(relations)) if count[number]]
        given_away = _revealed(hidden, [relations[number] for number in touched])
        if not given_away:
            return hidden
        cell = min(given_away)
        options = [option for number in member_of[cell]
                   if (option := choose(*relations[number], number)) is not None]
        if not options:  # its own relations are all hidden: one more cell of a relation it is tied to
            options = [option for number in touched if (option := choose(*relations[number], number)) is not None]
        if not options:  # every relation it is tied to is all hidden: the structure alone fixes it
            return hidden
        hide(min(options, key=lambda option: preference(option, None)))


def _revealed(hidden, relations) -> set:
    """The hidden cells whose value follows from the shown cells and the relations.

    The shown cells are known numbers, so each relation touching a hidden cell is a linear
    equation in the hidden cells only: ``Σ parts − total = known``.  A hidden cell ``h`` is
    fixed exactly when its unit vector lies in the row space of these equations, i.e. when,
    in the reduced row echelon form, ``h`` is a pivot whose row has no other entry (every
    solution of the homogeneous system has ``h = 0``).  Exact integer elimination (rows
    divided by their gcd), sparse: a row is ``{cell: coefficient}``.
    """
    basis: dict = {}  # pivot cell -> row; no other row has an entry in a pivot's column
    for parts, total in relations:
        row: dict = {}
        for cell, sign in ((cell, 1) for cell in parts):
            if cell in hidden:
                row[cell] = row.get(cell, 0) + sign
        if total in hidden:
            row[total] = row.get(total, 0) - 1
        row = {cell: c for cell, c in row.items() if c}
        for pivot in [cell for cell in row if cell in basis]:
            if pivot in row:
                row = _combine(row, basis[pivot], pivot)
        if not row:
            continue
        pivot = next(iter(row))
        for other, other_row in basis.items():
            if pivot in other_row:
                basis[other] = _combine(other_row, row, pivot)
        basis[pivot] = row
    return {pivot for pivot, row in basis.items() if len(row) == 1}


def _combine(row: dict, pivot_row: dict, pivot) -> dict:
    """``row`` with its entry in ``pivot``'s column eliminated by ``pivot_row``, in integers."""
    a, b = pivot_row[pivot], row[pivot]
    out = {cell: c * a for cell, c in row.items()}
    for cell, c in pivot_row.items():
        out[cell] = out.get(cell, 0) - b * c
    out = {cell: c for cell, c in out.items() if c}
    divisor = 0
    for c in out.values():
        divisor = gcd(divisor, c)
    if divisor > 1:
        out = {cell: c // divisor for cell, c in out.items()}
    return out


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


# --- linked tables: the units of a municipality, the tables of a figure, periods -------------

TOTAL_ROW = "*"
"""The row key of a table's total row in linked tables."""

Key = tuple[str, str, str]
"""A cell of linked tables: ``(table, row, gender)``, gender ``"K"``, ``"M"`` or ``"T"``."""


@dataclass(frozen=True, slots=True)
class TableShape:
    """One gender table of a figure: its category row keys and whether it has a total row
    (``TOTAL_ROW``) that is their sum.  A pair of categories that add up to a total (e.g.
    equal split / one recipient) is a table with one row and no total row, the two
    categories in ``K`` and ``M``."""

    name: str
    rows: tuple[str, ...]
    total_row: bool = True


def table_relations(shape: TableShape) -> list[tuple[tuple[Key, ...], Key]]:
    """The additive relations of one table: ``K + M = T`` in every row, and with a total
    row the category rows = the total row in each column."""
    name, rows = shape.name, shape.rows
    out = [(((name, row, "K"), (name, row, "M")), (name, row, "T"))
           for row in (*rows, *((TOTAL_ROW,) if shape.total_row else ()))]
    if shape.total_row:
        out += [(tuple((name, row, g) for row in rows), (name, TOTAL_ROW, g)) for g in GENDERS]
    return out


def link_sum(parts: Iterable[tuple[str, str]], total: tuple[str, str]) -> list[tuple[tuple[Key, ...], Key]]:
    """Rows of some tables that add up to a row of another table, in each of K, M, T: e.g.
    the reasons work, studies and another benefit add up to "egen försörjning"."""
    parts = tuple(parts)
    return [(tuple((*part, g) for part in parts), (*total, g)) for g in GENDERS]


def _gender_values(rows: Mapping[tuple[str, str], tuple[int, int]], shapes) -> dict[Key, int]:
    values: dict[Key, int] = {}
    for shape in shapes:
        sums = [0, 0]
        for row in shape.rows:
            women, men = rows.get((shape.name, row), (0, 0))
            for value in (women, men):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise DisclosureError(f"tabellen {shape.name!r}: raden {row!r} ska ha heltal ≥ 0, inte {value!r}")
            values.update({(shape.name, row, "K"): women, (shape.name, row, "M"): men,
                           (shape.name, row, "T"): women + men})
            sums = [sums[0] + women, sums[1] + men]
        if shape.total_row:
            values.update({(shape.name, TOTAL_ROW, "K"): sums[0], (shape.name, TOTAL_ROW, "M"): sums[1],
                           (shape.name, TOTAL_ROW, "T"): sum(sums)})
    return values


def protect_units(units: Mapping, shapes: Iterable[TableShape], *, links=(), whole=None,
                  threshold: int = DEFAULT_THRESHOLD, suppress_zero: bool = False) -> dict:
    """Protect the tables of one figure for every unit and the whole municipality together.

    ``units`` maps a unit (any key but ``None``) to ``{(table, row): (women, men)}`` (a
    missing row is 0, 0).  The whole municipality is the key ``None``: its rows are the sum
    of the units' unless ``whole`` gives them (a count of distinct people, where someone
    in two units counts once; the relation whole = Σ units is then still assumed, which
    can only hide more).  ``links`` are further relations between the cells of one unit
    (:func:`link_sum`, or ``((a,), b)`` for two cells that are the same number).

    Every relation — within each table, the links, and in every cell *whole = Σ units* —
    is protected at once with primary and secondary suppression and the exact audit, so
    the hidden cells are the same whichever unit's report (or the whole municipality's)
    is asked for, and no hidden cell of any of them follows from the shown cells of all of
    them.  Returns ``{unit or None: {(table, row, gender): int or SUPPRESSED}}``.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise DisclosureError(f"tröskeln ska vara ett heltal större än noll, inte {threshold!r}")
    shapes = tuple(shapes)
    if None in units:
        raise DisclosureError("enheten None är hela kommunen: ange den med whole=")
    per_unit = {unit: _gender_values(rows, shapes) for unit, rows in units.items()}
    keys = list(_gender_values({}, shapes))
    if whole is not None:
        totals = _gender_values(whole, shapes)
    else:
        totals = {key: sum(values[key] for values in per_unit.values()) for key in keys}
    every = {None: totals, **per_unit}
    relations = [*(rel for shape in shapes for rel in table_relations(shape)), *links]
    number = {(unit, key): i for i, (unit, key) in enumerate((u, k) for u in every for k in keys)}
    values = [every[unit][key] for unit, key in number]
    numbered = [([number[(unit, part)] for part in parts], number[(unit, total)])
                for unit in every for parts, total in relations]
    if per_unit:
        numbered += [([number[(unit, key)] for unit in per_unit], number[(None, key)]) for key in keys]
    low = 0 if suppress_zero else 1
    primary = {i for i, value in enumerate(values) if low <= value < threshold}
    hidden = _suppress(values, numbered, primary)
    return {unit: {key: SUPPRESSED if number[(unit, key)] in hidden else every[unit][key] for key in keys}
            for unit in every}


def amounts_where(counts: Mapping[Key, Cell], amounts: Mapping[tuple[str, str], tuple[int, int]]) -> dict[Key, Cell]:
    """Amounts (öre, day sums, …) of the same people as ``counts``, hidden exactly where the
    count is: the same pattern over the same relations protects them too.  Totals (``T``
    and total rows) are summed here; amounts may be negative."""
    values: dict[Key, int] = {}
    for (table, row, gender) in counts:
        if gender == "K" and row != TOTAL_ROW:
            women, men = amounts.get((table, row), (0, 0))
            values.update({(table, row, "K"): women, (table, row, "M"): men, (table, row, "T"): women + men})
            for g, value in (("K", women), ("M", men), ("T", women + men)):
                values[(table, TOTAL_ROW, g)] = values.get((table, TOTAL_ROW, g), 0) + value
    return {key: SUPPRESSED if cell is SUPPRESSED else values[key] for key, cell in counts.items()}


def combine(parts: Iterable[Mapping[Key, Cell]]) -> dict[Key, Cell]:
    """A period made of whole months: each cell is the sum of the months' cells, shown only
    where **every** month shows it.

    That is what keeps a year, a quarter, a tertial and any custom range of months safe
    together with every month in it and with each other: a shown cell of a longer period
    is then a sum of cells already shown month by month, so it adds nothing an attacker
    did not know, and subtracting one period from another can only give sums of shown
    month cells.  A hidden cell of a longer period contains a hidden month cell, which no
    shown cell fixes (each month is protected by :func:`protect_units`, and no relation
    ties one month to another).
    """
    parts = list(parts)
    if not parts:
        raise DisclosureError("en period har minst en månad")
    out: dict[Key, Cell] = {}
    for key in parts[0]:
        cells = [part[key] for part in parts]
        out[key] = SUPPRESSED if any(cell is SUPPRESSED for cell in cells) else sum(cells)
    return out


def hide_also(cells: Mapping[Key, Cell], hidden: Mapping[Key, Cell]) -> dict[Key, Cell]:
    """``cells`` with every cell hidden that is hidden in ``hidden`` (same keys or fewer)."""
    return {key: SUPPRESSED if hidden.get(key) is SUPPRESSED else cell for key, cell in cells.items()}


def revealed(values: Mapping, hidden: Iterable, relations) -> frozenset:
    """The hidden cells (any keys of ``values``) that follow exactly from the shown cells and
    the additive ``relations`` ((parts, total) with Σ parts = total): the audit
    :func:`protect_units` runs, for tests and checks."""
    number = {key: i for i, key in enumerate(values)}
    numbered = [([number[p] for p in parts], number[total]) for parts, total in relations]
    keys = list(values)
    return frozenset(keys[i] for i in _revealed({number[h] for h in hidden}, numbered))

"""Small-cell protection (lika.core.disclosure): concrete tables and properties."""

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core.disclosure import (
    SUPPRESSED,
    DisclosureError,
    ProtectedRow,
    ProtectedTable,
    format_cell,
    protect,
    protect_amounts,
    share,
)


def rendered(table):
    return [(row.label, *(format_cell(cell) for cell in row.cells)) for row in table.all_rows()]


def full_grid(rows, total_row):
    """The unprotected table, computed independently of the module."""
    grid = [[women, men, women + men] for _, women, men in rows]
    if total_row:
        grid.append([sum(row[c] for row in grid) for c in range(3)])
    return grid


def relations(n, total_row):
    rels = [[(r, 0), (r, 1), (r, 2)] for r in range(n + (1 if total_row else 0))]
    if total_row and n:
        rels += [[(r, c) for r in range(n + 1)] for c in range(3)]
    return rels


def hidden_cells(table):
    return {(r, c) for r, row in enumerate(table.all_rows())
            for c, cell in enumerate(row.cells) if cell is SUPPRESSED}


def determined_cells(table, rows, total_row, radius=2):
    """Hidden cells whose value is the same in every non-negative integer table that
    agrees with all shown cells and all additive relations.

    Brute force over every category count within ``radius`` of the true one (clipped at
    0).  That window is enough: if another consistent table exists, the difference is a
    sum of cycles of ±1 changes in the same direction as the difference, and one such
    cycle already gives a consistent table within ±1 of the true one.
    """
    truth = full_grid(rows, total_row)
    shown = [row.cells for row in table.all_rows()]
    per_row = []
    for r, (_, women, men) in enumerate(rows):
        options = []
        for k, m in product(range(max(0, women - radius), women + radius + 1),
                            range(max(0, men - radius), men + radius + 1)):
            if all(cell is SUPPRESSED or cell == value for cell, value in zip(shown[r], (k, m, k + m), strict=True)):
                options.append((k, m))
        per_row.append(options)
    seen = {cell: set() for cell in hidden_cells(table)}
    for choice in product(*per_row):
        grid = [[k, m, k + m] for k, m in choice]
        if total_row:
            grid.append([sum(row[c] for row in grid) for c in range(3)])
            if any(cell is not SUPPRESSED and cell != grid[-1][c] for c, cell in enumerate(shown[-1])):
                continue
        for r, c in seen:
            seen[(r, c)].add(grid[r][c])
    assert all(truth[r][c] in values for (r, c), values in seen.items())
    return {cell for cell, values in seen.items() if len(values) < 2}


# --- concrete tables ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("rows", "kwargs", "expected"),
    [
        # nothing small: nothing hidden
        ([("a", 10, 20), ("b", 5, 6)], {},
         [("a", "10", "20", "30"), ("b", "5", "6", "11"), ("Totalt", "15", "26", "41")]),
        # one small cell: its partner in the row and a cell in its column go too, and
        # the column partner's row partner closes the square
        ([("a", 3, 10), ("b", 7, 8), ("c", 6, 9)], {},
         [("a", "..", "..", "13"), ("b", "7", "8", "15"), ("c", "..", "..", "15"),
          ("Totalt", "16", "27", "43")]),
        # zeros are shown; c's zero is hidden to close the square rather than open row a
        ([("a", 0, 12), ("b", 3, 9), ("c", 8, 0)], {},
         [("a", "0", "12", "12"), ("b", "..", "..", "12"), ("c", "..", "..", "8"),
          ("Totalt", "11", "21", "32")]),
        # a small total is hidden with its parts
        ([("a", 2, 2), ("b", 20, 30)], {},
         [("a", "..", "..", ".."), ("b", "..", "..", ".."), ("Totalt", "22", "32", "54")]),
        # a single category: the total row repeats it, so it is hidden too
        ([("a", 3, 40)], {},
         [("a", "..", "..", "43"), ("Totalt", "..", "..", "43")]),
        # without a total row only K + M = T binds
        ([("a", 3, 40), ("b", 12, 13)], {"total_row": False},
         [("a", "..", "..", "43"), ("b", "12", "13", "25")]),
        # threshold 3: 3 and 4 are shown
        ([("a", 3, 4), ("b", 2, 9)], {"threshold": 3},
         [("a", "..", "..", "7"), ("b", "..", "..", "11"), ("Totalt", "5", "13", "18")]),
        # suppress_zero hides zeros as primary cells
        ([("a", 0, 12), ("b", 10, 9)], {"suppress_zero": True},
         [("a", "..", "..", "12"), ("b", "..", "..", "19"), ("Totalt", "10", "21", "31")]),
        # everything small: everything hidden
        ([("a", 1, 1), ("b", 1, 0)], {},
         [("a", "..", "..", ".."), ("b", "..", "0", ".."), ("Totalt", "..", "..", "..")]),
    ],
)
def test_protect_concrete_tables(rows, kwargs, expected):
    assert rendered(protect(rows, **kwargs)) == expected


def test_mapping_input_and_accessors():
    table = protect({"arbetslös": (30, 41), "sjukskriven": (2, 12), "föräldraledig": (9, 7)},
                    total_label="Summa")
    assert table.threshold == 5
    assert table.cell("arbetslös", "K") == 30
    assert table.cell("sjukskriven", "K") is SUPPRESSED
    assert table.row("Summa").total == 101
    assert ("sjukskriven", "M") in table.suppressed()
    assert str(SUPPRESSED) == ".." and repr(SUPPRESSED) == "SUPPRESSED"
    assert format_cell(12345) == "12\u00a0345" and format_cell(SUPPRESSED) == ".."


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: protect([("a", -1, 3)]), "negativt"),
        (lambda: protect([("a", True, 3)]), "heltal"),
        (lambda: protect([("a", 1.0, 3)]), "heltal"),
        (lambda: protect([("a", 1, 3), ("a", 4, 5)]), "två gånger"),
        (lambda: protect([("Totalt", 10, 10)]), "reserverad"),
        (lambda: protect([("a", 1)]), "etikett, kvinnor, män"),
        (lambda: protect([(1, 1, 1)]), "text"),
        (lambda: protect([("a", 1, 3)], threshold=0), "tröskeln"),
        (lambda: protect([("a", 10, 30)]).cell("a", "X"), "okänt kön"),
        (lambda: protect([("a", 10, 30)]).row("b"), "finns inte"),
    ],
)
def test_bad_input_is_refused_in_swedish(call, message):
    with pytest.raises(DisclosureError, match=message):
        call()


def test_the_total_label_can_be_used_as_a_category_without_a_total_row():
    assert protect([("Totalt", 10, 10)], total_row=False).rows[0].total == 20


def test_an_empty_table_has_a_zero_total_row():
    assert rendered(protect([])) == [("Totalt", "0", "0", "0")]
    assert rendered(protect([], suppress_zero=True)) == [("Totalt", "0", "0", "0")]


# --- derived figures ------------------------------------------------------------------

def test_amounts_follow_the_pattern_of_the_counts():
    counts = protect([("a", 3, 10), ("b", 7, 8), ("c", 6, 9)])
    amounts = protect_amounts(counts, [("a", 3_000_00, 11_000_00), ("b", 7_500_00, 8_100_00),
                                       ("c", 6_000_00, 9_000_00)])
    assert hidden_cells(amounts) == hidden_cells(counts)
    assert amounts.cell("a", "T") == 14_000_00
    assert amounts.total == ProtectedRow("Totalt", 16_500_00, 28_100_00, 44_600_00)


def test_amounts_must_have_the_same_rows():
    counts = protect([("a", 30, 10)])
    with pytest.raises(DisclosureError, match="samma ordning"):
        protect_amounts(counts, [("b", 1, 2)])


@pytest.mark.parametrize(
    ("numerator", "denominator", "guards", "expected"),
    [
        (1, 4, (), Fraction(1, 4)),
        (30_000_00, 70_000_00, (12, 30), Fraction(3, 7)),
        (SUPPRESSED, 40, (), SUPPRESSED),
        (10, SUPPRESSED, (), SUPPRESSED),
        (10, 40, (12, SUPPRESSED), SUPPRESSED),
        (0, 0, (), None),
    ],
)
def test_share(numerator, denominator, guards, expected):
    assert share(numerator, denominator, guards=guards) == expected


def test_share_of_money_reaching_women_is_hidden_with_the_women_count():
    counts = protect([("a", 3, 10), ("b", 20, 21)], total_row=False)
    amounts = protect_amounts(counts, [("a", 1_000_00, 9_000_00), ("b", 5_000_00, 5_000_00)])
    assert share(amounts.cell("a", "K"), amounts.cell("a", "T")) is SUPPRESSED
    assert share(amounts.cell("b", "K"), amounts.cell("b", "T")) == Fraction(1, 2)


def test_share_refuses_non_integers():
    with pytest.raises(DisclosureError):
        share(1.5, 3)


# --- the brute-force checker can fail -------------------------------------------------

def test_the_checker_finds_a_cell_given_away_by_primary_suppression_only():
    rows = [("a", 3, 10), ("b", 20, 30)]
    naive = ProtectedTable((ProtectedRow("a", SUPPRESSED, 10, 13), ProtectedRow("b", 20, 30, 50)), None, 5)
    assert determined_cells(naive, rows, False) == {(0, 0)}
    # two hidden cells in every relation are not enough on their own when the hidden cells
    # of a relation must add up to 0: non-negative cells are then all 0
    rows = [("a", 0, 0), ("b", 0, 7)]
    h = SUPPRESSED
    pinned = ProtectedTable((ProtectedRow("a", h, h, h), ProtectedRow("b", h, 7, 7)), ProtectedRow("Totalt", h, 7, 7), 5)
    assert determined_cells(pinned, rows, True) == {(0, 0), (0, 1), (0, 2), (1, 0), (2, 0)}
    assert rendered(protect(rows, suppress_zero=True)) == [
        ("a", "..", "..", ".."), ("b", "..", "..", ".."), ("Totalt", "..", "..", "7")]
    assert determined_cells(protect(rows, suppress_zero=True), rows, True) == set()


# --- properties -----------------------------------------------------------------------

def tables(max_rows, max_count):
    return st.lists(st.tuples(st.integers(0, max_count), st.integers(0, max_count)), max_size=max_rows).map(
        lambda pairs: [(f"r{i}", women, men) for i, (women, men) in enumerate(pairs)])


options = st.fixed_dictionaries({
    "threshold": st.sampled_from([1, 2, 3, 5, 10]),
    "total_row": st.booleans(),
    "suppress_zero": st.booleans(),
})


@settings(max_examples=300, deadline=None)
@given(tables(8, 60), options)
def test_shown_cells_are_never_small_and_equal_the_input(rows, kwargs):
    table = protect(rows, **kwargs)
    truth = full_grid(rows, kwargs["total_row"])
    low = 0 if kwargs["suppress_zero"] else 1
    for r, row in enumerate(table.all_rows()):
        for c, cell in enumerate(row.cells):
            if cell is not SUPPRESSED:
                assert cell == truth[r][c]
                assert not rows or not low <= cell < kwargs["threshold"]  # no rows: nobody to protect
    assert [row.label for row in table.rows] == [label for label, _, _ in rows]


@settings(max_examples=300, deadline=None)
@given(tables(8, 60), options)
def test_no_relation_has_exactly_one_hidden_cell(rows, kwargs):
    table = protect(rows, **kwargs)
    hidden = hidden_cells(table)
    for relation in relations(len(rows), kwargs["total_row"]):
        assert sum(cell in hidden for cell in relation) != 1, relation


@settings(max_examples=300, deadline=None)
@given(tables(3, 12), options)
def test_no_hidden_cell_is_determined_by_the_shown_cells(rows, kwargs):
    table = protect(rows, **kwargs)
    assert determined_cells(table, rows, kwargs["total_row"]) == set()


@settings(max_examples=200, deadline=None)
@given(tables(6, 60), st.data())
def test_amounts_are_hidden_exactly_where_counts_are(rows, data):
    counts = protect(rows)
    money = [(label, data.draw(st.integers(0, 10**8)), data.draw(st.integers(0, 10**8))) for label, _, _ in rows]
    amounts = protect_amounts(counts, money)
    assert hidden_cells(amounts) == hidden_cells(counts)
    truth = full_grid(money, True)
    for r, row in enumerate(amounts.all_rows()):
        assert all(cell is SUPPRESSED or cell == truth[r][c] for c, cell in enumerate(row.cells))


# --- linked tables: units of a municipality, tables of a figure, periods ------------------

from lika.core.disclosure import (  # noqa: E402
    TOTAL_ROW,
    TableShape,
    amounts_where,
    combine,
    hide_also,
    link_sum,
    protect_units,
    revealed,
    table_relations,
)
from tests.span import Span  # noqa: E402

GENDER_KEYS = ("K", "M", "T")


@st.composite
def linked_figures(draw):
    """A figure of two linked tables for 1–3 units: ``detail`` rows that add up, in groups,
    to the rows of ``grouped`` (as the close reasons add up to "egen försörjning"), both
    with or without a total row; small counts, so that much is hidden."""
    details = draw(st.integers(1, 4))
    groups = draw(st.integers(1, details))
    # every group has at least one detail row, as in the reports (a group of nothing would be
    # a constant zero: hiding it protects no one, and it follows from nothing)
    group_of = list(range(groups)) + [draw(st.integers(0, groups - 1)) for _ in range(details - groups)]
    total = draw(st.booleans())
    detail_rows = tuple(f"d{i}" for i in range(details))
    group_rows = tuple(f"g{j}" for j in range(groups))
    shapes = (TableShape("grouped", group_rows, total), TableShape("detail", detail_rows, total))
    links = [rel for j in range(groups)
             for rel in link_sum([("detail", f"d{i}") for i in range(details) if group_of[i] == j],
                                 ("grouped", f"g{j}"))]
    units = {}
    for unit in range(draw(st.integers(1, 3))):
        rows = {("detail", row): (draw(st.integers(0, 8)), draw(st.integers(0, 8))) for row in detail_rows}
        for j, row in enumerate(group_rows):
            pairs = [rows[("detail", f"d{i}")] for i in range(details) if group_of[i] == j]
            rows[("grouped", row)] = (sum(p[0] for p in pairs), sum(p[1] for p in pairs))
        units[f"u{unit}"] = rows
    return shapes, tuple(links), units, group_of


def _atoms(shapes, group_of, unit_keys, unit, table, row, gender):
    """A cell as a sum of atoms (unit, detail row, K/M): the independent model."""
    units = unit_keys if unit is None else [unit]
    genders = ("K", "M") if gender == "T" else (gender,)
    detail = [s for s in shapes if s.name == "detail"][0].rows
    if table == "detail":
        rows = detail if row == TOTAL_ROW else (row,)
    else:
        rows = detail if row == TOTAL_ROW else tuple(d for i, d in enumerate(detail) if group_of[i] == int(row[1:]))
    return {(u, r, g): 1 for u in units for r in rows for g in genders}


@settings(max_examples=300, deadline=None)
@given(linked_figures(), st.integers(2, 6))
def test_no_hidden_cell_of_any_unit_or_table_follows_from_all_shown_cells(figure, threshold):
    """Every unit's report and the whole municipality's, both tables: the union of what they
    show never gives a hidden cell back (exact rational arithmetic over the atoms)."""
    shapes, links, units, group_of = figure
    protected = protect_units(units, shapes, links=links, threshold=threshold)
    span, hidden = Span(), []
    for unit, cells in protected.items():
        for (table, row, gender), cell in cells.items():
            vector = _atoms(shapes, group_of, list(units), unit, table, row, gender)
            if cell is SUPPRESSED:
                hidden.append((unit, table, row, gender, vector))
            else:
                span.add(vector)
                assert not 1 <= cell < threshold  # nothing small is shown
    for unit, table, row, gender, vector in hidden:
        assert not span.contains(vector), (unit, table, row, gender)


@settings(max_examples=200, deadline=None)
@given(linked_figures(), st.integers(2, 6))
def test_the_core_audit_agrees_with_the_atoms(figure, threshold):
    """The relations protect_units audits with (tables, links, whole = Σ units) leave no hidden
    cell fixed, and shown cells equal the counts."""
    shapes, links, units, _group_of = figure
    protected = protect_units(units, shapes, links=links, threshold=threshold)
    values, relations = {}, []
    for unit in protected:
        relations += [(tuple((unit, *p) for p in parts), (unit, *total))
                      for shape in shapes for parts, total in table_relations(shape)]
        relations += [(tuple((unit, *p) for p in parts), (unit, *total)) for parts, total in links]
    whole = protected[None]
    for key in whole:
        relations.append((tuple((unit, *key) for unit in units), (None, *key)))
    hidden = set()
    for unit, cells in protected.items():
        for key, cell in cells.items():
            rows = units.get(unit, {})
            if key[2] == "T" or key[1] == TOTAL_ROW or unit is None:
                values[(unit, *key)] = 0  # only the pattern matters to the audit
            else:
                values[(unit, *key)] = rows[(key[0], key[1])][0 if key[2] == "K" else 1]
                assert cell is SUPPRESSED or cell == values[(unit, *key)]
            if cell is SUPPRESSED:
                hidden.add((unit, *key))
    assert revealed(values, hidden, relations) == frozenset()


@st.composite
def months_of_units(draw):
    months = draw(st.integers(1, 4))
    rows = ("a", "b")
    return [{f"u{u}": {("t", row): (draw(st.integers(0, 7)), draw(st.integers(0, 7))) for row in rows}
             for u in range(draw(st.integers(1, 2)))} for _ in range(months)], rows


@settings(max_examples=200, deadline=None)
@given(months_of_units(), st.integers(2, 5))
def test_no_period_of_whole_months_gives_a_hidden_month_back(data, threshold):
    """Every month, every range of months (a quarter, a year, any custom range), every unit
    and the whole municipality: nothing hidden anywhere follows from everything shown."""
    months, rows = data
    shape = (TableShape("t", rows),)
    per_month = [protect_units(units, shape, threshold=threshold) for units in months]
    every_unit = sorted({unit for units in months for unit in units})
    scopes = [None, *every_unit]
    span, hidden = Span(), []
    for first in range(len(months)):
        for last in range(first, len(months)):
            for scope in scopes:
                cells = combine(p.get(scope) or {k: 0 for k in p[None]} for p in per_month[first:last + 1])
                for (_table, row, gender), cell in cells.items():
                    vector = {(u, m, r, g): 1 for m in range(first, last + 1)
                              for u in ([scope] if scope else every_unit)
                              for r in (rows if row == TOTAL_ROW else (row,))
                              for g in (("K", "M") if gender == "T" else (gender,))}
                    (hidden.append(vector) if cell is SUPPRESSED else span.add(vector))
    assert all(not span.contains(vector) for vector in hidden)


def test_a_unit_cell_is_not_the_municipality_minus_the_other_unit():
    """The reproduced attack: one unit's women hidden, the other unit's and the
    municipality's shown; protected together, the subtraction finds nothing."""
    units = {"norr": {("t", "x"): (3, 20)}, "soder": {("t", "x"): (12, 30)}}
    shape = (TableShape("t", ("x",), total_row=False),)
    alone = {unit: protect_units({unit: rows}, shape, threshold=5)[unit] for unit, rows in units.items()}
    whole = protect(dict(x=(15, 50)), total_row=False)
    assert alone["norr"][("t", "x", "K")] is SUPPRESSED and alone["soder"][("t", "x", "K")] == 12
    assert whole.cell("x", "K") - alone["soder"][("t", "x", "K")] == 3  # one at a time: given away
    together = protect_units(units, shape, threshold=5)
    assert together["norr"][("t", "x", "K")] is SUPPRESSED
    assert SUPPRESSED in (together[None][("t", "x", "K")], together["soder"][("t", "x", "K")])


def test_amounts_and_periods_follow_the_counts():
    counts = protect_units({"u": {("t", "x"): (2, 9)}, "v": {("t", "x"): (6, 7)}},
                           (TableShape("t", ("x",), total_row=False),), threshold=5)["u"]
    amounts = amounts_where(counts, {("t", "x"): (100, 900)})
    assert amounts[("t", "x", "K")] is SUPPRESSED and amounts[("t", "x", "T")] == 1000
    shown = {key: 5 for key in counts}
    assert combine([shown, shown]) == {key: 10 for key in counts}
    assert combine([shown, counts])[("t", "x", "K")] is SUPPRESSED
    assert hide_also(shown, counts)[("t", "x", "K")] is SUPPRESSED
    with pytest.raises(DisclosureError, match="minst en månad"):
        combine([])
    with pytest.raises(DisclosureError, match="heltal"):
        protect_units({"u": {("t", "x"): (-1, 2)}}, (TableShape("t", ("x",)),))
    with pytest.raises(DisclosureError, match="hela kommunen"):
        protect_units({None: {}}, (TableShape("t", ("x",)),))

"""lika.core.gender_table: hand-worked K/M/T tables from a person-level file, and
properties (K + M = T, no shown count under the threshold, no hidden cell derivable)."""

from datetime import date
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core import disclosure
from lika.core.gender_table import (
    GENDER,
    PERSONNUMMER,
    FileError,
    Spec,
    aggregate,
    csv_rows,
    protect,
)

TODAY = date(2026, 12, 6)
S = disclosure.SUPPRESSED


def pnr(birth: str, serial: int, male: bool) -> str:
    """A fictional ten-digit personnummer with a valid check digit."""
    digit = (serial * 2 + (1 if male else 0)) % 10
    nine = f"{birth}{serial % 100:02d}{digit}"
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return f"{nine[:6]}-{nine[6:]}{(10 - total % 10) % 10}"


def test_csv_semicolon_and_bom_and_comma():
    assert csv_rows("\ufeffa;b\n1;2\n") == [["a", "b"], ["1", "2"]]
    assert csv_rows("a,b\n1,2\n") == [["a", "b"], ["1", "2"]]


def test_hand_worked_table_from_personnummer_with_sum():
    # Område A: 6 women (timmar 1..6 → 21), 7 men (timmar 10 each → 70).
    # Område B: 2 women (timmar 5, 5 → 10), 8 men (timmar 2 each → 16).
    lines = ["personnummer;område;timmar"]
    serial = 0
    for area, women, men, w_hours, m_hours in (("A", 6, 7, [1, 2, 3, 4, 5, 6], [10] * 7),
                                               ("B", 2, 8, [5, 5], [2] * 8)):
        for hours in w_hours[:women]:
            serial += 1
            lines.append(f"{pnr('800101', serial, False)};{area};{hours}")
        for hours in m_hours[:men]:
            serial += 1
            lines.append(f"{pnr('800101', serial, True)};{area};{hours}")
    result = aggregate(csv_rows("\n".join(lines)), Spec("Personnummer", PERSONNUMMER, ("område",), "timmar"),
                       today=TODAY)
    assert result.ok and result.rows == 23
    assert result.cells.counts == (("A", 6, 7), ("B", 2, 8))
    assert result.cells.sums == (("A", 21, 70), ("B", 10, 16))
    table = protect(result.cells, threshold=5)
    # B women = 2 < 5 is hidden; its row then has one hidden cell, so B men (8) or B total
    # is hidden too; the K column has one hidden cell, so A women (6) is hidden as well.
    counts = table.counts
    assert counts.cell("B", "K") is S
    assert counts.cell("A", "K") is S
    assert counts.cell("Totalt", "T") == 23
    for row in counts.all_rows():
        hidden = sum(cell is S for cell in row.cells)
        assert hidden != 1
    # the sums are hidden exactly where the counts are
    for count_row, sum_row in zip(counts.all_rows(), table.sums.all_rows(), strict=True):
        assert [c is S for c in count_row.cells] == [c is S for c in sum_row.cells]
    assert table.sums.cell("Totalt", "T") == 117


def test_gender_column_and_two_dimensions():
    text = "Kön,Skola,Årskurs\n" + "\n".join(
        ["K,Norr,7"] * 5 + ["kvinna,Norr,8"] * 5 + ["M,Norr,7"] * 6 + ["man,Syd,7"] * 5 + ["F,Syd,7"] * 5)
    result = aggregate(csv_rows(text), Spec("kön", GENDER, ("skola", "årskurs")), today=TODAY)
    assert result.ok
    assert result.cells.counts == (("Norr / 7", 5, 6), ("Norr / 8", 5, 0), ("Syd / 7", 5, 5))
    assert result.cells.sums is None
    table = protect(result.cells)
    assert table.counts.cell("Norr / 8", "M") == 0  # a zero is shown
    assert table.counts.cell("Totalt", "K") == 15


def test_every_bad_line_reported_in_swedish():
    text = "personnummer;belopp\n" + "\n".join([
        pnr("900101", 1, True) + ";100",
        "19900101-0000;100",            # wrong check digit
        pnr("900101", 2, False) + ";12,5",  # not a whole number
        "abc;x",                         # both
    ])
    result = aggregate(csv_rows(text), Spec("personnummer", PERSONNUMMER, (), "belopp"), today=TODAY)
    assert not result.ok and result.cells is None
    assert [line for line, _ in result.errors] == [3, 4, 5, 5]
    assert "kontrollsiffra" in result.errors[0][1]
    assert "heltal" in result.errors[1][1]


def test_missing_column_names_the_columns():
    result = aggregate(csv_rows("kön;x\nK;1\n"), Spec("kon", GENDER, ("y",)), today=TODAY)
    assert [line for line, _ in result.errors] == [1, 1]
    assert "filen har kön, x" in result.errors[0][1]


def test_bad_gender_value_and_no_header():
    result = aggregate(csv_rows("kön\nX\n"), Spec("kön", GENDER), today=TODAY)
    assert result.errors == ((2, "könet 'X' ska vara K, kvinna, F, M eller man"),)
    with pytest.raises(FileError):
        aggregate([], Spec("kön", GENDER), today=TODAY)


cells = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(cells, st.integers(2, 6))
def test_properties(pairs, threshold):
    lines = ["kön;grupp;värde"]
    for index, (women, men) in enumerate(pairs):
        lines += [f"K;g{index};3"] * women + [f"M;g{index};2"] * men
    result = aggregate(csv_rows("\n".join(lines)), Spec("kön", GENDER, ("grupp",), "värde"), today=TODAY)
    assert result.ok
    table = protect(result.cells, threshold=threshold)
    grid = [row.cells for row in table.counts.all_rows()]
    for row in grid:
        if S not in row:
            assert row[0] + row[1] == row[2]  # K + M = T where shown
        for cell in row:
            assert cell is S or cell == 0 or cell >= threshold  # nothing shown under the threshold
    # a hidden cell cannot be derived from row or column totals: no relation has exactly one hidden cell
    rows = len(grid) - 1
    relations = [[grid[r][0], grid[r][1], grid[r][2]] for r in range(rows + 1)]
    relations += [[grid[r][c] for r in range(rows + 1)] for c in range(3)]
    for relation in relations:
        assert sum(cell is S for cell in relation) != 1
    # brute force on small tables: every hidden cell has two possible values given the shown ones
    hidden = [(r, c) for r in range(rows) for c in range(2) if grid[r][c] is S]
    if 0 < len(hidden) <= 3:
        found = {cell: set() for cell in hidden}
        for values in product(range(0, 26), repeat=len(hidden)):
            trial = [[grid[r][0], grid[r][1]] for r in range(rows)]
            for (r, c), value in zip(hidden, values, strict=True):
                trial[r][c] = value
            full = [[w, m, w + m] for w, m in trial]
            full.append([sum(row[c] for row in full) for c in range(3)])
            if all(grid[r][c] is S or grid[r][c] == full[r][c] for r in range(rows + 1) for c in range(3)):
                for (r, c), value in zip(hidden, values, strict=True):
                    found[(r, c)].add(value)
        assert all(len(values) >= 2 for values in found.values())


def test_events_are_protected_on_distinct_persons():
    # Norr: one woman with 6 visits, 5 women with one visit each... and 5 men once each.
    # Syd: 6 women once each, 5 men once each.
    woman = pnr("700101", 1, False)
    lines = ["personnummer;område"] + [f"{woman};Norr"] * 6
    lines += [f"{pnr('710101', n, False)};Syd" for n in range(6)]
    lines += [f"{pnr('720101', n, True)};Norr" for n in range(5)]
    lines += [f"{pnr('730101', n, True)};Syd" for n in range(5)]
    # the same man written with twelve digits and a separator is still one person
    lines += [f"19{pnr('720101', 0, True)}".replace("-", "") + ";Norr"]
    result = aggregate(csv_rows("\n".join(lines)), Spec("personnummer", PERSONNUMMER, ("område",)), today=TODAY)
    assert result.cells.counts == (("Norr", 6, 6), ("Syd", 6, 5))
    assert result.cells.persons == (("Norr", 1, 5), ("Syd", 6, 5))
    table = protect(result.cells)
    # one woman in Norr is hidden (6 rows or not), and so is her row count
    assert table.persons.cell("Norr", "K") is S and table.counts.cell("Norr", "K") is S
    hidden_persons = table.persons.suppressed()
    assert table.counts.suppressed() == hidden_persons


def test_a_line_csv_cannot_read_is_one_swedish_line():
    with pytest.raises(FileError, match="kan inte läsas som CSV"):
        csv_rows("a;b\n" + "x" * 200_000 + "\n")

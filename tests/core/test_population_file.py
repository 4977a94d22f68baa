"""The population file in SCB's BE0101N1 CSV shape (docs/formats.md, "Folkmängd")."""

import pytest

from lika.core.population_file import PopulationRow, parse_population

HEAD = '"Folkmängden efter region, ålder, kön och år"\n\n"region","ålder","kön","2025","2026"\n'


def parse(text):
    return parse_population(text.splitlines(keepends=True))


def test_the_wide_shape_with_title_total_rows_and_an_open_age():
    result = parse(HEAD + '"0188 Norrtälje","7 år","män",312,318\n"0188 Norrtälje","100+ år","kvinnor","9","11"\n'
                   '"0188 Norrtälje","totalt ålder","kvinnor",31000,31200\n"0188 Norrtälje","7 år","totalt",600,601\n')
    assert result.errors == ()
    assert result.region == "0188 Norrtälje"
    assert result.rows == (PopulationRow(2025, "M", 7, 7, 312), PopulationRow(2026, "M", 7, 7, 318),
                           PopulationRow(2025, "F", 100, None, 9), PopulationRow(2026, "F", 100, None, 11))


def test_the_long_shape_with_semicolons_and_a_bom():
    result = parse("\ufeffregion;ålder;kön;år;Folkmängd\n0188;7;2;2026;301\n0188;8 år;1;2026;1 204\n")
    assert result.errors == ()
    assert result.rows == (PopulationRow(2026, "F", 7, 7, 301), PopulationRow(2026, "M", 8, 8, 1204))


@pytest.mark.parametrize("line, message", [
    ('"0188 Norrtälje","7 år","okänt",1,1', "okänt kön"),
    ('"0188 Norrtälje","sju år","män",1,1', "okänd ålder"),
    ('"0188 Norrtälje","7 år","män","..",1', "antalet '..' för 2025"),
    ('"0188 Norrtälje","7 år","män",-3,1', "ska vara ett heltal ≥ 0"),
    ('"0180 Stockholm","7 år","män",1,1', "filen ska gälla en region"),
    ('"0188 Norrtälje","7 år"', "raden har 2 fält"),
])
def test_bad_lines_are_named_and_nothing_is_kept(line, message):
    result = parse(HEAD + '"0188 Norrtälje","8 år","män",1,1\n' + line + "\n")
    assert result.rows == ()
    assert [number for number, _ in result.errors] == [5]
    assert message in result.errors[0][1]


def test_the_same_age_twice_is_an_error_on_the_second_line():
    result = parse(HEAD + '"R","7 år","män",1,1\n"R","7 år","män",2,2\n')
    assert result.errors[0][0] == 5 and "finns redan på rad 4" in result.errors[0][1]


@pytest.mark.parametrize("text, message", [
    ("", "saknar rubrikraden"),
    ('"region","ålder","2025"\n', "kolumnen 'kön' saknas"),
    ('"region","ålder","kön","antal"\n', "ingen kolumn för ett år"),
    (HEAD, "inga rader med folkmängd"),
])
def test_files_that_are_not_population_files(text, message):
    result = parse(text)
    assert result.rows == () and message in result.errors[0][1]

import pytest

from lika.core.norms import NormTableError, age_band, parse_norm_table
from lika.norms.files import read_table_file, shipped_files, shipped_tables

# Verified = read in Socialstyrelsen's table or the förordning itself (docs/calculate.md,
# "Normtabellernas källor").  2022 and 2023 come from municipal pages only: provisional.
VERIFIED_YEARS = {2017, 2019, 2021}
SHIPPED_YEARS = set(range(2017, 2027))


def test_every_verified_year_in_facts_is_shipped_as_verified():
    tables = shipped_tables()
    assert set(tables) == SHIPPED_YEARS  # README: 2017–2026, every year
    assert {y for y, t in tables.items() if t.status == "verified"} == VERIFIED_YEARS


def test_years_from_municipal_pages_are_provisional_and_say_so():
    tables = shipped_tables()
    for year in (2022, 2023):
        assert tables[year].status == "provisional"
        assert "inte kontrollerad mot förordningen" in tables[year].source
        # the cells the page printed are not estimates; only the missing without-lunch cells are
        assert tables[year].estimated == frozenset(f"personal_without_lunch.{b}" for b in ("0", "1-2", "3", "4-6"))
        assert not tables[year].is_estimated("adults.single")


def test_2018_and_2020_are_derived_and_every_cell_is_marked_estimated():
    tables = shipped_tables()
    for year in (2018, 2020):
        assert tables[year].status == "provisional"
        assert len(tables[year].estimated) == 21
        assert "Härledd" in tables[year].source


def test_2024_to_2026_are_shipped_as_provisional_with_their_estimates_listed():
    tables = shipped_tables()
    for year in (2024, 2025, 2026):
        assert tables[year].status == "provisional"
        assert tables[year].estimated
    assert "adults.single" not in tables[2026].estimated  # known from regeringen.se


def test_shipped_files_round_trip():
    for path in shipped_files():
        data = read_table_file(path)
        table = parse_norm_table(data)
        assert parse_norm_table(table.as_dict()) == table


@pytest.mark.parametrize(("age", "band"), [(0, "0"), (1, "1-2"), (2, "1-2"), (3, "3"), (4, "4-6"), (6, "4-6"),
                                           (7, "7-10"), (10, "7-10"), (11, "11-14"), (15, "15-18"),
                                           (18, "15-18"), (19, "19-20"), (20, "19-20")])
def test_age_bands(age, band):
    assert age_band(age) == band


def _table(**changes):
    data = shipped_tables()[2021].as_dict()
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "guessed"}, "status"),
        ({"source": ""}, "källa"),
        ({"year": "x"}, "år"),
        ({"personal": {"0": 100}}, "saknas"),
        ({"adults": {"single": -5, "cohabiting": 100}}, "större än noll"),
        ({"adults": {"single": "1.001", "cohabiting": 100}}, "två decimaler"),
        ({"household": {"1": 500, "2": 400, "3": 600, "4": 700, "5": 800, "6": 900, "7": 1000}}, "öka"),
        ({"estimated": ["personal.99"]}, "cellnamn"),
    ],
)
def test_bad_norm_tables_are_refused_with_a_reason(changes, message):
    with pytest.raises(NormTableError, match=message):
        parse_norm_table(_table(**changes))


def test_lunch_variant_cannot_exceed_the_full_amount():
    data = _table()
    data["personal_without_lunch"] = dict(data["personal_without_lunch"], **{"0": 99999})
    with pytest.raises(NormTableError, match="utan lunch"):
        parse_norm_table(data)

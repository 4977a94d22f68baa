"""`lika statistics import-history` and `lika kpi import` with bad input: exit code 2 and
one Swedish line, never a traceback, and nothing written (the rows are counted before and
after).  The reproduced tracebacks first, then generated input (docs/security.md)."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.households.models import Person
from lika.identity.personnummer import generate_fictional
from lika.statistics.models import ImportedKpiValue, PersonYear

pytestmark = pytest.mark.django_db
DB_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER = "manad;personnummer;fornamn;efternamn;enhet;belopp\n"
NUMBER = generate_fictional(date(1985, 3, 3), "F", 412)


def _rows():
    return (PersonYear.objects.count(), Person.objects.count(), ImportedKpiValue.objects.count(),
            AccessLogEntry.objects.count())


def refused(*args, **options):
    before = _rows()
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=StringIO(), stderr=StringIO(), **options)
    message = str(info.value)
    assert info.value.returncode == 2 and "\n" not in message and len(message) < 300, message
    assert _rows() == before, "nothing written"
    return message


def done_or_refused(*args, **options):
    before = _rows()
    try:
        call_command(*args, stdout=StringIO(), stderr=StringIO(), **options)
    except CommandError as error:
        assert error.returncode == 2 and "\n" not in str(error) and len(str(error)) < 300, str(error)
        assert _rows() == before, "nothing written when refused"


# --- lika statistics import-history --------------------------------------------------------


@pytest.mark.parametrize(("amount", "message"), [
    ("9" * 20, "inget rimligt belopp"),  # was an integer overflow when written (SQLite, PostgreSQL)
    ("9" * 5000, "fler än 40 tecken"),  # was ValueError: Exceeds the limit (4300 digits)
    ("10000000,01", "högst 10 000 000,00 kr"),
    ("1e999999999", "inget rimligt belopp"),
])
def test_history_amounts_are_bounded(admin_user, unit_a, tmp_path, amount, message):
    path = tmp_path / "historik.csv"
    path.write_text(HEADER + f"2025-01;{NUMBER};Eva;Berg;norr;{amount}\n", encoding="utf-8")
    assert message in refused("statistics", "import-history", str(path), user="ada")


def test_history_long_names_and_broken_csv_are_one_line(admin_user, unit_a, tmp_path):
    path = tmp_path / "historik.csv"
    path.write_text(HEADER + f"2025-01;{NUMBER};{'E' * 101};Berg;norr;100\n", encoding="utf-8")
    assert "högst 100 tecken" in refused("statistics", "import-history", str(path), user="ada")
    path.write_text(HEADER + f'2025-01;{NUMBER};"{"x" * 200_000}";Berg;norr;100\n', encoding="utf-8")
    assert "trasig CSV" in refused("statistics", "import-history", str(path), user="ada")
    path.write_text(HEADER + f"2025-01;{NUMBER};Eva\x00;Berg;norr;100\n", encoding="utf-8")
    assert "NUL" in refused("statistics", "import-history", str(path), user="ada")


fields = st.one_of(st.text(max_size=15), st.from_regex(r"[0-9 ,.eE+-]{1,30}", fullmatch=True),
                   st.sampled_from(["2025-01", "2025-13", NUMBER, "norr", "9" * 5000, "1e999999999", "Eva"]))


@DB_SETTINGS
@given(rows=st.lists(st.lists(fields, min_size=5, max_size=7), max_size=3))
def test_generated_history_files_are_read_whole_or_refused_whole(admin_user, unit_a, tmp_path, rows):
    path = tmp_path / "historik.csv"
    path.write_text(HEADER + "".join(";".join(row) + "\n" for row in rows), encoding="utf-8")
    done_or_refused("statistics", "import-history", str(path), user="ada")


# --- lika kpi import -----------------------------------------------------------------------


def _kpi_file(value_text):
    document = {"format": "lika-kpi", "version": 1, "values": [
        {"kpi": "N31807", "municipality": "0180", "period": "2025", "values": [{"gender": "T", "value": "V"}]}]}
    return json.dumps(document).replace('"V"', value_text)


@pytest.mark.parametrize(("value", "message"), [
    ("1e999999999", "value ska vara ett decimaltal"),  # was decimal.Overflow
    ("9" * 5000, "fler än 40 tecken"),
])
def test_kpi_import_bounds_numbers(tmp_path, value, message):
    path = tmp_path / "kpi.json"
    path.write_text(_kpi_file(value), encoding="utf-8")
    assert message in refused("kpi", "import", str(path))
    path = tmp_path / "kpi.csv"
    path.write_text(f"kpi;municipality;period;gender;count;value;status\nN31807;0180;2025;T;{'9' * 5000};1;\n")
    assert "högst 15 siffror" in refused("kpi", "import", str(path))


def test_kpi_import_refuses_a_file_above_the_limit(tmp_path):
    path = tmp_path / "kpi.json"
    with open(path, "wb") as handle:
        handle.truncate(21 * 1000 * 1000)
    assert "större än 20 MB" in refused("kpi", "import", str(path))


json_numbers = st.one_of(st.integers().map(str), st.decimals(allow_nan=False, allow_infinity=False).map(str),
                         st.from_regex(r"-?[0-9]{1,30}(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,12})?", fullmatch=True),
                         st.sampled_from(['"x"', "null", "[]", "{}", "true"]))


@DB_SETTINGS
@given(value=json_numbers, count=json_numbers)
def test_generated_kpi_files_are_read_whole_or_refused_whole(tmp_path, value, count):
    path = tmp_path / "kpi.json"
    path.write_text(_kpi_file(value).replace('"gender": "T"', f'"gender": "T", "count": {count}'), encoding="utf-8")
    done_or_refused("kpi", "import", str(path))


@DB_SETTINGS
@given(rows=st.lists(st.lists(st.one_of(st.text(max_size=12), fields), min_size=6, max_size=8), max_size=3))
def test_generated_kpi_csv_files_are_read_whole_or_refused_whole(tmp_path, rows):
    path = tmp_path / "kpi.csv"
    path.write_text("kpi;municipality;period;gender;count;value;status\n"
                    + "".join(";".join(row) + "\n" for row in rows), encoding="utf-8")
    done_or_refused("kpi", "import", str(path))

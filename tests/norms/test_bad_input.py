"""`lika calculate` and `lika load-norm-table` with bad input: exit code 2 and one Swedish
line, never a traceback, and (load-norm-table) nothing written (docs/security.md, "Bad input
and faults").  The reproduced tracebacks first, then generated input."""

import json
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.core.limits import MAX_JSON_INPUT
from lika.norms.models import NormTableVersion
from tests.norms.test_calculate_command import EXAMPLE

pytestmark = pytest.mark.django_db
DB_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def calculate_text(text):
    """Run `lika calculate -` on ``text``: the output, or the CommandError it ended with."""
    out, stdin = StringIO(), sys.stdin
    try:
        sys.stdin = StringIO(text)
        call_command("calculate", "-", stdout=out)
    finally:
        sys.stdin = stdin
    return out.getvalue()


def refused(call, *args, **options):
    """``call(*args, **options)`` ends with exit code 2 and one line; the line."""
    with pytest.raises(CommandError) as info:
        call(*args, **options)
    message = str(info.value)
    assert info.value.returncode == 2 and "\n" not in message and len(message) < 300, message
    return message


def with_amount(number_text):
    """The example household with its rent written as ``number_text`` (raw JSON)."""
    return json.dumps(EXAMPLE).replace('"amount": 7500', f'"amount": {number_text}')


@pytest.mark.parametrize(("number", "message"), [
    ("9" * 5000, "fler än 40 tecken"),  # was ValueError: Exceeds the limit (4300 digits)
    ("1e999999999", "inget rimligt belopp"),  # was decimal.Overflow
    ("1e-999999999", "fler än två decimaler"),  # was read as 0 kr
    ("10000000.01", "högst 10 000 000,00 kr"),
    ("-5", "negativt"),
])
def test_reproduced_amounts_are_one_line(number, message):
    assert with_amount(number) != json.dumps(EXAMPLE)
    assert message in refused(calculate_text, with_amount(number))


def test_deep_nesting_is_one_line():
    # was RecursionError: maximum recursion depth exceeded while decoding a JSON array
    assert "nästlad" in refused(calculate_text, "[" * 100_000 + "]" * 100_000)
    assert "nästlad" in refused(calculate_text, json.dumps({**EXAMPLE, "x": [[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]}))


def test_an_input_above_the_limit_is_refused_before_it_is_read(tmp_path):
    # a 50 MB input once used 2.3 GB and 84 s; now the size is checked first (fstat)
    path = tmp_path / "big.json"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1000 * 1000)  # sparse: 50 MB without writing them
    assert "större än 1 MB" in refused(call_command, "calculate", str(path))
    # standard input: at most 1 MB + 1 byte is read
    assert "större än 1 MB" in refused(calculate_text, " " * (MAX_JSON_INPUT + 1))


def test_nul_and_bad_utf8_are_one_line(tmp_path):
    assert "NUL" in refused(calculate_text, json.dumps(EXAMPLE)[:-1] + ',"x\x00": 1}')
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps({**EXAMPLE, "month": "2021-05"}).encode() + "å".encode("latin-1"))
    assert "UTF-8" in refused(call_command, "calculate", str(path))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.decimals(allow_nan=False, allow_infinity=False).map(str),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)
amount_texts = st.one_of(
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.from_regex(r"-?[0-9]{1,30}(\.[0-9]{0,30})?([eE][+-]?[0-9]{1,12})?", fullmatch=True),
    st.sampled_from(["1e999999999", "-1e999999999", "1e-999999999", "9" * 5000, "0.001", "1E+15"]),
)


def _no_traceback(text):
    try:
        calculate_text(text)
    except CommandError as error:
        assert error.returncode == 2 and "\n" not in str(error) and len(str(error)) < 300, str(error)


@DB_SETTINGS
@given(amount=amount_texts)
def test_generated_amounts_give_a_result_or_one_line(amount):
    _no_traceback(with_amount(amount))


@DB_SETTINGS
@given(data=json_values, where=st.sampled_from(["month", "members", "costs", "incomes", "payment", "household_size"]))
def test_generated_json_gives_a_result_or_one_line(data, where):
    _no_traceback(json.dumps({**EXAMPLE, where: data}, default=str))


@DB_SETTINGS
@given(text=st.text(max_size=200))
def test_generated_text_gives_a_result_or_one_line(text):
    _no_traceback(text)


# --- lika load-norm-table ---------------------------------------------------------------


@pytest.fixture
def norm_file(tmp_path):
    from lika.norms.files import shipped_tables

    data = shipped_tables()[2026].as_dict()
    data.update(status="verified", source="SFS 2025:9999 (fiktivt i testet)", estimated=[])
    return tmp_path / "riksnorm-2026.json", data


def _rows():
    return NormTableVersion.objects.count(), AccessLogEntry.objects.count()


@pytest.mark.parametrize("number", ["9" * 5000, "1e999999999", "31000.5", "-1"])
def test_load_norm_table_bounds_amounts(admin_user, norm_file, number):
    path, data = norm_file
    key = next(iter(data["personal"]))
    data["personal"][key] = "AMOUNT"
    path.write_text(json.dumps(data).replace('"AMOUNT"', number))
    before = _rows()
    refused(call_command, "load_norm_table", str(path), user="ada", note="x")
    assert _rows() == before


@DB_SETTINGS
@given(value=json_values, section=st.sampled_from(["year", "status", "source", "personal", "household",
                                                    "personal_without_lunch", "estimated"]))
def test_generated_norm_tables_are_loaded_or_refused_whole(admin_user, norm_file, value, section):
    path, data = norm_file
    path.write_text(json.dumps({**data, section: value}, default=str))
    before = _rows()
    try:
        call_command("load_norm_table", str(path), user="ada", note="x", stdout=StringIO())
    except CommandError as error:
        assert error.returncode == 2 and "\n" not in str(error)
        assert _rows() == before, "nothing written when refused"

"""`lika calculate`: the public JSON contract (docs/calculate.md)."""

import json
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

EXAMPLE = {
    "month": "2021-05",
    "members": [{"role": "adult", "birth_date": "1985-02-03", "cohabiting": True},
                {"role": "adult", "birth_date": "1987-07-12", "cohabiting": True},
                {"role": "child", "birth_date": "2017-01-10", "lunch_at_home": False, "days_present": 30},
                {"role": "child", "birth_date": "2013-03-01"}],
    "costs": [{"type": "housing", "amount": 7500}, {"type": "electricity", "amount": 350}],
    "incomes": [{"type": "child_allowance", "amount": 2500},
                {"type": "salary", "amount": 8000, "member": 0, "job_incentive": True}],
    "payment": {"mode": "equal"},
}


def run(data, *args):
    path_or_text = data if isinstance(data, str) else json.dumps(data)
    out = StringIO()
    stdin = sys.stdin
    try:
        sys.stdin = StringIO(path_or_text)
        call_command("calculate", "-", *args, stdout=out)
    finally:
        sys.stdin = stdin
    return out.getvalue()


def result(data):
    return json.loads(run(data), parse_float=Decimal)


@pytest.mark.django_db
def test_reproduces_the_2021_table_for_a_couple_with_children_4_and_8():
    data = dict(EXAMPLE)
    data["members"] = [*EXAMPLE["members"][:2], {"role": "child", "birth_date": "2017-01-10"},
                       EXAMPLE["members"][3]]
    out = result(data)
    assert [p["amount"] for p in out["personal_costs"]] == [5700, 2440, 3060]
    assert out["household_costs"] == 1610
    assert (out["norm_year"], out["norm_status"]) == (2021, "verified")


@pytest.mark.django_db
def test_output_has_the_documented_keys_and_balances():
    out = result(EXAMPLE)
    for key in ("norm_year", "norm_status", "personal_costs", "household_costs", "norm_total",
                "reasonable_costs", "income_total", "disregarded_income", "need", "support", "lines",
                "shares"):
        assert key in out
    # child 4 at preschool: 2 170 (utan lunch), child 8: 3 060
    assert out["norm_total"] == 5700 + 2170 + 3060 + 1610
    assert out["need"] == out["norm_total"] + 7850
    assert out["support"] == out["need"] - (10500 - 2000)
    assert sum(s["amount"] for s in out["shares"]) == out["support"]
    assert [s["member"] for s in out["shares"]] == [0, 1]


@pytest.mark.django_db
def test_decimal_amounts_and_direct_payments_are_exact():
    data = dict(EXAMPLE, costs=[{"type": "housing", "amount": 7500.55}],
                payment={"mode": "equal", "direct": [{"type": "housing", "amount": 7500.55, "payee": "Hyresvärd AB"}]})
    out = result(data)
    assert out["reasonable_costs"] == Decimal("7500.55")
    direct, first, second = out["shares"]
    assert direct == {"direct": "housing", "payee": "Hyresvärd AB", "amount": Decimal("7500.55")}
    assert abs(first["amount"] - second["amount"]) <= Decimal("0.01")
    assert direct["amount"] + first["amount"] + second["amount"] == out["support"]


@pytest.mark.django_db
def test_single_recipient_with_särskilda_skäl():
    data = dict(EXAMPLE, payment={"mode": "single", "recipient": 1, "reason": "violence_protection",
                                  "reason_text": "Skyddat boende."})
    out = result(data)
    assert out["shares"] == [{"member": 1, "amount": out["support"]}]
    assert out["payment"]["reason"] == "violence_protection"


@pytest.mark.django_db
def test_provisional_year_says_so():
    data = {"month": "2026-01", "members": [{"role": "adult", "birth_date": "1980-01-01"}]}
    out = result(data)
    assert out["norm_status"] == "provisional"
    assert out["warnings"]
    assert out["norm_total"] == 5220


@pytest.mark.django_db
def test_text_format_is_a_swedish_breakdown():
    text = run(EXAMPLE, "--format", "text")
    assert "Personliga kostnader, sambor/makar" in text
    assert "Försörjningsstöd" in text and "5\u00a0700" not in text  # plain spaces in the terminal
    assert "5 700,00 kr" in text


BAD_INPUT = [
    ("malformed JSON", "{bad", "ogiltig JSON"),
    ("unknown month", dict(EXAMPLE, month="2021-13"), "month"),
    ("year without norm table", dict(EXAMPLE, month="2016-01"), "ingen normtabell för 2016"),
    ("unknown cost type", dict(EXAMPLE, costs=[{"type": "yacht", "amount": 1}]), "okänd kostnadstyp"),
    ("unknown income type", dict(EXAMPLE, incomes=[{"type": "bingo", "amount": 1}]), "okänd inkomsttyp"),
    ("negative amount", dict(EXAMPLE, costs=[{"type": "housing", "amount": -1}]), "negativt"),
    ("three decimals", dict(EXAMPLE, costs=[{"type": "housing", "amount": 1.005}]), "två decimaler"),
    ("amount as text", dict(EXAMPLE, costs=[{"type": "housing", "amount": "100"}]), "tal i kronor"),
    ("member that does not exist", dict(EXAMPLE, incomes=[{"type": "salary", "amount": 1, "member": 9}]),
     "finns inte"),
    ("unknown key", dict(EXAMPLE, colour="red"), "okänd nyckel"),
    ("no members", dict(EXAMPLE, members=[]), "minst en medlem"),
    ("single without reason", dict(EXAMPLE, payment={"mode": "single", "recipient": 0}), "särskilda skäl"),
    ("unknown reason category", dict(EXAMPLE, payment={"mode": "single", "recipient": 0, "reason": "whim",
                                                        "reason_text": "x"}), "okänd kategori"),
    ("recipient who is a child", dict(EXAMPLE, payment={"mode": "single", "recipient": 2}), "vuxna"),
    ("direct payment above support", dict(EXAMPLE, payment={"mode": "equal", "direct": [
        {"type": "housing", "amount": 999999}]}), "större än det beviljade"),
    ("bad birth date", dict(EXAMPLE, members=[{"role": "adult", "birth_date": "1985-02-30"}]), "ÅÅÅÅ-MM-DD"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("description", "data", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_with_exit_code_2_and_a_reason(description, data, message):
    with pytest.raises(CommandError, match=message) as info:
        run(data)
    assert info.value.returncode == 2


def test_the_console_script_prints_one_line_and_exits_2_without_a_database(tmp_path):
    """A real process: no traceback, one line on stderr."""
    env = {"LIKA_SQLITE_PATH": str(tmp_path / "empty.sqlite3"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "lika", "calculate", "-"], input=json.dumps(EXAMPLE),
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "lika migrate" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    env = {"LIKA_SQLITE_PATH": str(tmp_path / "x.sqlite3"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "lika", "calculate", str(tmp_path / "nope.json")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert "kan inte läsa" in proc.stderr and "Traceback" not in proc.stderr

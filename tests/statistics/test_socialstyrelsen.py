"""The monthly file to Socialstyrelsen's register of ekonomiskt bistånd (docs/formats.md):
the hushållstyp codes, the checks that refuse a bad file, the rows built from a month of
decisions, and `lika report socialstyrelsen` writing it (or exit code 2)."""

import re
import stat
from dataclasses import replace
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import SupportObstacle
from lika.core.socialstyrelsen_file import (
    HEADER,
    OBSTACLE_CODES,
    RegisterFileError,
    RegisterHousehold,
    RegisterPerson,
    household_type,
    register_file,
    whole_kronor,
)
from lika.households.models import Person
from lika.identity.personnummer import FEMALE, MALE, generate_fictional
from lika.statistics.socialstyrelsen import register_households
from tests.cases.factories import PROTECTED_ADDRESS, couple_case, single_case

MONTH = date(2026, 3, 1)

# --- the pure part: codes and checks ------------------------------------------------------------


@pytest.mark.parametrize(("adults", "children", "code"), [
    ([], 2, 1),           # only children
    (["M"], 0, 3),        # single man without children
    (["M"], 1, 4),        # single man with children
    (["K"], 0, 5),        # single woman without children
    (["K"], 3, 6),        # single woman with children
    (["K", "M"], 0, 7),   # couple without children
    (["M", "K"], 2, 8),   # couple with children, whoever is first
    (["K", "K"], 0, 7),   # a couple is a couple whatever the genders
    (["M", "M"], 1, 8),
    ([], 0, 9),           # nobody: unknown
    (["X"], 0, 9),        # a kön that is neither K nor M: unknown, never guessed
    (["K", "M", "M"], 0, 9),
])
def test_household_type_codes(adults, children, code):
    assert household_type(adults, children) == code


@pytest.mark.parametrize(("ore", "kronor"), [(100, 1), (149, 1), (150, 2), (49, 0), (1234550, 12346),
                                             (1234549, 12345)])
def test_amounts_are_whole_kronor_half_up(ore, kronor):
    assert whole_kronor(ore) == kronor


def test_every_obstacle_category_has_exactly_one_code():
    assert set(OBSTACLE_CODES) == set(SupportObstacle.Category.values)
    codes = [code for code, _label in OBSTACLE_CODES.values()]
    assert len(set(codes)) == len(codes) and all(code.isdigit() for code in codes)


def _number(birth, gender, serial):
    return generate_fictional(birth, gender, serial)


WOMAN_NR = _number(date(1990, 4, 12), FEMALE, 10)
MAN_NR = _number(date(1988, 9, 3), MALE, 11)
CHILD_NR = _number(date(2019, 2, 1), FEMALE, 12)


def _couple(**changes):
    woman = RegisterPerson(WOMAN_NR, "K", adult=True, registerledare=True, obstacle="parental_leave")
    man = RegisterPerson(MAN_NR, "M", adult=True, obstacle="unemployed")
    child = RegisterPerson(CHILD_NR, "K", adult=False)
    household = RegisterHousehold(label="2026-000001", municipality="0180", granted=1234550,
                                  persons=(man, woman, child))
    return replace(household, **changes)


def test_a_couple_is_written_registerledare_first_with_the_amount_once():
    checked = register_file(2026, 3, [_couple()])
    lines = checked.text.split("\n")
    assert lines[0] == ";".join(HEADER) and lines[-1] == "" and len(lines) == 5
    assert lines[1:4] == [
        f"202603;0180;1;{WOMAN_NR};K;V;1;8;7;12346",
        f"202603;0180;1;{MAN_NR};M;V;0;8;1;",
        f"202603;0180;1;{CHILD_NR};K;B;0;8;;",
    ]
    assert (checked.households, checked.persons) == (1, 3)


def test_a_samordningsnummer_is_accepted():
    number = _number(date(1985, 6, 14), MALE, 20)
    coordination = number[:6] + f"{int(number[6:8]) + 60}" + number[8:11]
    # recompute the check digit over the ten-digit form
    body = coordination[2:11]
    digits = [int(c) * (2 - i % 2) for i, c in enumerate(body)]
    check = (10 - sum(d - 9 if d > 9 else d for d in digits) % 10) % 10
    single = RegisterHousehold("x", "0180", 500000, (
        RegisterPerson(f"{coordination}{check}", "M", adult=True, registerledare=True, obstacle="working"),))
    assert "85067" in register_file(2026, 3, [single]).text


def _man(**changes):
    return replace(_couple().persons[0], **changes)


def _woman(**changes):
    return replace(_couple().persons[1], **changes)


def _child(**changes):
    return replace(_couple().persons[2], **changes)


BAD_CHECK_DIGIT = MAN_NR[:-1] + str((int(MAN_NR[-1]) + 1) % 10)


@pytest.mark.parametrize(("household", "message"), [
    (_couple(persons=(_man(identity_number=BAD_CHECK_DIGIT), _woman(), _child())), "kontrollsiffra"),
    (_couple(persons=(_man(identity_number=MAN_NR[2:]), _woman(), _child())), "12 siffror"),
    (_couple(persons=(_man(identity_number=MAN_NR[:8] + "-" + MAN_NR[9:]), _woman(), _child())), "12 siffror"),
    (_couple(persons=(_man(identity_number="19881340" + MAN_NR[8:]), _woman(), _child())), "datum finns inte"),
    (_couple(persons=(_man(), _woman(), _child(identity_number=_number(date(2026, 4, 2), MALE, 3)))),
     "efter månaden"),
    (_couple(persons=(_man(gender="F"), _woman(), _child())), "kön ska vara K eller M"),
    (_couple(persons=(_man(gender=""), _woman(), _child())), "kön ska vara K eller M"),
    (_couple(persons=(_man(registerledare=True), _woman(), _child())), "2 registerledare"),
    (_couple(persons=(_man(), _woman(registerledare=False), _child())), "0 registerledare"),
    (_couple(persons=(_man(), _woman(registerledare=False), _child(registerledare=True))),
     "registerledaren ska vara en av de vuxna"),
    (_couple(persons=(_man(obstacle=""), _woman(), _child())), "försörjningshinder saknas"),
    (_couple(persons=(_man(), _woman(obstacle="lazy"), _child())), "okänt försörjningshinder"),
    (_couple(persons=(_man(), _woman(), _child(obstacle="none"))), "bara för vuxna"),
    (_couple(persons=(_man(), _woman(), _man())), "samma personnummer"),
    (_couple(persons=(_man(), _woman(), replace(_man(identity_number=CHILD_NR), obstacle="none"))),
     "fler än två vuxna"),
    (_couple(municipality="180"), "kommunkoden"),
    (_couple(granted=0), "inget beviljat belopp"),
    (_couple(persons=()), "ingen person"),
])
def test_a_bad_row_refuses_the_whole_file_with_one_clear_line(household, message):
    with pytest.raises(RegisterFileError) as error:
        register_file(2026, 3, [_couple(label="2026-000009"), household])
    text = str(error.value)
    assert message in text and "ärende 2026-000001" in text and "\n" not in text
    assert "2026-000009" not in text, "only the bad household is named"
    assert not any(number in text for number in (MAN_NR, WOMAN_NR, CHILD_NR, BAD_CHECK_DIGIT)), \
        "the message never shows a personnummer"


def test_many_problems_are_listed_up_to_five_then_counted():
    bad = [_couple(label=f"2026-{i:06d}", municipality="x") for i in range(8)]
    with pytest.raises(RegisterFileError, match=r"\(och 3 fel till\)"):
        register_file(2026, 3, bad)


def test_an_empty_month_is_a_header_only_file():
    checked = register_file(2026, 3, [])
    assert checked.text == ";".join(HEADER) + "\n" and checked.persons == 0


# --- rows from a month of decisions --------------------------------------------------------------


def _apply(case, user, applicant, obstacles, *, month=MONTH, housing=700050):
    application = services.application_create(acting_user=user, case=case, month=month, applicant=applicant,
                                              joint=False)
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", housing)],
                                      obstacles={p.pk: category for p, category in obstacles.items()})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application


def _decide(application, user, outcome="granted", change_reason=""):
    rows = len(decisions.need_lines(application.calculations.get(superseded_at__isnull=True)))
    lines = [LineDecision(outcome, reason="" if outcome == "granted" else "Behovet är tillgodosett")] * rows
    return decisions.decision_make(acting_user=user, application=application, lines=lines,
                                   change_reason=change_reason, acknowledge_provisional=True)


@pytest.fixture
def march(unit_a, alice):
    """March 2026: two couples (one applied by the man, one by the woman, who has protected
    identity), a single woman, a single man whose stored kön differs from his number's digit,
    and three that must not be reported: withdrawn, avslag, and the next month."""
    made = {}
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, woman_first=True)
    _decide(_apply(case, alice, man, {man: "unemployed", woman: "parental_leave"}), alice)
    made["man_applied"] = (case, woman, man, kids)
    case, woman, man, kids = couple_case(unit_a, case_worker=alice, protected_woman=True, children=1)
    _decide(_apply(case, alice, woman, {woman: "sick_certified", man: "working"}), alice)
    made["woman_applied"] = (case, woman, man, kids)
    case, eva = single_case(unit_a, gender=FEMALE, case_worker=alice)
    _decide(_apply(case, alice, eva, {eva: "unemployed_establishment"}), alice)
    made["single_woman"] = (case, eva)
    case, kim = single_case(unit_a, gender=MALE, case_worker=alice)
    Person.objects.filter(pk=kim.pk).update(legal_gender=FEMALE)  # changed legal sex, old number kept
    _decide(_apply(case, alice, kim, {kim: "none"}), alice)
    made["changed_legal_sex"] = (case, kim)
    case, erik = single_case(unit_a, gender=MALE, case_worker=alice)
    services.application_withdraw(acting_user=alice, application=_apply(case, alice, erik, {erik: "unemployed"}))
    made["withdrawn"] = (case, erik)
    case, erik = single_case(unit_a, gender=MALE, case_worker=alice)
    _decide(_apply(case, alice, erik, {erik: "unemployed"}), alice, outcome="refused")
    made["avslag"] = (case, erik)
    case, erik = single_case(unit_a, gender=MALE, case_worker=alice)
    _decide(_apply(case, alice, erik, {erik: "unemployed"}, month=date(2026, 4, 1)), alice)
    made["april"] = (case, erik)
    return made


def _rows(month=MONTH):
    text = register_file(month.year, month.month, register_households(month)).text
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == ";".join(HEADER)
    return text, [dict(zip(HEADER, line.split(";"), strict=True)) for line in lines[1:]]


def _by_number(rows):
    return {row["personnummer"]: row for row in rows}


def test_the_month_reports_every_granted_person_with_own_kon_and_hinder(march):
    _text, rows = _rows()
    by_number = _by_number(rows)
    case, woman, man, kids = march["man_applied"]
    assert by_number[woman.identity_number]["kon"] == "K" and by_number[man.identity_number]["kon"] == "M"
    assert by_number[man.identity_number]["forsorjningshinder"] == OBSTACLE_CODES["unemployed"][0]
    assert by_number[woman.identity_number]["forsorjningshinder"] == OBSTACLE_CODES["parental_leave"][0]
    for kid in kids:
        assert by_number[kid.identity_number]["roll"] == "B"
        assert by_number[kid.identity_number]["forsorjningshinder"] == ""
    assert {by_number[p.identity_number]["hushallstyp"] for p in (woman, man, *kids)} == {"8"}
    _case, woman, man, kids = march["woman_applied"]
    assert by_number[woman.identity_number]["forsorjningshinder"] == OBSTACLE_CODES["sick_certified"][0]
    assert by_number[man.identity_number]["forsorjningshinder"] == OBSTACLE_CODES["working"][0]
    _case, eva = march["single_woman"]
    assert by_number[eva.identity_number]["hushallstyp"] == "5"
    assert len(rows) == 4 + 3 + 1 + 1


def test_registerledare_is_the_applicant_on_exactly_one_adult_whatever_the_gender(march):
    _text, rows = _rows()
    households = {}
    for row in rows:
        households.setdefault(row["hushall"], []).append(row)
    for members in households.values():
        leaders = [row for row in members if row["registerledare"] == "1"]
        assert len(leaders) == 1 and leaders[0]["roll"] == "V" and leaders[0] is members[0]
        assert leaders[0]["belopp"] != "" and all(row["belopp"] == "" for row in members[1:])
    by_number = _by_number(rows)
    assert by_number[march["man_applied"][2].identity_number]["registerledare"] == "1"
    assert by_number[march["man_applied"][1].identity_number]["registerledare"] == "0"
    assert by_number[march["woman_applied"][1].identity_number]["registerledare"] == "1"
    assert by_number[march["woman_applied"][2].identity_number]["registerledare"] == "0"


def test_kon_is_the_stored_legal_gender_never_the_digit(march):
    _case, kim = march["changed_legal_sex"]
    assert int(kim.identity_number[-2]) % 2 == 1, "the number says man"
    row = _by_number(_rows()[1])[kim.identity_number]
    assert row["kon"] == "K" and row["hushallstyp"] == "5"
    assert row["forsorjningshinder"] == OBSTACLE_CODES["none"][0]


def test_a_protected_person_is_reported_but_no_address_or_name_is_anywhere(march):
    text, rows = _rows()
    _case, woman, _man, _kids = march["woman_applied"]
    assert woman.protected_identity and woman.identity_number in _by_number(rows)
    for forbidden in (PROTECTED_ADDRESS, "Storgatan", "99999", woman.first_name, woman.last_name):
        assert forbidden not in text
    for line in text.rstrip("\n").split("\n")[1:]:
        assert re.fullmatch(r"[0-9]{6};[0-9]{4};[0-9]+;[0-9]{12};[KM];[VB];[01];[1-9];[0-9]*;[0-9]*", line)


def test_withdrawn_avslag_and_other_months_are_not_reported(march):
    numbers = _by_number(_rows()[1])
    for name in ("withdrawn", "avslag", "april"):
        assert march[name][1].identity_number not in numbers
    assert march["april"][1].identity_number in _by_number(_rows(date(2026, 4, 1))[1])


def test_amount_is_the_granted_amount_in_whole_kronor(march):
    _text, rows = _rows()
    case, *_ = march["man_applied"]
    decision = case.applications.get().decisions.get()
    assert decision.granted_amount % 100 == 50, "the housing cost's 50 öre reach the amount"
    leader = _by_number(rows)[case.registerledare.identity_number]
    assert leader["belopp"] == str(decision.granted_amount // 100 + 1)


def test_only_the_latest_issued_decision_counts(march, alice, bob, settings):
    case, woman, man, _kids = march["man_applied"]
    application = case.applications.get()
    first = application.decisions.get()
    # an omprövning: a new calculation and a decision above the delegation, waiting for bob
    decisions.decision_change_start(acting_user=alice, decision=first)
    application.refresh_from_db()
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 900000)],
                                      obstacles={man.pk: "working", woman.pk: "parental_leave"})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1
    second = _decide(application, alice, change_reason="Ny hyra")
    assert second.status == "awaiting_approval" and second.supersedes_id == first.pk
    amount = _by_number(_rows()[1])[man.identity_number]["belopp"]
    assert amount == str(whole_kronor(first.granted_amount)), "a decision not yet issued changes nothing"
    decisions.decision_approve(acting_user=bob, decision=second, acknowledge_provisional=True)
    row = _by_number(_rows()[1])[man.identity_number]
    assert row["belopp"] == str(whole_kronor(second.granted_amount)) != amount
    assert row["forsorjningshinder"] == OBSTACLE_CODES["working"][0]
    assert sum(r["registerledare"] == "1" for r in _rows()[1]) == 4, "still one row per household"


def test_the_query_count_does_not_grow_with_households(march, django_assert_num_queries):
    with django_assert_num_queries(3):
        households = register_households(MONTH)
    assert len(households) == 4


# --- the command ---------------------------------------------------------------------------------


def report(*args):
    out, err = StringIO(), StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_writes_the_checked_file_and_one_log_row(march, tmp_path, stina):
    target = tmp_path / "ss.csv"
    target.write_text("gammal fil", encoding="utf-8")  # a rerun replaces the month's file
    out, _err = report("socialstyrelsen", "--month", "2026-03", "--output", str(target), "--user", "stina")
    assert f"Skrev {target}: 9 personer i 4 hushåll (2026-03)." in out
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8") == _rows()[0]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["ss.csv"], "no temporary file left"
    (entry,) = AccessLogEntry.objects.filter(object_type="socialstyrelsen_report")
    assert entry.action == "export" and entry.actor == stina and entry.object_id == "2026-03"
    assert entry.new_values["persons"] == 9 and entry.new_values["households"] == 4
    assert entry.person_id is None and entry.household_id is None
    logged = f"{entry.summary} {entry.new_values}"
    assert not any(p.identity_number in logged for p in Person.objects.all()), "the log lists no person"


def test_the_default_file_is_under_var_reports(march, tmp_path, settings):
    settings.BASE_DIR = tmp_path
    out, _err = report("socialstyrelsen", "--month", "2026-03")
    path = tmp_path / "var" / "reports" / "socialstyrelsen-2026-03.csv"
    assert path.exists() and str(path) in out
    assert AccessLogEntry.objects.get(object_type="socialstyrelsen_report").actor_name == "system"


def test_an_empty_month_writes_a_header_only_file_and_says_so(db, tmp_path):
    target = tmp_path / "tom.csv"
    out, err = report("socialstyrelsen", "--month", "2030-01", "--output", str(target))
    assert target.read_text(encoding="utf-8") == ";".join(HEADER) + "\n"
    assert "0 personer i 0 hushåll" in out and "bara rubrikraden" in err


@pytest.mark.parametrize(("args", "message"), [
    (["socialstyrelsen", "--month", "2026-13"], "--month ska skrivas ÅÅÅÅ-MM"),
    (["socialstyrelsen", "--month", "2026-3"], "--month ska skrivas ÅÅÅÅ-MM"),
    (["socialstyrelsen", "--month", "mars"], "--month ska skrivas ÅÅÅÅ-MM"),
    (["socialstyrelsen", "--month", "2026-03-01"], "--month ska skrivas ÅÅÅÅ-MM"),
    (["socialstyrelsen"], "ange --month"),
    (["kolada", "--month", "2026-03"], "okänd rapport"),
    ([], "ange rapporten"),
    (["socialstyrelsen", "--month", "2026-03", "--user", "nobody"], "finns inte"),
    (["socialstyrelsen", "--month", "2026-03", "--output", "{tmp}/saknas/ss.csv"], "finns inte"),
    (["socialstyrelsen", "--month", "2026-03", "--output", "{tmp}"], "är en katalog"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(march, tmp_path, args, message):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if "--output" not in args and args[:1] == ["socialstyrelsen"]:
        args += ["--output", str(tmp_path / "ss.csv")]
    with pytest.raises(CommandError) as error:
        report(*args)
    assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(object_type="socialstyrelsen_report").exists()


def test_a_file_that_fails_its_checks_is_never_written(march, tmp_path):
    _case, eva = march["single_woman"]
    Person.objects.filter(pk=eva.pk).update(legal_gender="X")
    target = tmp_path / "ss.csv"
    with pytest.raises(CommandError) as error:
        report("socialstyrelsen", "--month", "2026-03", "--output", str(target))
    text = str(error.value)
    assert error.value.returncode == 2 and "kön ska vara K eller M" in text and "\n" not in text
    assert march["single_woman"][0].reference in text and eva.identity_number not in text
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(object_type="socialstyrelsen_report").exists()

"""The monthly files to Socialstyrelsen's register of ekonomiskt bistånd (HSLF-FS 2015:30,
docs/formats.md): the code lists, the checks that refuse a bad file, the validator that
reads a written file back, the rows built from a month of decisions and payments (paid,
not granted: a changed decision and a returned payment among them), the labour-market
measures, the reasons for leaving support, and `lika report` writing them (or exit 2)."""

import re
import stat
from dataclasses import replace
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import Case, SupportObstacle
from lika.core.socialstyrelsen_file import (
    EXIT_CODES,
    EXIT_HEADER,
    HEADER,
    MEASURE_CODES,
    OBSTACLE_CODES,
    ExitHousehold,
    RegisterFileError,
    RegisterHousehold,
    RegisterPerson,
    exit_file,
    household_type,
    measure_code,
    register_file,
    validate_exit_text,
    validate_register_text,
    whole_kronor,
)
from lika.households.models import HouseholdMembership, Person
from lika.identity.personnummer import FEMALE, MALE, generate_fictional
from lika.payments import services as payments
from lika.payments.models import PaymentOrder, PaymentRun
from lika.plans import services as plans
from lika.plans.models import PlanActivity
from lika.statistics.socialstyrelsen import exit_households, register_households
from tests.cases.factories import PROTECTED_ADDRESS, couple_case, person, single_case

MONTH = date(2026, 3, 1)

# --- the pure part: codes and checks ------------------------------------------------------------


@pytest.mark.parametrize(("parties", "children", "code"), [
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
def test_household_type_codes(parties, children, code):
    assert household_type(parties, children) == code


@pytest.mark.parametrize(("ore", "kronor"), [(100, 1), (149, 1), (150, 2), (49, 0), (1234550, 12346),
                                             (1234549, 12345)])
def test_amounts_are_whole_kronor_half_up(ore, kronor):
    assert whole_kronor(ore) == kronor


def test_every_obstacle_category_has_exactly_one_code_and_unemployment_keeps_three_kinds():
    assert set(OBSTACLE_CODES) == set(SupportObstacle.Category.values)
    codes = [code for code, _label in OBSTACLE_CODES.values()]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"[1-6][1-9]", code) for code in codes)
    unemployed = {OBSTACLE_CODES[c][0] for c in ("unemployed", "unemployed_insufficient", "unemployed_waiting")}
    assert unemployed == {"11", "12", "13"}, "three distinct codes under the main category arbetslös"


def test_every_close_reason_and_measure_has_one_code():
    assert set(EXIT_CODES) == set(Case.CloseReason.values)
    exit_codes = [code for code, _label in EXIT_CODES.values()]
    assert len(set(exit_codes)) == len(exit_codes)
    assert set(MEASURE_CODES) <= set(PlanActivity.Kind.values)
    measure_codes = [code for code, _label in MEASURE_CODES.values()]
    assert len(set(measure_codes)) == len(measure_codes) and "0" not in measure_codes


@pytest.mark.parametrize(("kinds", "code"), [
    ((), "0"),
    (("sfi", "job_search", "studies", "rehabilitation", "other"), "0"),  # not municipal measures
    (("internship",), "1"), (("work_training",), "2"), (("municipal_job",), "3"), (("labour_market",), "4"),
    (("labour_market", "work_training"), "2"),  # several: the first in the list's order
    (("municipal_job", "internship"), "1"),
])
def test_measure_codes(kinds, code):
    assert measure_code(kinds) == code


def _number(birth, gender, serial):
    return generate_fictional(birth, gender, serial)


WOMAN_NR = _number(date(1990, 4, 12), FEMALE, 10)
MAN_NR = _number(date(1988, 9, 3), MALE, 11)
CHILD_NR = _number(date(2019, 2, 1), FEMALE, 12)
LODGER_NR = _number(date(2005, 6, 1), MALE, 13)


def _couple(**changes):
    woman = RegisterPerson(WOMAN_NR, "K", adult=True, registerledare=True, obstacle="parental_leave")
    man = RegisterPerson(MAN_NR, "M", adult=True, obstacle="unemployed_waiting", measures=("work_training",))
    child = RegisterPerson(CHILD_NR, "K", adult=False)
    household = RegisterHousehold(label="2026-000001", municipality="0180", paid=1234550,
                                  persons=(man, woman, child))
    return replace(household, **changes)


def test_a_couple_is_written_registerledare_first_with_the_paid_amount_once():
    checked = register_file(2026, 3, [_couple()])
    lines = checked.text.split("\n")
    assert lines[0] == ";".join(HEADER) and lines[-1] == "" and len(lines) == 5
    assert lines[1:4] == [
        f"202603;0180;1;{WOMAN_NR};K;V;1;8;51;0;12346",
        f"202603;0180;1;{MAN_NR};M;V;0;8;13;2;",
        f"202603;0180;1;{CHILD_NR};K;B;0;8;;;",
    ]
    assert (checked.households, checked.persons) == (1, 3)
    assert validate_register_text(checked.text, period="202603") == []


def test_another_adult_is_reported_with_own_hinder_and_does_not_change_the_type():
    lodger = RegisterPerson(LODGER_NR, "M", adult=True, party=False, obstacle="unemployed",
                            measures=("internship",))
    text = register_file(2026, 3, [_couple(persons=(*_couple().persons, lodger))]).text
    rows = text.split("\n")[1:-1]
    assert rows[2] == f"202603;0180;1;{LODGER_NR};M;O;0;8;11;1;", "after the parties, before the children"
    assert validate_register_text(text) == []


def test_nothing_paid_yet_is_zero_kronor_not_the_granted_amount():
    text = register_file(2026, 3, [_couple(paid=0)]).text
    assert text.split("\n")[1].endswith(";51;0;0")


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
     "registerledaren ska vara en av de sökande vuxna"),
    (_couple(persons=(_man(registerledare=True, party=False), _woman(registerledare=False), _child())),
     "registerledaren ska vara en av de sökande vuxna"),
    (_couple(persons=(_man(obstacle=""), _woman(), _child())), "försörjningshinder saknas"),
    (_couple(persons=(_man(), _woman(obstacle="lazy"), _child())), "okänt försörjningshinder"),
    (_couple(persons=(_man(), _woman(), _child(obstacle="none"))), "bara för vuxna"),
    (_couple(persons=(_man(), _woman(), _child(measures=("internship",)))), "arbetsmarknadsinsats anges bara"),
    (_couple(persons=(_man(), _woman(), _man())), "samma personnummer"),
    (_couple(persons=(_man(), _woman(), replace(_man(identity_number=CHILD_NR), obstacle="none"))),
     "fler än två sökande"),
    (_couple(municipality="180"), "kommunkoden"),
    (_couple(paid=-1), "negativt"),
    (_couple(paid=10**12), "orimligt stort"),
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
    assert exit_file(2026, 3, []).text == ";".join(EXIT_HEADER) + "\n"


# --- a property: whatever the households, the written file reads back valid and sums right --------

_KINDS = tuple(PlanActivity.Kind.values)


@st.composite
def _households(draw):
    serial = iter(range(1000, 100_000, 2))
    households = []
    for index in range(draw(st.integers(0, 6))):
        def adult(leader, party):
            gender = draw(st.sampled_from([FEMALE, MALE]))
            return RegisterPerson(generate_fictional(date(1960 + draw(st.integers(0, 40)), 5, 5), gender, next(serial)),
                                  "K" if gender == FEMALE else "M", adult=True, registerledare=leader, party=party,
                                  obstacle=draw(st.sampled_from(sorted(OBSTACLE_CODES))),
                                  measures=tuple(draw(st.lists(st.sampled_from(_KINDS), max_size=3))))
        persons = [adult(True, True)] + [adult(False, True) for _ in range(draw(st.integers(0, 1)))]
        persons += [adult(False, False) for _ in range(draw(st.integers(0, 2)))]
        persons += [RegisterPerson(generate_fictional(date(2015, 3, 3), FEMALE, next(serial)), "K", adult=False)
                    for _ in range(draw(st.integers(0, 3)))]
        order = draw(st.permutations(range(len(persons))))
        households.append(RegisterHousehold(label=f"h{index}", municipality="1980",
                                            paid=draw(st.integers(0, 10**11 - 51)),  # 999 999 999 kr
                                            persons=tuple(persons[i] for i in order)))
    return households


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_households())
def test_any_households_give_a_valid_file_whose_amounts_add_up(households):
    text = register_file(2026, 3, households).text
    assert validate_register_text(text, period="202603") == []
    rows = [dict(zip(HEADER, line.split(";"), strict=True)) for line in text.rstrip("\n").split("\n")[1:]]
    assert len(rows) == sum(len(h.persons) for h in households)
    assert sum(int(r["utbetalt"]) for r in rows if r["utbetalt"]) == sum(whole_kronor(h.paid) for h in households)
    for number, household in enumerate(households, start=1):
        mine = [r for r in rows if r["hushall"] == str(number)]
        parties = [p.gender for p in household.persons if p.adult and p.party]
        children = sum(not p.adult for p in household.persons)
        assert {r["hushallstyp"] for r in mine} == {str(household_type(parties, children))}
        assert [r["roll"] for r in mine] == sorted((r["roll"] for r in mine), key="VOB".index)


# --- the validator: a written file, corrupted one way at a time, is caught -------------------------

GOOD = register_file(2026, 3, [_couple(), _couple(label="2", persons=(
    RegisterPerson(LODGER_NR, "M", adult=True, registerledare=True, obstacle="none"),), paid=0)]).text


def _corrupt(line: int, field: str, value: str, text: str = GOOD) -> str:
    lines = text.split("\n")
    fields = lines[line].split(";")
    fields[HEADER.index(field)] = value
    lines[line] = ";".join(fields)
    return "\n".join(lines)


@pytest.mark.parametrize(("text", "message"), [
    ("\ufeff" + GOOD, "byte order mark"),
    (GOOD.replace("\n", "\r\n"), "LF"),
    (GOOD.rstrip("\n"), "radbrytning"),
    (GOOD.replace("utbetalt", "belopp"), "rubrikraden"),
    ("", "rubrikraden"),
    (GOOD.replace(";12346", ";12346;extra"), "12 fält, ska vara 11"),
    (_corrupt(1, "period", "202613"), "period"),
    (_corrupt(2, "period", "202604"), "period"),
    (_corrupt(1, "kommun", "180"), "kommun ska vara fyra siffror"),
    (_corrupt(1, "personnummer", BAD_CHECK_DIGIT), "kontrollsiffra"),
    (_corrupt(2, "kon", "X"), "kon ska vara K eller M"),
    (_corrupt(2, "roll", "S"), "roll ska vara V, O eller B"),
    (_corrupt(2, "registerledare", "2"), "registerledare ska vara 0 eller 1"),
    (_corrupt(2, "registerledare", "1"), "exakt en registerledare"),
    (_corrupt(1, "hushallstyp", "2"), "okänd hushållstyp"),
    (_corrupt(1, "hushallstyp", "7"), "hushållstypen stämmer inte"),
    (_corrupt(3, "roll", "O"), "hushållstypen stämmer inte"),
    (_corrupt(2, "forsorjningshinder", "1"), "forsorjningshinder ska vara en kod"),
    (_corrupt(3, "forsorjningshinder", "11"), "forsorjningshinder ska vara en kod"),
    (_corrupt(2, "arbetsmarknadsinsats", "9"), "arbetsmarknadsinsats ska vara en kod"),
    (_corrupt(3, "arbetsmarknadsinsats", "0"), "arbetsmarknadsinsats ska vara en kod"),
    (_corrupt(1, "utbetalt", "12346.50"), "hela kronor"),
    (_corrupt(1, "utbetalt", "012"), "hela kronor"),
    (_corrupt(1, "utbetalt", "1234567890"), "hela kronor"),
    (_corrupt(2, "utbetalt", "5"), "bara på registerledarens rad"),
    (_corrupt(4, "hushall", "3"), "numrerade 1, 2, 3"),
    (_corrupt(2, "hushall", "2"), "uppdelat"),
    (_corrupt(4, "kommun", "0181", _corrupt(4, "hushall", "1")), "mer än en kommun"),
])
def test_the_validator_catches_each_deviation_from_the_description(text, message):
    assert validate_register_text(GOOD, period="202603") == []
    problems = validate_register_text(text, period="202603")
    assert any(message in problem for problem in problems), problems


def _exit(**changes):
    woman = RegisterPerson(WOMAN_NR, "K", adult=True, registerledare=True)
    man = RegisterPerson(MAN_NR, "M", adult=True)
    return replace(ExitHousehold(label="2026-000002", municipality="0180", last_month=date(2026, 2, 1),
                                 reason="work_subsidised", persons=(man, woman)), **changes)


def test_the_exit_file_has_one_row_per_adult_with_the_reason_code():
    text = exit_file(2026, 3, [_exit()]).text
    assert text.split("\n")[1:3] == [f"202603;0180;1;{WOMAN_NR};K;V;1;202602;02",
                                     f"202603;0180;1;{MAN_NR};M;V;0;202602;02"]
    assert validate_exit_text(text, period="202603") == []
    for bad, message in ((text.replace(";02\n", ";99\n", 1), "okänd avslutsorsak"),
                         (text.replace(";202602;", ";202604;", 1), "senaste_manad"),
                         (text.replace(";V;0;", ";B;0;"), "bara vuxna")):
        assert any(message in p for p in validate_exit_text(bad)), message


@pytest.mark.parametrize(("household", "message"), [
    (_exit(reason=""), "anledning till avslut saknas"),
    (_exit(reason="bored"), "okänd anledning"),
    (_exit(last_month=date(2026, 4, 1)), "efter avslutsmånaden"),
    (_exit(persons=()), "ingen vuxen"),
])
def test_a_bad_exit_refuses_the_exit_file(household, message):
    with pytest.raises(RegisterFileError, match=message):
        exit_file(2026, 3, [household])


# --- rows from a month of decisions and payments ---------------------------------------------------


def _apply(case, user, applicant, obstacles, *, month=MONTH, housing=700050, incomes=()):
    application = services.application_create(acting_user=user, case=case, month=month, applicant=applicant,
                                              joint=False)
    services.application_entries_save(acting_user=user, application=application, incomes=list(incomes),
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
    _decide(_apply(case, alice, man, {man: "unemployed_insufficient", woman: "parental_leave"}), alice)
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
    services.application_withdraw(acting_user=alice, application=_apply(case, alice, erik, {erik: "unemployed"}),
                                  reason="Fick arbete")
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
    assert validate_register_text(text, period=f"{month:%Y%m}") == [], "the written file reads back valid"
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == ";".join(HEADER)
    return text, [dict(zip(HEADER, line.split(";"), strict=True)) for line in lines[1:]]


def _by_number(rows):
    return {row["personnummer"]: row for row in rows}


def _paid_run(petra, bob, month=MONTH):
    """Prepare, attest and send a run for ``month``; its orders are then at the bank."""
    bob.can_attest_payments = True
    bob.save()
    run = payments.payment_run_create(acting_user=petra, month=month)
    run = payments.payment_run_prepare(acting_user=petra, run=run)
    run = payments.payment_run_attest(acting_user=bob, run=run)
    PaymentRun.objects.filter(pk=run.pk).update(status="exported")
    run.refresh_from_db()
    return run


def test_the_month_reports_every_granted_person_with_own_kon_and_hinder(march):
    _text, rows = _rows()
    by_number = _by_number(rows)
    case, woman, man, kids = march["man_applied"]
    assert by_number[woman.identity_number]["kon"] == "K" and by_number[man.identity_number]["kon"] == "M"
    assert by_number[man.identity_number]["forsorjningshinder"] == "12", "arbetslös – otillräcklig ersättning"
    assert by_number[woman.identity_number]["forsorjningshinder"] == OBSTACLE_CODES["parental_leave"][0]
    for kid in kids:
        assert by_number[kid.identity_number]["roll"] == "B"
        assert by_number[kid.identity_number]["forsorjningshinder"] == ""
        assert by_number[kid.identity_number]["arbetsmarknadsinsats"] == ""
    assert {by_number[p.identity_number]["hushallstyp"] for p in (woman, man, *kids)} == {"8"}
    _case, woman, man, kids = march["woman_applied"]
    assert by_number[woman.identity_number]["forsorjningshinder"] == OBSTACLE_CODES["sick_certified"][0]
    assert by_number[man.identity_number]["forsorjningshinder"] == OBSTACLE_CODES["working"][0]
    _case, eva = march["single_woman"]
    assert by_number[eva.identity_number]["hushallstyp"] == "5"
    assert len(rows) == 4 + 3 + 1 + 1
    assert {row["arbetsmarknadsinsats"] for row in rows if row["roll"] == "V"} == {"0"}, "no measure yet"


def test_registerledare_is_the_applicant_on_exactly_one_adult_whatever_the_gender(march):
    _text, rows = _rows()
    households = {}
    for row in rows:
        households.setdefault(row["hushall"], []).append(row)
    for members in households.values():
        leaders = [row for row in members if row["registerledare"] == "1"]
        assert len(leaders) == 1 and leaders[0]["roll"] == "V" and leaders[0] is members[0]
        assert leaders[0]["utbetalt"] != "" and all(row["utbetalt"] == "" for row in members[1:])
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
        assert re.fullmatch(r"[0-9]{6};[0-9]{4};[0-9]+;[0-9]{12};[KM];[VOB];[01];[1-9];([0-9]{2})?;[0-4]?;[0-9]*",
                            line)


def test_withdrawn_avslag_and_other_months_are_not_reported(march):
    numbers = _by_number(_rows()[1])
    for name in ("withdrawn", "avslag", "april"):
        assert march[name][1].identity_number not in numbers
    assert march["april"][1].identity_number in _by_number(_rows(date(2026, 4, 1))[1])


def test_before_any_payment_the_amount_is_zero_not_the_granted_amount(march):
    _text, rows = _rows()
    assert {row["utbetalt"] for row in rows if row["registerledare"] == "1"} == {"0"}


def test_amounts_are_what_was_paid_for_the_month_after_a_change_and_a_return(march, alice, bob, petra):
    """Worked by hand: couple A's first decision is paid in full; the rent is then raised by
    2 000,00 kr, an ändringsbeslut pays only that difference (1 000 kr each).  Couple B's man's
    half comes back from the bank (returned): only the woman's half reached the household.
    A payment rejected by the bank never reached anyone either."""
    first_run = _paid_run(petra, bob)
    case_a, woman_a, man_a, _kids = march["man_applied"]
    first = case_a.applications.get().decisions.get()
    case_b, woman_b, man_b, _kids = march["woman_applied"]
    decision_b = case_b.applications.get().decisions.get()
    returned = PaymentOrder.objects.get(run=first_run, decision=decision_b, person=man_b)
    _case, eva = march["single_woman"]
    rejected = PaymentOrder.objects.get(run=first_run, person=eva)
    payments.payment_statuses_apply(acting_user=petra, updates=[
        (returned.end_to_end_id, "returned", "AC04 kontot avslutat"),
        (rejected.end_to_end_id, "rejected", "AC01 felaktigt kontonummer")])

    decisions.decision_change_start(acting_user=alice, decision=first)
    application = case_a.applications.get()
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 900050)],
                                      obstacles={man_a.pk: "unemployed_waiting", woman_a.pk: "parental_leave"})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    second = _decide(application, alice, change_reason="Ny hyra")
    assert second.granted_amount == first.granted_amount + 200000
    second_run = _paid_run(petra, bob)
    assert sorted(o.amount for o in second_run.orders.filter(decision=second)) == [100000, 100000]

    rows = _by_number(_rows()[1])
    leader_a = rows[case_a.registerledare.identity_number]
    assert leader_a["utbetalt"] == str(whole_kronor(first.granted_amount + 200000))
    assert rows[man_a.identity_number]["forsorjningshinder"] == "13", "the changed decision's hinder"
    paid_b = decision_b.granted_amount - returned.amount
    assert rows[woman_b.identity_number]["utbetalt"] == str(whole_kronor(paid_b)) != str(
        whole_kronor(decision_b.granted_amount))
    assert rows[eva.identity_number]["utbetalt"] == "0", "rejected: nothing reached her"
    _case, kim = march["changed_legal_sex"]
    kim_decision = _case.applications.get().decisions.get()
    assert rows[kim.identity_number]["utbetalt"] == str(whole_kronor(kim_decision.granted_amount))


def test_a_decision_lowered_to_nothing_still_reports_what_was_paid(march, alice, bob, petra):
    _paid_run(petra, bob)
    _case, kim = march["changed_legal_sex"]
    first = _case.applications.get().decisions.get()
    decisions.decision_change_start(acting_user=alice, decision=first)
    application = _case.applications.get()
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700050)], obstacles={kim.pk: "none"})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    _decide(application, alice, outcome="refused", change_reason="Inkomst upptäckt")
    row = _by_number(_rows()[1])[kim.identity_number]
    assert row["utbetalt"] == str(whole_kronor(first.granted_amount)), "the money reached him all the same"


def test_labour_market_measures_from_the_adults_plan_activities(march, alice):
    case, woman, man, _kids = march["man_applied"]

    def activity(who, kind, status, starts_on, follow_up_on=None):
        plan = (case.plans.filter(person=who, status="active").first()
                or plans.plan_create(acting_user=alice, case=case, person=who))
        made = plans.plan_activity_add(acting_user=alice, plan=plan, kind=kind, responsible="Arbetsmarknadsenheten",
                                       starts_on=starts_on, follow_up_on=follow_up_on)
        return plans.plan_activity_set_status(acting_user=alice, activity=made, status=status)

    activity(man, "sfi", "ongoing", date(2026, 1, 10))                          # not a municipal measure
    activity(man, "labour_market", "done", date(2026, 1, 10), date(2026, 2, 27))  # ended before March
    activity(man, "municipal_job", "ongoing", date(2026, 4, 1))                # starts after March
    activity(man, "work_training", "ongoing", date(2026, 3, 31))              # runs in March: 2
    activity(woman, "internship", "cancelled", date(2026, 3, 2))              # cancelled: never ran
    activity(woman, "labour_market", "done", date(2026, 2, 1), date(2026, 3, 1))  # ended on 1 March: 4
    activity(woman, "municipal_job", "planned", date(2026, 3, 1))             # only planned
    rows = _by_number(_rows()[1])
    assert rows[man.identity_number]["arbetsmarknadsinsats"] == MEASURE_CODES["work_training"][0] == "2"
    assert rows[woman.identity_number]["arbetsmarknadsinsats"] == MEASURE_CODES["labour_market"][0] == "4"
    april = _by_number(_rows(date(2026, 4, 1))[1])
    assert man.identity_number not in april, "no support in April: not in April's file"


def test_every_adult_is_reported_also_one_who_is_not_a_couple(unit_a, alice):
    """A single mother with her 19-year-old son who is not in school: both adults, the son
    another adult (O) with his own försörjningshinder; the household is a single woman's."""
    case, mother = single_case(unit_a, gender=FEMALE, case_worker=alice)
    son = person("Adam", "Holm", date(2006, 5, 5), MALE)
    HouseholdMembership.objects.create(household=case.household, person=son, role="adult",
                                       valid_from=date(2026, 1, 1))
    _decide(_apply(case, alice, mother, {mother: "sick_certified", son: "unemployed"}), alice)
    _text, rows = _rows()
    by_number = _by_number(rows)
    assert by_number[mother.identity_number]["roll"] == "V" and by_number[mother.identity_number]["registerledare"] == "1"
    assert by_number[son.identity_number]["roll"] == "O" and by_number[son.identity_number]["forsorjningshinder"] == "11"
    assert {by_number[p.identity_number]["hushallstyp"] for p in (mother, son)} == {"5"}


def test_the_query_count_does_not_grow_with_households(march, django_assert_num_queries):
    with django_assert_num_queries(5):
        households = register_households(MONTH)
    assert len(households) == 4


# --- reasons for leaving support ------------------------------------------------------------------


def test_a_closed_case_reports_its_adults_with_the_reason_and_last_month(march, alice):
    case, woman, man, _kids = march["man_applied"]
    services.case_close(acting_user=alice, case=case, closed_on=date(2026, 4, 20), reason="work_subsidised")
    _case, erik = march["avslag"]  # closed, but never granted support: nothing to report
    services.case_close(acting_user=alice, case=_case, closed_on=date(2026, 4, 21), reason="moved")
    households = exit_households(date(2026, 4, 1))
    text = exit_file(2026, 4, households).text
    assert validate_exit_text(text, period="202604") == []
    rows = [dict(zip(EXIT_HEADER, line.split(";"), strict=True)) for line in text.rstrip("\n").split("\n")[1:]]
    assert [(r["personnummer"], r["roll"], r["registerledare"], r["senaste_manad"], r["avslutsorsak"])
            for r in rows] == [(man.identity_number, "V", "1", "202603", "02"),
                               (woman.identity_number, "V", "0", "202603", "02")]
    assert exit_households(date(2026, 3, 1)) == [] and exit_households(date(2026, 5, 1)) == []


def test_a_reopened_case_has_left_nothing(march, alice):
    case, *_ = march["single_woman"]
    services.case_close(acting_user=alice, case=case, closed_on=date(2026, 4, 2), reason="deceased")
    assert len(exit_households(date(2026, 4, 1))) == 1
    services.case_reopen(acting_user=alice, case=case)
    assert exit_households(date(2026, 4, 1)) == []


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
    (["socialstyrelsen-avslut", "--month", "2026-3"], "--month ska skrivas ÅÅÅÅ-MM"),
    ([], "ange rapporten"),
    (["socialstyrelsen", "--month", "2026-03", "--user", "nobody"], "finns inte"),
    (["socialstyrelsen", "--month", "2026-03", "--output", "{tmp}/saknas/ss.csv"], "finns inte"),
    (["socialstyrelsen", "--month", "2026-03", "--output", "{tmp}"], "är en katalog"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(march, tmp_path, args, message):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if "--output" not in args and args[:1] in (["socialstyrelsen"], ["socialstyrelsen-avslut"]):
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


def test_the_exit_command_writes_the_avslutsfil(march, alice, tmp_path):
    case, eva = march["single_woman"]
    services.case_close(acting_user=alice, case=case, closed_on=date(2026, 4, 9), reason="unemployment_benefit")
    target = tmp_path / "avslut.csv"
    out, _err = report("socialstyrelsen-avslut", "--month", "2026-04", "--output", str(target))
    assert f"Skrev {target}: 1 personer i 1 hushåll (2026-04)." in out
    text = target.read_text(encoding="utf-8")
    assert validate_exit_text(text, period="202604") == []
    assert text.split("\n")[1] == f"202604;{case.unit.municipality.code};1;{eva.identity_number};K;V;1;202603;04"
    (entry,) = AccessLogEntry.objects.filter(object_type="socialstyrelsen_exits")
    assert entry.object_id == "2026-04" and eva.identity_number not in f"{entry.summary} {entry.new_values}"


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_writes_valid_files_with_measures_unemployment_kinds_and_exits(db):
    """`lika seed-demo` makes data the files can carry: last month's månadsfil (paid by the
    demo's runs) with municipal measures and the unemployment kinds apart, and this month's
    avslutsfil with the new reasons — both read back valid."""
    from django.utils import timezone

    call_command("seed_demo", "--households", "40", "--seed", "3", "--cases", "40", "--associations", "0", stdout=StringIO())
    today = timezone.localdate()
    last_month = (today.replace(day=1) - date.resolution).replace(day=1)
    rows = {}
    for month in (last_month, today.replace(day=1)):
        text = register_file(month.year, month.month, register_households(month)).text
        assert validate_register_text(text, period=f"{month:%Y%m}") == []
        rows[month] = [dict(zip(HEADER, line.split(";"), strict=True)) for line in text.rstrip("\n").split("\n")[1:]]
    leaders = [row for row in rows[last_month] if row["registerledare"] == "1"]
    assert leaders and sum(int(row["utbetalt"]) for row in leaders) > 0, "the demo's runs paid last month"
    adults = [row for month_rows in rows.values() for row in month_rows if row["roll"] != "B"]
    # the demo's activities started 20 days ago: last month, or early this month
    assert {row["arbetsmarknadsinsats"] for row in adults} - {"0"}, "some adults are in a municipal measure"
    assert len({row["forsorjningshinder"] for row in adults} & {"11", "12", "13"}) >= 2
    closed = Case.objects.filter(status="closed", closed_on__gte=today.replace(day=1))
    assert closed.exists()
    exits = exit_file(today.year, today.month, exit_households(today)).text
    assert validate_exit_text(exits, period=f"{today:%Y%m}") == []
    assert len(exits.rstrip("\n").split("\n")) > 1


# --- the migration that split "Arbetslös" ------------------------------------------------------------


def test_the_migration_splits_unemployed_by_the_benefit_among_the_incomes(unit_a, alice):
    """cases 0006: a plain "unemployed" with an unemployment benefit (a-kassa or aktivitetsstöd)
    among the adult's own incomes, or the household's, becomes *otillräcklig ersättning*; one
    without stays *ingen ersättning*; going back joins them again."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("lika.cases.migrations.0007_register_reasons_and_unemployment")
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    own = _apply(case, alice, man, {man: "unemployed", woman: "unemployed"},
                 incomes=[services.Entry("unemployment_benefit", 300000, man.pk),
                          services.Entry("salary", 100000, woman.pk)])
    case2, woman2, man2, _kids = couple_case(unit_a, case_worker=alice)
    shared = _apply(case2, alice, man2, {man2: "unemployed", woman2: "parental_leave"},
                    incomes=[services.Entry("activity_support", 120000)])
    migration.split_unemployed(apps, None)
    categories = dict(SupportObstacle.objects.filter(application__in=(own, shared))
                      .values_list("person_id", "category"))
    assert categories == {man.pk: "unemployed_insufficient", woman.pk: "unemployed",
                          man2.pk: "unemployed_insufficient", woman2.pk: "parental_leave"}
    SupportObstacle.objects.filter(person=woman).update(category="unemployed_waiting")
    migration.join_unemployed(apps, None)
    assert set(SupportObstacle.objects.filter(application=own).values_list("category", flat=True)) == {"unemployed"}


def test_check_reads_a_written_file_back_and_names_what_is_wrong(march, tmp_path):
    target = tmp_path / "ss.csv"
    report("socialstyrelsen", "--month", "2026-03", "--output", str(target))
    out, _err = report("socialstyrelsen", "--check", str(target), "--month", "2026-03")
    assert f"{target} följer beskrivningen: 9 rader utöver rubrikraden." in out
    bad = tmp_path / "bad.csv"
    cases = [(target.read_bytes().replace(b"\n", b"\r\n"), [], "LF"),
             (target.read_bytes(), ["--month", "2026-04"], "period"),
             (target.read_bytes().replace(b";V;1;", b";V;2;", 1), [], "registerledare ska vara 0 eller 1"),
             ("202603;å".encode("latin-1"), [], "inte UTF-8"),
             (b"period\x00", [], "NUL")]
    for data, extra, message in cases:
        bad.write_bytes(data)
        with pytest.raises(CommandError) as error:
            report("socialstyrelsen", "--check", str(bad), *extra)
        assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(CommandError, match="kan inte läsa"):
        report("socialstyrelsen-avslut", "--check", str(tmp_path / "saknas.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "ss.csv"], "checking writes nothing"

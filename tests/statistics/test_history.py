"""Payment history from an earlier system: the file is checked as a whole, the months it
names are replaced (never doubled), unknown persons are created and logged, months Lika has
paid itself are refused, and the figures follow."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from lika.audit.models import AccessLogEntry
from lika.core.periods import parse_period
from lika.households.models import Person
from lika.identity.personnummer import generate_fictional
from lika.statistics.figures import build_report
from lika.statistics.history import history_import, history_parse
from lika.statistics.models import HISTORY, LIKA, PersonYear
from tests.cases.factories import person

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 4)
HEADER = "manad;personnummer;fornamn;efternamn;enhet;belopp\n"
NEW_WOMAN = generate_fictional(date(1985, 3, 3), "F", 412)
NEW_MAN = generate_fictional(date(1979, 7, 7), "M", 413)


def _file(*lines):
    return HEADER + "".join(line + "\n" for line in lines)


@pytest.mark.parametrize(("text", "message"), [
    ("manad;personnummer;belopp\n2025-01;x;1\n", "rad 1: kolumnerna ska vara"),
    (HEADER, "inga rader"),
    (_file("2025-01;;;;norr"), "rad 2: 5 fält, ska vara 6"),
    (_file("2025-1;;;;norr;100"), "rad 2: månaden ska skrivas ÅÅÅÅ-MM"),
    (_file("2025-13;;;;norr;100"), "rad 2: '2025-13' är ingen månad"),
    (_file("2027-01;;;;norr;100"), "rad 2: månaden 2027-01 har inte börjat"),
    (_file("2025-01;;;;norr;100", "2025-02;19850303-4120;A;B;norr;100"), "rad 3: kontrollsiffran stämmer inte"),
    (_file("2025-01;;Anna;;norr;100"), "rad 2: namn utan personnummer"),
    (_file("2025-01;;;;;100"), "rad 2: enheten saknas"),
    (_file("2025-01;;;;norr;abc"), "rad 2: beloppet ska vara kronor"),
    (_file("2025-01;;;;norr;0"), "rad 2: beloppet ska vara ett positivt"),
    (_file("2025-01;;;;norr;-5"), "rad 2: beloppet ska vara ett positivt"),
    (_file("2025-01;;;;norr;1,234"), "högst två decimaler"),
])
def test_a_bad_file_is_refused_with_the_line_and_the_reason(text, message):
    with pytest.raises(ValidationError) as error:
        history_parse(text, today=TODAY)
    assert message in error.value.messages[0]


def test_amounts_are_kronor_with_a_decimal_comma_or_point_and_a_bom_is_allowed():
    rows = history_parse("\ufeff" + _file(f"2025-01;{NEW_WOMAN};Eva;Berg;norr;8 450,50", "2025-02;;;;norr;100.25"),
                         today=TODAY)
    assert [(r.line, r.month, r.identity_number, r.ore) for r in rows] == [
        (2, date(2025, 1, 1), NEW_WOMAN, 845050), (3, date(2025, 2, 1), "", 10025)]


@pytest.fixture
def known(unit_a):
    return person("Karin", "Ek", date(1970, 1, 1), "F")


def _import(user, text, **kwargs):
    return history_import(acting_user=user, rows=history_parse(text, today=TODAY), **kwargs)


def _history():
    return {(r.year, r.unit.code, r.person.identity_number if r.person_id else "", r.gender):
            tuple(getattr(r, f"m{m:02d}") for m in range(1, 13))
            for r in PersonYear.objects.filter(source=HISTORY).select_related("unit", "person")}


def _months(**values):
    return tuple(values.get(f"m{m:02d}", 0) for m in range(1, 13))


def test_a_file_becomes_history_rows_and_unknown_persons_are_created_and_logged(admin_user, unit_a, unit_b,
                                                                                   known):
    summary = _import(admin_user, _file(
        f"2025-01;{known.identity_number};;;norr;1000",
        f"2025-01;{NEW_WOMAN};Eva;Berg;norr;400",
        f"2025-01;{NEW_WOMAN};Eva;Berg;norr;100",  # two payments in a month add up
        f"2025-02;{NEW_MAN};Nils;Berg;soder;2000",
        "2025-02;;;;soder;6500",  # to a landlord: no person
    ))
    assert (summary.rows, summary.people, summary.new_people, summary.ore) == (5, 3, 2, 10000_00)
    assert _history() == {
        (2025, "norr", known.identity_number, "F"): _months(m01=1000_00),
        (2025, "norr", NEW_WOMAN, "F"): _months(m01=500_00),
        (2025, "soder", NEW_MAN, "M"): _months(m02=2000_00),
        (2025, "soder", "", ""): _months(m02=6500_00),
    }
    eva = Person.objects.get(identity_number=NEW_WOMAN)
    assert (eva.first_name, eva.last_name, eva.birth_date, eva.legal_gender) == ("Eva", "Berg", date(1985, 3, 3), "F")
    logged = AccessLogEntry.objects.filter(actor=admin_user, object_type="person", action="create")
    assert set(logged.values_list("person_id", flat=True)) == {eva.pk, Person.objects.get(identity_number=NEW_MAN).pk}
    entry = AccessLogEntry.objects.get(object_type="statistics")
    assert "5 rader" in entry.summary and entry.person_id is None and NEW_WOMAN not in entry.summary
    # the figures follow (the years were refreshed)
    paid = build_report(period=parse_period("2025-01"), threshold=1).figure("paid").tables[0]
    assert paid.row("Personer som fått utbetalt").cells == (2, 0, 2)
    assert paid.row("Utbetalt").cells == (1500_00, 0, 1500_00)


def test_the_months_of_a_file_are_replaced_not_added_to(admin_user, unit_a, known):
    first = _file(f"2025-01;{known.identity_number};;;norr;1000", f"2025-02;{known.identity_number};;;norr;1000")
    _import(admin_user, first)
    _import(admin_user, first)
    assert _history() == {(2025, "norr", known.identity_number, "F"): _months(m01=1000_00, m02=1000_00)}
    # a corrected February: January stays as it was, February is the new figure
    _import(admin_user, _file(f"2025-02;{NEW_WOMAN};Eva;Berg;norr;300"))
    assert _history() == {(2025, "norr", known.identity_number, "F"): _months(m01=1000_00),
                          (2025, "norr", NEW_WOMAN, "F"): _months(m02=300_00)}
    _import(admin_user, _file(f"2025-01;{NEW_WOMAN};;;norr;50"))  # Karin's last month replaced: her row goes
    assert _history() == {(2025, "norr", NEW_WOMAN, "F"): _months(m01=50_00, m02=300_00)}


def test_a_dry_run_checks_and_writes_nothing(admin_user, unit_a):
    summary = _import(admin_user, _file(f"2025-01;{NEW_WOMAN};Eva;Berg;norr;400"), dry_run=True)
    assert summary.new_people == 1
    assert not PersonYear.objects.exists() and not Person.objects.filter(identity_number=NEW_WOMAN).exists()
    assert not AccessLogEntry.objects.filter(object_type="statistics").exists()


@pytest.mark.parametrize(("text", "message"), [
    (_file("2025-01;;;;vaster;100"), "rad 2: enheten 'vaster' finns inte i Lika"),
    (_file(f"2025-01;{NEW_WOMAN};;;norr;100"), "rad 2: personen finns inte i Lika: för- och efternamn behövs"),
])
def test_an_unknown_unit_or_an_unnamed_new_person_writes_nothing(admin_user, unit_a, text, message):
    with pytest.raises(ValidationError) as error:
        _import(admin_user, _file("2025-01;;;;norr;100") + text.removeprefix(HEADER).replace("rad 2", "rad 3"))
    assert message.replace("rad 2", "rad 3") in error.value.messages[0]
    assert not PersonYear.objects.exists()


def test_only_an_administrator_imports(alice, stina):
    for user in (alice, stina):
        with pytest.raises(PermissionDenied):
            _import(user, _file("2025-01;;;;norr;100"))


def test_a_month_lika_has_paid_itself_is_refused(admin_user, unit_a, known):
    PersonYear.objects.create(year=2026, unit=unit_a, person=known, gender="F", source=LIKA, m05=100_00)
    with pytest.raises(ValidationError) as error:
        _import(admin_user, _file(f"2026-04;{known.identity_number};;;norr;100",
                                  f"2026-05;{known.identity_number};;;norr;100"))
    assert "2026-05 har redan utbetalningar i Lika" in error.value.messages[0]
    assert not PersonYear.objects.filter(source=HISTORY).exists()
    _import(admin_user, _file(f"2026-04;{known.identity_number};;;norr;100"))  # April is before Lika
    assert PersonYear.objects.filter(source=HISTORY).count() == 1


def test_the_command_reads_the_file_and_says_what_it_did(admin_user, unit_a, tmp_path):
    path = tmp_path / "historik.csv"
    path.write_text(_file(f"2025-01;{NEW_WOMAN};Eva;Berg;norr;8450,50"), encoding="utf-8")
    out = StringIO()
    call_command("statistics", "import-history", str(path), "--user", "ada", "--dry-run", stdout=out)
    assert "Kontrollerade 1 rader för 2025-01–2025-01: 1 personer (1 nya), 8\u00a0450 kr." in out.getvalue()
    assert not PersonYear.objects.exists()
    call_command("statistics", "import-history", str(path), "--user", "ada", stdout=out)
    assert "Läste in 1 rader" in out.getvalue() and PersonYear.objects.filter(source=HISTORY).count() == 1


@pytest.mark.parametrize(("args", "message"), [
    (["import-history"], "ange filen"),
    (["import-history", "FILE"], "ange --user"),
    (["import-history", "FILE", "--user", "nobody"], "användaren 'nobody' finns inte"),
    (["import-history", "MISSING", "--user", "ada"], "kan inte läsa"),
    (["import-history", "FILE", "--user", "alice"], "bara en systemadministratör"),
])
def test_the_command_exits_2_with_one_line(admin_user, alice, unit_a, tmp_path, args, message):
    path = tmp_path / "historik.csv"
    path.write_text(_file("2025-01;;;;norr;100"), encoding="utf-8")
    args = [str(path) if a == "FILE" else str(tmp_path / "saknas.csv") if a == "MISSING" else a for a in args]
    with pytest.raises(CommandError) as error:
        call_command("statistics", *args)
    assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)
    assert not PersonYear.objects.exists()


def test_the_example_in_the_formats_document_is_a_valid_file():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
    example = text.split("## Payment history from an earlier system")[1].split("```")[1].strip() + "\n"
    rows = history_parse(example, today=TODAY)
    assert [(r.month, r.unit_code, r.ore, bool(r.identity_number)) for r in rows] == [
        (date(2025, 1, 1), "norr", 8450_50, True), (date(2025, 1, 1), "norr", 6200_00, True),
        (date(2025, 2, 1), "soder", 6500_00, False)]

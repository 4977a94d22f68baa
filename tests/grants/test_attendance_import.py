"""`lika grants-attendance-import`: a club system's attendance export submitted as the
association's application, as the web does; every bad input is exit code 2 with one line
per problem, no traceback and nothing written."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection  # noqa: F401 - in a skipif

from lika.audit.models import AccessLogEntry
from lika.grants import services
from lika.grants.models import GrantApplication, Programme
from tests.conftest import _user
from tests.grants.helpers import BAD, GOOD, RULES
from tests.threads import race

ORGNR = "802400-0005"


@pytest.fixture
def club(admin_user):
    club = services.association_create(acting_user=admin_user, orgnr=ORGNR, name="IK Exempel")
    other = services.association_create(acting_user=admin_user, orgnr="802400-0013", name="FK Annan")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    programme = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.ACTIVITY,
                                          name="Aktivitetsbidrag")
    services.rule_version_add(acting_user=admin_user, programme=programme, rules_dict=RULES)
    services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.OPERATING,
                              name="Verksamhetsbidrag")
    for username, association in (("forening1", club), ("forening2", other)):
        _user(username, "association", None, "Fia", "Förening", association=association)
    return club


def write(tmp_path, text, name="narvaro.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("grants_attendance_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args):
    """The command's CommandError (exit code 2, one line) and what it wrote on stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("grants_attendance_import", *args, stdout=StringIO(), stderr=err)
    message = str(error.value)
    assert error.value.returncode == 2 and "\n" not in message and "Traceback" not in err.getvalue()
    return message, err.getvalue()


def test_a_good_file_is_submitted_as_the_service_does(club, tmp_path):
    out, err = run(write(tmp_path, GOOD), "--association", "8024000005", "--programme", "Aktivitetsbidrag",
                   "--user", "forening1")
    application = GrantApplication.objects.get()
    assert application.association == club and application.submitted_by.username == "forening1"
    assert application.total == 5800 and application.year == 2026 and application.status == "submitted"
    assert application.counts.filter(gender="F", age_band="7-12").get().participations == 2
    assert f"Ansökan {application.pk} inskickad" in out and "1 av 2 sammankomster räknas" in out
    assert "58,00\u00a0kr" in out and "2026-03-08 F10: 45 minuter, minst 60 krävs" in out
    assert "flickor/kvinnor 2, pojkar/män 1" in out and err == ""
    assert AccessLogEntry.objects.filter(object_type="grants.grantapplication", object_id=str(application.pk)).exists()


def test_a_dry_run_computes_and_writes_nothing_and_needs_no_user(club, tmp_path):
    out, _ = run(write(tmp_path, GOOD), "--association", ORGNR, "--programme", "Aktivitetsbidrag", "--dry-run")
    assert "Kontroll (--dry-run, ingenting sparat)" in out and "58,00\u00a0kr" in out
    assert not GrantApplication.objects.exists()


SEVERAL_YEARS = GOOD + "2027-01-10;F10;1001;2017;K;;60\n"


@pytest.mark.parametrize(("file", "args", "message"), [
    (GOOD, ["--association", "802400-0021"], "ingen förening har organisationsnummer 802400-0021"),
    (GOOD, ["--association", "802400-0006"], "inget giltigt organisationsnummer"),
    (GOOD, ["--association", "abc"], "inget giltigt organisationsnummer"),
    (GOOD, ["--programme", "Lokalbidrag"], "inget bidragsprogram heter 'Lokalbidrag' (aktivitetsbidrag: Aktivitetsbidrag)"),
    (GOOD, ["--programme", "Verksamhetsbidrag"], "är inget aktivitetsbidrag"),
    (GOOD, ["--user", "nobody"], "användaren 'nobody' finns inte"),
    (GOOD, ["--user", "forening2"], "forening2 är ingen inloggning för föreningen 802400-0005"),
    (GOOD, ["--user", "ada"], "ada är ingen inloggning för föreningen"),
    (GOOD, ["--user", ""], "ange --user"),
    ("", [], "1 fel i filen; ingenting sparat"),
    ("datum;grupp;deltagare;födelseår;kön;ledare;minuter\n", [], "1 fel i filen"),
    (BAD, [], "2 fel i filen; ingenting sparat"),
    (SEVERAL_YEARS, [], "filen ska gälla ett kalenderår; sammankomsterna spänner över 2026–2027"),
    ("datum;grupp\n2026-03-01;F10\n", [], "3 fel i filen"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(club, tmp_path, file, args, message):
    options = {"--association": ORGNR, "--programme": "Aktivitetsbidrag", "--user": "forening1"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        options[flag] = value
    flat = [item for pair in options.items() for item in pair]
    text, _ = refused(write(tmp_path, file), *flat)
    assert message in text
    assert not GrantApplication.objects.exists()


def test_every_line_error_is_printed_with_its_line_number(club, tmp_path):
    path = write(tmp_path, BAD)
    text, err = refused(path, "--association", ORGNR, "--programme", "Aktivitetsbidrag", "--user", "forening1")
    lines = err.splitlines()
    assert lines == [f"{path}:3: datum '2026-13-01' ska skrivas ÅÅÅÅ-MM-DD",
                     f"{path}:4: kön 'q' ska vara K, M eller tomt"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "kan inte läsa"),  # no such file
    ("å".encode("cp1252") * 3 + b";x\n", "inte UTF-8"),
    (b"datum;grupp;deltagare;f\xc3\xb6delse\x00\xc3\xa5r;minuter\n", "fel i filen"),
])
def test_a_file_that_cannot_be_read_exits_2(club, tmp_path, content, message):
    path = str(tmp_path / "saknas.csv") if content is None else write(tmp_path, content)
    text, err = refused(path, "--association", ORGNR, "--programme", "Aktivitetsbidrag", "--user", "forening1")
    assert message in text + err
    assert not GrantApplication.objects.exists()


def test_a_directory_or_a_too_large_file_exits_2(club, tmp_path, monkeypatch):
    text, _ = refused(str(tmp_path), "--association", ORGNR, "--programme", "Aktivitetsbidrag", "--dry-run")
    assert "kan inte läsa" in text
    from lika.grants.management.commands import grants_attendance_import

    monkeypatch.setattr(grants_attendance_import, "MAX_ATTENDANCE_EXPORT", 100)
    text, _ = refused(write(tmp_path, GOOD), "--association", ORGNR, "--programme", "Aktivitetsbidrag", "--dry-run")
    assert "filen är större än 100 byte" in text


def test_the_same_file_twice_is_refused_the_second_time(club, tmp_path):
    path = write(tmp_path, GOOD)
    args = (path, "--association", ORGNR, "--programme", "Aktivitetsbidrag", "--user", "forening1")
    run(*args)
    first = GrantApplication.objects.get()
    text, _ = refused(*args)
    assert f"ansökan {first.pk} (2026-03-01–2026-03-08) gäller redan" in text
    assert GrantApplication.objects.count() == 1


def test_an_inactive_association_is_refused(club, tmp_path):
    club.active = False
    club.save(update_fields=["active"])
    text, _ = refused(write(tmp_path, GOOD), "--association", ORGNR, "--programme", "Aktivitetsbidrag",
                      "--user", "forening1")
    assert "är inte aktiv" in text


def test_the_real_command_exits_2_without_a_traceback(tmp_path):
    env = {**os.environ, "LIKA_SQLITE_PATH": str(tmp_path / "none.sqlite3")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "lika", "grants-attendance-import", str(tmp_path / "x.csv"),
                           "--association", "123", "--programme", "Aktivitetsbidrag", "--dry-run"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == ["CommandError: --association: '123' är inget giltigt "
                                                "organisationsnummer (NNNNNN-NNNN med rätt kontrollsiffra)"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="advisory lock and row locks: PostgreSQL")
def test_two_imports_of_one_file_at_once_submit_it_once(club, tmp_path):
    path = write(tmp_path, GOOD)

    def one():
        return run(path, "--association", ORGNR, "--programme", "Aktivitetsbidrag", "--user", "forening1")

    results = race(one, one, expected=(CommandError,))
    assert sum(isinstance(r, CommandError) for r in results) == 1
    assert GrantApplication.objects.count() == 1


def test_a_demo_clubs_export_gives_what_the_engine_computes(club, tmp_path):
    """A half-year of a demo club's attendance, written as the club system would, imported:
    the stored application equals the core engine's result for the same occasions."""
    from lika.core.grants import calculate_activity_grant
    from lika.grants import demo_data

    demo_club = next(c for c in demo_data.demo_associations(1) if c.kind == "fotboll")
    occasions = demo_data.attendance(demo_club, 2026, demo_data.SPRING, 1)
    out, _ = run(write(tmp_path, demo_data.attendance_csv(occasions)), "--association", ORGNR,
                 "--programme", "Aktivitetsbidrag", "--user", "forening1")
    expected = calculate_activity_grant(services.core_programme(Programme.objects.get(name="Aktivitetsbidrag")),
                                        occasions)
    application = GrantApplication.objects.get()
    assert application.total == expected.total > 0
    assert {(c.gender, c.age_band): c.participations for c in application.counts.all() if c.participations} == \
        {k: v for k, v in expected.participations.items() if v}
    assert f"{expected.counted_occasions} av {len(occasions)} sammankomster räknas" in out

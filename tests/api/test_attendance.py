"""Attendance files through the API: the same checks and the same service as
`lika grants-attendance-import`; the result and the faults line by line as JSON."""

from django.core.files.uploadedfile import SimpleUploadedFile

from lika.grants.models import GrantApplication
from tests.api.conftest import bearer
from tests.grants.helpers import BAD, GOOD
from tests.grants.test_attendance_import import ORGNR, club  # noqa: F401 - the fixture


def _send(client, token, text, **extra):
    upload = SimpleUploadedFile("narvaro.csv", text.encode("utf-8") if isinstance(text, str) else text,
                                content_type="text/csv")
    return client.post("/api/v1/grants/attendance/", {"programme": "Aktivitetsbidrag", "file": upload, **extra},
                       **bearer(token))


def test_a_good_file_is_submitted_by_the_associations_system(client, club, make_client):  # noqa: F811
    token = make_client("klubbsystem", association=ORGNR, write=True)[1]
    response = _send(client, token, GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    application = GrantApplication.objects.get()
    assert body["application_id"] == application.pk and body["total"] == application.total == 5800
    assert application.submitted_by.username == "api:klubbsystem" and application.association == club
    assert [o["counted"] for o in body["occasions"]] == [True, False]
    assert "45 minuter, minst 60 krävs" in body["occasions"][1]["reasons"][0]
    again = _send(client, token, GOOD)  # the same sammankomster twice: refused
    assert again.status_code == 400 and again.json()["code"] == "overlap"
    assert GrantApplication.objects.count() == 1


def test_a_dry_run_writes_nothing(client, club, make_client):  # noqa: F811
    token = make_client("klubbsystem", association=ORGNR, write=True)[1]
    response = _send(client, token, GOOD, dry_run="true")
    assert response.status_code == 200 and response.json()["application_id"] is None
    assert not GrantApplication.objects.exists()


def test_bad_lines_are_listed_and_nothing_is_saved(client, club, make_client):  # noqa: F811
    token = make_client("klubbsystem", association=ORGNR, write=True)[1]
    response = _send(client, token, BAD)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file"
    assert body["lines"] == [{"line": 3, "message": "datum '2026-13-01' ska skrivas ÅÅÅÅ-MM-DD"},
                             {"line": 4, "message": "kön 'q' ska vara K, M eller tomt"}]
    not_utf8 = _send(client, token, "å".encode("cp1252") * 3 + b";x\n")
    assert not_utf8.status_code == 400 and "UTF-8" in not_utf8.content.decode()
    assert not GrantApplication.objects.exists()


def test_only_an_associations_writing_system_may_send(client, club, make_client, unit_a):  # noqa: F811
    reader = make_client("klubb-las", association=ORGNR)[1]
    assert _send(client, reader, GOOD).json()["code"] == "scope_write_missing"
    cases_system = make_client("ekonomi", units=[unit_a], write=True)[1]
    response = _send(client, cases_system, GOOD)
    assert response.status_code == 403 and response.json()["code"] == "no_association"
    assert not GrantApplication.objects.exists()

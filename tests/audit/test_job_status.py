"""Issue 18, operations: how each scheduled job stands (lika/audit/jobs.py ``job_statuses``),
on the administrator's page "Schemalagda jobb" and in `lika jobs list`: a stopped scheduler
or a failing job shows without reading the server's log."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lika.audit import jobs
from lika.audit.jobs import OVERDUE_AFTER, Job, job_statuses
from lika.audit.models_ops import JobRun
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def at(day, hour, minute=0, month=12):
    return timezone.make_aware(datetime(2026, month, day, hour, minute), TZ)


@pytest.fixture
def only(monkeypatch):
    """The registry holds just the jobs the test names."""
    def register(*registered):
        monkeypatch.setattr(jobs, "JOBS", {job.name: job for job in registered})
        return registered
    return register


NIGHTLY = Job("nightly", "Varje natt", lambda today: "", at=time(3, 0))
BY_HAND = Job("by-hand", "Bara när det anges", lambda today: "")


def _run(job, started, outcome, minutes=5):
    finished = None if outcome == "running" else started + timedelta(minutes=minutes)
    return JobRun.objects.create(name=job.name, started_at=started, finished_at=finished, outcome=outcome)


# what ran (start, outcome), now, state, overdue
CASES = [
    pytest.param([], at(6, 2), "never", True, id="never-run"),
    pytest.param([(6, 3, 0, "succeeded")], at(6, 10), "ok", False, id="ran-today"),
    pytest.param([(5, 3, 1, "succeeded")], at(6, 2), "ok", False, id="before-todays-time-yesterdays-counts"),
    pytest.param([(5, 3, 1, "succeeded")], at(6, 3, 44), "ok", False, id="inside-the-grace"),
    pytest.param([(5, 3, 1, "succeeded")], at(6, 3, 45), "overdue", True, id="three-calls-missed"),
    pytest.param([(4, 3, 0, "succeeded")], at(6, 2), "overdue", True, id="missed-yesterday"),
    pytest.param([(6, 3, 0, "failed")], at(6, 10), "failed", False, id="failed-today"),
    pytest.param([(6, 3, 0, "failed"), (6, 9, 0, "succeeded")], at(6, 10), "ok", False, id="failed-then-run-by-hand"),
    pytest.param([(6, 3, 0, "running")], at(6, 4), "running", False, id="running"),
    pytest.param([(6, 3, 0, "abandoned")], at(6, 10), "failed", True, id="abandoned-is-not-a-run"),
    pytest.param([(5, 3, 0, "succeeded"), (6, 3, 0, "skipped")], at(6, 10), "overdue", True,
                 id="a-skipped-start-is-not-a-run"),
    pytest.param([(30, 3, 0, "succeeded", 11)], at(1, 2), "ok", False, id="the-month-turns-before-its-time"),
    pytest.param([(30, 3, 0, "succeeded", 11)], at(1, 4), "overdue", True, id="the-month-turns-after-its-time"),
    pytest.param([(31, 3, 0, "succeeded")], at(31, 23, 59), "ok", False, id="new-years-eve"),
]


@pytest.mark.parametrize(("ran", "now", "state", "overdue"), CASES)
def test_how_a_nightly_job_stands(only, ran, now, state, overdue):
    only(NIGHTLY)
    for day, hour, minute, outcome, *month in ran:
        _run(NIGHTLY, at(day, hour, minute, *month), outcome)
    [status] = job_statuses(now)
    assert (status.state, status.overdue) == (state, overdue)
    assert status.needs_attention == (state in ("failed", "overdue", "never"))
    succeeded = sorted(at(d, h, m, *month) for d, h, m, outcome, *month in ran if outcome == "succeeded")
    assert (status.last_success.started_at if status.last_success else None) == (succeeded[-1] if succeeded else None)


def test_the_grace_is_three_of_the_schedulers_quarter_hours():
    assert OVERDUE_AFTER == timedelta(minutes=45)


def test_a_job_run_only_by_hand_is_never_overdue(only):
    only(BY_HAND)
    [status] = job_statuses(at(6, 10))
    assert (status.state, status.overdue, status.scheduled) == ("never", False, None)
    _run(BY_HAND, at(1, 9), "succeeded")
    [status] = job_statuses(at(30, 23))
    assert (status.state, status.overdue) == ("ok", False)


@pytest.mark.parametrize(("now", "overdue_since"), [
    pytest.param(at(6, 10), None, id="ran-this-morning"),
    pytest.param(at(7, 3, 44), None, id="inside-the-grace"),
    pytest.param(at(7, 3, 45), "2026-12-07 03:00", id="overdue-today"),
    pytest.param(at(8, 1), "2026-12-07 03:00", id="overdue-since-yesterday"),
])
def test_jobs_list_says_when_a_job_is_overdue(only, monkeypatch, now, overdue_since):
    only(NIGHTLY, BY_HAND)
    _run(NIGHTLY, at(6, 3), "succeeded")
    monkeypatch.setattr(timezone, "now", lambda: now)  # the command reads the clock
    out = StringIO()
    call_command("jobs", "list", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("nightly") and "senast 2026-12-06 03:00 klar" in lines[0]
    if overdue_since:
        assert lines[0].endswith(f"försenat sedan {overdue_since} — Varje natt")
    else:
        assert "försenat" not in lines[0]
    assert "aldrig kört" in lines[1] and "försenat" not in lines[1]


def _admin_client(client, admin_user):
    assert client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_the_page_shows_each_job_what_needs_attention_and_the_runs(client, admin_user, only):
    only(NIGHTLY, BY_HAND)
    failed = _run(NIGHTLY, timezone.now() - timedelta(hours=1), "failed")
    failed.message = "OperationalError: disken är full"
    failed.save()
    _run(BY_HAND, timezone.now() - timedelta(hours=2), "succeeded", minutes=125)
    page = _admin_client(client, admin_user).get(reverse("admin_jobs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Det här behöver ses över" in html
    assert "nightly: den senaste körningen" in html and "blev inte klar" in html
    assert "OperationalError: disken är full" in html
    assert "2 min 5 s" not in html and "125 min 0 s" in html  # the by-hand run's duration
    assert html.count("<code>nightly</code>") == 2 and html.count("<code>by-hand</code>") == 2


def test_the_runs_can_be_shown_for_one_job_and_an_unknown_name_shows_all(client, admin_user, only):
    only(NIGHTLY, BY_HAND)
    _run(NIGHTLY, timezone.now() - timedelta(hours=1), "succeeded")
    _run(BY_HAND, timezone.now() - timedelta(hours=2), "succeeded")
    admin = _admin_client(client, admin_user)
    one = admin.get(reverse("admin_jobs"), {"jobb": "by-hand"}).content.decode()
    runs = one[one.index('id="runs"'):]
    assert "<code>by-hand</code>" in runs and "<code>nightly</code>" not in runs
    every = admin.get(reverse("admin_jobs"), {"jobb": "<script>"})
    assert every.status_code == 200
    runs = every.content.decode()[every.content.decode().index('id="runs"'):]
    assert "<code>by-hand</code>" in runs and "<code>nightly</code>" in runs
    assert "<script>" not in every.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_without_runs_the_page_says_so(client, admin_user, only):
    only(NIGHTLY)
    html = _admin_client(client, admin_user).get(reverse("admin_jobs")).content.decode()
    assert "Inga körningar ännu." in html and "nightly: har aldrig körts" in html

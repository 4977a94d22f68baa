"""Issue 18: the scheduled jobs (lika/audit/jobs.py): every run recorded, one run of a job at
a time (the database's lock, raced on PostgreSQL), --due once a day, the meeting reminders
say how many and never who, and `lika jobs` fails with code 2 and one line."""

import json
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from lika.audit import jobs
from lika.audit.jobs import Job, due_jobs, job_finish, job_run, job_start
from lika.audit.models import AccessLogEntry
from lika.audit.models_ops import JobRun
from tests.cases.factories import couple_case, single_case
from tests.threads import race

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def at(day, hour, minute=0):
    return timezone.make_aware(datetime(2026, 12, day, hour, minute), TZ)


@pytest.fixture
def fake_job(monkeypatch):
    """A job of the test's own in the registry; ``calls`` holds the days it ran for."""
    calls = []

    def work(today):
        calls.append(today)
        if getattr(work, "fail", False):
            raise ValueError("disken är full\nrad två som inte ska med")
        return "gjort"

    job = Job("test-job", "Ett testjobb", work, at=time(3, 0), max_minutes=30)
    monkeypatch.setitem(jobs.JOBS, job.name, job)
    return job, work, calls


def test_a_run_is_recorded_with_its_outcome(fake_job):
    job, _work, calls = fake_job
    run = job_run(job.name, now=at(6, 4))
    assert (run.outcome, run.message, calls) == ("succeeded", "gjort", [date(2026, 12, 6)])
    assert run.started_at == at(6, 4) and run.finished_at is not None


def test_a_failing_job_is_recorded_as_failed_with_its_first_line_only(fake_job):
    job, work, _calls = fake_job
    work.fail = True
    run = job_run(job.name)
    assert run.outcome == "failed"
    assert run.message == "ValueError: disken är full"
    assert "Traceback" not in run.message
    assert not JobRun.objects.filter(outcome="running").exists(), "the lock is released"


def test_a_second_start_while_running_is_skipped_and_names_the_running_one(fake_job):
    job, _work, _calls = fake_job
    first = job_start(job)
    second = job_start(job)
    assert first.outcome == "running"
    assert second.outcome == "skipped" and f"körning {first.pk}" in second.message
    job_finish(first, "succeeded", "")
    assert job_start(job).outcome == "running", "the lock is free again once the run finished"


def test_a_run_older_than_its_limit_is_abandoned_and_the_job_runs_again(fake_job):
    job, _work, _calls = fake_job
    dead = job_start(job, now=timezone.now() - timedelta(minutes=31))
    fresh = job_start(job)
    dead.refresh_from_db()
    assert dead.outcome == "abandoned" and dead.finished_at is not None
    assert fresh.outcome == "running"


@pytest.mark.parametrize(("runs", "now", "due"), [
    ([], at(6, 2, 59), False),  # before 03:00
    ([], at(6, 3, 0), True),
    ([], at(6, 23, 0), True),  # catches up later the same day
    ([(at(6, 3, 5), "succeeded")], at(6, 3, 20), False),
    ([(at(6, 3, 5), "failed")], at(6, 3, 20), False),  # failed today: not again until tomorrow
    ([(at(6, 3, 5), "abandoned")], at(6, 9, 0), True),
    ([(at(6, 3, 5), "skipped")], at(6, 9, 0), True),
    ([(at(5, 3, 5), "succeeded")], at(6, 3, 1), True),  # yesterday's run
    ([(at(6, 2, 0), "succeeded")], at(6, 3, 1), True),  # earlier today, before the time
])
def test_due_once_a_day_after_its_time(fake_job, runs, now, due):
    job, _work, _calls = fake_job
    for started, outcome in runs:
        JobRun.objects.create(name=job.name, started_at=started, outcome=outcome, finished_at=started)
    assert (job in due_jobs(now)) is due


def test_the_print_batch_job_makes_each_units_batch_for_its_day(unit_a, alice, settings, tmp_path):
    from lika.cases.models import LetterDispatch, PrintBatch
    from tests.cases.dispatch_helpers import couple_decided

    settings.LIKA_PRIVATE_FILES = tmp_path
    decision, woman, man = couple_decided(unit_a, alice)
    today = timezone.localdate()
    run = job_run("letters-print-batch")
    assert run.outcome == JobRun.Outcome.SUCCEEDED, run.message
    batch = PrintBatch.objects.get(unit=unit_a, day=today)
    assert batch.created_by is None  # made by the scheduled run
    assert set(LetterDispatch.objects.filter(batch=batch).values_list("recipient__person", flat=True)) == {
        woman.pk, man.pk}


def test_meeting_reminders_mail_each_case_worker_a_count_never_a_name(unit_a, unit_b, alice, charlie, settings,
                                                                      tmp_path):
    settings.LIKA_NOTIFICATION_SENDER = "lika.eservice.notify.FileSender"
    settings.LIKA_NOTIFICATION_DIR = tmp_path
    settings.LIKA_INDIVIDUAL_MEETING_DAYS = 90
    alice.email = "alice@kommun.example"
    alice.save()
    couple_case(unit_a, case_worker=alice, since=date(2026, 1, 1))  # two adults, no meeting
    single_case(unit_b, case_worker=charlie, since=date(2026, 1, 1))  # charlie has no e-mail address
    single_case(unit_a, case_worker=alice, since=date(2026, 11, 1))  # not yet due (joined 35 days ago)
    message = jobs.meeting_reminders(date(2026, 12, 6))
    assert message.startswith("3 vuxna utan enskilt möte på 90 dagar; 1 handläggare påminda per e-post, 1 utan")
    mails = [json.loads(p.read_text(encoding="utf-8")) for p in tmp_path.iterdir()]
    assert len(mails) == 1 and mails[0]["to"] == "alice@kommun.example"
    assert mails[0]["body"].startswith("2 vuxna i dina ärenden")
    for name in ("Sara", "Johan", "Lind", "Eva", "Holm"):
        assert name not in mails[0]["body"]
    assert AccessLogEntry.objects.filter(action="job", object_type="meeting_reminders").count() == 1


@pytest.mark.parametrize(("argv", "line"), [
    (["jobs"], "ange vad som ska göras"),
    (["jobs", "run"], "ange antingen ett jobbs namn eller --due"),
    (["jobs", "run", "statistics-refresh", "--due"], "ange antingen ett jobbs namn eller --due"),
    (["jobs", "run", "inget-sådant"], "okänt jobb: 'inget-sådant'"),
])
def test_the_command_refuses_with_code_2_and_one_line(argv, line):
    with pytest.raises(CommandError) as caught:
        call_command(*argv)
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(line) and "\n" not in str(caught.value)


def test_the_command_runs_a_named_job_and_reports_a_failure_with_code_2(fake_job, capsys):
    job, work, _calls = fake_job
    call_command("jobs", "run", job.name)
    assert "test-job: klar — gjort" in capsys.readouterr().out
    work.fail = True
    with pytest.raises(CommandError) as caught:
        call_command("jobs", "run", job.name)
    assert caught.value.returncode == 2
    assert str(caught.value) == "jobbet test-job misslyckades: ValueError: disken är full"


def test_statistics_refresh_job_writes_this_year_and_in_january_last_year_too(monkeypatch):
    years = []
    monkeypatch.setattr("lika.statistics.refresh.refresh_year", years.append)
    assert jobs.statistics_refresh(date(2026, 12, 6)) == "uppdaterat: 2026"
    assert jobs.statistics_refresh(date(2027, 1, 6)) == "uppdaterat: 2026, 2027"
    assert years == [2026, 2026, 2027]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the race needs PostgreSQL's concurrent writers")
def test_two_schedulers_starting_the_same_job_at_once_run_it_once(fake_job):
    job, _work, _calls = fake_job
    for _ in range(5):
        results = race(lambda: job_start(job), lambda: job_start(job), lambda: job_start(job))
        assert sorted(r.outcome for r in results) == ["running", "skipped", "skipped"], results
        running = next(r for r in results if r.outcome == "running")
        job_finish(running, "succeeded", "")
    assert JobRun.objects.filter(outcome="running").count() == 0
    assert connection.vendor == "postgresql"

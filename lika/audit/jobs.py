"""Scheduled jobs (issue 18): a registry and the one way to run them, ``lika jobs run NAME``
or ``lika jobs run --due`` from cron or a systemd timer (docs/operations.md, "Scheduled jobs").

Every run is a ``JobRun`` row (name, started, finished, outcome, message).  The lock is in
the database: the unique index ``one_running_job_run`` admits one row per job with outcome
``running``, so when two schedulers start the same job at once the second INSERT waits for
the first to commit and is then refused — that run is recorded as ``skipped``.  A running
row older than the job's ``max_minutes`` belongs to a process that died; the next start marks
it ``abandoned`` (under a row lock, so two starters cannot both do it) and runs the job.

``--due``: a job with a daily time is due when that time has passed today and no run of it
(other than an abandoned or skipped one) has started since then; so a scheduler that calls
``lika jobs run --due`` every 15 minutes runs each job once a day, and catches up after the
server was down.
"""

import logging
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models_ops import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    run: Callable[[date], str]  # does the work for the day; returns the run's message
    at: time | None = None  # daily at this local time (--due); None: only when named
    max_minutes: int = 360  # a run still "running" after this long is taken as dead


class JobError(Exception):
    """Unknown job; the message is one Swedish line."""


# --- The jobs ------------------------------------------------------------------------------

def statistics_refresh(today: date) -> str:
    """The nightly statistics refresh: this year, and in January last year too (December's
    payments and plans still come in then).  The same function as ``lika statistics refresh``."""
    from lika.statistics.refresh import refresh_year

    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    for year in years:
        refresh_year(year)
    return "uppdaterat: " + ", ".join(str(y) for y in years)


MEETING_REMINDER_SUBJECT = "Lika: påminnelse om enskilda möten"


def meeting_reminders(today: date) -> str:
    """Each case worker with open cases in which an adult has had no individual meeting for
    ``LIKA_INDIVIDUAL_MEETING_DAYS`` days (and has none booked) gets one e-mail through the
    notification sender saying how many — never who (the names are on "Mina ärenden", behind
    the login).  A case worker without an e-mail address is counted but not mailed."""
    from lika.accounts.models import User
    from lika.audit.services import access_log_write
    from lika.cases.models import Case
    from lika.eservice.notify import SendError, sender
    from lika.plans.calendar import adults_without_individual_meeting

    days = settings.LIKA_INDIVIDUAL_MEETING_DAYS
    cases = Case.objects.filter(status=Case.Status.OPEN, case_worker__isnull=False, case_worker__is_active=True)
    by_worker: dict[int, list[int]] = {}
    for case_id, worker_id in cases.values_list("pk", "case_worker_id"):
        by_worker.setdefault(worker_id, []).append(case_id)
    due = adults_without_individual_meeting([c for ids in by_worker.values() for c in ids], today, days)
    due_cases: dict[int, int] = {}
    for case_id, _person in due:
        due_cases[case_id] = due_cases.get(case_id, 0) + 1
    out = sender()
    mailed = without_address = people = 0
    failures = []
    for user in User.objects.filter(pk__in=by_worker).order_by("pk"):
        count = sum(due_cases.get(case_id, 0) for case_id in by_worker[user.pk])
        if not count:
            continue
        people += count
        if not user.email:
            without_address += 1
            continue
        body = (f"{count} vuxna i dina ärenden har inte haft något enskilt möte på {days} dagar och har "
                "inget bokat. Logga in i Lika och se Mina ärenden.")
        try:
            out.send(channel="email", to=user.email, subject=MEETING_REMINDER_SUBJECT, body=body)
            mailed += 1
        except SendError as error:
            failures.append(f"{user.get_username()}: {error}")
    summary = (f"{people} vuxna utan enskilt möte på {days} dagar; {mailed} handläggare påminda per e-post, "
               f"{without_address} utan e-postadress")
    access_log_write(actor=None, action="job", object_type="meeting_reminders", summary=summary)
    if failures:
        raise RuntimeError(summary + "; kunde inte skicka till " + ", ".join(failures))
    return summary


def letters_print_batch(today: date) -> str:
    """The day's letters sent: digital mailbox first, then each unit's print batch
    (``lika letters-print-batch``, lika/cases/dispatch.py) for the day the job runs for."""
    from io import StringIO

    from django.core.management import call_command

    output = StringIO()
    call_command("letters_print_batch", "--date", today.isoformat(), stdout=output)
    return output.getvalue().strip()[-2000:]


JOBS = {job.name: job for job in (
    Job("statistics-refresh", "Statistikens sammanställningstabeller för i år (i januari även förra året)",
        statistics_refresh, at=time(2, 15), max_minutes=360),
    Job("meeting-reminders", "Påminnelse per e-post till handläggare: vuxna utan enskilt möte",
        meeting_reminders, at=time(6, 30), max_minutes=60),
    Job("letters-print-batch", "Dagens brev som ska skickas med post, samlade för utskrift",
        letters_print_batch, at=time(7, 0), max_minutes=120),
)}


def jobs() -> list[Job]:
    """The jobs this installation has."""
    return list(JOBS.values())


def job_get(name: str) -> Job:
    for job in jobs():
        if job.name == name:
            return job
    raise JobError(f"okänt jobb: {name[:60]!r} (finns: {', '.join(j.name for j in jobs())})")


# --- Running --------------------------------------------------------------------------------

def job_start(job: Job, now: datetime | None = None) -> JobRun:
    """Take the job's lock by inserting its running row.  Returns the running row, or (when
    another run holds the lock) a ``skipped`` row naming it."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = (JobRun.objects.select_for_update()
                 .filter(name=job.name, outcome=JobRun.Outcome.RUNNING,
                         started_at__lt=now - timedelta(minutes=job.max_minutes)))
        for run in stale:
            run.outcome, run.finished_at = JobRun.Outcome.ABANDONED, now
            run.message = f"blev inte klar på {job.max_minutes} minuter: processen antas ha avbrutits"
            run.save(update_fields=["outcome", "finished_at", "message"])
    try:
        with transaction.atomic():
            return JobRun.objects.create(name=job.name, started_at=now, host=socket.gethostname()[:100])
    except IntegrityError:
        holder = JobRun.objects.filter(name=job.name, outcome=JobRun.Outcome.RUNNING).first()
        since = f" (körning {holder.pk}, startad {timezone.localtime(holder.started_at):%Y-%m-%d %H:%M})" if holder else ""
        return JobRun.objects.create(name=job.name, started_at=now, finished_at=timezone.now(),
                                     outcome=JobRun.Outcome.SKIPPED, host=socket.gethostname()[:100],
                                     message="körs redan" + since)


def job_finish(run: JobRun, outcome: str, message: str) -> JobRun:
    run.outcome, run.finished_at, run.message = outcome, timezone.now(), message
    run.save(update_fields=["outcome", "finished_at", "message"])
    return run


def job_run(name: str, now: datetime | None = None) -> JobRun:
    """Run one job now (unless another run holds its lock) and record how it went.  A job
    that raises is recorded as failed with the error's first line; the traceback goes to the
    log, never into the row."""
    job = job_get(name)
    run = job_start(job, now)
    if run.outcome == JobRun.Outcome.SKIPPED:
        return run
    try:
        message = job.run(timezone.localdate(now or timezone.now())) or ""
    except Exception as error:  # noqa: BLE001 - recorded, then reported by the command
        log.error("jobbet %s misslyckades:\n%s", name, traceback.format_exc())
        first = (str(error).splitlines() or [type(error).__name__])[0]
        return job_finish(run, JobRun.Outcome.FAILED, f"{type(error).__name__}: {first}"[:2000])
    return job_finish(run, JobRun.Outcome.SUCCEEDED, message[:2000])


# --- What the administrator sees -----------------------------------------------------------

# The scheduler calls `lika jobs run --due` every 15 minutes: a job that has not started
# 45 minutes after its time has missed three calls, and the page says so.
OVERDUE_AFTER = timedelta(minutes=45)


@dataclass(frozen=True)
class JobStatus:
    """How one job stands (the administrator's page "Schemalagda jobb", `lika jobs list`)."""

    job: Job
    last: JobRun | None  # the newest run that ran or tried to (a skipped start is not one)
    last_success: JobRun | None
    scheduled: datetime | None  # the newest daily time that has passed
    overdue: bool  # that time + OVERDUE_AFTER has passed without a run starting

    @property
    def state(self) -> str:
        """running, failed (the newest run failed or was abandoned), never, overdue or ok."""
        if self.last is not None and self.last.outcome == JobRun.Outcome.RUNNING:
            return "running"
        if self.last is not None and self.last.outcome in (JobRun.Outcome.FAILED, JobRun.Outcome.ABANDONED):
            return "failed"
        if self.last is None:
            return "never"
        return "overdue" if self.overdue else "ok"

    @property
    def needs_attention(self) -> bool:
        return self.state in ("failed", "overdue", "never")


def _latest_scheduled(job: Job, now: datetime) -> datetime | None:
    if job.at is None:
        return None
    today = timezone.localdate(now)
    for day in (today, today - timedelta(days=1)):
        scheduled = timezone.make_aware(datetime.combine(day, job.at))
        if scheduled <= now:
            return scheduled
    return None


def job_statuses(now: datetime | None = None) -> list[JobStatus]:
    """Every job with its newest run, its newest successful run and whether it is overdue."""
    now = now or timezone.now()
    out = []
    for job in jobs():
        tried = JobRun.objects.filter(name=job.name).exclude(outcome=JobRun.Outcome.SKIPPED)
        last = tried.first()
        last_success = tried.filter(outcome=JobRun.Outcome.SUCCEEDED).first()
        scheduled = _latest_scheduled(job, now)
        overdue = (scheduled is not None and now >= scheduled + OVERDUE_AFTER
                   and not tried.filter(started_at__gte=scheduled).exclude(outcome=JobRun.Outcome.ABANDONED).exists())
        out.append(JobStatus(job, last, last_success, scheduled, overdue))
    return out


def due_jobs(now: datetime | None = None) -> list[Job]:
    """The jobs whose daily time has passed today without a run since then."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    out = []
    for job in jobs():
        if job.at is None:
            continue
        since = timezone.make_aware(datetime.combine(today, job.at))
        if now < since:
            continue
        ran = (JobRun.objects.filter(name=job.name, started_at__gte=since)
               .exclude(outcome__in=[JobRun.Outcome.ABANDONED, JobRun.Outcome.SKIPPED]).exists())
        if not ran:
            out.append(job)
    return out

"""`lika jobs list` / `lika jobs run NAME` / `lika jobs run --due`: the scheduled jobs
(lika/audit/jobs.py, docs/operations.md "Scheduled jobs").  A failed job exits with code 2
and one line per failure; a job skipped because another run holds its lock is not a failure."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from lika.audit.jobs import JobError, due_jobs, job_get, job_run, job_statuses
from lika.audit.models_ops import JobRun


def _fail(message):
    raise CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Schemalagda jobb: lika jobs list | lika jobs run NAMN | lika jobs run --due"

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", help="list | run")
        parser.add_argument("name", nargs="?", help="run: jobbets namn")
        parser.add_argument("--due", action="store_true", help="run: alla jobb vars tid har kommit i dag")

    def handle(self, *args, action=None, name=None, due=False, **options):
        try:
            if action == "list":
                return self._list()
            if action != "run":
                _fail("ange vad som ska göras: lika jobs list, lika jobs run NAMN eller lika jobs run --due")
            if bool(name) == bool(due):
                _fail("ange antingen ett jobbs namn eller --due")
            try:
                selected = due_jobs() if due else [job_get(name)]
            except JobError as error:
                _fail(str(error))
            failures = []
            for job in selected:
                run = job_run(job.name)
                line = f"{job.name}: {run.get_outcome_display().lower()}" + (f" — {run.message}" if run.message else "")
                self.stdout.write(line)
                if run.outcome == JobRun.Outcome.FAILED:
                    failures.append(f"jobbet {job.name} misslyckades: {run.message}")
            if due and not selected:
                self.stdout.write("Inga jobb att köra just nu.")
            if failures:
                _fail("\n".join(failures))
        except DatabaseError as error:
            _fail(f"databasen svarade inte: {(str(error).splitlines() or [type(error).__name__])[0]}")

    def _list(self):
        for status in job_statuses():
            job, last = status.job, status.last
            when = f"dagligen {job.at:%H:%M}" if job.at else "när det anges"
            seen = (f"senast {timezone.localtime(last.started_at):%Y-%m-%d %H:%M} {last.get_outcome_display().lower()}"
                    if last else "aldrig kört")
            if status.overdue:
                seen += f", försenat sedan {timezone.localtime(status.scheduled):%Y-%m-%d %H:%M}"
            self.stdout.write(f"{job.name:<22} {when:<16} {seen} — {job.description}")

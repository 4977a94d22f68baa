"""`lika letters-print-batch`: the day's utskick for a scheduler (issue 17): letters to
digital mailboxes, then each unit's print batch (docs/operations.md)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from lika.accounts.models import Unit
from lika.cases.dispatch import dispatch_day
from lika.commands import fail, machine_faults


def _day(text):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        fail(f"--date ska skrivas ÅÅÅÅ-MM-DD, inte {text!r}")
    if day > timezone.localdate():
        fail(f"--date {day.isoformat()} har inte kommit än: utskick görs för i dag eller en dag som har varit")
    return day


class Command(BaseCommand):
    help = ("Gör dagens utskick: beslutsbrev till digitala brevlådor och en utskriftsbunt (PDF) per enhet "
            "för posten. En bunt som redan finns för dagen lämnas som den är.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="ÅÅÅÅ-MM-DD: dagen (standard i dag)")
        parser.add_argument("--unit", help="enhetens kod (standard: alla enheter)")

    def handle(self, *args, **options):
        day = _day(options["date"]) if options["date"] else timezone.localdate()
        with machine_faults():
            if options["unit"]:
                units = list(Unit.objects.select_related("municipality").filter(code=options["unit"])[:2])
                if not units:
                    fail(f"enheten {options['unit']} finns inte")
                if len(units) > 1:
                    fail(f"flera kommuner har en enhet {options['unit']}")
            else:
                units = list(Unit.objects.select_related("municipality").order_by("municipality__code", "code"))
            for unit in units:
                try:
                    result = dispatch_day(acting_user=None, unit=unit, day=day)
                except ValidationError as exc:
                    fail(" ".join(exc.messages))
                self.stdout.write(self._line(unit, day, result))

    @staticmethod
    def _line(unit, day, result):
        digital = f"{len(result.digital.sent)} digitalt"
        if result.digital.failed:
            digital += f" ({len(result.digital.failed)} misslyckades, med posten i stället)"
        if result.batch is None:
            paper = "inga brev att skriva ut"
        else:
            state = "skapad" if result.made else "fanns redan"
            paper = (f"utskriftsbunt {result.batch.pk} {state}: {result.batch.post_count} brev till posten, "
                     f"{result.batch.internal_count} via enheten")
        return f"{unit.code} {day.isoformat()}: {digital}; {paper}."

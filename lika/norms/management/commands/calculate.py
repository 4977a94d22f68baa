from django.core.management.base import BaseCommand
from django.db import DatabaseError

from lika.commands import fail, read_text_input
from lika.core.household_json import (
    InputError,
    calculation_to_dict,
    calculation_to_text,
    dumps,
    loads,
)
from lika.norms.calculate import calculate_household_month


class Command(BaseCommand):
    help = "Beräkna försörjningsstöd för ett hushåll och en månad (JSON in, JSON eller text ut)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="JSON-fil, eller - för standard in")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, **options):
        text = read_text_input(options["file"])
        try:
            calc, split = calculate_household_month(loads(text))
        except InputError as exc:
            fail(str(exc))
        except DatabaseError:
            fail("databasen är inte redo: kör först `lika migrate`")
        if options["format"] == "text":
            self.stdout.write(calculation_to_text(calc, split), ending="")
        else:
            self.stdout.write(dumps(calculation_to_dict(calc, split)))

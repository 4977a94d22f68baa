from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from lika.accounts.models import User
from lika.commands import fail, machine_faults, read_text_input
from lika.core.limits import InputLimitError, loads_json
from lika.norms.services import norm_table_save


class Command(BaseCommand):
    help = ("Läs in en normtabell ur en fil (format: docs/formats.md) som en ny version, "
            "i en administratörs namn.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="administratörens användarnamn")
        parser.add_argument("--note", required=True, help="varför tabellen läggs in, t.ex. SFS-nummer")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            fail(f"användaren {options['user']} finns inte")
        text = read_text_input(options["file"])
        try:
            data = loads_json(text, exact=False)  # a norm table is whole kronor: floats are refused
        except InputLimitError as exc:
            fail(str(exc))
        try:
            with machine_faults():
                row = norm_table_save(acting_user=user, data=data, note=options["note"])
        except PermissionDenied as exc:
            fail(str(exc))
        except ValidationError as exc:
            fail("; ".join(exc.messages))
        self.stdout.write(f"Riksnorm {row.year} version {row.version} ({row.get_status_display().lower()}) "
                          "är inläst och gäller nu.")
        # issue 14: the decisions in force that rest on a provisional version of the year
        from lika.cases.norm_review import decisions_to_review, review_lines

        rows = decisions_to_review(row.year, table=row)
        if rows:
            self.stdout.write(f"{len(rows)} beslut i kraft är beräknade på en preliminär version av riksnorm "
                              f"{row.year} och ska omprövas (listan finns också på sidan Riksnorm {row.year}; "
                              "handläggaren startar ett ändringsbeslut därifrån):")
            for line in review_lines(rows):
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write(f"Inga beslut i kraft är beräknade på en preliminär version av riksnorm {row.year}.")

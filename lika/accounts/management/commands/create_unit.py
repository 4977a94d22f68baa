from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lika.accounts.services import unit_create


class Command(BaseCommand):
    help = "Skapa en enhet i kommunen."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("name")
        parser.add_argument("--municipality-code", required=True, help="kommunkod, fyra siffror")
        parser.add_argument("--municipality-name", default="")

    def handle(self, *args, **o):
        code = o["municipality_code"]
        if not (len(code) == 4 and code.isdigit()):
            raise CommandError("kommunkoden ska vara fyra siffror", returncode=2)
        try:
            unit = unit_create(acting_user=None, code=o["code"], name=o["name"], municipality_code=code,
                               municipality_name=o["municipality_name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        self.stdout.write(f"Enheten {unit.name} ({unit.code}) är skapad.")

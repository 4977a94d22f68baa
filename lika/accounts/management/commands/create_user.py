import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lika.accounts.models import Role
from lika.accounts.services import user_create
from lika.commands import read_text_input


class Command(BaseCommand):
    help = "Skapa en inloggning med en roll (och enhet)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", default="", help="enhetens kod")
        parser.add_argument("--association", default="", help="föreningens organisationsnummer (roll association)")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password-file", help="läs lösenordet ur en fil")
        parser.add_argument("--email", default="", help="e-post i beslutsbrev")
        parser.add_argument("--phone", default="", help="telefon i beslutsbrev")
        parser.add_argument("--attest", action="store_true", help="attesträtt för utbetalningar")

    def handle(self, *args, **o):
        password = self._password(o["password_file"])
        try:
            user = user_create(acting_user=None, username=o["username"], password=password, role=o["role"],
                               unit_code=o["unit"], first_name=o["first_name"], last_name=o["last_name"],
                               association_orgnr=o["association"], email=o["email"], phone=o["phone"],
                               can_attest_payments=o["attest"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        self.stdout.write(f"Användaren {user.username} ({user.get_role_display()}) är skapad.")

    def _password(self, path):
        if path:
            return read_text_input(path).strip()
        first, second = getpass.getpass("Lösenord: "), getpass.getpass("Lösenord igen: ")
        if first != second:
            raise CommandError("lösenorden är olika", returncode=2)
        return first

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lika.accounts.models import Unit, User
from lika.accounts.services import contact_update


class Command(BaseCommand):
    help = ("Ange telefon och e-post som beslutsbrev visar för en handläggare (--user) eller en enhet (--unit). "
            "Ett tomt värde tar bort uppgiften.")

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="användarnamn")
        who.add_argument("--unit", help="enhetens kod")
        parser.add_argument("--phone", help="telefonnummer, t.ex. 0123-456 78")
        parser.add_argument("--email", help="e-postadress")

    def handle(self, *args, **o):
        if o["phone"] is None and o["email"] is None:
            raise CommandError("ange --phone eller --email (eller båda)", returncode=2)
        if o["user"]:
            target = User.objects.filter(username=o["user"]).first()
            missing = f"användaren {o['user']} finns inte"
        else:
            matches = list(Unit.objects.filter(code=o["unit"])[:2])
            target = matches[0] if len(matches) == 1 else None
            missing = (f"enheten {o['unit']} finns inte" if not matches
                       else f"flera kommuner har en enhet {o['unit']}")
        if target is None:
            raise CommandError(missing, returncode=2)
        try:
            contact_update(acting_user=None, target=target, phone=o["phone"], email=o["email"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        self.stdout.write(f"Kontaktuppgifterna för {target} är sparade: telefon {target.phone or '–'}, "
                          f"e-post {target.email or '–'}.")

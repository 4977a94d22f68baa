"""`lika payment-import FILE --user U`: the bank's status report (pain.002), returned
payments (camt.054) or a returns CSV."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from lika.accounts.models import User
from lika.commands import fail, machine_faults, read_text_input
from lika.core.limits import MAX_BANK_FILE
from lika.payments import services


class Command(BaseCommand):
    help = "Läs in bankens statusrapport (pain.002), returer (camt.054) eller en returfil (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="filen från banken, eller - för standard in")
        parser.add_argument("--user", required=True, help="användarnamnet som läser in filen")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or not (user.has_role(*services.PREPARE_ROLES) or user.can_attest_payments):
            fail(f"{options['user']!r} får inte läsa in bankfiler")
        text = read_text_input(options["file"], limit=MAX_BANK_FILE)
        from lika.payments.iso20022 import Iso20022Error

        try:
            with machine_faults():
                counts = services.payment_file_import(acting_user=user, text=text)
        except (Iso20022Error, ValidationError, PermissionDenied) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            fail(f"{options['file']}: {reason}")
        self.stdout.write(f"Uppdaterade {counts['updated']} betalningar; {counts['unchanged']} oförändrade, "
                          f"{counts['unknown']} okända.")

"""`lika integrity-check`: exit 0 when the database holds Lika's guarantees (triggers,
constraints, payment orders, sums, access log, migrations), else exit 2 with one line per
failure (lika/audit/integrity.py, docs/operations.md "Backup and restore")."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from lika.audit.integrity import integrity_check


class Command(BaseCommand):
    help = "Kontrollera att databasen håller Likas garantier (t.ex. en återläst säkerhetskopia)."

    def handle(self, *args, **options):
        try:
            failures = integrity_check()
        except DatabaseError as error:
            raise CommandError(f"databasen svarade inte: {(str(error).strip().splitlines() or ['?'])[0]}",
                               returncode=2) from None
        if failures:
            for line in failures:
                sys.stderr.write(line + "\n")
            sys.exit(2)
        self.stdout.write("Alla kontroller gick igenom: triggrar, villkor, utbetalningar, summor, "
                          "åtkomstlogg, migreringar.")

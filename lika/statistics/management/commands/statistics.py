"""`lika statistics refresh [--year ÅÅÅÅ ...]`: write the statistics summary tables again
(docs/kpi.md, docs/operations.md).  Without --year every year with data (applications, cases, meetings, activities) is
refreshed; run it nightly.

`lika statistics import-history FILE --user ADMIN [--dry-run]`: payments from the earlier
system (docs/formats.md, "Payment history"), checked as a whole, then written for the months
the file names.  Bad input exits with code 2 and one Swedish line."""

import re
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from lika.core.limits import shown
from lika.statistics.management.cli import acting_user
from lika.statistics.management.cli import fail as _fail


class Command(BaseCommand):
    help = "Uppdatera statistikens sammanställningstabeller (alla år, eller de år som anges)."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", help="refresh | import-history")
        parser.add_argument("file", nargs="?", help="import-history: filen (- för standard in)")
        parser.add_argument("--year", action="append", default=[], help="ÅÅÅÅ (kan anges flera gånger)")
        parser.add_argument("--user", help="import-history: administratörens användarnamn")
        parser.add_argument("--dry-run", action="store_true", help="import-history: bara kontrollera filen")

    def handle(self, *args, **options):
        from lika.statistics.refresh import refresh_year, years_with_data

        if options["action"] == "import-history":
            return self._import_history(options)
        if options["action"] != "refresh":
            _fail("ange vad som ska göras: lika statistics refresh [--year ÅÅÅÅ] eller "
                  "lika statistics import-history FIL --user ANVÄNDARE")
        years = []
        for text in options["year"]:
            # four ASCII digits first: int() of "²" or of 5 000 digits raises, not answers
            if not (re.fullmatch(r"[0-9]{4}", text.strip()) and 2000 <= int(text) <= 2100):
                _fail(f"--year ska vara ett årtal mellan 2000 och 2100, inte {shown(text)}")
            years.append(int(text))
        try:
            years = sorted(set(years)) or years_with_data()
            for year in years:
                started = time.perf_counter()
                refresh_year(year)
                self.stdout.write(f"{year}: uppdaterat på {time.perf_counter() - started:.1f} s")
        except DatabaseError as error:
            _fail(f"databasen kunde inte uppdateras: {str(error).splitlines()[0]}")
        if not years:
            self.stdout.write("Inga ansökningar: ingenting att uppdatera.")

    def _import_history(self, options):
        from django.core.exceptions import PermissionDenied, ValidationError
        from django.utils import timezone

        from lika.commands import read_text_input
        from lika.core.limits import MAX_HISTORY_FILE
        from lika.statistics.history import history_import, history_parse

        if not options["file"]:
            _fail("ange filen: lika statistics import-history FIL --user ANVÄNDARE")
        user = acting_user(options["user"])
        if user is None:
            _fail("ange --user ANVÄNDARE")
        text = read_text_input(options["file"], limit=MAX_HISTORY_FILE)
        try:
            rows = history_parse(text, today=timezone.localdate())
            summary = history_import(acting_user=user, rows=rows, dry_run=options["dry_run"])
        except (ValidationError, PermissionDenied) as error:
            _fail("; ".join(getattr(error, "messages", None) or [str(error)]))
        except DatabaseError as error:
            _fail(f"databasen kunde inte uppdateras: {str(error).splitlines()[0]}")
        kronor = f"{summary.ore // 100:,}".replace(",", "\u00a0")
        verb = "Kontrollerade" if options["dry_run"] else "Läste in"
        self.stdout.write(f"{verb} {summary.rows} rader för {summary.months[0]:%Y-%m}–{summary.months[-1]:%Y-%m}: "
                          f"{summary.people} personer ({summary.new_people} nya), {kronor} kr."
                          + ("" if options["dry_run"] else " Statistiken för åren är uppdaterad."))

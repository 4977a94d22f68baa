"""`lika statistics refresh [--year ÅÅÅÅ ...]`: write the statistics summary tables again
(docs/kpi.md, docs/operations.md).  Without --year every year with data (applications, cases, meetings, activities) is
refreshed; run it nightly.  Bad input exits with code 2 and one Swedish line."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError


def _fail(message):
    raise CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Uppdatera statistikens sammanställningstabeller (alla år, eller de år som anges)."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", help="refresh")
        parser.add_argument("--year", action="append", default=[], help="ÅÅÅÅ (kan anges flera gånger)")

    def handle(self, *args, **options):
        from lika.statistics.refresh import refresh_year, years_with_data

        if options["action"] != "refresh":
            _fail("ange vad som ska göras: lika statistics refresh [--year ÅÅÅÅ]")
        years = []
        for text in options["year"]:
            if not (text.strip().isdigit() and 2000 <= int(text) <= 2100):
                _fail(f"--year ska vara ett årtal mellan 2000 och 2100, inte {text!r}")
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

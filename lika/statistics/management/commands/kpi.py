"""`lika kpi export --year ÅÅÅÅ [--format json|csv] [--output FIL] [--user U]` and
`lika kpi import FIL|KATALOG [FIL …] [--user U]`: the municipality's key figures as a
Kolada-shaped file, and other municipalities' files or pages of Kolada's API into the
comparison (docs/kpi.md).  Bad input exits
with code 2 and one Swedish line; an import of several files is all or nothing."""


from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

from lika.core.kolada import KpiFormatError
from lika.statistics.management.cli import acting_user, fail, output_path

ACTIONS = ("export", "import")
FIRST_YEAR = 1990


_fail = fail


def _year(text):
    last = timezone.localdate().year
    try:
        year = int(text.strip())
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= last:
        _fail(f"--year ska vara ett år mellan {FIRST_YEAR} och {last}, inte {text!r}")
    return year


def _result_text(result):
    if result.pages:
        text = (f"{result.values} värden för {result.municipalities} "
                f"{'kommun' if result.municipalities == 1 else 'kommuner'} från Kolada inlästa "
                f"({result.pages} {'sida' if result.pages == 1 else 'sidor'})")
        return f"{text}; hoppade över {result.skipped}" if result.skipped else text
    if result.municipality is None:
        return f"{result.values} värden från flera kommuner inlästa"
    name = result.name or f"kommun {result.municipality}"
    return f"{result.values} värden från {name} ({result.municipality}) inlästa"


class Command(BaseCommand):
    help = "Exportera kommunens nyckeltal för ett år, eller läs in andra kommuners nyckeltal för jämförelse."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", help="export eller import")
        parser.add_argument("files", nargs="*",
                            help="import: filerna som läses in (Lika-fil JSON/CSV, sidor från Koladas API, en katalog)")
        parser.add_argument("--year", help="export: året (ÅÅÅÅ)")
        parser.add_argument("--format", help="export: json (standard) eller csv")
        parser.add_argument("--output", help="export: filen som skrivs (standard var/kpi/kpi-KOMMUNKOD-ÅÅÅÅ.json)")
        parser.add_argument("--user", help="användarnamnet som står i åtkomstloggen (standard: system)")

    def handle(self, *args, **options):
        action = options["action"]
        if action not in ACTIONS:
            _fail(f"okänd åtgärd {action!r}: välj export eller import" if action
                  else "ange åtgärden: lika kpi export --year ÅÅÅÅ eller lika kpi import FIL")
        try:
            if action == "export":
                self._export(options)
            else:
                self._import(options)
        except DatabaseError:
            _fail("databasen är inte redo: kör först `lika migrate`")

    def _export(self, options):
        from lika.statistics.kpi_exchange import FORMATS, export_year

        if options["files"]:
            _fail(f"export tar inga filnamn ({options['files'][0]!r}): ange filen med --output")
        if not options["year"]:
            _fail("ange --year ÅÅÅÅ")
        year = _year(options["year"])
        fmt = (options["format"] or "json").strip().lower()
        if fmt not in FORMATS:
            _fail(f"--format ska vara json eller csv, inte {options['format']!r}")
        path = output_path(options["output"])
        user = acting_user(options["user"])
        try:
            written = export_year(year=year, fmt=fmt, path=path, acting_user=user)
        except (KpiFormatError, ValueError) as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"kan inte skriva {path or 'filen'}: {exc.strerror or exc}")
        self.stdout.write(f"Skrev {written}: nyckeltal för {year}.")

    def _import(self, options):
        from lika.statistics.kpi_exchange import KpiImportError, import_files

        files = options["files"]
        if not files:
            _fail("ange filen: lika kpi import FIL [FIL …]")
        for option in ("year", "format", "output"):
            if options[option]:
                _fail(f"--{option} hör till export, inte import")
        try:
            user = acting_user(options["user"])
            results = import_files(files, acting_user=user)  # every file read and checked first
        except KpiImportError as exc:
            _fail(f"{exc} (ingenting inläst)" if len(files) > 1 else str(exc))
        for result in results:
            self.stdout.write(f"{_result_text(result)}.")

"""`lika report socialstyrelsen --month ÅÅÅÅ-MM [--output FIL] [--user U] | --check FIL`: the monthly
individual-level file to Socialstyrelsen's register of ekonomiskt bistånd (HSLF-FS
2015:30 bilaga 1); `lika report socialstyrelsen-avslut --month ÅÅÅÅ-MM …`: the month's
reasons for leaving support (bilaga 2).  See docs/formats.md.  Checked before it is
written; bad input exits with code 2 and one Swedish line, and leaves no file behind.
`--check FIL` reads a written file (Lika's or another system's) and checks it against the
description with the same validator, writing nothing."""


import os

from django.core.management.base import BaseCommand

from lika.core.limits import MB, InputLimitError, check_size, check_text
from lika.core.periods import PeriodError, parse_month
from lika.core.socialstyrelsen_file import (
    MAX_LISTED_PROBLEMS,
    RegisterFileError,
    validate_exit_text,
    validate_register_text,
)
from lika.statistics.management.cli import acting_user, fail, output_path

REPORTS = ("socialstyrelsen", "socialstyrelsen-avslut")
VALIDATORS = {"socialstyrelsen": validate_register_text, "socialstyrelsen-avslut": validate_exit_text}
# 100 000 households of three persons are about 25 MB; the limit leaves room for the largest
MAX_CHECKED_FILE = 200 * MB


_fail = fail


def _month(text):
    try:
        return parse_month(text)
    except PeriodError:
        _fail(f"--month ska skrivas ÅÅÅÅ-MM, inte {text!r}")


class Command(BaseCommand):
    help = ("Skriv månadsfilen (individdata) eller avslutsfilen till Socialstyrelsens register över "
            "ekonomiskt bistånd.")

    def add_arguments(self, parser):
        parser.add_argument("report", nargs="?", help="rapporten: socialstyrelsen eller socialstyrelsen-avslut")
        parser.add_argument("--month", help="ÅÅÅÅ-MM: månaden som biståndet gäller (krävs)")
        parser.add_argument("--output", help="filen som skrivs (standard var/reports/RAPPORT-ÅÅÅÅ-MM.csv)")
        parser.add_argument("--user", help="användarnamnet som står i åtkomstloggen (standard: system)")
        parser.add_argument("--check", metavar="FIL",
                            help="kontrollera en skriven fil mot beskrivningen i stället (skriver inget; "
                                 "med --month också att perioden är den månaden)")

    def handle(self, *args, **options):
        from lika.statistics.socialstyrelsen import report_write

        if options["report"] not in REPORTS:
            _fail(f"okänd rapport {options['report']!r}: välj socialstyrelsen eller socialstyrelsen-avslut"
                  if options["report"] else "ange rapporten: lika report socialstyrelsen --month ÅÅÅÅ-MM")
        if options["check"]:
            self._check(options)
            return
        if not options["month"]:
            _fail("ange --month ÅÅÅÅ-MM")
        month = _month(options["month"])
        user = acting_user(options["user"])
        path = output_path(options["output"])
        try:
            written = report_write(month=month, path=path, acting_user=user, report=options["report"])
        except RegisterFileError as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"kan inte skriva {path or 'filen'}: {exc.strerror or exc}")
        if written.households == 0:
            self.stderr.write(f"Inget hushåll lämnade biståndet i {month:%Y-%m}: filen har bara rubrikraden."
                              if options["report"] == "socialstyrelsen-avslut" else
                              f"Inget hushåll fick bistånd beviljat för {month:%Y-%m}: filen har bara rubrikraden.")
        self.stdout.write(f"Skrev {written.path}: {written.persons} personer i {written.households} hushåll "
                          f"({month:%Y-%m}).")

    def _check(self, options):
        name = options["check"]
        period = f"{_month(options['month']):%Y%m}" if options["month"] else None
        try:
            with open(name, "rb") as handle:
                check_size(os.fstat(handle.fileno()).st_size, MAX_CHECKED_FILE)
                data = handle.read(MAX_CHECKED_FILE + 1)
            check_size(len(data), MAX_CHECKED_FILE)
            text = check_text(data.decode("utf-8"), what="filen")
        except InputLimitError as exc:
            _fail(f"kan inte läsa {name}: {exc}")
        except UnicodeDecodeError:
            _fail(f"kan inte läsa {name}: filen är inte UTF-8")
        except OSError as exc:
            _fail(f"kan inte läsa {name}: {exc.strerror or exc}")
        problems = VALIDATORS[options["report"]](text, period=period)
        if problems:
            more = len(problems) - MAX_LISTED_PROBLEMS
            tail = f" (och {more} fel till)" if more > 0 else ""
            _fail(f"{name} följer inte beskrivningen: {'; '.join(problems[:MAX_LISTED_PROBLEMS])}{tail}")
        rows = max(text.count("\n") - 1, 0)
        self.stdout.write(f"{name} följer beskrivningen: {rows} rader utöver rubrikraden.")

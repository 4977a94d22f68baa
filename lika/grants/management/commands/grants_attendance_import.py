"""`lika grants-attendance-import --association ORGNR --programme NAME FILE --user U
[--dry-run]`: a club system's attendance export (docs/grants.md, "Närvarofilen") submitted
as the association's activity-grant application, exactly as the web's "Skicka in ansökan".

The whole file is checked first; every problem is printed on its own line (standard error)
and the command ends with exit code 2 and nothing written.  The acting user is ``--user``:
a login of the association itself (role Förening), e.g. the account the club has set up
for its membership system — an application is the association's act, and the access log
names that login.  ``--dry-run`` checks and computes without writing and needs no user.
A file whose sammankomster overlap an application already made to the programme (not
withdrawn) is refused, so a nightly job run twice never reports the same occasions twice;
two imports for one association run one at a time."""

import os
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand
from django.http import Http404
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr as orgnr_rules

from lika.accounts.models import Role, User
from lika.commands import Busy, fail, machine_faults, one_process_at_a_time
from lika.core.attendance import parse_attendance
from lika.core.grants import FEMALE, MALE
from lika.core.limits import MAX_ATTENDANCE_EXPORT, InputLimitError, check_size, os_reason, shown
from lika.core.money import format_kronor
from lika.grants import services
from lika.grants.models import Association, Programme

SHOWN_REJECTED = 20  # rejected sammankomster listed one by one; the rest are counted


class Command(BaseCommand):
    help = ("Läs in en närvarofil från föreningens medlemssystem och skicka in den som ansökan om "
            "aktivitetsbidrag (hela filen kontrolleras först; vid fel sparas ingenting).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="närvarofilen (CSV, UTF-8; docs/grants.md)")
        parser.add_argument("--association", required=True, metavar="ORGNR",
                            help="föreningens organisationsnummer, NNNNNN-NNNN")
        parser.add_argument("--programme", required=True, metavar="NAMN",
                            help="bidragsprogrammets namn, t.ex. Aktivitetsbidrag")
        parser.add_argument("--user", metavar="ANVÄNDARE",
                            help="föreningens inloggning som skickar in ansökan (krävs utom med --dry-run)")
        parser.add_argument("--dry-run", action="store_true",
                            help="kontrollera filen och visa beloppet utan att spara något")

    def handle(self, *args, **options):
        with machine_faults():
            association = _association(options["association"])
            programme = _programme(options["programme"])
            user = None if options["dry_run"] and not options["user"] else _user(options["user"], association)
        name = options["file"]
        occasions = self._read(name)
        years = sorted({o.date.year for o in occasions})
        if len(years) > 1:
            fail(f"{name}: filen ska gälla ett kalenderår; sammankomsterna spänner över "
                 f"{years[0]}–{years[-1]} (dela filen per år); ingenting sparat")
        first, last = occasions[0].date, occasions[-1].date
        try:
            with machine_faults(), one_process_at_a_time(f"grants-attendance-import:{association.pk}"):
                _refuse_overlap(name, association, programme, first, last)
                if options["dry_run"]:
                    result = services.activity_grant_compute(association=association, programme=programme,
                                                             occasions=occasions)
                    snapshot, number = services.snapshot(result, []), None
                else:
                    application = services.application_submit(acting_user=user, association_id=association.pk,
                                                               programme=programme, occasions=occasions)
                    snapshot, number = application.result, application.pk
        except Busy:
            fail(f"en annan inläsning för {association.orgnr} pågår: försök igen om en stund")
        except (ValidationError, PermissionDenied, Http404) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else \
                f"{user.username if user else '--user'} får inte ansöka för {association.orgnr}"
            fail(f"{name}: {reason}; ingenting sparat")
        self._report(association, programme, years[0], first, last, snapshot, number)

    def _read(self, name):
        try:
            with open(name, encoding="utf-8-sig", newline="") as handle:
                check_size(os.fstat(handle.fileno()).st_size, MAX_ATTENDANCE_EXPORT)
                parsed = parse_attendance(handle)
        except InputLimitError as exc:
            fail(f"kan inte läsa {name}: {exc}")
        except OSError as exc:
            fail(f"kan inte läsa {name}: {os_reason(exc)}")
        if parsed.errors:
            for line, message in parsed.errors:
                self.stderr.write(f"{name}:{line}: {' '.join(str(message).split())}")
            fail(f"{name}: {len(parsed.errors)} fel i filen; ingenting sparat")
        return parsed.occasions

    def _report(self, association, programme, year, first, last, snapshot, number):
        counted = [o for o in snapshot["occasions"] if o["counted"]]
        rejected = [o for o in snapshot["occasions"] if not o["counted"]]
        head = (f"Ansökan {number} inskickad" if number is not None else "Kontroll (--dry-run, ingenting sparat)")
        self.stdout.write(f"{head}: {programme.name} {year} för {association.orgnr} {association.name}, "
                          f"sammankomster {first}–{last}.")
        self.stdout.write(f"{len(counted)} av {len(snapshot['occasions'])} sammankomster räknas; "
                          f"belopp {format_kronor(snapshot['total'])}"
                          + (f" (taket {format_kronor(snapshot['cap'])} nått)" if snapshot["cap_applied"] else "")
                          + ".")
        by_gender = Counter()
        for part in snapshot["parts"]:
            by_gender[part["gender"]] += part["participations"]
        self.stdout.write(f"Deltagartillfällen: flickor/kvinnor {by_gender[FEMALE]}, pojkar/män {by_gender[MALE]}, "
                          f"okänt kön {by_gender['']}.")
        for occasion in rejected[:SHOWN_REJECTED]:
            self.stdout.write(f"  räknas inte: {occasion['date']} {occasion['group']}: {'; '.join(occasion['reasons'])}")
        if len(rejected) > SHOWN_REJECTED:
            self.stdout.write(f"  … och {len(rejected) - SHOWN_REJECTED} sammankomster till som inte räknas.")


def _association(text):
    try:
        formatted = orgnr_rules.format(orgnr_rules.validate(text))
    except StdnumError:
        fail(f"--association: {shown(text)} är inget giltigt organisationsnummer (NNNNNN-NNNN med rätt kontrollsiffra)")
    association = Association.objects.filter(orgnr=formatted).first()
    if association is None:
        fail(f"--association: ingen förening har organisationsnummer {formatted}")
    if not association.active:
        fail(f"--association: föreningen {formatted} är inte aktiv")
    return association


def _programme(name):
    programme = Programme.objects.filter(name=name.strip()).first()
    if programme is None:
        known = ", ".join(Programme.objects.filter(kind=Programme.Kind.ACTIVITY).values_list("name", flat=True)[:5])
        fail(f"--programme: inget bidragsprogram heter {shown(name)}" + (f" (aktivitetsbidrag: {known})" if known else ""))
    if programme.kind != Programme.Kind.ACTIVITY:
        fail(f"--programme: {programme.name} är inget aktivitetsbidrag; en närvarofil hör till ett aktivitetsbidrag")
    return programme


def _user(username, association):
    if not username:
        fail("ange --user: föreningens inloggning som skickar in ansökan (eller --dry-run för att bara kontrollera)")
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        fail(f"--user: användaren {shown(username)} finns inte eller är inte aktiv")
    if not user.has_role(Role.ASSOCIATION) or user.association_id != association.pk:
        fail(f"--user: {user.username} är ingen inloggning för föreningen {association.orgnr}; "
             "ansökan skickas in av föreningens egen användare")
    return user


def _refuse_overlap(name, association, programme, first, last):
    earlier = services.overlapping_application(association=association, programme=programme, first=first, last=last)
    if earlier is not None:
        fail(f"{name}: ansökan {earlier.pk} ({earlier.period_from}–{earlier.period_to}) gäller redan "
             f"sammankomster i perioden {first}–{last}; ingenting sparat")

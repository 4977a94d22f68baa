"""`lika payment-run`: prepare (or resume), attest and export the monthly payment run."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from lika.accounts.models import User
from lika.commands import Busy, fail, machine_faults, one_process_at_a_time
from lika.core.periods import PeriodError, parse_month
from lika.payments import services
from lika.payments.iso20022 import Iso20022Error
from lika.payments.models import PaymentRun
from lika.payments.parallel import default_workers

_fail = fail
MAX_BATCH = 1_000_000  # orders per transaction
MAX_WORKERS = 64


def _month(text):
    try:
        return parse_month(text)
    except PeriodError:
        _fail(f"--month ska skrivas ÅÅÅÅ-MM, inte {text!r}")


def _day(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"--payday ska skrivas ÅÅÅÅ-MM-DD, inte {text!r}")


class ProgressBar:
    """A one-line progress bar, redrawn in place: ``write`` takes text without a newline."""

    def __init__(self, write, width=40):
        self.write, self.width = write, width

    def __call__(self, done, total):
        share = done / total if total else 1
        filled = int(self.width * share)
        self.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        if done >= total:
            self.write("\n")


class Command(BaseCommand):
    help = ("Förbered månadens utbetalningskörning (eller fortsätt en avbruten), attestera den "
            "och exportera den som ISO 20022 pain.001.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", default="prepare", choices=["prepare", "attest", "export"],
                            help="prepare (standard), attest eller export")
        parser.add_argument("--month", help="ÅÅÅÅ-MM: månaden som stödet gäller")
        parser.add_argument("--payday", help="ÅÅÅÅ-MM-DD: utbetalningsdag (standard: den 25:e månaden före)")
        parser.add_argument("--run", type=int, help="körningens nummer (attest/export)")
        parser.add_argument("--user", required=True, help="användarnamnet som gör körningen")
        parser.add_argument("--pain-version", default="09", choices=["09", "03"], help="pain.001-version vid export (09 eller 03)")
        parser.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
        parser.add_argument("--batch", type=int, default=services.BATCH,
                            help=f"betalningsordrar per transaktion (standard {services.BATCH})")
        parser.add_argument("--workers", type=int, default=None,
                            help="processer som förbereder samtidigt (standard 2 på PostgreSQL, 1 på SQLite)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            _fail(f"användaren {options['user']!r} finns inte eller är inte aktiv")
        try:
            with machine_faults():
                self._act(user, options)
        except PermissionDenied:
            _fail(f"{user.username} har inte behörighet till det här steget")
        except ValidationError as exc:
            _fail(" ".join(exc.messages))
        except Iso20022Error as exc:  # the file cannot be written (e.g. a debtor setting)
            _fail(str(exc))

    def _act(self, user, options):
        if options["action"] == "prepare":
            if not options["month"]:
                _fail("ange --month ÅÅÅÅ-MM")
            month = _month(options["month"])
            # one process at a time prepares a month: a second one (another terminal, a
            # scheduled job) is told so at once instead of racing the first one's batches
            try:
                with one_process_at_a_time(f"payment-run-prepare-{month:%Y-%m}"):
                    run = self._prepare(user, options, month)
            except Busy:
                _fail(f"en annan process förbereder redan körningen för {month:%Y-%m}: vänta tills den är "
                      "klar (kör kommandot igen om den avbröts)")
            self.stdout.write(f"Körning {run.pk} för {run.month:%Y-%m}: {run.order_count} betalningsordrar, "
                              f"{services.format_kronor(run.total)} kr, {run.hold_count} stoppade. Väntar på attest.")
        elif options["action"] == "attest":
            run = services.payment_run_attest(acting_user=user, run=self._run(options))
            self.stdout.write(f"Körning {run.pk} är attesterad.")
        else:
            path = services.payment_run_export(acting_user=user, run=self._run(options),
                                               version=options["pain_version"])
            self.stdout.write(f"Filen är validerad mot XSD och skriven: {path}")

    def _run(self, options):
        number = options["run"]  # a number beyond a bigint is no run
        run = PaymentRun.objects.filter(pk=number).first() if number and 0 < number < 2**63 else None
        if run is None:
            _fail("ange en befintlig körning med --run")
        return run

    def _prepare(self, user, options, month):
        if not 1 <= options["batch"] <= MAX_BATCH:
            _fail(f"--batch ska vara minst 1 och högst {MAX_BATCH}")
        workers = default_workers() if options["workers"] is None else options["workers"]
        if not 1 <= workers <= MAX_WORKERS:
            _fail(f"--workers ska vara minst 1 och högst {MAX_WORKERS}")
        run = PaymentRun.objects.filter(month=month, status=PaymentRun.Status.PREPARING).first()
        if run is None:
            payday = _day(options["payday"]) if options["payday"] else None
            run = services.payment_run_create(acting_user=user, month=month, payday=payday)
        else:
            self.stderr.write(f"Fortsätter den avbrutna körningen {run.pk} för {month:%Y-%m}.")
        progress = None if options["quiet"] else ProgressBar(lambda text: self.stderr.write(text, ending=""))
        return services.payment_run_prepare(acting_user=user, run=run, progress=progress, batch=options["batch"],
                                            workers=workers)

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import ngettext

from lika.accounts.models import Role
from lika.households.demo import DEMO_PASSWORD, KIND_LABELS, DemoLogin, demo_is_loaded, demo_seed

MAX_HOUSEHOLDS = 1_000_000
DEFAULT_CASES = 500


class Command(BaseCommand):
    help = ("Fyll databasen med påhittade demodata: kommunen Lika kommun, två enheter, "
            "demoinloggningar och hushåll.  Lösenordet gäller bara demon.")

    def add_arguments(self, parser):
        parser.add_argument("--households", default="200", metavar="N",
                            help="antal hushåll att lägga till (0–1 000 000, standard 200)")
        parser.add_argument("--seed", default=None, metavar="S",
                            help="heltal: samma seed ger samma hushåll (standard: slumpat)")
        parser.add_argument("--if-empty", action="store_true",
                            help="gör ingenting om det redan finns hushåll")
        parser.add_argument("--cases", default=None, metavar="N",
                            help="öppna ärenden med ansökningar, beslut, planer och möten för upp till N "
                                 "demohushåll utan ärende (standard: alla nya hushåll, högst 500)")
        parser.add_argument("--associations", default="60", metavar="N",
                            help="föreningar i demon för föreningsbidrag med tre års ansökningar "
                                 "(0–60, standard 60; 0: ingen bidragsdemo)")
        parser.add_argument("--password", default=DEMO_PASSWORD, metavar="P",
                            help=f"lösenord för nya demoinloggningar (standard {DEMO_PASSWORD}, "
                                 "bara för demo); befintliga inloggningar ändras inte")

    def handle(self, *args, **options):
        households = _integer(options["households"], "antalet hushåll", 0, MAX_HOUSEHOLDS)
        seed = (secrets.randbelow(1_000_000) if options["seed"] is None
                else _integer(options["seed"], "seed"))
        password = options["password"]
        from lika.grants.demo_data import ASSOCIATIONS

        associations = _integer(options["associations"], "antalet föreningar", 0, ASSOCIATIONS)
        if not password:
            raise CommandError("lösenordet får inte vara tomt", returncode=2)
        try:
            if options["if_empty"] and demo_is_loaded():
                self.stdout.write("Demodata finns redan (databasen har hushåll): ingenting ändrat.")
                return
            today = timezone.localdate()
            result = demo_seed(households=households, seed=seed, today=today, password=password)
            cases_wanted = (min(households, DEFAULT_CASES) if options["cases"] is None
                            else _integer(options["cases"], "antalet ärenden", 0, MAX_HOUSEHOLDS))
            from lika.cases.demo import demo_cases_seed

            cases = demo_cases_seed(seed=seed, today=today, limit=cases_wanted)
            from lika.statistics.demo import demo_statistics_seed

            statistics = demo_statistics_seed(seed=seed, today=today)
            from lika.grants.demo import LOGINS, OFFICER, seed_grants

            grants = seed_grants(seed=seed, password=password, associations=associations)
        except DatabaseError:
            raise CommandError("databasen är inte redo: kör först `lika migrate`",
                               returncode=2) from None
        self.stdout.write(_summary(result))
        self.stdout.write(f"Öppnade {cases.cases} ärenden med {cases.applications} ansökningar, "
                          f"{cases.decisions} beslut, {cases.exceptions} undantag, {cases.plans} planer "
                          f"och {cases.meetings} möten.")
        self.stdout.write(f"{attested_text(statistics.runs, statistics.orders)}, "
                          f"avslutade {statistics.exits} ärenden; "
                          f"statistik: delad utbetalning infördes {statistics.switch or '–'}, "
                          f"{statistics.history_rows} rader från tidigare system, "
                          f"{statistics.peer_values} nyckeltal från tre jämförelsekommuner, "
                          f"{statistics.kolada_values} exempelvärden i Koladas format.")
        if grants.skipped and grants.associations:
            self.stdout.write(f"Föreningsbidrag: demoföreningarna finns redan ({grants.associations} föreningar, "
                              f"{grants.applications} ansökningar): ingenting ändrat.")
        elif grants.associations:
            self.stdout.write(f"Föreningsbidrag: {grants.associations} föreningar, {grants.applications} ansökningar "
                              f"om aktivitetsbidrag 2024–2026 och en regeländring 2026; föreningsinloggningar "
                              f"forening1–forening{min(LOGINS, grants.associations)} "
                              f"({password if grants.login_created else 'lösenordet oförändrat'}); "
                              f"{grants.decisions} beslut om 2024–2025 års ansökningar (2026 väntar på "
                              f"handläggning), {grants.sponsorships} sponsringsavtal; bidragshandläggare "
                              f"{OFFICER} ({password if grants.officer_created else 'lösenordet oförändrat'}).")
        logins = result.logins
        if grants.associations and not grants.skipped:
            logins += (DemoLogin(OFFICER, str(Role.GRANTS_OFFICER.label), "",
                                 password if grants.officer_created else None, grants.officer_created),)
        self.stdout.write(_login_table(logins))


def _integer(value, what, low=None, high=None):
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or (low is not None and number < low) or (high is not None and number > high):
        span = f" mellan {low:,} och {high:,}".replace(",", " ") if low is not None else ""
        raise CommandError(f"{what} ska vara ett heltal{span}, inte {value!r}", returncode=2)
    return number


def attested_text(runs: int, orders: int) -> str:
    """"Attesterade 1 utbetalningskörning (2 ordrar)": singular and plural (issue 17)."""
    return (ngettext("Attesterade %(n)d utbetalningskörning", "Attesterade %(n)d utbetalningskörningar", runs)
            % {"n": runs} + " ("
            + ngettext("%(n)d order", "%(n)d ordrar", orders) % {"n": orders} + ")")


def _summary(result):
    text = f"Skapade {result.households} hushåll med {result.persons} personer (seed {result.seed})"
    if not result.households:
        return text + "."
    lines = [f"{text}, {result.first_reference} till {result.last_reference}:"]
    lines += [f"  {count:>7}  {KIND_LABELS[kind]}" for kind, count in result.kinds.items()]
    return "\n".join(lines)


def _login_table(logins):
    header = ("Användarnamn", "Roll", "Enhet", "Lösenord")
    rows = [(login.username, login.role_label, login.unit_name or "hela kommunen",
             login.password if login.password is not None else "(oförändrat)") for login in logins]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["", "Demoinloggningar (lösenordet gäller bara demon, aldrig i produktion):"]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
              for row in [header, *rows]]
    return "\n".join(lines)

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from lika.audit.runtime_role import RoleError, check_role, runtime_grants


class Command(BaseCommand):
    help = ("Ge PostgreSQL-rollen som programmet kör som (inte tabellernas ägare) precis de rättigheter "
            "den behöver (docs/operations.md). Körs som ägaren efter lika migrate.")

    def add_arguments(self, parser):
        parser.add_argument("role", help="rollen som programmet kör som, t.ex. lika_app")
        parser.add_argument("--print", action="store_true", dest="print_only",
                            help="skriv bara ut SQL-satserna, utan att köra dem")

    def handle(self, *args, role, print_only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db-grant-runtime: databasen är inte PostgreSQL (rollen finns bara där)",
                               returncode=2)
        try:
            statements = runtime_grants(role, connection.settings_dict["NAME"])
            if print_only:
                self.stdout.write("\n".join(statements))
                return
            with transaction.atomic(), connection.cursor() as cursor:
                check_role(cursor, role)
                for sql in statements:
                    cursor.execute(sql)
        except RoleError as exc:
            raise CommandError(f"db-grant-runtime: {exc}", returncode=2) from None
        except DatabaseError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(f"db-grant-runtime: databasen vägrade: {first}", returncode=2) from None
        self.stdout.write(f"Rollen {role} har fått programmets rättigheter ({len(statements)} satser).")

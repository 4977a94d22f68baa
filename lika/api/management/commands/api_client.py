"""`lika api-client create NAME --units CODE[,CODE] | --association ORGNR [--write] [--no-read]
--by ADMIN`, `lika api-client revoke NAME --by ADMIN`, `lika api-client list`: the connected
systems of the integration API (docs/api.md).  ``create`` prints the token once; bad input is
one line on standard error and exit code 2."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from lika.accounts.models import Role, User
from lika.api import services
from lika.api.models import ApiClient
from lika.commands import fail, machine_faults
from lika.core.limits import shown


class Command(BaseCommand):
    help = "Anslutna system för API:t: skapa (nyckeln visas en gång), återkalla, lista."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="skapa ett system och visa dess nyckel")
        create.add_argument("name")
        create.add_argument("--units", default="", help="enhetskoder, kommaseparerade")
        create.add_argument("--association", default="", metavar="ORGNR", help="förening (närvarofiler)")
        create.add_argument("--write", action="store_true", help="får skriva (ansökningar, närvarofiler)")
        create.add_argument("--no-read", action="store_true", help="får inte läsa")
        create.add_argument("--grant-events", action="store_true",
                            help="får följa bidragens beslut och betalningar (/api/v1/grant-events/)")
        create.add_argument("--by", required=True, metavar="ADMINISTRATÖR", help="administratören som skapar")
        revoke = sub.add_parser("revoke", help="återkalla systemets nyckel")
        revoke.add_argument("name")
        revoke.add_argument("--by", required=True, metavar="ADMINISTRATÖR")
        sub.add_parser("list", help="lista systemen")

    def handle(self, *args, **options):
        with machine_faults():
            if options["action"] == "list":
                return self._list()
            admin = _admin(options["by"])
            try:
                if options["action"] == "create":
                    client, token = services.client_create(
                        acting_user=admin, name=options["name"], unit_codes=options["units"].split(","),
                        association_orgnr=options["association"], read=not options["no_read"],
                        write=options["write"], grant_events=options["grant_events"])
                    self.stdout.write(f"{client.name} skapat ({', '.join(client.scopes)}). Nyckeln visas bara nu:")
                    self.stdout.write(token)
                else:
                    client = services.client_revoke(acting_user=admin, name=options["name"])
                    self.stdout.write(f"{client.name} återkallat {client.revoked_at:%Y-%m-%d %H:%M}.")
            except ValidationError as exc:
                fail(" ".join(exc.messages))

    def _list(self):
        for client in ApiClient.objects.prefetch_related("units").select_related("association"):
            sees = client.association.orgnr if client.association else ",".join(u.code for u in client.units.all()) or "–"
            status = f"återkallad {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "aktiv"
            used = f"{client.last_used_at:%Y-%m-%d %H:%M}" if client.last_used_at else "–"
            self.stdout.write(f"{client.name}\t{sees}\t{','.join(client.scopes)}\t{status}\tsenast {used}")


def _admin(username):
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not user.has_role(Role.ADMINISTRATOR):
        fail(f"--by: {shown(username)} är ingen aktiv administratör")
    return user

"""Connected systems (ApiClient): created and revoked by an administrator, on the page or
with ``lika api-client``.  Each function runs in one transaction and writes its access-log
row (STYLE.md §4); bad input raises ``ValidationError`` with a Swedish message."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lika.accounts.models import Role, Unit
from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.grants.models import Association

from .auth import new_token, token_hash
from .models import ApiClient

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,59}$")
USERNAME_PREFIX = "api:"


def _admin(user):
    if user is None or not user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied


@transaction.atomic
def client_create(*, acting_user, name: str, unit_codes=(), association_orgnr: str = "", read: bool = True,
                  write: bool = False, grant_events: bool = False) -> tuple[ApiClient, str]:
    """A new connected system and its token.  The token is returned once and never stored
    (only its SHA-256 hash is).  ``grant_events``: it may follow the grants' decisions and
    payments (the economy system), with or without units' cases."""
    _admin(acting_user)
    name = (name or "").strip()
    errors = []
    if not NAME.match(name):
        errors.append("Namnet ska vara 2–60 tecken: små bokstäver a–z, siffror, - och _ (t.ex. ekonomisystem).")
    elif ApiClient.objects.filter(name=name).exists() or get_user_model().objects.filter(
            username=USERNAME_PREFIX + name).exists():
        errors.append(f"Det finns redan ett system som heter {name}.")
    if not (read or write):
        errors.append("Välj minst en behörighet: läsa eller skriva.")
    codes = sorted({c.strip() for c in unit_codes if c and c.strip()})
    units = list(Unit.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {u.code for u in units})
    if missing:
        errors.append(f"Okänd enhet: {', '.join(missing)}.")
    association = None
    if association_orgnr:
        association = Association.objects.filter(orgnr=association_orgnr.strip(), active=True).first()
        if association is None:
            errors.append(f"Ingen aktiv förening har organisationsnummer {association_orgnr.strip()}.")
    if association is not None and units:
        errors.append("Ett system ser antingen enheters ärenden eller en förenings bidrag, inte båda.")
    if grant_events and association is not None:
        errors.append("En förenings system kan inte följa alla bidragens beslut och betalningar.")
    elif grant_events and not read:
        errors.append("Att följa bidragens beslut och betalningar kräver behörigheten läsa.")
    if not units and association is None and not grant_events:
        errors.append("Välj de enheter vars ärenden systemet får se, att det får följa bidragens beslut och "
                      "betalningar, eller en förening för närvarofiler.")
    if errors:
        raise ValidationError(errors)
    user = get_user_model().objects.create(
        username=USERNAME_PREFIX + name, first_name=name[:150], is_active=True,
        role=Role.ASSOCIATION if association is not None else Role.API_CLIENT, association=association)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token = new_token()
    try:
        with transaction.atomic():
            client = ApiClient.objects.create(name=name, user=user, association=association, can_read=read,
                                              can_write=write, grant_events=grant_events, token_prefix=token[:12],
                                              token_sha256=token_hash(token), created_by=acting_user)
    except IntegrityError:
        raise ValidationError(f"Det finns redan ett system som heter {name}.") from None
    client.units.set(units)
    access_log_write(actor=acting_user, action=CREATE, object_type="api_client", object_id=client.pk,
                     summary=f"API-klient {name} skapad",
                     new={"units": [u.code for u in units], "association": association.orgnr if association else None,
                          "scopes": client.scopes, "grant_events": client.grant_events})
    return client, token


@transaction.atomic
def client_revoke(*, acting_user, name: str) -> ApiClient:
    """Revoke a client's token at once (its next call is 401); the client stays listed."""
    _admin(acting_user)
    client = ApiClient.objects.select_for_update().filter(name=(name or "").strip()).first()
    if client is None:
        raise ValidationError(f"Det finns inget system som heter {(name or '').strip()[:60]}.")
    if client.revoked_at is not None:
        raise ValidationError(f"{client.name} är redan återkallat.")
    client.revoked_at, client.revoked_by = timezone.now(), acting_user
    client.save(update_fields=["revoked_at", "revoked_by"])
    user = client.user
    user.is_active = False  # the system user acts no more (role_required, has_role)
    user.save(update_fields=["is_active"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="api_client", object_id=client.pk,
                     summary=f"API-klient {client.name} återkallad", old={"revoked_at": None},
                     new={"revoked_at": client.revoked_at.isoformat()})
    return client

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lika.audit.services import CREATE, access_log_write

from .models import FailedLogin, Municipality, Role, Unit, User

UNIT_ROLES = {Role.CASE_WORKER, Role.UNIT_MANAGER}


def unit_create(*, acting_user, code, name, municipality_code, municipality_name="") -> Unit:
    with transaction.atomic():
        municipality, _ = Municipality.objects.get_or_create(
            code=municipality_code, defaults={"name": municipality_name or municipality_code})
        if Unit.objects.filter(municipality=municipality, code=code).exists():
            raise ValidationError(f"enheten {code} finns redan")
        unit = Unit.objects.create(municipality=municipality, code=code, name=name)
        access_log_write(actor=acting_user, action=CREATE, object_type="unit", object_id=unit.pk,
                         summary=f"Enhet {code} skapad", new={"code": code, "name": name})
    return unit


def user_create(*, acting_user, username, password, role, unit_code="", first_name="",
                last_name="") -> User:
    """Create a login; case workers and unit managers must belong to a unit."""
    if role not in Role.values:
        raise ValidationError(f"okänd roll {role!r}; giltiga: {', '.join(Role.values)}")
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise ValidationError(f"enheten {unit_code} finns inte")
    if role in UNIT_ROLES and unit is None:
        raise ValidationError("socialsekreterare och enhetschefer måste tillhöra en enhet (--unit)")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"användaren {username} finns redan")
    user = User(username=username, role=role, unit=unit, first_name=first_name, last_name=last_name)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        access_log_write(actor=acting_user, action=CREATE, object_type="user", object_id=user.pk,
                         summary=f"Användare {username} skapad",
                         new={"username": username, "role": role, "unit": unit_code})
    return user


def login_locked_until(*, username: str, now):
    """When the account stops being locked, or None if it is not locked.

    Locked for LIKA_LOGIN_LOCKOUT_SECONDS after LIKA_LOGIN_MAX_FAILURES failures
    within that time.  Usernames are compared case-insensitively.
    """
    window = timedelta(seconds=settings.LIKA_LOGIN_LOCKOUT_SECONDS)
    recent = list(FailedLogin.objects.filter(username=username.lower(), at__gt=now - window)
                  .order_by("-at").values_list("at", flat=True)[:settings.LIKA_LOGIN_MAX_FAILURES])
    if len(recent) < settings.LIKA_LOGIN_MAX_FAILURES:
        return None
    return recent[0] + window


def login_failure_record(*, username: str, now) -> None:
    with transaction.atomic():
        FailedLogin.objects.create(username=username.lower()[:150], at=now)
        access_log_write(actor=None, action="login_failed", object_type="user", object_id=username[:40],
                         summary=f"Misslyckad inloggning som {username[:100]}")


def login_success_record(*, user) -> None:
    with transaction.atomic():
        FailedLogin.objects.filter(username=user.get_username().lower()).delete()
        access_log_write(actor=user, action="login", object_type="user", object_id=user.pk,
                         summary="Inloggning")

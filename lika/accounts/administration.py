"""The administrator's changes to users, units and the municipality's settings (issue 17).

Shared by the pages under /admin-lika/ and the ``lika`` commands (lika/accounts/services.py
holds ``user_create``, ``unit_create`` and ``contact_update``).  Every change is in the
access log with the old and the new value.  An administrator cannot take away her own
administrator role or deactivate herself, and the last active administrator can never be
removed: checked with every active administrator's row locked (``select_for_update``), so
two administrators removing each other at the same time cannot both succeed."""

import secrets
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lika.audit.services import CREATE, UPDATE, access_log_write

from . import settings as muni_settings
from .models import MunicipalitySetting, Role, Unit, User
from .services import UNIT_ROLES, _association, _checked_email, _checked_phone

# Roles an administrator may give on the page (the e-service's system user is not a login).
ASSIGNABLE_ROLES = [r for r in Role if r not in (Role.ESERVICE, Role.API_CLIENT)]  # system users: lika.api


def _acting_admin_locked(acting_user) -> list[User]:
    """Lock every active administrator (in id order: no deadlock between two requests) and
    return them; the acting user must be one of them (re-read under the lock)."""
    admins = list(User.objects.select_for_update().filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk"))
    if acting_user is not None and acting_user.pk not in {a.pk for a in admins}:
        raise ValidationError("Du är inte längre en aktiv administratör.")
    return admins


def _check_admin_kept(acting_user, target, *, removes_admin: bool, admins: list[User]) -> None:
    if not removes_admin:
        return
    if acting_user is not None and target.pk == acting_user.pk:
        raise ValidationError("Du kan inte ta bort din egen administratörsroll eller inaktivera dig själv.")
    if not [a for a in admins if a.pk != target.pk]:
        raise ValidationError("Den sista aktiva administratören kan inte tas bort.")


def user_update(*, acting_user, user_id, role, unit_id=None, association_orgnr="", can_attest_payments=False,
                first_name="", last_name="", email="", phone="") -> User:
    """Change a user's role, unit, association, attesträtt, name and contact on letters."""
    if role not in [r.value for r in ASSIGNABLE_ROLES]:
        raise ValidationError({"role": "Välj en roll i listan."})
    email, phone = _checked_email(email), _checked_phone(phone)
    unit = None
    if unit_id:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise ValidationError({"unit": "Enheten finns inte."})
    if role in UNIT_ROLES and unit is None:
        raise ValidationError({"unit": "Socialsekreterare och enhetschefer måste tillhöra en enhet."})
    association = None
    if role == Role.ASSOCIATION:
        association = _association(association_orgnr)
    elif association_orgnr:
        raise ValidationError({"association": "Bara en föreningsanvändare hör till en förening."})
    with transaction.atomic():
        admins = _acting_admin_locked(acting_user)
        user = User.objects.select_for_update().get(pk=user_id)
        if user.role == Role.ESERVICE:
            raise ValidationError("E-tjänstens systemanvändare kan inte ändras här.")
        was_admin = user.role == Role.ADMINISTRATOR and user.is_active
        _check_admin_kept(acting_user, user, removes_admin=was_admin and role != Role.ADMINISTRATOR, admins=admins)
        new = {"role": role, "unit_id": unit.pk if unit else None,
               "association_id": association.pk if association else None,
               "can_attest_payments": bool(can_attest_payments), "first_name": first_name.strip(),
               "last_name": last_name.strip(), "email": email, "phone": phone}
        old = {key: getattr(user, key) for key in new}
        changed = [key for key in new if new[key] != old[key]]
        if not changed:
            return user
        for key in changed:
            setattr(user, key, new[key])
        user.save(update_fields=changed)
        access_log_write(actor=acting_user, action=UPDATE, object_type="user", object_id=user.pk,
                         summary=f"Användare {user.username} ändrad",
                         old={k: old[k] for k in changed}, new={k: new[k] for k in changed})
    return user


def user_set_active(*, acting_user, user_id, active: bool) -> User:
    """Deactivate (she can no longer log in; nothing is deleted) or reactivate a user."""
    with transaction.atomic():
        admins = _acting_admin_locked(acting_user)
        user = User.objects.select_for_update().get(pk=user_id)
        if user.role == Role.ESERVICE:
            raise ValidationError("E-tjänstens systemanvändare kan inte ändras här.")
        if user.is_active == active:
            return user
        _check_admin_kept(acting_user, user, removes_admin=not active and user.role == Role.ADMINISTRATOR,
                          admins=admins)
        user.is_active = active
        user.save(update_fields=["is_active"])
        access_log_write(actor=acting_user, action=UPDATE, object_type="user", object_id=user.pk,
                         summary=f"Användare {user.username} {'återaktiverad' if active else 'inaktiverad'}",
                         old={"is_active": not active}, new={"is_active": active})
    return user


def user_password_set(*, acting_user, user_id, password=None) -> str:
    """Set a one-time password for a user (generated when ``password`` is None) and return
    it, to be given to her once; the password itself is never logged."""
    user = User.objects.get(pk=user_id)
    if user.role == Role.ESERVICE:
        raise ValidationError("E-tjänstens systemanvändare har inget lösenord.")
    password = password or "-".join(secrets.token_urlsafe(4) for _ in range(3))
    validate_password(password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.set_password(password)
        user.save(update_fields=["password"])
        access_log_write(actor=acting_user, action=UPDATE, object_type="user", object_id=user.pk,
                         summary=f"Engångslösenord satt för {user.username}",
                         old={"password": "…"}, new={"password": "nytt engångslösenord"})
    return password


def unit_update(*, acting_user, unit_id, name, phone=None, email=None) -> Unit:
    """Rename a unit and set its contact on letters (``contact_update``)."""
    from .services import contact_update

    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ValidationError({"name": "Ange enhetens namn (högst 100 tecken)."})
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit_id)
        if unit.name != name:
            old = unit.name
            unit.name = name
            unit.save(update_fields=["name"])
            access_log_write(actor=acting_user, action=UPDATE, object_type="unit", object_id=unit.pk,
                             summary=f"Enhet {unit.code} bytte namn", old={"name": old}, new={"name": name})
        contact_update(acting_user=acting_user, target=unit, phone=phone, email=email)
    return unit


def setting_change(*, acting_user, name, value, valid_from: date) -> MunicipalitySetting:
    """A new value of a municipality setting from ``valid_from`` (today or later): a new row,
    never an edit.  The pay day cannot change for a month that already has a payment run."""
    spec = muni_settings.SPECS.get(name)
    if spec is None:
        raise ValidationError({"name": "Okänd inställning."})
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"value": str(spec.problem)}) from None
    if not spec.low <= value <= spec.high:
        raise ValidationError({"value": str(spec.problem)})
    today = timezone.localdate()
    if valid_from is None or valid_from < today:
        raise ValidationError({"valid_from": "Ändringen kan inte gälla från ett datum som har passerat."})
    with transaction.atomic():
        _acting_admin_locked(acting_user)
        if name == "pay_day":
            from lika.payments.models import PaymentRun

            # the pay day of a support month is the one in force on the month's first day
            first = valid_from if valid_from.day == 1 else _next_month(valid_from)
            run = PaymentRun.objects.filter(month__gte=first).order_by("month").first()
            if run is not None:
                raise ValidationError({"valid_from": (
                    f"Det finns redan en utbetalningskörning för {run.month:%Y-%m}. Utbetalningsdagen kan bara "
                    f"ändras för månader som ännu inte har någon körning; välj ett senare datum.")})
        old = muni_settings.current(name, on=valid_from)
        row = MunicipalitySetting.objects.create(name=name, value=value, valid_from=valid_from,
                                                 changed_by=acting_user)
        muni_settings.forget()
        access_log_write(actor=acting_user, action=CREATE, object_type="municipality_setting", object_id=row.pk,
                         summary=f"Inställningen {name} ändrad från {valid_from.isoformat()}",
                         old={name: old}, new={name: value, "valid_from": valid_from.isoformat()})
    return row


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)

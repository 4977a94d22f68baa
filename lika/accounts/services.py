from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lika.audit.services import CREATE, UPDATE, access_log_write

from .models import Municipality, Role, Unit, User

UNIT_ROLES = {Role.CASE_WORKER, Role.UNIT_MANAGER}


def unit_create(*, acting_user, code, name, municipality_code, municipality_name="", phone="", email="") -> Unit:
    phone, email = _checked_phone(phone), _checked_email(email)
    with transaction.atomic():
        municipality, _ = Municipality.objects.get_or_create(
            code=municipality_code, defaults={"name": municipality_name or municipality_code})
        if Unit.objects.filter(municipality=municipality, code=code).exists():
            raise ValidationError(f"enheten {code} finns redan")
        unit = Unit.objects.create(municipality=municipality, code=code, name=name, phone=phone, email=email)
        access_log_write(actor=acting_user, action=CREATE, object_type="unit", object_id=unit.pk,
                         summary=f"Enhet {code} skapad", new={"code": code, "name": name,
                                                              **({"phone": phone} if phone else {}),
                                                              **({"email": email} if email else {})})
    return unit


def user_create(*, acting_user, username, password, role, unit_code="", first_name="",
                last_name="", association_orgnr="", email="", phone="", can_attest_payments=False) -> User:
    """Create a login; case workers and unit managers must belong to a unit, an
    association user to one association (by its organisation number) and nobody else to one.
    ``password`` None: no password yet (the administrator sets a one-time password later)."""
    if role not in Role.values:
        raise ValidationError(f"okänd roll {role!r}; giltiga: {', '.join(Role.values)}")
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise ValidationError(f"enheten {unit_code} finns inte")
    if role in UNIT_ROLES and unit is None:
        raise ValidationError("socialsekreterare och enhetschefer måste tillhöra en enhet")
    association = None
    if role == Role.ASSOCIATION:
        association = _association(association_orgnr)
    elif association_orgnr:
        raise ValidationError("bara en föreningsanvändare hör till en förening")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"användaren {username} finns redan")
    email, phone = _checked_email(email), _checked_phone(phone)
    user = User(username=username, role=role, unit=unit, first_name=first_name, last_name=last_name,
                association=association, email=email, phone=phone, can_attest_payments=can_attest_payments)
    if password is not None:
        validate_password(password, user)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        access_log_write(actor=acting_user, action=CREATE, object_type="user", object_id=user.pk,
                         summary=f"Användare {username} skapad",
                         new={"username": username, "role": role, "unit": unit_code,
                              **({"association": association.orgnr} if association else {}),
                              **({"can_attest_payments": True} if can_attest_payments else {}),
                              **({"email": email} if email else {}), **({"phone": phone} if phone else {})})
    return user


def _association(orgnr_text):
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.se import orgnr

    from lika.grants.models import Association

    if not orgnr_text:
        raise ValidationError("en föreningsanvändare ska höra till en förening (ange dess organisationsnummer)")
    try:
        formatted = orgnr.format(orgnr.validate(orgnr_text))
    except StdnumError:
        raise ValidationError(f"organisationsnumret {orgnr_text} är inte giltigt") from None
    association = Association.objects.filter(orgnr=formatted).first()
    if association is None:
        raise ValidationError(f"föreningen {formatted} finns inte i registret")
    return association


CONTACT_FIELDS = ("phone", "email")


def _checked_phone(phone) -> str:
    phone = " ".join((phone or "").split())
    if len(phone) > 30 or any(c not in "0123456789 +-()" for c in phone):
        raise ValidationError("telefonnumret får bara ha siffror, mellanslag, +, - och parenteser (högst 30 tecken)")
    return phone


def _checked_email(email) -> str:
    from django.core.validators import validate_email

    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(f"{email!r} är ingen giltig e-postadress") from None
    return email


def contact_update(*, acting_user, target, phone=None, email=None):
    """Set the phone and e-mail a decision letter gives for a case worker (a ``User``) or
    a unit (a ``Unit``); ``None`` leaves a value, ``""`` clears it.  Logged with old and
    new values."""
    if not isinstance(target, (User, Unit)):
        raise ValidationError("kontaktuppgifter finns bara för användare och enheter")
    new = {}
    if phone is not None:
        new["phone"] = _checked_phone(phone)
    if email is not None:
        new["email"] = _checked_email(email)
    old = {key: getattr(target, key) for key in new}
    changed = [key for key in new if new[key] != old[key]]
    if not changed:
        return target
    with transaction.atomic():
        for key in changed:
            setattr(target, key, new[key])
        target.save(update_fields=changed)
        kind = "user" if isinstance(target, User) else "unit"
        access_log_write(actor=acting_user, action=UPDATE, object_type=kind, object_id=target.pk,
                         summary="Kontaktuppgifter för beslutsbrev ändrade",
                         old={k: old[k] for k in changed}, new={k: new[k] for k in changed})
    return target


def login_success_record(*, user, source: str) -> None:
    """A login with the password: the source's failures on the account are forgotten
    (lika/accounts/throttle.py), and the login is in the access log."""
    from .throttle import login_succeeded

    with transaction.atomic():
        login_succeeded(user=user, source=source)
        access_log_write(actor=user, action="login", object_type="user", object_id=user.pk,
                         summary="Inloggning")

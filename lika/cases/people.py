"""Persons and household composition in a case: registering and changing a person,
who lives in the household when (effective-dated), and who the parties are.

Writes take a mandatory ``acting_user``, run in one transaction and log old and new
values; a protected person's address is never written to the log.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.households.models import HouseholdMembership, Language, Person
from lika.identity.bank import BankAccountError, parse_bank_account, parse_iban
from lika.identity.personnummer import IdentityNumberError, parse_identity_number

from .access import check_person_access, refuse_person_from_elsewhere
from .models import Case

ADULT, CHILD = HouseholdMembership.Role.ADULT, HouseholdMembership.Role.CHILD
CO_RESIDENT = HouseholdMembership.Role.CO_RESIDENT

PERSON_FIELDS = ("first_name", "last_name", "legal_gender", "protected_identity", "street_address",
                 "postal_code", "city", "phone", "email", "bank_clearing", "bank_account", "iban",
                 "preferred_language")
BANK_FIELDS = ("iban", "bank_clearing", "bank_account")
ADDRESS_FIELDS = ("street_address", "postal_code", "city")
PROTECTED = "(skyddad uppgift)"


@dataclass
class PersonData:
    """What is entered about a person.  ``legal_gender`` empty: taken from the number."""

    identity_number: str
    first_name: str
    last_name: str
    legal_gender: str = ""
    protected_identity: bool = False
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    bank_clearing: str = ""
    bank_account: str = ""
    iban: str = ""
    preferred_language: str = ""  # empty: Swedish
    # for children
    lunch_at_home: bool = True
    days_present: int | None = None
    hemmavarande: bool = False
    extra: dict = field(default_factory=dict)


# --- persons ------------------------------------------------------------------

def _checked_identity(text, today):
    try:
        return parse_identity_number(text, today=today)
    except IdentityNumberError as exc:
        raise ValidationError({"identity_number": f"Personnumret är inte giltigt: {exc}"}) from None


def _checked_bank(data: PersonData) -> tuple[str, str, str]:
    clearing, account, iban = data.bank_clearing.strip(), data.bank_account.strip(), data.iban.strip()
    if iban:
        try:
            iban = parse_iban(iban)
        except BankAccountError as exc:
            raise ValidationError({"iban": f"IBAN är inte giltigt: {exc}"}) from None
    if clearing or account:
        try:
            parsed = parse_bank_account(clearing, account)
        except BankAccountError as exc:
            raise ValidationError({"bank_account": f"Kontonumret är inte giltigt: {exc}"}) from None
        clearing, account = parsed.clearing, parsed.number
    return clearing, account, iban


def _person_values(data: PersonData, gender_from_number: str) -> dict:
    clearing, account, iban = _checked_bank(data)
    return {
        "first_name": data.first_name.strip(), "last_name": data.last_name.strip(),
        "legal_gender": data.legal_gender or gender_from_number,
        "protected_identity": data.protected_identity,
        "street_address": data.street_address.strip(), "postal_code": data.postal_code.strip(),
        "city": data.city.strip(), "phone": data.phone.strip(), "email": data.email.strip(),
        "bank_clearing": clearing, "bank_account": account, "iban": iban,
        "preferred_language": _checked_language(data.preferred_language),
    }


def _checked_language(code: str) -> str:
    code = (code or Language.SWEDISH).strip()
    if code not in Language.values:
        raise ValidationError({"preferred_language": "Välj svenska, engelska eller arabiska."})
    return code


def loggable(person_values: dict, protected: bool) -> dict:
    """Values for the access log: a protected person's address is never written out."""
    out = {k: v for k, v in person_values.items() if k in PERSON_FIELDS}
    if protected:
        for key in ADDRESS_FIELDS:
            if out.get(key):
                out[key] = PROTECTED
    return out


def _person_get_or_create(data: PersonData, today: date, *, acting_user) -> tuple[Person, bool]:
    """The person with the number, or a new one.  A person whom another unit handles,
    or a protected person unknown to the user's unit, is refused without naming her."""
    number = _checked_identity(data.identity_number, today)
    existing = Person.objects.filter(identity_number=number.number).first()
    if existing is not None:
        refuse_person_from_elsewhere(acting_user, existing)
        return existing, False
    values = _person_values(data, number.legal_gender)
    if not values["first_name"] or not values["last_name"]:
        raise ValidationError("Förnamn och efternamn behövs för varje person.")
    person = Person.objects.create(identity_number=number.number, birth_date=number.birth_date,
                                   is_coordination_number=number.kind == "samordningsnummer", **values)
    return person, True


def _co_resident_get_or_create(data: PersonData, acting_user) -> tuple[Person, bool]:
    """A co-resident by number: a new person, or the one in Lika.  She is not a party here,
    and this unit neither reads nor changes her data through this case, so a person whom
    another unit handles may be recorded (the stored name is shown, nothing else); a
    protected person unknown to the unit is refused neutrally as everywhere."""
    today = timezone.localdate()
    number = _checked_identity(data.identity_number, today)
    existing = Person.objects.filter(identity_number=number.number).first()
    if existing is None:
        return _person_get_or_create(data, today, acting_user=acting_user)
    if existing.protected_identity:
        refuse_person_from_elsewhere(acting_user, existing)
    return existing, False


def _refuse_open_case_elsewhere(person, since):
    """An adult of one open case is not registered as an adult of a second one.  Only the
    role "adult" counts: a person recorded as a co-resident in someone else's case (the
    19-year-old in the parents' case) applies in her own right, in her own case."""
    other = (HouseholdMembership.objects.filter(person=person, role=ADULT, household__case__status="open")
             .filter(valid_to__isnull=True).exists())
    if other:
        raise ValidationError(f"{person} är redan vuxen i ett aktuellt ärende. "
                              "Ändra det hushållet i stället för att registrera ett nytt.")


def _values_of(person: Person) -> dict:
    return {key: getattr(person, key) for key in PERSON_FIELDS}


@transaction.atomic
def person_update(*, acting_user, case: Case, person: Person, data: PersonData,
                  keep_address: bool = False) -> Person:
    """Change contact details, address or the protected-identity flag, by the unit that
    handles the person.  A new bank account is not set here: it becomes a pending
    change that a colleague confirms (``bank_accounts.account_change_request``).
    The number and birth date are not changed here (a new number is a new person).
    ``keep_address``: the address was not on the form (protected identity) and stays."""
    from .bank_accounts import account_change_request

    check_person_access(acting_user, case, person)
    number = _checked_identity(person.identity_number, timezone.localdate())
    old = _values_of(person)
    new = _person_values(data, number.legal_gender)
    if keep_address:
        new.update({key: old[key] for key in ADDRESS_FIELDS})
    if not new["first_name"] or not new["last_name"]:
        raise ValidationError("Förnamn och efternamn behövs.")
    if not any(new[key] for key in BANK_FIELDS):  # left empty: the account stays (it is never removed here)
        new.update({key: old[key] for key in BANK_FIELDS})
    if any(new[key] != old[key] for key in BANK_FIELDS):
        account_change_request(acting_user=acting_user, case=case, person=person, iban=new["iban"],
                               clearing=new["bank_clearing"], account=new["bank_account"])
    changed = [key for key in new if new[key] != old[key] and key not in BANK_FIELDS]
    if not changed:
        return person
    for key in changed:
        setattr(person, key, new[key])
    person.save(update_fields=changed)
    protected = old["protected_identity"] or new["protected_identity"]
    access_log_write(actor=acting_user, action=UPDATE, object_type="person", object_id=person.pk,
                     person_id=person.pk, household_id=case.household_id, summary="Personuppgifter ändrade",
                     old=loggable({k: old[k] for k in changed}, protected),
                     new=loggable({k: new[k] for k in changed}, protected))
    return person


@transaction.atomic
def membership_add(*, acting_user, case: Case, data: PersonData, role: str, valid_from: date,
                   cohabiting: bool = False) -> HouseholdMembership:
    """Someone moves in from ``valid_from``: history is kept, nothing is overwritten.
    ``CO_RESIDENT``: she shares the dwelling with her own support (counts only in the
    number of persons sharing the common household costs)."""
    if role not in (ADULT, CHILD, CO_RESIDENT):
        raise ValidationError("Okänd roll i hushållet.")
    if case.unit_id != acting_user.unit_id:
        raise ValidationError("Ärendet hör till en annan enhet.")
    if role == CO_RESIDENT:
        cohabiting = False
        data = replace(data, lunch_at_home=True, days_present=None, hemmavarande=False)
    person, new = _co_resident_get_or_create(data, acting_user) if role == CO_RESIDENT else \
        _person_get_or_create(data, timezone.localdate(), acting_user=acting_user)
    current = memberships_on(case.household_id, valid_from)
    if any(m.person_id == person.pk for m in current):
        raise ValidationError(f"{person} finns redan i hushållet det datumet.")
    if role == ADULT and sum(m.role == ADULT for m in current) >= 2:
        raise ValidationError("Hushållet har redan två vuxna.")
    membership = HouseholdMembership.objects.create(
        household_id=case.household_id, person=person, role=role, cohabiting=cohabiting and role == ADULT,
        lunch_at_home=data.lunch_at_home, days_present=data.days_present,
        hemmavarande=data.hemmavarande, valid_from=valid_from)
    if cohabiting and role == ADULT:
        for other in current:
            if other.role == ADULT and not other.cohabiting:
                _membership_split(other, valid_from, cohabiting=True)
    access_log_write(actor=acting_user, action=CREATE, object_type="membership", object_id=membership.pk,
                     person_id=person.pk, household_id=case.household_id,
                     summary=f"{person} i hushållet från {valid_from}",
                     new={"role": role, "valid_from": valid_from.isoformat(), "cohabiting": membership.cohabiting})
    return membership


def _membership_split(membership, day, **changes):
    """End ``membership`` the day before ``day`` and continue it from ``day`` with ``changes``."""
    HouseholdMembership.objects.filter(pk=membership.pk).update(valid_to=day - timedelta(days=1))
    values = {f.name: getattr(membership, f.name) for f in HouseholdMembership._meta.concrete_fields
              if f.name not in ("id", "valid_from", "valid_to")}
    values.update(changes)
    return HouseholdMembership.objects.create(valid_from=day, valid_to=membership.valid_to, **values)


@transaction.atomic
def membership_end(*, acting_user, case: Case, membership: HouseholdMembership, last_day: date):
    """Someone moves out: the membership ends on ``last_day``; the row stays as history."""
    if case.unit_id != acting_user.unit_id:
        raise ValidationError("Ärendet hör till en annan enhet.")
    if membership.household_id != case.household_id:
        raise ValidationError("Personen hör inte till det här hushållet.")
    if last_day < membership.valid_from or (membership.valid_to and last_day > membership.valid_to):
        raise ValidationError("Slutdatumet ligger utanför tiden personen bodde i hushållet.")
    old = membership.valid_to
    membership.valid_to = last_day
    membership.save(update_fields=["valid_to"])
    if membership.role == ADULT and membership.cohabiting:
        for other in memberships_on(case.household_id, last_day + timedelta(days=1)):
            if other.role == ADULT and other.cohabiting:
                _membership_split(other, last_day + timedelta(days=1), cohabiting=False)
    access_log_write(actor=acting_user, action=UPDATE, object_type="membership", object_id=membership.pk,
                     person_id=membership.person_id, household_id=case.household_id,
                     summary=f"{membership.person} flyttar ut {last_day}",
                     old={"valid_to": old.isoformat() if old else None}, new={"valid_to": last_day.isoformat()})


def memberships_on(household_id, day: date) -> list[HouseholdMembership]:
    """The household's memberships in force on ``day`` (from and to both included), in the
    order they were entered.  ``in_force_on`` is the same rule for rows already read;
    tests/cases/test_memberships_on.py checks that the two agree."""
    return list(HouseholdMembership.objects.filter(household_id=household_id, valid_from__lte=day)
                .exclude(valid_to__lt=day).select_related("person").order_by("id"))


def in_force_on(memberships, day: date) -> list[HouseholdMembership]:
    """``memberships_on`` for memberships already read (a page that has the household's
    history does not read it twice)."""
    return sorted((m for m in memberships if m.valid_from <= day and (m.valid_to is None or m.valid_to >= day)),
                  key=lambda m: m.pk)


def memberships_in_month(household_id, month: date) -> list[HouseholdMembership]:
    """Who lived in the household some time in ``month``: adults first, in the order
    they were entered (never by gender), then children."""
    last = month_end(month)
    rows = (HouseholdMembership.objects.filter(household_id=household_id, valid_from__lte=last)
            .exclude(valid_to__lt=month).select_related("person").order_by("id"))
    latest = {}
    for row in rows:  # one row per person: the one in force at the end of the month
        latest[row.person_id] = row
    members = list(latest.values())
    return [m for m in members if m.role == ADULT] + [m for m in members if m.role == CHILD]


def co_residents_in_month(household_id, month: date) -> list[HouseholdMembership]:
    """Others who shared the dwelling some time in ``month`` without being part of the
    household's need (role co-resident at the end of the month, or before moving out)."""
    last = month_end(month)
    rows = (HouseholdMembership.objects.filter(household_id=household_id, valid_from__lte=last)
            .exclude(valid_to__lt=month).select_related("person").order_by("id"))
    latest = {}
    for row in rows:
        latest[row.person_id] = row
    return [m for m in latest.values() if m.role == CO_RESIDENT]


def dwelling_size(members, co_residents) -> int | None:
    """Persons sharing the common household costs (``household_size`` of the calculation),
    or None when only the household's own members live there."""
    return len(members) + len(co_residents) if co_residents else None


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def couple_or_single(members) -> list[Person]:
    """The adults who are parties to decisions and payments: the couple, else the first adult."""
    adults = [m for m in members if m.role == ADULT]
    couple = [m.person for m in adults if m.cohabiting]
    return couple if len(couple) == 2 else [m.person for m in adults[:1]]

"""Each adult's own payment account and notification contact, in her own login.

- She sees her own account only, masked to its last four digits; nothing here takes a
  person from the request: every function is given the logged-in resident's person.
- She asks for a new account (clearing and account number, or IBAN; the checks of
  ``lika.cases.people._checked_bank``).  The request follows the confirmation rule for
  account changes (lika/cases/bank_accounts.py): it becomes a pending BankAccountChange
  with ``requested_by`` the e-service's system user and ``requested_by_person`` herself,
  and a case worker of her unit confirms it (channel "holder_e_id").  Until then the
  account on record is paid.  One pending change per person (a partial unique constraint)
  and "a holder asks only for herself" (a check constraint) are kept by the database.
- She withdraws her own pending request.
- She sets her e-mail and mobile number and whether to be notified (ResidentContact).

Each function is one transaction and writes the access log with her as ``person_id``."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.audit.services import CREATE, READ, UPDATE, access_log_write
from lika.cases.people import PersonData, _checked_bank
from lika.households.models import BankAccountChange, Person

from .access import resident_case
from .actor import eservice_actor
from .models import ResidentContact

PENDING = BankAccountChange.Status.PENDING
MOBILE = re.compile(r"\+?[0-9]{8,15}")


def mask(iban: str, clearing: str, account: str) -> str:
    """An account shown by its last four digits only ("•••• 4560")."""
    digits = iban or account
    if not digits:
        return ""
    return f"•••• {digits[-4:]}"


@dataclass(frozen=True)
class AccountView:
    """What the page shows of her own account (never the numbers in full)."""

    registered: str  # masked, "" if none
    is_iban: bool
    pending: BankAccountChange | None  # her pending change (whoever asked for it)
    pending_masked: str
    pending_is_hers: bool  # she asked for it herself: she may withdraw it


def case_or_refuse(person: Person | None):
    """Her case; a clear message if she has none (nothing to change then)."""
    case = resident_case(person)
    if case is None:
        raise ValidationError(_("Du har inget pågående ärende hos oss, så det finns inget att ändra här "
                                "ännu. Ansök först, eller kontakta socialtjänsten."))
    return case


def account_view(person: Person) -> AccountView | None:
    """Her own account and pending change, masked; None if she has no case.  Logged."""
    case = resident_case(person)
    if case is None:
        return None
    pending = person.account_changes.filter(status=PENDING).first()
    access_log_write(actor=eservice_actor(), action=READ, object_type="person", object_id=person.pk,
                     person_id=person.pk, household_id=case.household_id,
                     summary="Invånaren läste sitt eget konto för utbetalning i e-tjänsten (maskerat)")
    return AccountView(
        registered=mask(person.iban, person.bank_clearing, person.bank_account),
        is_iban=bool(person.iban),
        pending=pending,
        pending_masked=mask(pending.new_iban, pending.new_clearing, pending.new_account) if pending else "",
        pending_is_hers=bool(pending and pending.requested_by_person_id == person.pk),
    )


def _checked(clearing: str, account: str, iban: str) -> tuple[str, str, str]:
    """Her new account through Lika's checks, with messages for her (not the staff's)."""
    clearing, account, iban = clearing.strip(), account.strip(), iban.strip()
    if iban and (clearing or account):
        raise ValidationError({"iban": _("Fyll i antingen ett svenskt kontonummer eller IBAN, inte båda.")})
    if not iban and not (clearing and account):
        raise ValidationError({"bank_account": _("Fyll i både clearingnummer och kontonummer, eller IBAN.")})
    try:
        return _checked_bank(PersonData("", "", "", bank_clearing=clearing, bank_account=account, iban=iban))
    except ValidationError as error:
        if "iban" in error.message_dict:
            raise ValidationError({"iban": _("IBAN-numret stämmer inte. Kontrollera att du har skrivit "
                                             "av det rätt. Det börjar med landets två bokstäver, till "
                                             "exempel SE.")}) from None
        raise ValidationError({"bank_account": _("Kontonumret stämmer inte. Kontrollera clearingnumret "
                                                 "(4 eller 5 siffror) och kontonumret hos din bank.")}) \
            from None


def _values(iban, clearing, account) -> dict:
    return {"iban": iban, "bank_clearing": clearing, "bank_account": account}


@transaction.atomic
def account_change_ask(*, person: Person, clearing: str = "", account: str = "",
                       iban: str = "") -> BankAccountChange:
    """She asks for her own account to become the given one: a pending change that a case
    worker of her unit confirms.  A second pending change is refused by the database."""
    case = case_or_refuse(person)
    new_clearing, new_account, new_iban = _checked(clearing, account, iban)
    person = Person.objects.select_for_update().get(pk=person.pk)  # her account as it is now
    if (new_iban, new_clearing, new_account) == (person.iban, person.bank_clearing, person.bank_account):
        raise ValidationError({"bank_account": _("Det kontot är redan registrerat för dig.")})
    actor = eservice_actor()
    try:
        with transaction.atomic():
            change = BankAccountChange.objects.create(
                person=person, old_iban=person.iban, old_clearing=person.bank_clearing,
                old_account=person.bank_account, new_iban=new_iban, new_clearing=new_clearing,
                new_account=new_account, requested_by=actor, requested_by_person=person)
    except IntegrityError:  # a pending change already (the partial unique constraint)
        raise ValidationError(_("Du har redan en kontoändring som väntar på att handläggaren bekräftar "
                                "den. Återkalla den först om du vill ange ett annat konto.")) from None
    access_log_write(actor=actor, action=CREATE, object_type="bank_account_change", object_id=change.pk,
                     person_id=person.pk, household_id=case.household_id,
                     summary="Kontoändring begärd av kontohavaren i e-tjänsten, väntar på bekräftelse",
                     old=_values(change.old_iban, change.old_clearing, change.old_account),
                     new=_values(change.new_iban, change.new_clearing, change.new_account))
    return change


@transaction.atomic
def account_change_withdraw(*, person: Person) -> BankAccountChange:
    """She withdraws the pending change she asked for herself (locked, status re-read)."""
    case = case_or_refuse(person)
    change = (BankAccountChange.objects.select_for_update()
              .filter(person=person, requested_by_person=person, status=PENDING).first())
    if change is None:
        raise ValidationError(_("Det finns ingen kontoändring från dig som väntar på bekräftelse."))
    actor = eservice_actor()
    change.status, change.cancelled_by, change.cancelled_at = BankAccountChange.Status.CANCELLED, actor, \
        timezone.now()
    change.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    access_log_write(actor=actor, action=UPDATE, object_type="bank_account_change", object_id=change.pk,
                     person_id=person.pk, household_id=case.household_id,
                     summary="Kontoändring återkallad av kontohavaren i e-tjänsten",
                     old={"status": PENDING}, new={"status": change.status})
    return change


def contact_of(person: Person) -> ResidentContact:
    return ResidentContact.objects.filter(person=person).first() or ResidentContact(person=person)


@transaction.atomic
def contact_save(*, person: Person, email: str = "", mobile: str = "", notify_by_email: bool = False,
                 notify_by_sms: bool = False) -> ResidentContact:
    """Her own e-mail, mobile number and whether to be notified (never the partner's)."""
    email = email.strip()
    mobile = re.sub(r"[\s()-]", "", mobile)
    errors = {}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Skriv e-postadressen som namn@exempel.se.")
    if mobile and not MOBILE.fullmatch(mobile):
        errors["mobile"] = _("Skriv mobilnumret med siffror, till exempel 070-123 45 67.")
    if notify_by_email and not email:
        errors.setdefault("email", _("Fyll i din e-postadress om du vill få aviseringar med e-post."))
    if notify_by_sms and not mobile:
        errors.setdefault("mobile", _("Fyll i ditt mobilnummer om du vill få aviseringar med sms."))
    if errors:
        raise ValidationError(errors)
    contact, _created = ResidentContact.objects.select_for_update().get_or_create(person=person)
    old = {"email": contact.email, "mobile": contact.mobile, "notify_by_email": contact.notify_by_email,
           "notify_by_sms": contact.notify_by_sms}
    contact.email, contact.mobile = email, mobile
    contact.notify_by_email, contact.notify_by_sms = notify_by_email, notify_by_sms
    contact.updated_at = timezone.now()
    contact.save()
    case = resident_case(person)
    access_log_write(actor=eservice_actor(), action=UPDATE, object_type="resident_contact", object_id=contact.pk,
                     person_id=person.pk, household_id=case.household_id if case else None,
                     summary="Invånaren ändrade sina kontaktuppgifter för avisering i e-tjänsten",
                     old=old, new={"email": email, "mobile": mobile, "notify_by_email": notify_by_email,
                                   "notify_by_sms": notify_by_sms})
    return contact

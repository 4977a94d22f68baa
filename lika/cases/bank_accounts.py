"""A person's bank account is changed by four eyes: one user of the unit that handles
her asks for the change, another confirms it — having checked it, or after the
account holder confirmed it (the channel is recorded).  Until then the account on
record is paid.  The database keeps the rules whatever the code does: the confirmer
is not the requester (a check constraint), one pending change per person (a partial
unique constraint); confirming locks the change and re-reads its status.

Every step is logged with the old and the new account.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.households.models import BankAccountChange, Person

from .access import can_work_with_cases, check_person_access
from .models import Case
from .people import PersonData, _checked_bank

PENDING = BankAccountChange.Status.PENDING


def _account_values(iban, clearing, account) -> dict:
    return {"iban": iban, "bank_clearing": clearing, "bank_account": account}


def _old(change) -> dict:
    return _account_values(change.old_iban, change.old_clearing, change.old_account)


def _new(change) -> dict:
    return _account_values(change.new_iban, change.new_clearing, change.new_account)


@transaction.atomic
def account_change_request(*, acting_user, case: Case, person: Person, iban: str = "", clearing: str = "",
                           account: str = "") -> BankAccountChange:
    """Ask for ``person``'s account to become the given one (IBAN, or clearing and
    account): a pending change, which another user of the unit confirms."""
    check_person_access(acting_user, case, person)
    person = Person.objects.select_for_update().get(pk=person.pk)  # the account as it is now
    clearing, account, iban = _checked_bank(PersonData("", "", "", bank_clearing=clearing, bank_account=account,
                                                       iban=iban))
    if not iban and not account:
        raise ValidationError({"bank_account": "Ange det nya kontot (clearingnummer och kontonummer, eller IBAN). "
                                               "Ett konto kan bytas men inte tas bort."})
    if (iban, clearing, account) == (person.iban, person.bank_clearing, person.bank_account):
        raise ValidationError({"bank_account": "Kontot är redan registrerat för personen."})
    try:
        with transaction.atomic():
            change = BankAccountChange.objects.create(
                person=person, old_iban=person.iban, old_clearing=person.bank_clearing,
                old_account=person.bank_account, new_iban=iban, new_clearing=clearing, new_account=account,
                requested_by=acting_user)
    except IntegrityError:  # another change is pending (the partial unique constraint)
        raise ValidationError("En kontoändring väntar redan på bekräftelse. Bekräfta eller återkalla den först.") \
            from None
    access_log_write(actor=acting_user, action=CREATE, object_type="bank_account_change", object_id=change.pk,
                     person_id=person.pk, household_id=case.household_id,
                     summary="Kontoändring begärd, väntar på bekräftelse", old=_old(change), new=_new(change))
    return change


def _locked_pending(change) -> BankAccountChange:
    """The change locked for this transaction, with its status as it is now."""
    change = BankAccountChange.objects.select_for_update().select_related("requested_by").get(pk=change.pk)
    if change.status != PENDING:
        raise ValidationError(f"Kontoändringen är redan {change.get_status_display().lower()}.")
    return change


@transaction.atomic
def account_change_confirm(*, acting_user, case: Case, change: BankAccountChange,
                           channel: str = BankAccountChange.Channel.COLLEAGUE) -> BankAccountChange:
    """Confirm a pending change: another case worker or enhetschef of the same unit than
    the one who asked.  The person's account changes now, and the time is kept (the
    payment run may hold the next payment: ``LIKA_ACCOUNT_CHANGE_HOLD_DAYS``)."""
    if channel not in BankAccountChange.Channel.values:
        raise ValidationError("Välj hur ändringen har bekräftats.")
    check_person_access(acting_user, case, change.person)
    change = _locked_pending(change)
    if change.requested_by_id == acting_user.pk:
        raise ValidationError("Du kan inte bekräfta en kontoändring som du själv har begärt: "
                              "en kollega på enheten bekräftar den.")
    # The holder herself asked in the e-service (issue 16): a case worker of the unit that
    # handles her (check_person_access above) confirms it; otherwise a colleague of the requester.
    asked_by_holder = change.requested_by_person_id == change.person_id
    if (not asked_by_holder and change.requested_by.unit_id != acting_user.unit_id) \
            or not can_work_with_cases(acting_user):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=change.person_id)
    if (person.iban, person.bank_clearing, person.bank_account) != (change.old_iban, change.old_clearing,
                                                                    change.old_account):
        raise ValidationError("Kontot har ändrats sedan ändringen begärdes. Återkalla den och begär en ny.")
    person.iban, person.bank_clearing, person.bank_account = change.new_iban, change.new_clearing, change.new_account
    person.save(update_fields=["iban", "bank_clearing", "bank_account"])
    change.status, change.confirmed_by, change.confirmed_channel = BankAccountChange.Status.CONFIRMED, acting_user, \
        channel
    change.confirmed_at = timezone.now()
    change.save(update_fields=["status", "confirmed_by", "confirmed_channel", "confirmed_at"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="person", object_id=person.pk,
                     person_id=person.pk, household_id=case.household_id,
                     summary=f"Kontoändring bekräftad ({change.get_confirmed_channel_display().lower()})",
                     old=_old(change), new={**_new(change), "requested_by": change.requested_by_id})
    if asked_by_holder:  # she asked in the e-service: tell her (by her own channels) once it is done
        from lika.eservice.notify import notify

        transaction.on_commit(lambda: notify(person, "account"))
    return change


@transaction.atomic
def account_change_cancel(*, acting_user, case: Case, change: BankAccountChange) -> BankAccountChange:
    """Withdraw a pending change (the requester or a colleague): the account stays."""
    check_person_access(acting_user, case, change.person)
    change = _locked_pending(change)
    change.status, change.cancelled_by, change.cancelled_at = BankAccountChange.Status.CANCELLED, acting_user, \
        timezone.now()
    change.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="bank_account_change", object_id=change.pk,
                     person_id=change.person_id, household_id=case.household_id,
                     summary="Kontoändring återkallad", old=_old(change), new=_new(change))
    return change


# --- how the person's half is paid: account or utbetalningsavi (issue 14) ---------------

@transaction.atomic
def payment_method_set(*, acting_user, case: Case, person: Person, method: str, note: str = "") -> Person:
    """The case worker chooses how ``person``'s own half is paid: into her account, or by
    utbetalningsavi (a money order the bank posts to her address) when she has none.
    Never an avi to a protected address (her own skyddade personuppgifter or a protected
    member of her household): that payment is arranged through the unit.  Logged in the
    access log and, for the case worker's colleagues, in the case journal."""
    from .services import journal_write

    check_person_access(acting_user, case, person)
    if method not in Person.PaymentMethod.values:
        raise ValidationError({"method": "Välj konto eller utbetalningsavi."})
    person = Person.objects.select_for_update().get(pk=person.pk)  # as it is now
    if method == person.payment_method:
        raise ValidationError({"method": "Utbetalningssättet är redan valt."})
    if method == Person.PaymentMethod.AVI:
        if person.protected_identity or person.address_hidden:
            raise ValidationError({"method": "Utbetalningsavi skickas inte till en skyddad adress. Ordna "
                                             "utbetalningen via enheten, till exempel till ett eget konto."})
        if not (person.street_address.strip() and person.postal_code.strip() and person.city.strip()):
            raise ValidationError({"method": "Utbetalningsavi kräver gatuadress, postnummer och ort."})
    old = person.payment_method
    person.payment_method = method
    person.save(update_fields=["payment_method"])
    label = Person.PaymentMethod(method).label
    access_log_write(actor=acting_user, action=UPDATE, object_type="person", object_id=person.pk,
                     person_id=person.pk, household_id=case.household_id, summary="Utbetalningssätt ändrat",
                     old={"payment_method": old}, new={"payment_method": method})
    journal_write(acting_user=acting_user, case=case, text=(
        f"Utbetalningssätt för {person}: {str(label).lower()} (tidigare "
        f"{str(Person.PaymentMethod(old).label).lower()})." + (f" {note.strip()}" if note.strip() else "")))
    return person

"""Applying in the e-service: the first application (the household, the case and the
application), the monthly application with incomes and costs per person, the co-applicant's
confirmation in her own login, and attachments.

Everything a resident does is recorded with ``eservice_actor()`` as the acting user and the
resident herself in the row (the applicant, the party who confirmed, the uploader) and in
the access log's ``person_id``.  The case services (lika.cases.services) are reused where
they need no staff unit: ``application_create``, ``application_entries_save`` and
``application_confirm`` check the household, not the user.  ``case_register`` registers in
the acting user's unit and makes her the case worker, so the first application does its own
registering here, in the intake unit (``LIKA_ESERVICE_INTAKE_UNIT``), with no case worker:
the case is in every case worker's work list of the unit until someone takes it.

Every function runs in one transaction and raises ``ValidationError`` with a Swedish
message on bad input, leaving nothing half-written; ``Http404`` for anything that is not
the resident's own household's."""

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lika.accounts.models import Unit
from lika.audit.services import CREATE, READ, UPDATE, access_log_write
from lika.cases import files
from lika.cases import services as case_services
from lika.cases.access import access_case
from lika.cases.models import Application, ApplicationParty, Case
from lika.cases.people import _checked_identity, loggable, memberships_in_month
from lika.cases.services import Entry
from lika.core.calculation import COST_TYPES, INCOME_TYPES
from lika.households.demo import household_reference
from lika.households.models import Household, HouseholdMembership, Person

from .access import adult_membership, resident_case
from .actor import eservice_actor
from .models_apply import ApplicationAttachment
from .notify import notify

ADULT, CHILD = HouseholdMembership.Role.ADULT, HouseholdMembership.Role.CHILD
MAX_ROWS = 60  # rows of incomes and costs in one application
MAX_ATTACHMENTS = 30  # per application

# The types' Swedish labels (lika.core.household), marked so that the e-service translates them.
TYPE_LABELS = (
    gettext_noop("Boendekostnad"), gettext_noop("Hushållsel"), gettext_noop("Hemförsäkring"),
    gettext_noop("Arbetsresor"), gettext_noop("Avgift till fackförening och arbetslöshetskassa"),
    gettext_noop("Barnomsorgsavgift"), gettext_noop("Läkarvård och medicin"), gettext_noop("Tandvård"),
    gettext_noop("Övriga kostnader"), gettext_noop("Lön"), gettext_noop("Ersättning från arbetslöshetskassa"),
    gettext_noop("Aktivitetsstöd"), gettext_noop("Etableringsersättning"), gettext_noop("Sjukpenning"),
    gettext_noop("Sjuk- eller aktivitetsersättning"), gettext_noop("Föräldrapenning"), gettext_noop("Barnbidrag"),
    gettext_noop("Bostadsbidrag"), gettext_noop("Underhållsstöd eller underhållsbidrag"), gettext_noop("Pension"),
    gettext_noop("Studiestöd"), gettext_noop("Skatteåterbäring"), gettext_noop("Övrig inkomst"),
)

REFUSED_OPEN_CASE = gettext_noop("Du eller den du bor med har redan ett pågående ärende om ekonomiskt bistånd. "
                     "Ansök i det ärendet, eller kontakta socialtjänsten så hjälper vi dig.")
REFUSED_PERSON = gettext_noop("Ansökan kan inte göras i e-tjänsten för de här personerna. "
                  "Kontakta socialtjänsten så hjälper vi dig.")

log = logging.getLogger(__name__)


def _log(*, action, object_type, object_id, person, household_id=None, summary, new=None, old=None):
    access_log_write(actor=eservice_actor(), action=action, object_type=object_type, object_id=object_id,
                     person_id=person.pk if person else None, household_id=household_id, summary=summary,
                     new=new, old=old)


def _after_commit_notify(person: Person, kind: str) -> None:
    transaction.on_commit(lambda: notify(person, kind))


# --- months ----------------------------------------------------------------------

def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_choices(case: Case | None, today: date | None = None) -> list[date]:
    """The months she may apply for: last month, this month and next month, without those
    the household has already applied for (a withdrawn application does not count), and
    only in years with a riksnorm in Lika (otherwise it cannot be calculated)."""
    from lika.norms.selectors import norm_years

    today = today or timezone.localdate()
    this = today.replace(day=1)
    months = [add_months(this, -1), this, add_months(this, 1)] if case else [this, add_months(this, 1)]
    years = set(norm_years())
    if years:
        months = [m for m in months if m.year in years]
    if case is not None:
        taken = set(Application.objects.filter(case=case).exclude(status=Application.Status.WITHDRAWN)
                    .values_list("month", flat=True))
        months = [m for m in months if m not in taken]
    return months


# --- the first application ---------------------------------------------------------

@dataclass(frozen=True)
class PersonInput:
    """A partner or a child as she states them."""

    identity_number: str
    first_name: str
    last_name: str
    lunch_at_home: bool = False  # children: eats lunch at home (not in school or preschool)


def intake_unit() -> Unit:
    """The unit that receives first applications from the e-service: the unit with the code
    ``LIKA_ESERVICE_INTAKE_UNIT``, or the municipality's first unit."""
    code = (settings.LIKA_ESERVICE_INTAKE_UNIT or "").strip()
    unit = (Unit.objects.filter(code=code).order_by("id").first() if code
            else Unit.objects.order_by("id").first())
    if unit is None:
        raise ValidationError(_("E-tjänsten kan inte ta emot ansökningar just nu. Kontakta socialtjänsten."))
    return unit


def _existing_checked(person: Person, since: date) -> Person:
    """A person already in Lika: refused (without saying where) if she is an adult of an
    open case, or has protected identity (she is not found from the e-service)."""
    if person.protected_identity:
        raise ValidationError(_(REFUSED_PERSON))
    if (HouseholdMembership.objects.filter(person=person, role=ADULT, household__case__status=Case.Status.OPEN)
            .exclude(valid_to__lt=since).exists()):
        raise ValidationError(_(REFUSED_OPEN_CASE))
    return person


def _person_for(number, first_name: str, last_name: str, since: date) -> tuple[Person, bool]:
    existing = Person.objects.select_for_update().filter(identity_number=number.number).first()
    if existing is not None:
        return existing, False
    first_name, last_name = first_name.strip()[:100], last_name.strip()[:100]
    if not first_name or not last_name:
        raise ValidationError(_("Skriv förnamn och efternamn för varje person."))
    person = Person.objects.create(identity_number=number.number, birth_date=number.birth_date,
                                   legal_gender=number.legal_gender, first_name=first_name, last_name=last_name,
                                   is_coordination_number=number.kind == "samordningsnummer")
    return person, True


def first_application_submit(*, resident, month: date, partner: PersonInput | None = None,
                             children: list[PersonInput] = (), given_name: str = "",
                             family_name: str = "") -> Application:
    """Her first application: she, a partner (married, registered partner or sambo) and
    children; the persons, the household and the case in the intake unit, and the
    application for ``month`` (channel e-service).  She applied first, so she is the case's
    registerledare, whoever she is.  A partner is medsökande and confirms in his own login
    (he is notified).  ``given_name``/``family_name``: only when her e-identification gave
    no name (the demo's test login with an unknown number)."""
    try:
        with transaction.atomic():
            return _first_application(resident, month, partner, list(children), given_name, family_name)
    except IntegrityError:
        # the same person was registered by another request a moment ago (the partner's)
        raise ValidationError(_("Någon i hushållet ansökte samtidigt. Logga in på Mina sidor igen och se "
                                "om ansökan redan finns.")) from None


def _first_application(resident, month, partner, children, given_name, family_name):
    today = timezone.localdate()
    month = month.replace(day=1)
    if month not in month_choices(None, today):
        raise ValidationError({"month": _("Välj en av månaderna i listan.")})
    if len(children) > 12:
        raise ValidationError(_("Ange högst tolv barn här. Kontakta socialtjänsten om ni är fler."))
    own = _checked_identity(resident.identity_number, today)
    numbers = [own]
    for item in ([partner] if partner else []) + children:
        try:
            numbers.append(_checked_identity(item.identity_number, today))
        except ValidationError:
            raise ValidationError({"identity_number": _("Personnumret %(number)s är inte giltigt. Skriv det som "
                                                        "ÅÅÅÅMMDD-NNNN.") % {"number": item.identity_number}}) from None
    if len({n.number for n in numbers}) != len(numbers):
        raise ValidationError(_("Samma personnummer står två gånger."))
    for number, item in zip(numbers[len(numbers) - len(children):], children, strict=True):
        if not number.birth_date or (today - number.birth_date).days >= 21 * 366:
            raise ValidationError({"identity_number": _("%(name)s är inte ett barn enligt personnumret.")
                                   % {"name": f"{item.first_name} {item.last_name}"}})
    # The adults are locked (if in Lika) or created in the order of their numbers: the partner
    # applying at the same moment waits here and then finds the case made, or the number
    # taken (no deadlock, no second household).
    names = {own.number: (given_name or resident.given_name, family_name or resident.family_name)}
    if partner is not None:
        names[numbers[1].number] = (partner.first_name, partner.last_name)
    found = {}
    for number in sorted(numbers[:len(names)], key=lambda n: n.number):
        found[number.number] = _person_for(number, *names[number.number], today)
    since = today
    me, me_new = found[own.number]
    if not me_new and resident_case(me) is not None:
        raise ValidationError(_("Du har redan ett ärende. Ansök för en ny månad på Mina sidor."))
    adults = [(me if me_new else _existing_checked(me, since), me_new)]
    if partner is not None:
        person, new = found[numbers[1].number]
        adults.append((person if new else _existing_checked(person, since), new))
    kids = []
    for number, item in zip(numbers[len(numbers) - len(children):], children, strict=True):
        person, new = _person_for(number, item.first_name, item.last_name, since)
        if not new and person.protected_identity:
            raise ValidationError(_(REFUSED_PERSON))
        kids.append((person, new, item))
    applicant = adults[0][0]
    unit = intake_unit()
    household = Household.objects.create(unit=unit, reference=f"tmp-{uuid.uuid4().hex[:16]}")
    household.reference = household_reference(household.pk)
    household.save(update_fields=["reference"])
    cohabiting = partner is not None
    for person, _new in adults:
        HouseholdMembership.objects.create(household=household, person=person, role=ADULT, cohabiting=cohabiting,
                                           valid_from=since)
    for person, _new, item in kids:
        HouseholdMembership.objects.create(household=household, person=person, role=CHILD,
                                           lunch_at_home=item.lunch_at_home, valid_from=since)
    case = Case.objects.create(reference=f"tmp-{uuid.uuid4().hex[:16]}", unit=unit, household=household,
                               case_worker=None, opened_on=since)
    case.reference = f"{since.year}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    created = [(p, new) for p, new in adults] + [(p, new) for p, new, _item in kids]
    _log(action=CREATE, object_type="case", object_id=case.pk, person=applicant, household_id=household.pk,
         summary=f"Ärende {case.reference} registrerat genom första ansökan i e-tjänsten",
         new={"members": [p.pk for p, _ in created], "cohabiting": cohabiting, "since": since.isoformat(),
              "unit": unit.pk})
    for person, new in created:
        if new:
            _log(action=CREATE, object_type="person", object_id=person.pk, person=applicant,
                 household_id=household.pk, summary="Person registrerad genom ansökan i e-tjänsten",
                 new=loggable({"first_name": person.first_name, "last_name": person.last_name,
                               "legal_gender": person.legal_gender}, False))
    application = case_services.application_create(
        acting_user=eservice_actor(), case=case, month=month, applicant=applicant, joint=cohabiting,
        channel=Application.Channel.E_SERVICE, received_on=today, applicant_confirmed=True)
    if partner is not None:
        _after_commit_notify(adults[1][0], "confirm")
    return application


# --- reading her applications ---------------------------------------------------------

def resident_application(person: Person | None, application_id, *, what: str = "Läst ansökan i e-tjänsten",
                         lock: bool = False) -> Application:
    """An application of her own household's case (404 for anything else); the read is logged."""
    case = resident_case(person)
    if case is None:
        raise Http404
    query = Application.objects.select_related("case", "applicant")
    if lock:
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
        query = query.select_for_update(of=("self",))
    application = query.filter(pk=application_id, case=case).first()
    if application is None:
        raise Http404
    _log(action=READ, object_type="application", object_id=application.pk, person=person,
         household_id=case.household_id, summary=what)
    return application


def party_of(application: Application, person: Person) -> ApplicationParty | None:
    return application.parties.filter(person=person).first()


def pending_confirmations(person: Person | None) -> list[Application]:
    """Applications of her household where she is medsökande and has not yet confirmed."""
    case = resident_case(person)
    if case is None:
        return []
    return list(Application.objects.filter(
        case=case, parties__person=person, parties__role=ApplicationParty.Role.CO_APPLICANT,
        parties__confirmed_at__isnull=True).exclude(status=Application.Status.WITHDRAWN)
        .select_related("applicant").order_by("month", "id"))


def household_applications(person: Person | None) -> list[Application]:
    """Her household's applications, newest month first (for Mina sidor)."""
    case = resident_case(person)
    if case is None:
        return []
    return list(case.applications.select_related("applicant").prefetch_related("parties__person")
                .order_by("-month", "-id")[:12])


def adults_in_month(case: Case, month: date) -> list[Person]:
    return [m.person for m in memberships_in_month(case.household_id, month) if m.role == ADULT]


def members_now(case: Case) -> list[HouseholdMembership]:
    """Who is in the household now (adults first, then children), for the rows per person."""
    return memberships_in_month(case.household_id, timezone.localdate().replace(day=1))


def last_application_entries(case: Case) -> tuple[list[Entry], list[Entry]]:
    """The costs and incomes of the household's latest application (withdrawn ones
    skipped), for "copy last month's application"; persons no longer in the household are
    left out."""
    latest = (case.applications.exclude(status=Application.Status.WITHDRAWN)
              .order_by("-month", "-id").first())
    if latest is None:
        return [], []
    present = {m.person_id for m in members_now(case)}

    def keep(rows):
        return [Entry(type=r.type, amount=r.amount, person_id=r.person_id, note=r.note) for r in rows
                if r.person_id is None or r.person_id in present]

    return keep(latest.costs.all()), keep(latest.incomes.all())


# --- the monthly application ------------------------------------------------------------

def _checked_entries(costs, incomes):
    if len(costs) + len(incomes) > MAX_ROWS:
        raise ValidationError(_("Ansökan får ha högst %(n)s rader med inkomster och kostnader.") % {"n": MAX_ROWS})
    for entry in costs:
        if entry.type not in COST_TYPES:
            raise ValidationError(_("Välj en kostnad i listan."))
    for entry in incomes:
        if entry.type not in INCOME_TYPES:
            raise ValidationError(_("Välj en inkomst i listan."))


@transaction.atomic
def monthly_application_submit(*, resident, month: date, costs: list[Entry], incomes: list[Entry]) -> Application:
    """Her application for ``month`` in her household's case, with incomes and costs per
    person.  The case row is locked and the month read again inside the transaction, so
    two adults applying for the same month at once give one application: the other is
    told that it already exists.  With two adults (married, registered partners or
    sambo) the application is joint: the other adult is medsökande, is notified and
    confirms in his own login; her own part is confirmed by submitting."""
    person = resident.person
    case = resident_case(person)
    if case is None:
        raise Http404
    month = month.replace(day=1)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.OPEN:
        raise ValidationError(_("Ärendet är avslutat. Kontakta socialtjänsten för att ansöka igen."))
    existing = (Application.objects.filter(case=case, month=month).exclude(status=Application.Status.WITHDRAWN)
                .select_related("applicant").first())
    if existing is not None:
        raise ValidationError(_("Det finns redan en ansökan för %(month)s i ert hushåll. Öppna den på Mina sidor "
                                "i stället.") % {"month": f"{month:%Y-%m}"})
    if month not in month_choices(case):
        raise ValidationError({"month": _("Välj en av månaderna i listan.")})
    _checked_entries(costs, incomes)
    members = memberships_in_month(case.household_id, month)
    adults = [m for m in members if m.role == ADULT]
    me = next((m for m in adults if m.person_id == person.pk), None)
    if me is None:
        raise ValidationError(_("Du är inte vuxen i hushållet den månaden. Kontakta socialtjänsten."))
    partners = [m.person for m in adults if m.person_id != person.pk and m.cohabiting and me.cohabiting]
    actor = eservice_actor()
    application = case_services.application_create(
        acting_user=actor, case=case, month=month, applicant=person, joint=bool(partners),
        channel=Application.Channel.E_SERVICE, received_on=timezone.localdate(), applicant_confirmed=True)
    case_services.application_entries_save(acting_user=actor, application=application, costs=costs,
                                           incomes=incomes, obstacles={})
    _log(action=CREATE, object_type="application", object_id=application.pk, person=person,
         household_id=case.household_id, summary=f"Ansökan {month:%Y-%m} skickad i e-tjänsten",
         new={"costs": len(costs), "incomes": len(incomes), "joint": bool(partners)})
    for partner in partners:
        _after_commit_notify(partner, "confirm")
    return application


@transaction.atomic
def application_entries_update(*, resident, application_id, costs: list[Entry], incomes: list[Entry]) -> Application:
    """The applicant changes the incomes and costs of her application while it waits to be
    handled (status inkommen).  If the medsökande had confirmed it and the contents change,
    his confirmation no longer holds: he is asked to confirm again."""
    person = resident.person
    application = resident_application(person, application_id, what="Ändrar ansökan i e-tjänsten", lock=True)
    if application.applicant_id != person.pk:
        raise PermissionDenied
    if application.status != Application.Status.RECEIVED:
        raise ValidationError(_("Ansökan handläggs redan och kan inte ändras här. Skriv till din handläggare."))
    _checked_entries(costs, incomes)
    before = case_services._entries_snapshot(application)
    case_services.application_entries_save(acting_user=eservice_actor(), application=application, costs=costs,
                                           incomes=incomes, obstacles={
                                               o.person_id: o.category for o in application.obstacles.all()})
    if case_services._entries_snapshot(application) != before:
        _log(action=UPDATE, object_type="application", object_id=application.pk, person=person,
             household_id=application.case.household_id, summary="Inkomster och kostnader ändrade i e-tjänsten")
        for party in application.parties.select_for_update().filter(role=ApplicationParty.Role.CO_APPLICANT,
                                                                    confirmed_at__isnull=False):
            party.confirmed_at, party.confirmed_channel, party.confirmation_recorded_by = None, "", None
            party.save(update_fields=["confirmed_at", "confirmed_channel", "confirmation_recorded_by"])
            _log(action=UPDATE, object_type="application", object_id=application.pk, person=person,
                 household_id=application.case.household_id,
                 summary="Medsökandes bekräftelse gäller inte längre: ansökan ändrades",
                 old={"confirmed": party.person_id}, new={"confirmed": None})
            _after_commit_notify(party.person, "confirm")
    return application


@transaction.atomic
def application_confirm_by_resident(*, resident, application_id) -> ApplicationParty:
    """The medsökande confirms the joint application in his own login.  Only his own party:
    a session is one person, so nobody confirms for the other."""
    person = resident.person
    application = resident_application(person, application_id, what="Bekräftar ansökan i e-tjänsten", lock=True)
    party = (application.parties.select_for_update()
             .filter(person=person, role=ApplicationParty.Role.CO_APPLICANT).first())
    if party is None:
        raise ValidationError(_("Det finns inget för dig att bekräfta i den här ansökan."))
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError(_("Ansökan är återtagen och kan inte bekräftas."))
    if party.confirmed_at is not None:
        raise ValidationError(_("Du har redan bekräftat ansökan."))
    return case_services.application_confirm(acting_user=eservice_actor(), application=application, party=party,
                                             channel=Application.Channel.E_SERVICE)


# --- attachments ---------------------------------------------------------------------

def attachment_folder(case_id) -> Path:
    return files.private_folder("eservice", "attachments", int(case_id))


def attachment_upload(*, resident, application_id, kind: str, upload) -> ApplicationAttachment:
    """Check and keep an attachment to her application.  Only a party of the application
    uploads (the sökande or the medsökande) and only while it is not withdrawn.  The file
    is written first under a random name; if the database row cannot be written, the file
    is removed again."""
    person = resident.person
    if kind not in ApplicationAttachment.Kind.values:
        raise ValidationError({"kind": _("Välj vad det är för underlag.")})
    application = resident_application(person, application_id, what="Laddar upp bilaga i e-tjänsten")
    if party_of(application, person) is None:
        raise PermissionDenied
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError(_("Ansökan är återtagen. Bilagor kan inte läggas till."))
    checked = files.checked_upload(upload)
    stored = files.store(upload, checked, attachment_folder(application.case_id), failed_message=_(
        "Filen kunde inte sparas just nu. Ingenting har sparats. Försök igen senare, eller lämna underlaget "
        "till din handläggare."))
    content_type, name, stored_name, written = checked.content_type, checked.name, stored.stored_name, stored.size
    try:
        with transaction.atomic():
            application = resident_application(person, application_id, what="Bilaga sparad", lock=True)
            if application.status == Application.Status.WITHDRAWN:
                raise ValidationError(_("Ansökan är återtagen. Bilagor kan inte läggas till."))
            if application.attachments.count() >= MAX_ATTACHMENTS:
                raise ValidationError(_("En ansökan kan ha högst %(n)s bilagor.") % {"n": MAX_ATTACHMENTS})
            attachment = ApplicationAttachment.objects.create(
                application=application, kind=kind, original_name=name, stored_name=stored_name,
                content_type=content_type, size=written, sha256=stored.sha256, uploaded_by_person=person)
            _log(action=CREATE, object_type="eservice.applicationattachment", object_id=attachment.pk,
                 person=person, household_id=application.case.household_id,
                 summary=f"Bilaga till ansökan {application.month:%Y-%m} uppladdad i e-tjänsten",
                 new={"kind": kind, "size": written, "sha256": attachment.sha256, "type": content_type})
    except BaseException:
        files.discard(stored)
        raise
    return attachment


def _opened(attachment: ApplicationAttachment):
    return files.opened(attachment_folder(attachment.application.case_id) / attachment.stored_name)


def may_see_attachment(application: Application, attachment: ApplicationAttachment, person: Person) -> bool:
    """The uploader, and the parties of the application: in a joint application both
    adults (it is their joint application, and both answer for what it says)."""
    return attachment.uploaded_by_person_id == person.pk or application.parties.filter(person=person).exists()


def attachment_open_for_resident(*, resident, application_id, attachment_id):
    """(attachment, open file) for her download; logged.  404 for anything not hers."""
    person = resident.person
    application = resident_application(person, application_id, what="Öppnar bilaga i e-tjänsten")
    attachment = application.attachments.select_related("application").filter(pk=attachment_id).first()
    if attachment is None or not may_see_attachment(application, attachment, person):
        raise Http404
    handle = _opened(attachment)
    _log(action=READ, object_type="eservice.applicationattachment", object_id=attachment.pk, person=person,
         household_id=application.case.household_id, summary="Bilaga hämtad i e-tjänsten")
    return attachment, handle


def attachment_open_for_staff(*, user, case_id, application_id, attachment_id):
    """(attachment, open file) for the staff of the case's unit; logged (``access_case``
    refuses other units with 404)."""
    case = access_case(user, case_id, what="Bilaga till ansökan", log=False)
    attachment = (ApplicationAttachment.objects.select_related("application")
                  .filter(pk=attachment_id, application_id=application_id, application__case=case).first())
    if attachment is None:
        raise Http404
    handle = _opened(attachment)
    access_log_write(actor=user, action=READ, object_type="eservice.applicationattachment", object_id=attachment.pk,
                     household_id=case.household_id,
                     summary=f"Bilaga till ansökan {attachment.application.month:%Y-%m} hämtad")
    return attachment, handle


def attachments_for(application: Application, person: Person) -> list[ApplicationAttachment]:
    return [a for a in application.attachments.select_related("uploaded_by_person")
            if may_see_attachment(application, a, person)]


def is_adult_now(person: Person | None) -> bool:
    return adult_membership(person) is not None

"""Writes to cases: registering a household, applications, calculations, closing a
case and the journal.  Persons and composition are in ``people.py``, decisions in
``decisions.py``.

Every function takes a mandatory ``acting_user``, runs in one transaction and
writes its access-log row in that transaction (STYLE.md §4).  Bad input raises
``ValidationError`` with a Swedish message and leaves nothing half-written.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.core.calculation import COST_TYPES, INCOME_TYPES, calculate_support
from lika.core.household_json import (
    InputError,
    Kronor,
    calculation_to_dict,
    dumps,
    parse_household_month,
)
from lika.core.job_incentive import history_from_months
from lika.core.money import to_ore
from lika.households.demo import household_reference
from lika.households.models import Household, HouseholdMembership, Person
from lika.norms.selectors import norm_table_current, norm_table_value

from .models import (
    Application,
    ApplicationCost,
    ApplicationIncome,
    ApplicationParty,
    Case,
    CaseCalculation,
    Decision,
    JournalNote,
    SupportObstacle,
)
from .people import (  # noqa: F401 - the case services' public names, kept here for callers
    ADDRESS_FIELDS,
    ADULT,
    CHILD,
    CO_RESIDENT,
    PERSON_FIELDS,
    PersonData,
    _checked_identity,
    _co_resident_get_or_create,
    _person_get_or_create,
    _refuse_open_case_elsewhere,
    _values_of,
    co_residents_in_month,
    couple_or_single,
    dwelling_size,
    in_force_on,
    loggable,
    membership_add,
    membership_end,
    memberships_in_month,
    memberships_on,
    person_update,
)


@transaction.atomic
def case_register(*, acting_user, adults: list[PersonData], children: list[PersonData] = (),
                  cohabiting: bool = False, since: date | None = None,
                  co_residents: list[PersonData] = ()) -> Case:
    """Register a household (one or two adults and any children) and open its case in
    the acting user's unit.  A person already in Lika is reused, not duplicated.
    ``co_residents``: others who share the dwelling with their own support (an adult child
    not in school, a relative, a lodger); they count only in the dwelling's size for the
    share of the common household costs."""
    if acting_user.unit_id is None:
        raise ValidationError("Du måste tillhöra en enhet för att registrera ärenden.")
    if not 1 <= len(adults) <= 2:
        raise ValidationError("Ett hushåll har en eller två vuxna.")
    if cohabiting and len(adults) != 2:
        raise ValidationError("Gifta, registrerade partner och sambor är två vuxna.")
    today = timezone.localdate()
    since = since or today
    numbers = [_checked_identity(p.identity_number, today).number for p in (*adults, *children, *co_residents)]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("Samma personnummer finns två gånger i hushållet.")
    household = Household.objects.create(unit_id=acting_user.unit_id, reference=f"tmp-{uuid.uuid4().hex[:16]}")
    household.reference = household_reference(household.pk)
    household.save(update_fields=["reference"])
    created = []
    for data in adults:
        person, new = _person_get_or_create(data, today, acting_user=acting_user)
        _refuse_open_case_elsewhere(person, since)
        HouseholdMembership.objects.create(household=household, person=person, role=ADULT,
                                           cohabiting=cohabiting, valid_from=since)
        created.append((person, new))
    for data in children:
        person, new = _person_get_or_create(data, today, acting_user=acting_user)
        HouseholdMembership.objects.create(
            household=household, person=person, role=CHILD, lunch_at_home=data.lunch_at_home,
            days_present=data.days_present, hemmavarande=data.hemmavarande, valid_from=since)
        created.append((person, new))
    for data in co_residents:
        person, new = _co_resident_get_or_create(data, acting_user)
        HouseholdMembership.objects.create(household=household, person=person, role=CO_RESIDENT, valid_from=since)
        created.append((person, new))
    case = Case.objects.create(reference=f"tmp-{uuid.uuid4().hex[:16]}", unit_id=acting_user.unit_id,
                               household=household, case_worker=acting_user, opened_on=since)
    case.reference = f"{since.year}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    access_log_write(actor=acting_user, action=CREATE, object_type="case", object_id=case.pk,
                     household_id=household.pk, summary=f"Ärende {case.reference} registrerat",
                     new={"members": [p.pk for p, _ in created[:len(adults) + len(children)]],
                          "cohabiting": cohabiting, "since": since.isoformat(),
                          **({"co_residents": [p.pk for p, _ in created[len(adults) + len(children):]]}
                             if co_residents else {})})
    for person, new in created:
        if new:
            access_log_write(actor=acting_user, action=CREATE, object_type="person", object_id=person.pk,
                             person_id=person.pk, household_id=household.pk, summary="Person registrerad",
                             new=loggable(_values_of(person), person.protected_identity))
    return case


# --- applications ---------------------------------------------------------------

@transaction.atomic
def application_create(*, acting_user, case: Case, month: date, applicant: Person, joint: bool = False,
                       channel: str = Application.Channel.E_SERVICE, received_on: date | None = None,
                       applicant_confirmed: bool = True) -> Application:
    """An application for ``month`` by ``applicant``.  The first person who applies in a
    case becomes its registerledare (M5) — whoever it is; nothing looks at gender."""
    month = month.replace(day=1)
    members = memberships_in_month(case.household_id, month)
    adults = [m for m in members if m.role == ADULT]
    if not any(m.person_id == applicant.pk for m in adults):
        raise ValidationError({"applicant": "Den sökande ska vara vuxen i hushållet den månaden."})
    partner = [m.person for m in adults if m.person_id != applicant.pk and m.cohabiting]
    if joint and not partner:
        raise ValidationError({"joint": "En gemensam ansökan kräver två vuxna som är gifta eller sambor."})
    if case.status != Case.Status.OPEN:
        raise ValidationError("Ärendet är avslutat. Öppna det igen för att ta emot en ansökan.")
    now = timezone.now()
    application = Application.objects.create(case=case, month=month, applicant=applicant, channel=channel,
                                             received_on=received_on or timezone.localdate(),
                                             created_by=acting_user)
    ApplicationParty.objects.create(
        application=application, person=applicant, role=ApplicationParty.Role.APPLICANT,
        confirmed_at=now if applicant_confirmed else None, confirmed_channel=channel if applicant_confirmed else "",
        confirmation_recorded_by=acting_user if applicant_confirmed else None)
    if joint:
        ApplicationParty.objects.create(application=application, person=partner[0],
                                        role=ApplicationParty.Role.CO_APPLICANT)
    if case.registerledare_id is None:
        case.registerledare = applicant
        case.save(update_fields=["registerledare"])
        access_log_write(actor=acting_user, action=UPDATE, object_type="case", object_id=case.pk,
                         person_id=applicant.pk, household_id=case.household_id,
                         summary="Registerledare: den som ansökte först",
                         old={"registerledare": None}, new={"registerledare": applicant.pk})
    access_log_write(actor=acting_user, action=CREATE, object_type="application", object_id=application.pk,
                     person_id=applicant.pk, household_id=case.household_id,
                     summary=f"Ansökan {month:%Y-%m} inkommen",
                     new={"month": f"{month:%Y-%m}", "applicant": applicant.pk, "joint": joint, "channel": channel})
    return application


@transaction.atomic
def application_confirm(*, acting_user, application: Application, party: ApplicationParty,
                        channel: str) -> ApplicationParty:
    """Record that ``party`` has confirmed (signed) the application themselves."""
    if party.application_id != application.pk:
        raise ValidationError("Parten hör inte till ansökan.")
    if party.confirmed_at is not None:
        raise ValidationError(f"{party.person} har redan bekräftat ansökan.")
    party.confirmed_at = timezone.now()
    party.confirmed_channel = channel
    party.confirmation_recorded_by = acting_user
    party.save(update_fields=["confirmed_at", "confirmed_channel", "confirmation_recorded_by"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="application", object_id=application.pk,
                     person_id=party.person_id, household_id=application.case.household_id,
                     summary=f"{party.get_role_display()} har bekräftat ansökan",
                     new={"confirmed_channel": channel})
    return party


def locked_application(application_id: int) -> Application:
    """The application locked for this transaction and read again (its case first, the
    order every writer of decisions takes), so a status another user changed a moment
    ago counts."""
    case_id = Application.objects.filter(pk=application_id).values_list("case_id", flat=True).get()
    Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True).get()
    return Application.objects.select_for_update().select_related("case").get(pk=application_id)


def _editable(application):
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError("Ansökan är återtagen och kan inte ändras.")
    if application.status == Application.Status.DECIDED:
        raise ValidationError("Ansökan är beslutad. Välj ”Ändra beslutet” på beslutet för att ändra uppgifterna "
                              "(ändringsbeslut).")


@dataclass(frozen=True)
class Entry:
    type: str
    amount: int  # öre
    person_id: int | None = None
    note: str = ""


def _entries_snapshot(application):
    return {
        "costs": [[c.type, c.amount, c.person_id, c.note] for c in application.costs.all()],
        "incomes": [[i.type, i.amount, i.person_id, i.note] for i in application.incomes.all()],
        "obstacles": {str(o.person_id): o.category for o in application.obstacles.all()},
    }


def _row_name(kind: str, position: int, entry: Entry, names: dict) -> str:
    who = names.get(entry.person_id)
    return f"{kind} rad {position}" + (f" ({who})" if who else "")


def entries_errors(members, costs: list[Entry], incomes: list[Entry]) -> list[str]:
    """Every fault in the rows, each message naming the row and the person it concerns, so
    that a form shows them all at once instead of one per save (issue 17)."""
    names = {m.person_id: f"{m.person.first_name} {m.person.last_name}" for m in members}
    errors = []
    for kind, rows, known in (("Kostnad", costs, COST_TYPES), ("Inkomst", incomes, INCOME_TYPES)):
        for position, entry in enumerate(rows, start=1):
            row = _row_name(kind, position, entry, names)
            if entry.person_id is not None and entry.person_id not in names:
                errors.append(f"{row}: hör till någon utanför hushållet.")
            if entry.amount < 0:
                errors.append(f"{row}: beloppet får inte vara negativt.")
            if entry.type not in known:
                errors.append(f"{row}: okänd {kind.lower()} ({entry.type}).")
    if sum(entry.type == "housing" for entry in costs) > 1:
        # the guideline for skälig boendekostnad judges the household's whole housing cost
        errors.append("Ange boendekostnaden på en rad: riktlinjen gäller hushållets hela boendekostnad.")
    return errors


@transaction.atomic
def application_entries_save(*, acting_user, application: Application, costs: list[Entry],
                             incomes: list[Entry], obstacles: dict) -> Application:
    """Replace the costs, incomes (per person) and försörjningshinder (per adult)."""
    application = locked_application(application.pk)
    _editable(application)
    members = memberships_in_month(application.case.household_id, application.month)
    adult_ids = {m.person_id for m in members if m.role == ADULT}
    errors = entries_errors(members, costs, incomes)
    if set(obstacles) - adult_ids:
        errors.append("Försörjningshinder anges bara för vuxna i hushållet.")
    valid = set(SupportObstacle.Category.values)
    if any(value not in valid for value in obstacles.values()):
        errors.append("Okänt försörjningshinder.")
    if errors:  # every fault at once (issue 17), each naming its row and person
        raise ValidationError(errors)
    old = _entries_snapshot(application)
    application.costs.all().delete()
    application.incomes.all().delete()
    application.obstacles.all().delete()
    ApplicationCost.objects.bulk_create(
        ApplicationCost(application=application, type=e.type, amount=e.amount, person_id=e.person_id,
                        note=e.note) for e in costs)
    ApplicationIncome.objects.bulk_create(
        ApplicationIncome(application=application, type=e.type, amount=e.amount, person_id=e.person_id,
                          note=e.note) for e in incomes)
    SupportObstacle.objects.bulk_create(
        SupportObstacle(application=application, person_id=pid, category=cat) for pid, cat in obstacles.items())
    new = _entries_snapshot(application)
    if new != old:
        access_log_write(actor=acting_user, action=UPDATE, object_type="application", object_id=application.pk,
                         household_id=application.case.household_id,
                         summary="Kostnader, inkomster och försörjningshinder sparade", old=old, new=new)
    return application


def household_month_input(application: Application) -> tuple[dict, list[int]]:
    """The application as the household-month JSON contract (docs/calculate.md), and the
    person ids in member order.  Co-residents are not members: they only make the dwelling
    larger (``household_size``), so the members get their share of the common costs."""
    members = memberships_in_month(application.case.household_id, application.month)
    index = {m.person_id: i for i, m in enumerate(members)}
    month = application.month
    data = {"month": f"{month:%Y-%m}", "members": [], "costs": [], "incomes": []}
    size = dwelling_size(members, co_residents_in_month(application.case.household_id, month))
    if size is not None:
        data["household_size"] = size
    history = income_history(members, month)
    for m in members:
        item = {"role": m.role, "birth_date": m.person.birth_date.isoformat()}
        if m.role == ADULT:
            item["cohabiting"] = m.cohabiting
        else:
            item.update(lunch_at_home=m.lunch_at_home, hemmavarande=m.hemmavarande)
            if m.days_present is not None:
                item["days_present"] = m.days_present
        item.update(history.get(m.person_id, {}))
        data["members"].append(item)
    for cost in application.costs.all():
        item = {"type": cost.type, "amount": _kronor(cost.amount)}
        if cost.person_id is not None:
            item["member"] = index[cost.person_id]
        if cost.note:
            item["note"] = cost.note
        if cost.type == "housing":
            item.update(_housing_terms(application, members))
        data["costs"].append(item)
    for income in application.incomes.all():
        item = {"type": income.type, "amount": _kronor(income.amount)}
        if income.person_id is not None:
            item["member"] = index[income.person_id]
        if income.note:
            item["note"] = income.note
        data["incomes"].append(item)
    return data, [m.person_id for m in members]


def income_history(members, month: date) -> dict:
    """What the income rules need from the past, per person id, as member keys of the JSON
    contract (docs/calculate.md, "Jobbstimulans" and "A child's own work income"):

    * an adult: ``job_incentive`` — the months in a row with försörjningsstöd before
      ``month`` and the months of a jobbstimulans period used, from the issued decisions in
      force that granted more than 0 kr in any household the person belonged to;
    * a child: ``work_income_exempt_used`` — the own work income already left uncounted
      earlier in the calendar year, summed from the ``child_work_income`` lines of the
      calculation behind each earlier month's decision in force, or the month's current
      calculation where no decision is in force yet (withdrawn applications do not count).
    """
    person_ids = [m.person_id for m in members]
    households = set(HouseholdMembership.objects.filter(person_id__in=person_ids)
                     .values_list("household_id", flat=True))
    out = {}
    adults = {m.person_id for m in members if m.role == ADULT}
    if adults:
        supported = {pid: set() for pid in adults}
        rows = (Decision.objects.filter(application__case__household_id__in=households, status=Decision.Status.ISSUED,
                                        superseded_at__isnull=True, granted_amount__gt=0, application__month__lt=month)
                .values_list("application__month", "calculation__members"))
        for when, ids in rows:
            for pid in ids or ():
                if pid in supported:
                    supported[pid].add((when.year, when.month))
        for pid, months in supported.items():
            consecutive, used = history_from_months(months, month.year, month.month)
            out[pid] = {"job_incentive": {"consecutive_support_months": consecutive, "period_months_used": used}}
    children = {m.person_id for m in members if m.role == CHILD}
    if children:
        used = dict.fromkeys(children, 0)
        applications = (Application.objects.filter(case__household_id__in=households, month__lt=month,
                                                   month__gte=month.replace(month=1))
                        .exclude(status=Application.Status.WITHDRAWN))
        for application in applications:
            decision = (application.decisions.filter(status=Decision.Status.ISSUED, superseded_at__isnull=True)
                        .select_related("calculation").first())
            calculation = decision.calculation if decision is not None else (
                application.calculations.filter(superseded_at__isnull=True).first())
            if calculation is None:
                continue
            ids = calculation.members
            for line in calculation.result.get("lines", ()):
                if line["rule"] == "child_work_income" and len(line["members"]) == 1:
                    pid = ids[line["members"][0]]
                    if pid in used:
                        used[pid] += to_ore(Decimal(str(line["amount"])))
        for pid, amount in used.items():
            out[pid] = {"work_income_exempt_used": _kronor(amount)}
    return out


def _housing_terms(application, members) -> dict:
    """The guideline for skälig boendekostnad and any documented deviation (lika.cases.housing)."""
    from .housing import housing_terms

    terms = housing_terms(application, members)
    if "cap" in terms:
        terms["cap"] = _kronor(terms["cap"])
    if "accepted" in terms.get("deviation", {}):
        terms["deviation"]["accepted"] = _kronor(terms["deviation"]["accepted"])
    return terms


def _kronor(ore: int) -> Decimal:
    return Decimal(ore) / 100


def _exact(value):
    """Decimal kronor as Kronor, so ``dumps`` writes them as exact JSON numbers."""
    if isinstance(value, Decimal):
        return Kronor(to_ore(value))
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


@transaction.atomic
def calculation_make(*, acting_user, application: Application) -> CaseCalculation:
    """Calculate the application on the norm table in force and keep an immutable snapshot;
    an earlier calculation of the application is superseded."""
    application = locked_application(application.pk)
    _editable(application)
    data, person_ids = household_month_input(application)
    try:
        household, _payment = parse_household_month(data)
    except InputError as exc:
        raise ValidationError(f"Uppgifterna kan inte beräknas: {exc}") from None
    row = norm_table_current(household.year)
    if row is None:
        raise ValidationError(f"Det finns ingen riksnorm för {household.year}.")
    norm = norm_table_value(row)
    try:
        calc = calculate_support(household, norm)
    except ValueError as exc:
        raise ValidationError(f"Beräkningen kunde inte göras: {exc}") from None
    now = timezone.now()
    previous = list(application.calculations.filter(superseded_at__isnull=True))
    for old in previous:
        old.superseded_at = now
        old.save(update_fields=["superseded_at"])
    snapshot = CaseCalculation.objects.create(
        application=application, norm_table=row, input=json.loads(dumps(_exact(data))), members=person_ids,
        result=json.loads(dumps(calculation_to_dict(calc, None))), support=calc.support,
        provisional=calc.norm_status != "verified", created_by=acting_user, created_at=now)
    if application.status == Application.Status.RECEIVED:
        application.status = Application.Status.CALCULATED
        application.save(update_fields=["status"])
    access_log_write(actor=acting_user, action=CREATE, object_type="calculation", object_id=snapshot.pk,
                     household_id=application.case.household_id,
                     summary=f"Beräkning {application.month:%Y-%m}: {calc.support / 100:.2f} kr",
                     old={"superseded": [c.pk for c in previous]} if previous else None,
                     new={"support": calc.support, "norm_table": row.pk})
    return snapshot


@transaction.atomic
def case_close(*, acting_user, case: Case, closed_on: date, reason: str) -> Case:
    """Avsluta the case: no new applications until it is opened again.  The reason is
    what the register asks for when a household leaves support."""
    if case.status != Case.Status.OPEN:
        raise ValidationError("Ärendet är redan avslutat.")
    if reason not in Case.CloseReason.values:
        raise ValidationError({"reason": "Välj anledningen till att ärendet avslutas."})
    if closed_on < case.opened_on or closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "Datumet ska ligga mellan aktualiseringen och i dag."})
    waiting = case.applications.filter(status__in=[Application.Status.RECEIVED, Application.Status.CALCULATED])
    if waiting.exists():
        raise ValidationError("Det finns ansökningar utan beslut. Fatta beslut eller återta dem först.")
    case.status, case.closed_on, case.close_reason = Case.Status.CLOSED, closed_on, reason
    case.save(update_fields=["status", "closed_on", "close_reason"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="case", object_id=case.pk,
                     household_id=case.household_id, summary="Ärendet avslutat",
                     old={"status": "open"}, new={"status": "closed", "closed_on": closed_on.isoformat(),
                                                  "reason": reason})
    return case


@transaction.atomic
def case_reopen(*, acting_user, case: Case) -> Case:
    """Open a closed case again (a new application from the same household)."""
    if case.status != Case.Status.CLOSED:
        raise ValidationError("Ärendet är redan aktuellt.")
    old = {"status": "closed", "closed_on": case.closed_on.isoformat() if case.closed_on else None,
           "reason": case.close_reason}
    case.status, case.closed_on, case.close_reason = Case.Status.OPEN, None, ""
    case.save(update_fields=["status", "closed_on", "close_reason"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="case", object_id=case.pk,
                     household_id=case.household_id, summary="Ärendet öppnat igen", old=old,
                     new={"status": "open"})
    return case


@transaction.atomic
def application_withdraw(*, acting_user, application: Application, reason: str) -> Application:
    """The applicant withdraws an application that has no decision in force (återtagen).
    ``reason`` (required) is kept on the application, in the access log and in the journal.
    A proposal waiting for the enhetschef is cancelled with it.  The case and the
    application are locked and read again, so an approval at the same moment either
    comes first (and the withdrawal is refused) or finds the application withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Skriv varför ansökan återtas."})
    application = locked_application(application.pk)
    _editable(application)
    if application.decisions.filter(status=Decision.Status.ISSUED, superseded_at__isnull=True).exists():
        raise ValidationError("Ansökan har ett fattat beslut och kan inte återtas. Ändra beslutet i stället.")
    now = timezone.now()
    cancelled = []
    for pending in application.decisions.select_for_update().filter(status=Decision.Status.AWAITING_APPROVAL):
        pending.status, pending.superseded_at, pending.cancel_reason = (
            Decision.Status.CANCELLED, now, "ansökan återtogs")
        pending.save(update_fields=["status", "superseded_at", "cancel_reason"])
        cancelled.append(pending.pk)
    old = application.status
    application.status = Application.Status.WITHDRAWN
    application.withdraw_reason, application.withdrawn_from = reason, old
    application.save(update_fields=["status", "withdraw_reason", "withdrawn_from"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="application", object_id=application.pk,
                     household_id=application.case.household_id, summary="Ansökan återtagen",
                     old={"status": old}, new={"status": "withdrawn", "reason": reason,
                                               "cancelled_decisions": cancelled})
    journal_write(acting_user=acting_user, case=application.case,
                  text=f"Ansökan för {application.month:%Y-%m} återtogs av den sökande. Skäl: {reason}")
    return application


@transaction.atomic
def application_withdraw_undo(*, acting_user, application: Application) -> Application:
    """Undo a withdrawal (återuppta): the application gets back the status it had.  A
    proposal cancelled by the withdrawal stays cancelled (a new one is made).  Locked and
    read again; refused when the application is not withdrawn any more."""
    application = locked_application(application.pk)
    if application.status != Application.Status.WITHDRAWN:
        raise ValidationError("Ansökan är inte återtagen.")
    if (Application.objects.filter(case_id=application.case_id, month=application.month)
            .exclude(pk=application.pk).exclude(status=Application.Status.WITHDRAWN).exists()):
        raise ValidationError("Det finns redan en annan ansökan för samma månad. Handlägg den i stället.")
    restored = application.withdrawn_from or Application.Status.RECEIVED
    if restored == Application.Status.CALCULATED and not application.calculations.filter(
            superseded_at__isnull=True).exists():
        restored = Application.Status.RECEIVED
    reason = application.withdraw_reason
    application.status, application.withdraw_reason, application.withdrawn_from = restored, None, None
    application.save(update_fields=["status", "withdraw_reason", "withdrawn_from"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="application", object_id=application.pk,
                     household_id=application.case.household_id, summary="Ansökan återupptagen",
                     old={"status": "withdrawn", "reason": reason}, new={"status": restored})
    journal_write(acting_user=acting_user, case=application.case,
                  text=f"Återtagandet av ansökan för {application.month:%Y-%m} ångrades; ansökan handläggs igen.")
    return application


@transaction.atomic
def journal_write(*, acting_user, case: Case, text: str, corrects: JournalNote | None = None) -> JournalNote:
    """A signed journal note; a correction is a new note pointing at the old one."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Skriv anteckningen."})
    if corrects is not None and corrects.case_id != case.pk:
        raise ValidationError("Anteckningen som rättas hör till ett annat ärende.")
    note = JournalNote.objects.create(case=case, written_by=acting_user, text=text, corrects=corrects,
                                      signature=f"{acting_user.display_name} ({acting_user.get_role_display()})")
    access_log_write(actor=acting_user, action=CREATE, object_type="journal", object_id=note.pk,
                     household_id=case.household_id, summary="Journalanteckning")
    return note


def ore_from_kronor(value) -> int:
    """A form's Decimal kronor as öre."""
    return to_ore(value)

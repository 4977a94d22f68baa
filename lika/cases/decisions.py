"""Decisions (beslut), the payment arrangement and who receives the decision
(DESIGN.md M1–M3), and exceptions to the equal split (M2).

A decision is made on the current calculation of an application: each need line
is granted (bifall), partly granted (delvis bifall) or refused (avslag) with a
reason.  The payment is split equally between the couple unless an approved
exception (särskilda skäl) names one recipient.  An issued decision goes to both
adults: one recipient row and one letter each.  Issued decisions never change.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from lika.accounts.models import Role
from lika.accounts.settings import current as current_setting
from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.core.money import format_kronor, to_ore
from lika.core.split import EQUAL, SINGLE, DirectPayment, SplitError, split_payment

from .models import (
    Application,
    Case,
    CaseCalculation,
    Decision,
    DecisionLine,
    DecisionRecipient,
    DecisionShare,
    PaymentException,
)
from .services import couple_or_single, locked_application, memberships_in_month

NEED_KINDS = ("personal", "household", "cost")


@dataclass(frozen=True)
class LineDecision:
    """The case worker's decision on one need line of the calculation (by position)."""

    outcome: str
    granted: int | None = None  # öre; None = the calculated amount (bifall) or 0 (avslag)
    reason: str = ""


@dataclass(frozen=True)
class DirectPaymentData:
    type: str
    amount: int  # öre
    payee: str
    account: str = ""


def need_lines(calculation: CaseCalculation) -> list[dict]:
    """The lines a decision is made on, with amounts in öre: ``amount`` is what the
    calculation accepts, ``applied`` what was applied for (more than ``amount`` for a housing
    cost above the municipal guideline; the same on every other line)."""
    out = []
    for line in calculation.result["lines"]:
        if line["kind"] in NEED_KINDS:
            amount = to_ore(Decimal(str(line["amount"])))
            applied = to_ore(Decimal(str(line["applied"]))) if "applied" in line else amount
            out.append({**line, "amount": amount, "applied": applied})
    return out


PROVISIONAL_ACKNOWLEDGEMENT = (
    "Beräkningen bygger på en preliminär riksnorm (tabell eller belopp som inte är fastställda i "
    "socialtjänstförordningen). Beloppet är preliminärt och omprövas när den fastställda tabellen är inläst.")


def calculation_is_provisional(calculation: CaseCalculation) -> bool:
    """Does the calculation rest on a provisional norm table or an estimated norm cell?"""
    return bool(calculation.provisional or calculation.result.get("norm_estimated"))


def _refuse_unacknowledged(provisional: bool, acknowledged: bool) -> None:
    if provisional and not acknowledged:
        raise ValidationError({"acknowledge_provisional": (
            "Beräkningen bygger på en preliminär riksnorm. Bekräfta att du fattar beslutet med ett "
            "preliminärt belopp som omprövas när den fastställda tabellen är inläst.")})


def proposed_line(line: dict) -> LineDecision:
    """What the decision form proposes for a need line: bifall, or for a cost limited by
    the guideline for skälig boendekostnad delvis bifall of the accepted amount with a
    reason naming the guideline (the case worker may edit the reason).  A cost accepted
    above the guideline by a documented deviation is bifall with the deviation as reason."""
    if line["amount"] < line["applied"]:
        detail = line["detail"][:1].lower() + line["detail"][1:]
        return LineDecision(DecisionLine.Outcome.PARTLY, line["amount"],
                            f"Den sökta kostnaden {_kronor_text(line['applied'])} är högre än {detail}. "
                            f"{_kronor_text(line['amount'])} beviljas.")
    if line["rule"].endswith(".deviation"):
        return LineDecision(DecisionLine.Outcome.GRANTED, None, f"{line['label']}: {line['detail']}")
    return LineDecision(DecisionLine.Outcome.GRANTED)


def proposed_lines(calculation: CaseCalculation) -> list[LineDecision]:
    return [proposed_line(line) for line in need_lines(calculation)]


def counted_income(calculation: CaseCalculation) -> int:
    return to_ore(Decimal(str(calculation.result["counted_income"])))


def delegation_limit(on=None) -> int:
    """In öre, the delegation limit in force on ``on`` (today): lika.accounts.settings."""
    from lika.accounts.settings import current

    return current("delegation_limit_kronor", on=on) * 100


def _is_manager_of(user, case) -> bool:
    return user.has_role(Role.UNIT_MANAGER) and user.unit_id == case.unit_id


def _lines(calculation, decisions: list[LineDecision]) -> list[DecisionLine]:
    lines = need_lines(calculation)
    if len(decisions) != len(lines):
        raise ValidationError("Beslut saknas för någon rad i beräkningen.")
    out = []
    for position, (line, choice) in enumerate(zip(lines, decisions, strict=True)):
        applied, accepted = line["applied"], line["amount"]
        if choice.outcome == DecisionLine.Outcome.GRANTED:
            if accepted < applied:
                # a cost above the guideline for skälig boendekostnad: bifall only with a
                # documented deviation (which raises what the calculation accepts)
                raise ValidationError(f"{line['label']}: kostnaden godtas bara upp till "
                                      f"{_kronor_text(accepted)} enligt riktlinjen. Välj delvis bifall, "
                                      "eller dokumentera ett avsteg från riktlinjen och beräkna igen.")
            granted = applied
        elif choice.outcome == DecisionLine.Outcome.REFUSED:
            granted = 0
        elif choice.outcome == DecisionLine.Outcome.PARTLY:
            granted = choice.granted
            if granted is None or not 0 < granted < applied:
                raise ValidationError(f"{line['label']}: delvis bifall kräver ett belopp mellan 0 och "
                                      f"{_kronor_text(applied)}.")
            if granted > accepted:
                raise ValidationError(f"{line['label']}: högst {_kronor_text(accepted)} kan beviljas enligt "
                                      "riktlinjen för skälig boendekostnad utan ett dokumenterat avsteg.")
        else:
            raise ValidationError(f"{line['label']}: välj bifall, delvis bifall eller avslag.")
        reason = choice.reason.strip()
        if choice.outcome != DecisionLine.Outcome.GRANTED and not reason:
            raise ValidationError(f"{line['label']}: skriv motiveringen till att inte bevilja allt.")
        out.append(DecisionLine(position=position, kind=line["kind"], rule=line["rule"][:60],
                                label=line["label"][:200], applied_amount=applied, accepted_amount=accepted,
                                granted_amount=granted,
                                outcome=choice.outcome, reason=reason, legal_basis=line.get("basis", "")[:200]))
    return out


def _kronor_text(ore: int) -> str:
    return format_kronor(ore, decimals=ore % 100 != 0).replace("\u00a0", " ")


SHARED_ACCOUNT = "shared_account"  # the exception reason "gemensamt konto" (lika.payments.services)


def _exception_for(case, month: date, exception_id) -> PaymentException:
    """The approved exception that lets ``month`` be paid to one adult, locked so that it
    cannot be ended while the decision is made."""
    exception = (PaymentException.objects.select_for_update()
                 .filter(case=case, pk=exception_id).first()) if exception_id else None
    if exception is None or exception.status != PaymentException.Status.APPROVED:
        raise ValidationError("Utbetalning till en av de vuxna kräver ett godkänt undantag (särskilda skäl).")
    if exception.reason == SHARED_ACCOUNT:  # both halves, one account: not one recipient (issue 14)
        raise ValidationError("Undantaget gemensamt konto gäller båda delarna till ett konto, inte utbetalning "
                              "till en av de vuxna.")
    if not exception.valid_from <= month <= exception.valid_to:
        raise ValidationError("Undantaget gäller inte den här månaden.")
    return exception


def _locked(application_id: int) -> tuple[Case, Application]:
    """The case and the application, locked for this transaction and read again: what
    another user did a moment ago counts (the case first, then the application, always
    in that order).  The delegation limit is per case and month, so the case is locked."""
    application = locked_application(application_id)
    return application.case, application


def current_decision(application: Application) -> Decision | None:
    """The issued decision in force for the application, if any."""
    return application.decisions.filter(status=Decision.Status.ISSUED, superseded_at__isnull=True).first()


def month_granted_elsewhere(case: Case, month: date, application_id: int) -> int:
    """What the decisions in force on the case's other applications for ``month`` grant."""
    return (Decision.objects.filter(application__case=case, application__month=month,
                                    status=Decision.Status.ISSUED, superseded_at__isnull=True)
            .exclude(application_id=application_id)
            .aggregate(total=Sum("granted_amount"))["total"] or 0)


def _cancel(decision: Decision, acting_user, reason: str, now) -> None:
    old = decision.status
    decision.status, decision.superseded_at, decision.cancel_reason = Decision.Status.CANCELLED, now, reason[:200]
    decision.save(update_fields=["status", "superseded_at", "cancel_reason"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="decision", object_id=decision.pk,
                     household_id=decision.application.case.household_id, summary=f"Beslutsförslag: {reason}",
                     old={"status": old}, new={"status": "cancelled"})


DECIDABLE = (Application.Status.CALCULATED, Application.Status.CHANGING)


def _refuse_unless_decidable(application: Application) -> None:
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError("Ansökan är återtagen och kan inte beslutas.")
    if application.status == Application.Status.DECIDED:
        raise ValidationError("Ansökan är redan beslutad. Välj ”Ändra beslutet” för att fatta ett "
                              "ändringsbeslut.")
    if application.status not in DECIDABLE:
        raise ValidationError("Ansökan måste vara beräknad innan beslut.")


@transaction.atomic
def decision_make(*, acting_user, application: Application, lines: list[LineDecision],
                  payment_mode: str = EQUAL, exception_id: int | None = None,
                  direct: list[DirectPaymentData] = (), change_reason: str = "",
                  acknowledge_provisional: bool = False) -> Decision:
    """Make the decision on the application's current calculation.  Within the case
    worker's delegation (counted over the case's decisions in force for the month) it is
    issued at once; above it, it waits for the enhetschef.  A decision made while an
    issued one is in force is an ändringsbeslut: it needs ``change_reason`` and replaces
    the issued one when it is issued.  A proposal still waiting for the enhetschef is
    cancelled by a new decision.  A calculation on a provisional norm needs
    ``acknowledge_provisional`` (who and when are recorded on the decision)."""
    case, application = _locked(application.pk)
    _refuse_unless_decidable(application)
    calculation = application.calculations.filter(superseded_at__isnull=True).first()
    if calculation is None:
        raise ValidationError("Ansökan har ingen beräkning.")
    provisional = calculation_is_provisional(calculation)
    _refuse_unacknowledged(provisional, acknowledge_provisional)
    unconfirmed = [str(p.person) for p in application.parties.select_related("person") if p.confirmed_at is None]
    if unconfirmed:
        raise ValidationError(f"Ansökan är inte bekräftad av {', '.join(unconfirmed)}.")
    members = memberships_in_month(case.household_id, application.month)
    parties = couple_or_single(members)
    recorded = set(application.obstacles.values_list("person_id", flat=True))
    missing = [str(p) for p in parties if p.pk not in recorded]
    if missing:
        raise ValidationError(f"Försörjningshinder saknas för {', '.join(missing)}.")
    current = current_decision(application)
    change_reason = change_reason.strip()
    if current is not None and not change_reason:
        raise ValidationError({"change_reason": "Skriv skälen till att beslutet ändras (ändringsbeslut)."})
    if current is None:
        change_reason = ""
    decision_lines = _lines(calculation, lines)
    granted = max(0, sum(line.granted_amount for line in decision_lines) - counted_income(calculation))
    exception = None
    if payment_mode == SINGLE:
        exception = _exception_for(case, application.month, exception_id)
        if exception.recipient_id not in {p.pk for p in parties}:
            raise ValidationError("Undantagets mottagare är inte part i ärendet den här månaden.")
    elif payment_mode != EQUAL:
        raise ValidationError("Okänt sätt att betala ut.")
    shares = _split(granted, parties, application.month, exception, direct)
    now = timezone.now()
    for pending in application.decisions.select_for_update().filter(status=Decision.Status.AWAITING_APPROVAL):
        _cancel(pending, acting_user, "ersatt av ett nytt beslutsförslag", now)
    month_total = month_granted_elsewhere(case, application.month, application.pk) + granted
    decision = Decision.objects.create(
        application=application, calculation=calculation, applied_amount=calculation.support,
        granted_amount=granted, payment_mode=payment_mode, payment_exception=exception,
        requires_manager=month_total > delegation_limit(), prepared_by=acting_user, supersedes=current,
        change_reason=change_reason, norm_provisional=provisional,
        provisional_acknowledged_by=acting_user if provisional else None,
        provisional_acknowledged_at=now if provisional else None)
    for line in decision_lines:
        line.decision = decision
    DecisionLine.objects.bulk_create(decision_lines)
    for share in shares:
        share.decision = decision
    DecisionShare.objects.bulk_create(shares)
    access_log_write(actor=acting_user, action=CREATE, object_type="decision", object_id=decision.pk,
                     household_id=case.household_id,
                     summary=(f"{'Ändringsbeslut' if current else 'Beslut'} {application.month:%Y-%m}: "
                              f"{granted / 100:.2f} kr beviljat"),
                     new={"granted": granted, "payment_mode": payment_mode, "month_total": month_total,
                          "supersedes": current.pk if current else None,
                          "shares": [[s.person_id, s.direct_payee, s.amount] for s in shares]})
    if decision.requires_manager and not _is_manager_of(acting_user, case):
        decision.status = Decision.Status.AWAITING_APPROVAL
        decision.save(update_fields=["status"])
        return decision
    return _issue(decision, acting_user, parties)


def _split(granted, parties, month, exception, direct) -> list[DecisionShare]:
    index = {p.pk: i for i, p in enumerate(parties)}
    try:
        split = split_payment(
            granted, adults=tuple(range(len(parties))), year=month.year, month=month.month,
            mode=SINGLE if exception else EQUAL,
            recipient=index[exception.recipient_id] if exception else None,
            reason=exception.reason if exception else "", reason_text=exception.reason_text if exception else "",
            direct=tuple(DirectPayment(d.type, d.amount, d.payee) for d in direct))
    except SplitError as exc:
        raise ValidationError(f"Utbetalningen kan inte fördelas: {exc}") from None
    accounts = {d.payee: d.account for d in direct}
    out = []
    for share in split.shares:
        if share.direct is not None:
            out.append(DecisionShare(direct_type=share.direct.type, direct_payee=share.direct.payee or share.direct.type,
                                     direct_account=accounts.get(share.direct.payee, ""), amount=share.amount,
                                     rule=share.rule[:200]))
        else:
            out.append(DecisionShare(person=parties[share.member], amount=share.amount, rule=share.rule[:200]))
    return out


def _issue(decision: Decision, decided_by, parties) -> Decision:
    """Issue ``decision`` (its case and application locked by the caller): the decision
    in force until now, if any, is superseded by it in the same transaction."""
    from .letters import decision_letter_html

    application = decision.application
    now = timezone.now()
    current = current_decision(application)
    if current is not None and current.pk != decision.supersedes_id:
        raise ValidationError("Ett annat beslut har fattats på ansökan sedan förslaget gjordes: "
                              "gör ett nytt förslag.")
    if current is not None:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    decision.status = Decision.Status.ISSUED
    decision.decided_by = decided_by
    decision.decided_at = now
    decision.save(update_fields=["status", "decided_by", "decided_at"])
    recipients = DecisionRecipient.objects.bulk_create(
        DecisionRecipient(decision=decision, person=person) for person in parties)
    for recipient in DecisionRecipient.objects.filter(decision=decision).select_related("person"):
        recipient.letter_html = decision_letter_html(decision, recipient)
        recipient.save(update_fields=["letter_html"])
    application.status = Application.Status.DECIDED
    application.save(update_fields=["status"])
    access_log_write(actor=decided_by, action=UPDATE, object_type="decision", object_id=decision.pk,
                     household_id=application.case.household_id,
                     summary=(f"Beslut fattat, skickas till {len(recipients)} mottagare"
                              + (f"; ersätter beslut {current.pk}" if current else "")),
                     old={"status": "awaiting_approval" if decision.requires_manager else "draft"},
                     new={"status": "issued", "recipients": [p.pk for p in parties],
                          "supersedes": current.pk if current else None})
    _notify_recipients_on_commit(list(parties))
    return decision


def _notify_recipients_on_commit(people) -> None:
    """Issue 16: each adult who receives the decision is told, after commit, that there is
    news in the e-service (the text says nothing about the decision)."""
    from lika.eservice.notify import notify  # the e-service reads cases, not the other way

    transaction.on_commit(lambda: [notify(person, "decision") for person in people])


@transaction.atomic
def decision_approve(*, acting_user, decision: Decision, acknowledge_provisional: bool = False) -> Decision:
    """The enhetschef decides a decision above the case worker's delegation.  The state
    is read again under lock: a proposal that was replaced or withdrawn meanwhile, or
    whose application was withdrawn, is refused."""
    case, application = _locked(decision.application_id)
    if not _is_manager_of(acting_user, case):
        raise PermissionDenied
    decision = Decision.objects.select_for_update().select_related("application__case").get(pk=decision.pk)
    if decision.status == Decision.Status.CANCELLED:
        raise ValidationError("Förslaget har ersatts av ett senare beslut eller återkallats och kan inte fattas.")
    if decision.status != Decision.Status.AWAITING_APPROVAL:
        raise ValidationError("Beslutet väntar inte på enhetschef.")
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError("Ansökan är återtagen: beslutet kan inte fattas.")
    if decision.payment_exception_id is not None:
        _exception_for(case, application.month, decision.payment_exception_id)
    _refuse_unacknowledged(decision.norm_provisional, acknowledge_provisional)
    if decision.norm_provisional:  # the enhetschef issues it: her acknowledgement is the one recorded
        decision.provisional_acknowledged_by, decision.provisional_acknowledged_at = acting_user, timezone.now()
        decision.save(update_fields=["provisional_acknowledged_by", "provisional_acknowledged_at"])
    members = memberships_in_month(case.household_id, application.month)
    return _issue(decision, acting_user, couple_or_single(members))


@transaction.atomic
def decision_discard(*, acting_user, decision: Decision) -> None:
    """Withdraw a proposal that is not issued (e.g. the enhetschef sends it back).  It is
    kept, marked cancelled, so the history shows it."""
    _locked(decision.application_id)
    decision = Decision.objects.select_for_update().select_related("application__case").get(pk=decision.pk)
    if decision.status == Decision.Status.ISSUED:
        raise ValidationError("Ett fattat beslut kan inte tas bort. Fatta ett ändringsbeslut.")
    if decision.status == Decision.Status.CANCELLED:
        raise ValidationError("Förslaget är redan återkallat.")
    _cancel(decision, acting_user, "återkallat", timezone.now())


@transaction.atomic
def decision_change_start(*, acting_user, decision: Decision) -> Application:
    """Open an issued decision for change (ändringsbeslut / omprövning): its application
    may be recalculated and decided again; the issued decision stays in force (and is
    paid) until the new one is issued."""
    case, application = _locked(decision.application_id)
    current = current_decision(application)
    if current is None or current.pk != decision.pk:
        raise ValidationError("Bara beslutet som gäller kan ändras.")
    if application.status != Application.Status.DECIDED:
        raise ValidationError("Beslutet håller redan på att ändras.")
    application.status = Application.Status.CHANGING
    application.save(update_fields=["status"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="application", object_id=application.pk,
                     household_id=case.household_id, summary="Beslutet öppnat för ändring",
                     old={"status": "decided"}, new={"status": "changing", "decision": decision.pk})
    return application


@transaction.atomic
def decision_change_abandon(*, acting_user, application: Application) -> Application:
    """Leave the issued decision as it is: the change is dropped (a waiting proposal too)."""
    case, application = _locked(application.pk)
    if application.status != Application.Status.CHANGING:
        raise ValidationError("Ansökan håller inte på att ändras.")
    now = timezone.now()
    for pending in application.decisions.select_for_update().filter(status=Decision.Status.AWAITING_APPROVAL):
        _cancel(pending, acting_user, "ändringen avbröts", now)
    application.status = Application.Status.DECIDED
    application.save(update_fields=["status"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="application", object_id=application.pk,
                     household_id=case.household_id, summary="Ändringen av beslutet avbröts",
                     old={"status": "changing"}, new={"status": "decided"})
    return application


@transaction.atomic
def recipient_record_delivery(*, acting_user, recipient: DecisionRecipient, channel: str,
                              delivered_on: date) -> DecisionRecipient:
    """Record how and when the decision reached one of the adults."""
    if channel not in DecisionRecipient.Channel.values:
        raise ValidationError({"channel": "Välj hur beslutet skickades."})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": "Datumet kan inte ligga i framtiden."})
    if delivered_on < timezone.localtime(recipient.decision.decided_at).date():
        raise ValidationError({"delivered_on": "Beslutet kan inte ha skickats före beslutsdatumet."})
    old = {"channel": recipient.channel, "delivered_on": recipient.delivered_on.isoformat()
           if recipient.delivered_on else None}
    recipient.channel, recipient.delivered_on, recipient.delivery_recorded_by = channel, delivered_on, acting_user
    recipient.save(update_fields=["channel", "delivered_on", "delivery_recorded_by"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="decision_recipient", object_id=recipient.pk,
                     person_id=recipient.person_id,
                     household_id=recipient.decision.application.case.household_id,
                     summary="Beslutet skickat till mottagaren", old=old,
                     new={"channel": channel, "delivered_on": delivered_on.isoformat()})
    return recipient


def recipient_letter_pdf(recipient: DecisionRecipient) -> bytes:
    """The letter as PDF: made from the content fixed at issue the first time, then kept."""
    if recipient.letter is not None:
        return bytes(recipient.letter)
    import weasyprint

    pdf = weasyprint.HTML(string=recipient.letter_html).write_pdf()
    DecisionRecipient.objects.filter(pk=recipient.pk, letter__isnull=True).update(
        letter=pdf, letter_sha256=hashlib.sha256(pdf).hexdigest(), letter_created_at=timezone.now())
    return pdf


# --- exceptions to the equal split ----------------------------------------------------

def exception_reasons() -> dict:
    return dict(settings.LIKA_PAYMENT_EXCEPTION_REASONS)


def single_recipient_reasons() -> dict:
    """The exception reasons that pay one adult: every reason but "gemensamt konto", which
    pays both halves into one account (issue 14)."""
    return {k: v for k, v in settings.LIKA_PAYMENT_EXCEPTION_REASONS.items() if k != SHARED_ACCOUNT}


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def exception_request(*, acting_user, case: Case, recipient, reason: str, reason_text: str,
                      valid_from: date, valid_to: date | None = None) -> PaymentException:
    """Ask the enhetschef to let the support be paid to one adult (särskilda skäl)."""
    if reason not in exception_reasons():
        raise ValidationError({"reason": "Välj en kategori av särskilda skäl."})
    if not reason_text.strip():
        raise ValidationError({"reason_text": "Beskriv de särskilda skälen."})
    members = memberships_in_month(case.household_id, valid_from.replace(day=1))
    if recipient.pk not in {m.person_id for m in members if m.role == "adult"}:
        raise ValidationError({"recipient": "Mottagaren ska vara vuxen i hushållet."})
    valid_to = valid_to or _add_months(valid_from, current_setting("exception_months", on=valid_from)) - timedelta(days=1)
    if valid_to < valid_from:
        raise ValidationError({"valid_to": "Slutdatumet ligger före startdatumet."})
    exception = PaymentException.objects.create(case=case, recipient=recipient, reason=reason,
                                                reason_text=reason_text.strip(), valid_from=valid_from,
                                                valid_to=valid_to, requested_by=acting_user)
    access_log_write(actor=acting_user, action=CREATE, object_type="payment_exception", object_id=exception.pk,
                     person_id=recipient.pk, household_id=case.household_id,
                     summary="Undantag från delad utbetalning begärt",
                     new={"reason": reason, "valid_from": valid_from.isoformat(), "valid_to": valid_to.isoformat()})
    return exception


@transaction.atomic
def exception_decide(*, acting_user, exception: PaymentException, approve: bool, note: str = "") -> PaymentException:
    """The enhetschef approves or rejects; nobody decides on their own request."""
    if not _is_manager_of(acting_user, exception.case):
        raise PermissionDenied
    if exception.requested_by_id == acting_user.pk:
        raise ValidationError("Du kan inte godkänna ett undantag som du själv har begärt.")
    if exception.status != PaymentException.Status.REQUESTED:
        raise ValidationError("Undantaget är redan prövat.")
    if not approve and not note.strip():
        raise ValidationError({"decision_note": "Skriv varför undantaget inte godkänns."})
    exception.status = PaymentException.Status.APPROVED if approve else PaymentException.Status.REJECTED
    exception.decided_by, exception.decided_at, exception.decision_note = acting_user, timezone.now(), note.strip()
    exception.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="payment_exception", object_id=exception.pk,
                     person_id=exception.recipient_id, household_id=exception.case.household_id,
                     summary="Undantag godkänt" if approve else "Undantag avslaget",
                     old={"status": "requested"}, new={"status": exception.status})
    return exception


@transaction.atomic
def exception_end(*, acting_user, exception: PaymentException, last_day: date) -> PaymentException:
    """Review at the end date: end the exception (equal split again from the next day)."""
    if exception.status != PaymentException.Status.APPROVED:
        raise ValidationError("Bara ett godkänt undantag kan avslutas.")
    if last_day < exception.valid_from:
        raise ValidationError({"last_day": "Slutdatumet ligger före startdatumet."})
    old = {"status": exception.status, "valid_to": exception.valid_to.isoformat()}
    exception.status, exception.valid_to = PaymentException.Status.ENDED, min(last_day, exception.valid_to)
    exception.reviewed_at = timezone.now()
    exception.save(update_fields=["status", "valid_to", "reviewed_at"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="payment_exception", object_id=exception.pk,
                     person_id=exception.recipient_id, household_id=exception.case.household_id,
                     summary="Undantag avslutat efter omprövning", old=old,
                     new={"status": exception.status, "valid_to": exception.valid_to.isoformat()})
    return exception

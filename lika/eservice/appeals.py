"""Överklagande: an adult appeals a decision from her own login; the case worker
reconsiders it (omprövning) and otherwise forwards it to förvaltningsrätten.

The rules and their sources (docs/eservice-insight.md):

- Förvaltningslagen (2017:900) 44 §: the appeal must have come in to the authority that
  made the decision within three weeks from the day the appellant took part of it.  We
  count from the day the letter was recorded as delivered to her
  (``DecisionRecipient.delivered_on``), else from the decision date.
- Lag (1930:173) om beräkning av lagstadgad tid 2 §: when the last day is a Saturday,
  Sunday, other public holiday, midsommarafton, julafton or nyårsafton, the appeal may
  come in the next weekday.
- FL 45 §: a late appeal is avvisat by the authority (unless the delay is due to wrong
  information from it).  The e-service still receives it, flagged "kom in för sent"; the
  case worker decides.
- FL 38–39 §§: the authority reconsiders (omprövar) its decision; a change is a new
  decision (the ändringsbeslut flow, ``decision_change_start``).  FL 46 §: an appeal not
  changed as asked is forwarded to förvaltningsrätten.

Services own the transactions and the access log.  Each handling reads the appeal again
under a row lock: two case workers at once get one handling and a Swedish refusal."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.cases.access import can_work_with_cases
from lika.cases.models import Application, Decision, DecisionRecipient

from .actor import eservice_actor
from .models_insight import Appeal, AppealEvent

APPEAL_DAYS = 21  # three weeks, FL 44 §
TEXT_MAX = 10_000

CHANGED, FORWARDED, DISMISSED = "changed", "forwarded", "dismissed"


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    # "public": allmänna helgdagar (lag 1989:253); "de_facto": midsommar-, jul- och nyårsafton
    return frozenset(holidays.country_holidays("SE", years=year, categories=("public", "de_facto")))


def next_weekday(day: date) -> date:
    """``day``, or when it is a Saturday, Sunday, public holiday, midsommarafton, julafton or
    nyårsafton the next day that is none of them (lag 1930:173 2 §)."""
    while day.weekday() >= 5 or day in _holidays(day.year):
        day += timedelta(days=1)
    return day


def appeal_deadline(counted_from: date) -> date:
    """The last day an appeal may come in when the appellant took part of the decision on
    ``counted_from``: three weeks later, moved past a weekend or holiday."""
    return next_weekday(counted_from + timedelta(days=APPEAL_DAYS))


def counted_from(recipient: DecisionRecipient) -> tuple[date, str]:
    """The day the appeal time runs from for this recipient, and on what basis."""
    if recipient.delivered_on is not None:
        return recipient.delivered_on, Appeal.Basis.DELIVERED
    return timezone.localdate(recipient.decision.decided_at), Appeal.Basis.DECIDED


def appealable_recipient(person, decision_id) -> DecisionRecipient | None:
    """The person's own recipient row of an issued decision (None: not hers to appeal)."""
    return (DecisionRecipient.objects.select_related("decision__application__case")
            .filter(decision_id=decision_id, person=person, decision__status=Decision.Status.ISSUED).first())


def _event(appeal, status, *, user=None, person=None, note="") -> AppealEvent:
    return AppealEvent.objects.create(appeal=appeal, status=status, by_user=user, by_person=person, note=note)


def appeal_submit(*, person, decision_id: int, text: str, now=None) -> Appeal:
    """The adult's appeal of a decision she received.  A late one is received too, marked
    not in time (the case worker decides on avvisning, FL 45 §)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv vad du vill ändra i beslutet och varför.")})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("Texten är för lång: högst %(n)s tecken.") % {"n": TEXT_MAX}})
    now = now or timezone.now()
    with transaction.atomic():
        recipient = appealable_recipient(person, decision_id)
        if recipient is None:
            raise ValidationError(_("Beslutet kan inte överklagas här."))
        # the adult's open appeals of the decision, read again under lock
        if Appeal.objects.select_for_update().filter(decision_id=decision_id, person=person,
                                                     status=Appeal.Status.RECEIVED).exists():
            raise ValidationError(_("Du har redan överklagat beslutet. Kommunen handlägger ditt överklagande."))
        start, basis = counted_from(recipient)
        deadline = appeal_deadline(start)
        in_time = timezone.localdate(now) <= deadline
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision_id=decision_id, person=person, text=text, submitted_at=now,
                                               counted_from=start, counted_from_basis=basis, deadline=deadline,
                                               in_time=in_time)
        except IntegrityError:  # the same adult sent it twice at the same moment
            raise ValidationError(_("Du har redan överklagat beslutet. Kommunen handlägger ditt överklagande.")) \
                from None
        _event(appeal, Appeal.Status.RECEIVED, person=person,
               note="" if in_time else "Kom in för sent (FL 45 §)")
        case = recipient.decision.application.case
        access_log_write(actor=eservice_actor(), action=CREATE, object_type="appeal", object_id=appeal.pk,
                         person_id=person.pk, household_id=case.household_id,
                         summary=f"Överklagande av beslut {decision_id} inkom via e-tjänsten"
                                 + ("" if in_time else " (för sent)"),
                         new={"decision": decision_id, "deadline": deadline.isoformat(), "in_time": in_time,
                              "counted_from": start.isoformat(), "basis": basis})
        _notify_on_commit(person)
    return appeal


PAPER_NOTE = "Inkom på papper, registrerat av handläggaren"


def appeal_register_paper(*, acting_user, decision_id: int, person_id: int, received_on: date | None,
                          text: str) -> Appeal:
    """Issue 17: an appeal that came in on paper (or by post, or handed in) is registered
    by the case worker on the decision page, as the same ``Appeal`` the e-service makes:
    the deadline is counted the same way, from the day the adult took part of the decision,
    and compared with the day the paper came in.  The case worker's omprövning is then the
    same (``appeal_handle``).  The first event names the case worker, not the adult."""
    if not can_work_with_cases(acting_user):
        raise ValidationError(_("Bara handläggare och enhetschefer registrerar överklaganden."))
    text = (text or "").strip()
    errors: dict[str, list] = {}
    if not text:
        errors["text"] = [_("Skriv vad den enskilde begär och varför, kort eller med hennes egna ord.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("Texten är för lång: högst %(n)s tecken.") % {"n": TEXT_MAX}]
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = [_("Ange vilken dag överklagandet kom in.")]
    elif received_on > today:
        errors["received_on"] = [_("Datumet kan inte ligga i framtiden.")]
    with transaction.atomic():
        recipient = (DecisionRecipient.objects.select_related("decision__application__case", "person")
                     .filter(decision_id=decision_id, person_id=person_id,
                             decision__status=Decision.Status.ISSUED,
                             decision__application__case__unit_id=acting_user.unit_id).first())
        if recipient is None:
            errors.setdefault("person", []).append(_("Välj en av de vuxna som fick beslutet."))
        elif received_on is not None and received_on < timezone.localdate(recipient.decision.decided_at):
            errors.setdefault("received_on", []).append(_("Överklagandet kan inte ha kommit in före beslutet."))
        if errors:
            raise ValidationError(errors)
        person = recipient.person
        if Appeal.objects.select_for_update().filter(decision_id=decision_id, person=person,
                                                     status=Appeal.Status.RECEIVED).exists():
            raise ValidationError(_("%(name)s har redan ett överklagande av beslutet som inte är omprövat.")
                                  % {"name": person})
        start, basis = counted_from(recipient)
        deadline = appeal_deadline(start)
        in_time = received_on <= deadline
        submitted_at = timezone.make_aware(datetime.combine(received_on, time(12)))
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision_id=decision_id, person=person, text=text,
                                               submitted_at=submitted_at, counted_from=start,
                                               counted_from_basis=basis, deadline=deadline, in_time=in_time)
        except IntegrityError:
            raise ValidationError(_("%(name)s har redan ett överklagande av beslutet som inte är omprövat.")
                                  % {"name": person}) from None
        _event(appeal, Appeal.Status.RECEIVED, user=acting_user,
               note=PAPER_NOTE + ("" if in_time else "; kom in för sent (FL 45 §)"))
        case = recipient.decision.application.case
        access_log_write(actor=acting_user, action=CREATE, object_type="appeal", object_id=appeal.pk,
                         person_id=person.pk, household_id=case.household_id,
                         summary=f"Överklagande av beslut {decision_id} inkom på papper"
                                 + ("" if in_time else " (för sent)"),
                         new={"decision": decision_id, "received_on": received_on.isoformat(),
                              "deadline": deadline.isoformat(), "in_time": in_time,
                              "counted_from": start.isoformat(), "basis": basis})
    return appeal


def appeal_withdraw(*, person, appeal_id: int) -> Appeal:
    """The adult takes back her own appeal while it is being handled."""
    with transaction.atomic():
        appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("decision__application__case")
                  .filter(pk=appeal_id, person=person).first())
        if appeal is None:
            raise ValidationError(_("Överklagandet finns inte."))
        if appeal.status != Appeal.Status.RECEIVED:
            raise ValidationError(_("Överklagandet är redan handlagt och kan inte återkallas här. "
                                    "Kontakta din handläggare."))
        appeal.status = Appeal.Status.WITHDRAWN
        appeal.save(update_fields=["status"])
        _event(appeal, Appeal.Status.WITHDRAWN, person=person)
        access_log_write(actor=eservice_actor(), action=UPDATE, object_type="appeal", object_id=appeal.pk,
                         person_id=person.pk, household_id=appeal.decision.application.case.household_id,
                         summary="Överklagandet återkallat av den enskilde",
                         old={"status": "received"}, new={"status": "withdrawn"})
    return appeal


def appeal_handle(*, acting_user, appeal_id: int, outcome: str, note: str = "",
                  forwarded_on: date | None = None) -> Appeal:
    """The case worker's omprövning of the appeal:

    - ``changed``: the decision is changed (FL 38–39 §§): the decision is opened for an
      ändringsbeslut (``decision_change_start``) in the same transaction;
    - ``forwarded``: not changed (or not as asked): forwarded to förvaltningsrätten on
      ``forwarded_on`` (FL 46 §);
    - ``dismissed``: avvisat because it came in late (FL 45 §; only a late appeal).

    The appeal is read again under lock: one handling only, whoever comes first."""
    from lika.cases.decisions import current_decision, decision_change_start

    if not can_work_with_cases(acting_user):
        raise ValidationError(_("Bara handläggare och enhetschefer handlägger överklaganden."))
    note = (note or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("decision__application__case")
                  .filter(pk=appeal_id).first())
        if appeal is None or appeal.decision.application.case.unit_id != acting_user.unit_id:
            raise ValidationError(_("Överklagandet finns inte."))
        if appeal.status != Appeal.Status.RECEIVED:
            raise ValidationError(_("Överklagandet är redan handlagt (%(status)s). Läs sidan igen.")
                                  % {"status": appeal.get_status_display().lower()})
        decision = appeal.decision
        case = decision.application.case
        old = {"status": appeal.status}
        if outcome == CHANGED:
            application = decision.application
            current = current_decision(application)
            if current is None or current.pk != decision.pk:
                # an ändringsbeslut has been issued since: the change is already made
                pass
            elif application.status == Application.Status.DECIDED:
                decision_change_start(acting_user=acting_user, decision=decision)
            appeal.status = Appeal.Status.RECONSIDERED_CHANGED
        elif outcome == FORWARDED:
            if forwarded_on is None:
                raise ValidationError({"forwarded_on": _("Ange vilken dag överklagandet skickades till "
                                                         "förvaltningsrätten.")})
            if forwarded_on > today:
                raise ValidationError({"forwarded_on": _("Datumet kan inte ligga i framtiden.")})
            if forwarded_on < timezone.localdate(appeal.submitted_at):
                raise ValidationError({"forwarded_on": _("Överklagandet kan inte ha skickats innan det kom in.")})
            appeal.status, appeal.forwarded_on = Appeal.Status.FORWARDED, forwarded_on
        elif outcome == DISMISSED:
            if appeal.in_time:
                raise ValidationError(_("Överklagandet kom in i tid och kan inte avvisas som för sent."))
            if not note:
                raise ValidationError({"note": _("Skriv skälen till att överklagandet avvisas.")})
            appeal.status = Appeal.Status.DISMISSED
        else:
            raise ValidationError({"outcome": _("Välj hur överklagandet har prövats.")})
        appeal.handled_by, appeal.handled_at, appeal.handling_note = acting_user, timezone.now(), note
        appeal.save(update_fields=["status", "handled_by", "handled_at", "forwarded_on", "handling_note"])
        _event(appeal, appeal.status, user=acting_user, note=note)
        access_log_write(actor=acting_user, action=UPDATE, object_type="appeal", object_id=appeal.pk,
                         person_id=appeal.person_id, household_id=case.household_id,
                         summary=f"Överklagande omprövat: {appeal.get_status_display()}", old=old,
                         new={"status": appeal.status,
                              "forwarded_on": forwarded_on.isoformat() if appeal.forwarded_on else None})
        _notify_on_commit(appeal.person)
    return appeal


def _notify_on_commit(person) -> None:
    from .notify import notify

    transaction.on_commit(lambda: notify(person, "appeal"))


def appeals_for_worklist(user):
    """Appeals waiting for the case worker ("Mina ärenden"): the open appeals of the cases
    assigned to her (or to nobody) in her unit, the nearest deadline first."""
    from django.db.models import Q

    return list(Appeal.objects.filter(status=Appeal.Status.RECEIVED,
                                      decision__application__case__unit_id=user.unit_id)
                .filter(Q(decision__application__case__case_worker=user)
                        | Q(decision__application__case__case_worker__isnull=True))
                .select_related("decision__application__case", "person").order_by("deadline", "id"))


def case_appeals(case):
    return (Appeal.objects.filter(decision__application__case=case)
            .select_related("person", "decision__application", "handled_by").order_by("-submitted_at", "-id"))

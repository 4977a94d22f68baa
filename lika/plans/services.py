"""Writes for each adult's own genomförandeplan (M4) and the meetings with the adults (M6, M7).

Every function takes keyword arguments and the acting user, checks that the user
works in the case's unit, validates (``ValidationError`` with Swedish messages,
keyed by the argument at fault), and writes its rows and its access-log rows in
one transaction.

The answer to the question about violence is never copied into the access log:
the log can be searched outside the unit; the log records only that it was asked.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.cases.access import can_work_with_cases
from lika.cases.models import Case
from lika.households.models import Person

from .models import Meeting, Plan, PlanActivity, PlanGoal, ViolenceScreening
from .selectors import household_adults, is_adult_in_case

GOAL_MAX = PlanGoal._meta.get_field("text").max_length
DESCRIPTION_MAX = PlanActivity._meta.get_field("description").max_length
RESPONSIBLE_MAX = PlanActivity._meta.get_field("responsible").max_length


# --- helpers ------------------------------------------------------------------

def _check_user(acting_user, case: Case) -> None:
    if acting_user is None or not can_work_with_cases(acting_user) or acting_user.unit_id != case.unit_id:
        raise PermissionDenied(_("Endast enhetens handläggare får ändra i ärendet."))


def _check_case_open(case: Case) -> None:
    if case.status != Case.Status.OPEN:
        raise ValidationError(_("Ärendet är avslutat."))


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def _values(obj, fields) -> dict:
    return {f: _iso(getattr(obj, f)) for f in fields}


def _locked_active_plan(plan: Plan) -> Plan:
    """The plan as it is in the database now, locked; refused unless it is active."""
    current = Plan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    if current.status != Plan.Status.ACTIVE:
        raise ValidationError(_("Planen är avslutad och kan inte ändras."))
    return current


def _log(acting_user, action, obj, *, case: Case, person_id, summary, old=None, new=None):
    access_log_write(actor=acting_user, action=action, object_type=obj._meta.model_name,
                     object_id=obj.pk, person_id=person_id, household_id=case.household_id,
                     summary=summary, old=old, new=new)


def _dates_in_order(errors: dict, starts_on, follow_up_on) -> None:
    if starts_on and follow_up_on and follow_up_on < starts_on:
        errors.setdefault("follow_up_on", []).append(_("Uppföljningen kan inte vara före starten."))


def _touch(plan: Plan) -> None:
    plan.updated_at = timezone.now()
    plan.save(update_fields=["updated_at"])


# --- plans --------------------------------------------------------------------

PLAN_FIELDS = ("status", "own_view", "follow_up_on")


def plan_create(*, acting_user, case: Case, person: Person, own_view: str = "",
                follow_up_on: date | None = None) -> Plan:
    """Upprätta an adult's own plan: only for an adult of the case's household, one active at a time."""
    _check_user(acting_user, case)
    _check_case_open(case)
    if not is_adult_in_case(case, person):
        raise ValidationError(_("En genomförandeplan upprättas bara för en vuxen i hushållet."))
    with transaction.atomic():
        if Plan.objects.filter(case=case, person=person, status=Plan.Status.ACTIVE).exists():
            raise ValidationError(_("%(name)s har redan en pågående genomförandeplan. "
                                    "Avsluta den innan en ny upprättas.") % {"name": person})
        now = timezone.now()
        try:
            with transaction.atomic():
                plan = Plan.objects.create(case=case, person=person, own_view=own_view.strip(),
                                           follow_up_on=follow_up_on, created_by=acting_user,
                                           created_at=now, updated_at=now)
        except IntegrityError:  # another user created one at the same moment
            raise ValidationError(_("%(name)s har redan en pågående genomförandeplan. "
                                    "Avsluta den innan en ny upprättas.") % {"name": person}) from None
        _log(acting_user, CREATE, plan, case=case, person_id=person.pk,
             summary="Upprättade genomförandeplan", new=_values(plan, PLAN_FIELDS))
    return plan


def plan_update(*, acting_user, plan: Plan, own_view: str, follow_up_on: date | None) -> Plan:
    """Change the adult's own view (den enskildes egen syn) and the plan's follow-up date."""
    _check_user(acting_user, plan.case)
    with transaction.atomic():
        current = _locked_active_plan(plan)
        changes = {"own_view": own_view.strip(), "follow_up_on": follow_up_on}
        changed = [f for f, v in changes.items() if getattr(current, f) != v]
        if not changed:
            return current
        old = _values(current, changed)
        for field in changed:
            setattr(current, field, changes[field])
        current.updated_at = timezone.now()
        current.save(update_fields=[*changed, "updated_at"])
        _log(acting_user, UPDATE, current, case=current.case, person_id=current.person_id,
             summary="Ändrade genomförandeplan", old=old, new=_values(current, changed))
    return current


def plan_close(*, acting_user, plan: Plan) -> Plan:
    """Avsluta the plan; a new one can then be made for the same adult."""
    _check_user(acting_user, plan.case)
    with transaction.atomic():
        current = _locked_active_plan(plan)
        current.status = Plan.Status.CLOSED
        current.updated_at = timezone.now()
        current.save(update_fields=["status", "updated_at"])
        _log(acting_user, UPDATE, current, case=current.case, person_id=current.person_id,
             summary="Avslutade genomförandeplan", old={"status": Plan.Status.ACTIVE.value},
             new={"status": Plan.Status.CLOSED.value})
    return current


def plan_goal_add(*, acting_user, plan: Plan, text: str, target_on: date | None = None) -> PlanGoal:
    _check_user(acting_user, plan.case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv målet.")})
    if len(text) > GOAL_MAX:
        raise ValidationError({"text": _("Målet får vara högst %(n)s tecken.") % {"n": GOAL_MAX}})
    with transaction.atomic():
        current = _locked_active_plan(plan)
        goal = PlanGoal.objects.create(plan=current, text=text, target_on=target_on)
        _touch(current)
        _log(acting_user, CREATE, goal, case=current.case, person_id=current.person_id,
             summary="Lade till mål i genomförandeplan",
             new={"plan": current.pk, **_values(goal, ("text", "target_on"))})
    return goal


def plan_goal_set_achieved(*, acting_user, goal: PlanGoal, achieved: bool) -> PlanGoal:
    _check_user(acting_user, goal.plan.case)
    with transaction.atomic():
        current = _locked_active_plan(goal.plan)
        goal = PlanGoal.objects.select_for_update().get(pk=goal.pk, plan=current)
        if goal.ended:  # issue 17: an ended goal was not reached
            raise ValidationError(_("Målet är avslutat och kan inte ändras."))
        if goal.achieved == achieved:
            return goal
        goal.achieved = achieved
        goal.save(update_fields=["achieved"])
        _touch(current)
        _log(acting_user, UPDATE, goal, case=current.case, person_id=current.person_id,
             summary="Ändrade mål i genomförandeplan", old={"achieved": not achieved},
             new={"achieved": achieved})
    return goal


ACTIVITY_FIELDS = ("kind", "description", "responsible", "starts_on", "follow_up_on", "status")


def _activity_errors(kind, description, responsible, starts_on, follow_up_on) -> dict:
    errors: dict[str, list] = {}
    if kind not in PlanActivity.Kind.values:
        errors["kind"] = [_("Välj en aktivitet i listan.")]
    if not responsible:
        errors["responsible"] = [_("Ange vem som är ansvarig.")]
    elif len(responsible) > RESPONSIBLE_MAX:
        errors["responsible"] = [_("Högst %(n)s tecken.") % {"n": RESPONSIBLE_MAX}]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("Högst %(n)s tecken.") % {"n": DESCRIPTION_MAX}]
    if kind == PlanActivity.Kind.OTHER and not description:
        errors["description"] = [_("Beskriv aktiviteten när du väljer ”Annat”.")]
    _dates_in_order(errors, starts_on, follow_up_on)
    return errors


def plan_activity_add(*, acting_user, plan: Plan, kind: str, responsible: str, description: str = "",
                      starts_on: date | None = None, follow_up_on: date | None = None) -> PlanActivity:
    _check_user(acting_user, plan.case)
    description, responsible = (description or "").strip(), (responsible or "").strip()
    errors = _activity_errors(kind, description, responsible, starts_on, follow_up_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_active_plan(plan)
        activity = PlanActivity.objects.create(plan=current, kind=kind, description=description,
                                               responsible=responsible, starts_on=starts_on,
                                               follow_up_on=follow_up_on)
        _touch(current)
        _log(acting_user, CREATE, activity, case=current.case, person_id=current.person_id,
             summary="Lade till aktivitet i genomförandeplan",
             new={"plan": current.pk, **_values(activity, ACTIVITY_FIELDS)})
    return activity


def plan_activity_set_status(*, acting_user, activity: PlanActivity, status: str) -> PlanActivity:
    _check_user(acting_user, activity.plan.case)
    if status not in PlanActivity.Status.values:
        raise ValidationError({"status": _("Välj en status i listan.")})
    with transaction.atomic():
        current = _locked_active_plan(activity.plan)
        activity = PlanActivity.objects.select_for_update().get(pk=activity.pk, plan=current)
        if activity.ended:  # issue 17: an ended activity keeps its end (status, day, reason)
            raise ValidationError({"status": _("Aktiviteten är avslutad och kan inte ändras.")})
        if activity.status == status:
            return activity
        old = activity.status
        activity.status = status
        activity.save(update_fields=["status"])
        _touch(current)
        _log(acting_user, UPDATE, activity, case=current.case, person_id=current.person_id,
             summary="Ändrade status på aktivitet", old={"status": old}, new={"status": status})
    return activity


# --- meetings -----------------------------------------------------------------

def meeting_create(*, acting_user, case: Case, held_on: date | None, kind: str, participants,
                   notes: str = "", screening_answer: str = "", support_offered: bool = False,
                   screening_note: str = "") -> Meeting:
    """Record a meeting held with the adults.

    An individual meeting (enskilt möte) has exactly one adult and the question about
    violence is answered for that adult (``ViolenceScreening.Answer``; "not asked" when
    someone else was present).  A joint meeting (gemensamt möte) has at least two adults
    and the question is never recorded there.
    """
    _check_user(acting_user, case)
    _check_case_open(case)
    participants = list(dict.fromkeys(participants))
    screening_note = (screening_note or "").strip()
    errors: dict[str, list] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    if held_on is None:
        error("held_on", _("Ange datum för mötet."))
    elif held_on > timezone.localdate():
        error("held_on", _("Mötet kan inte registreras innan det har hållits."))
    if kind not in Meeting.Kind.values:
        error("kind", _("Välj enskilt eller gemensamt möte."))
    adults = {p.pk for p in household_adults(case)}
    if any(p.pk not in adults for p in participants):
        error("participants", _("Deltagarna måste vara vuxna i hushållet."))
    elif kind == Meeting.Kind.INDIVIDUAL and len(participants) != 1:
        error("participants", _("Ett enskilt möte har exakt en deltagare."))
    elif kind == Meeting.Kind.JOINT and len(participants) < 2:
        error("participants", _("Ett gemensamt möte har minst två deltagare."))
    screened = bool(screening_answer or support_offered or screening_note)
    if kind == Meeting.Kind.JOINT and screened:
        error("screening_answer", _("Frågan om våld ställs bara vid enskilda möten, "
                                    "aldrig när flera vuxna är med."))
    elif kind == Meeting.Kind.INDIVIDUAL:
        if not screening_answer:
            error("screening_answer", _("Ange svaret på frågan om våld. Välj ”Inte frågat” "
                                        "om någon annan var närvarande."))
        elif screening_answer not in ViolenceScreening.Answer.values:
            error("screening_answer", _("Välj ett av svaren."))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        meeting = Meeting.objects.create(case=case, held_on=held_on, kind=kind, notes=(notes or "").strip(),
                                         created_by=acting_user)
        meeting.participants.set(participants)
        new = {"held_on": held_on.isoformat(), "kind": kind, "participants": [p.pk for p in participants]}
        for person in participants:
            _log(acting_user, CREATE, meeting, case=case, person_id=person.pk,
                 summary=str(meeting.get_kind_display()), new=new)
        if kind == Meeting.Kind.INDIVIDUAL:
            screening = ViolenceScreening.objects.create(
                meeting=meeting, person=participants[0], answer=screening_answer,
                support_offered=support_offered, note=screening_note)
            _log(acting_user, CREATE, screening, case=case, person_id=participants[0].pk,
                 summary="Frågade om våld vid enskilt möte", new={"meeting": meeting.pk})
    return meeting


# --- correcting goals and activities (issue 17) ------------------------------------
#
# A goal or an activity is changed in place (the access log keeps the old values), and
# ended instead of deleted: an ended goal (avslutat utan att uppnås) and an ended
# activity (genomförd or avbruten) stay in the plan, shown as ended, with the day and why.

END_REASON_MAX = PlanGoal._meta.get_field("end_reason").max_length
GOAL_FIELDS = ("text", "target_on")
ACTIVITY_EDIT_FIELDS = ("kind", "description", "responsible", "starts_on", "follow_up_on")


def _locked_goal(goal: PlanGoal) -> tuple[Plan, PlanGoal]:
    current = _locked_active_plan(goal.plan)
    _check_case_open(current.case)
    found = PlanGoal.objects.select_for_update().filter(pk=goal.pk, plan=current).first()
    if found is None:
        raise ValidationError(_("Målet finns inte i planen."))
    if found.ended:
        raise ValidationError(_("Målet är avslutat och kan inte ändras."))
    return current, found


def _locked_activity(activity: PlanActivity) -> tuple[Plan, PlanActivity]:
    current = _locked_active_plan(activity.plan)
    _check_case_open(current.case)
    found = PlanActivity.objects.select_for_update().filter(pk=activity.pk, plan=current).first()
    if found is None:
        raise ValidationError(_("Aktiviteten finns inte i planen."))
    if found.ended:
        raise ValidationError(_("Aktiviteten är avslutad och kan inte ändras."))
    return current, found


def _checked_end(errors: dict, ended_on, reason: str, *, reason_required: bool, not_before=None,
                 not_before_message="") -> None:
    today = timezone.localdate()
    if ended_on is None:
        errors.setdefault("ended_on", []).append(_("Ange vilken dag det avslutades."))
    elif ended_on > today:
        errors.setdefault("ended_on", []).append(_("Dagen kan inte ligga i framtiden."))
    elif not_before is not None and ended_on < not_before:
        errors.setdefault("ended_on", []).append(not_before_message)
    if reason_required and not reason:
        errors.setdefault("end_reason", []).append(_("Skriv skälet."))
    elif len(reason) > END_REASON_MAX:
        errors.setdefault("end_reason", []).append(_("Högst %(n)s tecken.") % {"n": END_REASON_MAX})


def _changed(acting_user, plan: Plan, row, changes: dict, *, summary: str):
    """Set the fields of a locked goal or activity that differ, touch its plan and log the old
    and new values; nothing is written (or logged) when nothing changed."""
    changed = [field for field, value in changes.items() if getattr(row, field) != value]
    if not changed:
        return row
    old = _values(row, changed)
    for field in changed:
        setattr(row, field, changes[field])
    row.save(update_fields=changed)
    _touch(plan)
    _log(acting_user, UPDATE, row, case=plan.case, person_id=plan.person_id, summary=summary, old=old,
         new=_values(row, changed))
    return row


def plan_goal_update(*, acting_user, goal: PlanGoal, text: str, target_on: date | None) -> PlanGoal:
    """Change a goal's text and target date (måldatum)."""
    _check_user(acting_user, goal.plan.case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv målet.")})
    if len(text) > GOAL_MAX:
        raise ValidationError({"text": _("Målet får vara högst %(n)s tecken.") % {"n": GOAL_MAX}})
    with transaction.atomic():
        current, goal = _locked_goal(goal)
        return _changed(acting_user, current, goal, {"text": text, "target_on": target_on},
                        summary="Ändrade mål i genomförandeplan")


def plan_goal_end(*, acting_user, goal: PlanGoal, ended_on: date | None, end_reason: str) -> PlanGoal:
    """End a goal that will not be reached (avslutat utan att uppnås), with the day and why.
    The goal stays in the plan; an achieved goal is not ended (it is reached)."""
    _check_user(acting_user, goal.plan.case)
    end_reason = (end_reason or "").strip()
    with transaction.atomic():
        current, goal = _locked_goal(goal)
        errors: dict[str, list] = {}
        _checked_end(errors, ended_on, end_reason, reason_required=True,
                     not_before=timezone.localdate(current.created_at),
                     not_before_message=_("Målet kan inte avslutas före dagen planen upprättades."))
        if errors:
            raise ValidationError(errors)
        if goal.achieved:
            raise ValidationError(_("Målet är uppnått. Markera det som ej uppnått först om det ska avslutas "
                                    "utan att uppnås."))
        goal.ended_on, goal.end_reason = ended_on, end_reason
        goal.save(update_fields=["ended_on", "end_reason"])
        _touch(current)
        _log(acting_user, UPDATE, goal, case=current.case, person_id=current.person_id,
             summary="Avslutade mål i genomförandeplan utan att det uppnåtts",
             old={"ended_on": None, "end_reason": ""},
             new={"ended_on": ended_on.isoformat(), "end_reason": end_reason})
    return goal


def plan_activity_update(*, acting_user, activity: PlanActivity, kind: str, responsible: str,
                         description: str = "", starts_on: date | None = None,
                         follow_up_on: date | None = None) -> PlanActivity:
    """Change an activity's kind, description, who is responsible and its dates."""
    _check_user(acting_user, activity.plan.case)
    description, responsible = (description or "").strip(), (responsible or "").strip()
    errors = _activity_errors(kind, description, responsible, starts_on, follow_up_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current, activity = _locked_activity(activity)
        changes = {"kind": kind, "description": description, "responsible": responsible,
                   "starts_on": starts_on, "follow_up_on": follow_up_on}
        return _changed(acting_user, current, activity, changes, summary="Ändrade aktivitet i genomförandeplan")


ACTIVITY_END_STATUSES = (PlanActivity.Status.DONE, PlanActivity.Status.CANCELLED)


def plan_activity_end(*, acting_user, activity: PlanActivity, status: str, ended_on: date | None,
                      end_reason: str = "") -> PlanActivity:
    """End an activity: genomförd (done) or avbruten (cancelled, with a reason), on a day
    not before it started.  It stays in the plan, shown as ended."""
    _check_user(acting_user, activity.plan.case)
    end_reason = (end_reason or "").strip()
    with transaction.atomic():
        current, activity = _locked_activity(activity)
        errors: dict[str, list] = {}
        if status not in ACTIVITY_END_STATUSES:
            errors["status"] = [_("Välj om aktiviteten är genomförd eller avbruten.")]
        _checked_end(errors, ended_on, end_reason, reason_required=status == PlanActivity.Status.CANCELLED,
                     not_before=activity.starts_on,
                     not_before_message=_("Aktiviteten kan inte avslutas före startdatumet."))
        if errors:
            raise ValidationError(errors)
        old = _values(activity, ("status", "ended_on", "end_reason"))
        activity.status, activity.ended_on, activity.end_reason = status, ended_on, end_reason
        activity.save(update_fields=["status", "ended_on", "end_reason"])
        _touch(current)
        _log(acting_user, UPDATE, activity, case=current.case, person_id=current.person_id,
             summary="Avslutade aktivitet i genomförandeplan", old=old,
             new=_values(activity, ("status", "ended_on", "end_reason")))
    return activity

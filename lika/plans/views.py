"""Each adult's own plan, and the meetings with the adults.  Every view reaches the
case through ``access_case``/``access_case_person`` (unit check and access log)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lika.cases.access import access_case, access_case_person

from . import selectors, services, services_violence
from .forms import (
    ActivityForm,
    ActivityStatusForm,
    CloseForm,
    GoalAchievedForm,
    GoalForm,
    MeetingForm,
    PlanForm,
)
from .models import ViolenceScreening


@dataclass
class _Action:
    form: Any
    prefix: str
    save: Any  # (user, case, person, plan, form) -> the success message


def _create(user, case, person, plan, form):
    services.plan_create(acting_user=user, case=case, person=person, **form.cleaned_data)
    return _("Genomförandeplanen för %(name)s är upprättad.") % {"name": person}


def _update(user, case, person, plan, form):
    services.plan_update(acting_user=user, plan=plan, **form.cleaned_data)
    return _("Planen är sparad.")


def _goal(user, case, person, plan, form):
    services.plan_goal_add(acting_user=user, plan=plan, **form.cleaned_data)
    return _("Målet är tillagt.")


def _goal_achieved(user, case, person, plan, form):
    data = form.cleaned_data
    goal = next((g for g in plan.goals.all() if g.pk == data["goal"]), None)
    if goal is None:
        raise ValidationError(_("Målet finns inte i planen."))
    services.plan_goal_set_achieved(acting_user=user, goal=goal, achieved=data["achieved"])
    return _("Målet är markerat som uppnått.") if data["achieved"] else _("Målet är markerat som ej uppnått.")


def _activity(user, case, person, plan, form):
    services.plan_activity_add(acting_user=user, plan=plan, **form.cleaned_data)
    return _("Aktiviteten är tillagd.")


def _activity_status(user, case, person, plan, form):
    services.plan_activity_set_status(acting_user=user, activity=form.activity,
                                      status=form.cleaned_data["status"])
    return _("Status för %(activity)s är ändrad.") % {"activity": form.activity.get_kind_display()}


def _close(user, case, person, plan, form):
    services.plan_close(acting_user=user, plan=plan)
    return _("Planen är avslutad.")


PLAN_ACTIONS = {
    "create": _Action(PlanForm, "plan", _create),
    "update": _Action(PlanForm, "plan", _update),
    "goal": _Action(GoalForm, "goal", _goal),
    "goal_achieved": _Action(GoalAchievedForm, "", _goal_achieved),
    "activity": _Action(ActivityForm, "activity", _activity),
    "activity_status": _Action(ActivityStatusForm, "a{activity}", _activity_status),
    "close": _Action(CloseForm, "close", _close),
}


def _bind(action: _Action, plan, data):
    """The action's form bound to ``data``; None for a status change of an activity not in the plan."""
    if action.form is not ActivityStatusForm:
        return action.form(data, prefix=action.prefix or None)
    activity = next((a for a in plan.activities.all() if str(a.pk) == data.get("activity")), None)
    if activity is None:
        return None
    form = ActivityStatusForm(data, prefix=action.prefix.format(activity=activity.pk))
    form.activity = activity
    return form


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, case_id, person_id):
    posting = request.method == "POST"
    case, person = access_case_person(request.user, case_id, person_id,
                                      what="Ändrat genomförandeplan" if posting else "Läst genomförandeplan")
    if not selectors.is_adult_in_case(case, person, current=False):
        raise Http404
    plans = selectors.person_plans(case, person)
    plan = plans["active"]
    bound = {}
    if posting:
        name = request.POST.get("action", "")
        if name not in PLAN_ACTIONS:
            return HttpResponseBadRequest()
        if plan is None and name != "create":
            messages.error(request, _("Det finns ingen pågående plan att ändra."))
            return redirect("plan_detail", case_id=case.pk, person_id=person.pk)
        action = PLAN_ACTIONS[name]
        form = _bind(action, plan, request.POST)
        if form is None:
            return HttpResponseBadRequest()
        if form.is_valid():
            try:
                message = action.save(request.user, case, person, plan, form)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, message)
                return redirect("plan_detail", case_id=case.pk, person_id=person.pk)
        bound = {"action": name, "form": form}
    return render(request, "plans/plan_detail.html", _plan_context(case, person, plans, bound))


def _plan_context(case, person, plans, bound):
    """The page's forms: the one just posted (bound, with its errors) and fresh ones for the rest."""
    plan = plans["active"]
    posted = bound.get("form")

    def form_for(action, make):
        return posted if bound.get("action") == action else make()

    context = {"case": case, "person": person, "plan": plan, "closed_plans": plans["closed"],
               "error_form": posted}
    if plan is None:
        context["create_form"] = form_for("create", lambda: PlanForm(prefix="plan"))
        return context
    status_for = getattr(posted, "activity", None)
    context.update(
        plan_form=form_for("update", lambda: PlanForm(prefix="plan", initial={
            "own_view": plan.own_view, "follow_up_on": plan.follow_up_on})),
        goal_form=form_for("goal", lambda: GoalForm(prefix="goal")),
        activity_form=form_for("activity", lambda: ActivityForm(prefix="activity")),
        activities=[(a, posted if status_for == a
                     else ActivityStatusForm(prefix=f"a{a.pk}", initial={"status": a.status}))
                    for a in plan.activities.all()],
        next_follow_up=selectors.plan_next_follow_up(plan),
    )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, case_id):
    posting = request.method == "POST"
    case = access_case(request.user, case_id, what="Registrerat möte" if posting else "Nytt möte")
    adults = selectors.household_adults(case)
    form = MeetingForm(request.POST or None, adults=adults, initial={"held_on": timezone.localdate()})
    if posting and form.is_valid():
        try:
            meeting = services.meeting_create(acting_user=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("%(kind)s %(date)s är registrerat.")
                             % {"kind": meeting.get_kind_display(), "date": meeting.held_on.isoformat()})
            return redirect_after_meeting(case, meeting)
    return render(request, "plans/meeting_new.html", {
        "case": case, "form": form, "adults": adults, "violence_support": settings.LIKA_VIOLENCE_SUPPORT})


@login_required
@require_http_methods(["GET"])
def meeting_detail(request, case_id, meeting_id):
    case = access_case(request.user, case_id, what="Läst möte")
    meeting = selectors.meeting_for_case(case, meeting_id)
    if meeting is None:
        raise Http404
    return render(request, "plans/meeting_detail.html", {
        "case": case, "meeting": meeting, "participants": list(meeting.participants.all()),
        "screening": getattr(meeting, "screening", None),
        "violence": services_violence.meeting_status(request.user, meeting)})  # issue 17: the answer yes


def redirect_after_meeting(case, meeting):
    """After a meeting is recorded: its page, or, when the answer about violence was yes, the
    guidance on what to do next (issue 17)."""
    screening = getattr(meeting, "screening", None)
    if screening is not None and screening.answer == ViolenceScreening.Answer.YES:
        return redirect("violence_guidance", case_id=case.pk, screening_id=screening.pk)
    return redirect("meeting_detail", case_id=case.pk, meeting_id=meeting.pk)

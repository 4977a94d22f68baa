"""Correcting a plan (issue 17): a goal or an activity is changed or ended on its own
page.  Thin: the case and the adult come through ``access_case_person`` (unit check,
access log); the rules and the log rows are in ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lika.cases.access import access_case_person

from . import selectors, services
from .forms import ActivityEndForm, ActivityForm, GoalEndForm, GoalForm
from .models import PlanActivity, PlanGoal


def _plan_item(request, case_id, person_id, model, item_id):
    posting = request.method == "POST"
    case, person = access_case_person(request.user, case_id, person_id,
                                      what="Ändrat genomförandeplan" if posting else "Läst genomförandeplan")
    if not selectors.is_adult_in_case(case, person, current=False):
        raise Http404
    item = (model.objects.select_related("plan__case")
            .filter(pk=item_id, plan__case=case, plan__person=person).first())
    if item is None:
        raise Http404
    return case, person, item


def _handle(request, forms_by_action, save):
    """Bind the posted action's form, call its service; the forms and a redirect or None."""
    name = request.POST.get("action") if request.method == "POST" else None
    bound = {}
    for action, (make, initial) in forms_by_action.items():
        bound[action] = make(request.POST, prefix=action) if name == action else make(prefix=action, initial=initial)
    if name in bound and bound[name].is_valid():
        try:
            return bound, save[name](bound[name].cleaned_data)
        except ValidationError as exc:
            bound[name].add_service_error(exc)
    return bound, None


def _respond(request, case, person, forms, message, template, context):
    """Back to the plan with the service's message, or the page again: 400 with the posted
    form's errors when a form was sent."""
    if message:
        messages.success(request, message)
        return redirect("plan_detail", case_id=case.pk, person_id=person.pk)
    posted = next((f for f in forms.values() if f.is_bound), None)
    return render(request, template, {
        "case": case, "person": person, "edit_form": forms["edit"], "end_form": forms["end"], "error_form": posted,
        **context}, status=400 if posted is not None else 200)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, case_id, person_id, goal_id):
    case, person, goal = _plan_item(request, case_id, person_id, PlanGoal, goal_id)

    def edit(data):
        services.plan_goal_update(acting_user=request.user, goal=goal, **data)
        return _("Målet är ändrat.")

    def end(data):
        services.plan_goal_end(acting_user=request.user, goal=goal, **data)
        return _("Målet är avslutat utan att uppnås. Det finns kvar i planen.")

    forms, message = _handle(request, {
        "edit": (GoalForm, {"text": goal.text, "target_on": goal.target_on}),
        "end": (GoalEndForm, {"ended_on": timezone.localdate()}),
    }, {"edit": edit, "end": end})
    return _respond(request, case, person, forms, message, "plans/goal_edit.html", {"goal": goal, "plan": goal.plan})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, case_id, person_id, activity_id):
    case, person, activity = _plan_item(request, case_id, person_id, PlanActivity, activity_id)

    def edit(data):
        services.plan_activity_update(acting_user=request.user, activity=activity, **data)
        return _("Aktiviteten är ändrad.")

    def end(data):
        services.plan_activity_end(acting_user=request.user, activity=activity, **data)
        return _("Aktiviteten är avslutad. Den finns kvar i planen.")

    forms, message = _handle(request, {
        "edit": (ActivityForm, {f: getattr(activity, f) for f in services.ACTIVITY_EDIT_FIELDS}),
        "end": (ActivityEndForm, {"ended_on": timezone.localdate()}),
    }, {"edit": edit, "end": end})
    return _respond(request, case, person, forms, message, "plans/activity_edit.html",
                    {"activity": activity, "plan": activity.plan})

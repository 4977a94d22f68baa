"""The officer's work list and application page, the association's own application page
and the decision letter (issue 15, "Handling"). Thin: the rules are in ``handling``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.audit.services import EXPORT, access_log_write
from lika.web.permissions import role_required

from . import handling
from .forms import AssessmentForm, DecisionForm, WithdrawForm, WorklistFilterForm
from .letters import decision_letter_pdf
from .models import Gender, GrantApplication
from .payee import masked_payee
from .services import own_association

PAGE = 200  # rows on one page of the work list


@role_required(*handling.HANDLING_ROLES)
def worklist(request):
    form = WorklistFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    applications = handling.worklist(**{k: v for k, v in filters.items() if v})
    return render(request, "grants/worklist.html", {"form": form, "applications": applications[:PAGE],
                                                    "more": applications.count() > PAGE})


def _parts(application):
    labels = dict(Gender.choices)
    return [{**part, "gender": labels.get(part["gender"], part["gender"])}
            for part in (application.result or {}).get("parts", []) if part.get("participations") or part.get("amount")]


@role_required(*handling.HANDLING_ROLES)
def application_handle(request, grant_application_id):
    action = request.POST.get("action") if request.method == "POST" else None
    assess = AssessmentForm(request.POST if action == "assess" else None, prefix="assess")
    decide = DecisionForm(request.POST if action == "decide" else None, prefix="decide")
    errors = []
    if action in ("assess", "decide"):
        form = assess if action == "assess" else decide
        if form.is_valid():
            try:
                if action == "assess":
                    handling.assessment_record(acting_user=request.user, application_id=grant_application_id,
                                               text=form.cleaned_data["text"])
                    messages.success(request, _("Bedömningen är sparad."))
                else:
                    handling.decision_make(acting_user=request.user, application_id=grant_application_id,
                                           outcome=form.cleaned_data["outcome"], amount=form.cleaned_data["amount"],
                                           reasons=form.cleaned_data["reasons"])
                    messages.success(request, _("Beslutet är fattat. Beslutsbrevet kan laddas ner."))
            except ValidationError as exc:
                errors = exc.messages
            else:
                return redirect("grants_handle", grant_application_id=grant_application_id)
    application = handling.application_for_officer(acting_user=request.user, application_id=grant_application_id)
    return render(request, "grants/handle.html", {
        "application": application, "parts": _parts(application), "result": application.result or None,
        "budget": handling.budget_position(application.programme, application.year),
        "assessments": application.assessments.select_related("written_by"),
        "decision": handling.decision_of(application), "payee": masked_payee(application.association),
        "open": application.status in handling.OPEN, "assess": assess, "decide": decide, "errors": errors})


@role_required(Role.ASSOCIATION)
def own_application(request, association_id, grant_application_id):
    association = own_association(request.user, association_id)
    errors = []
    form = WithdrawForm(request.POST if request.method == "POST" and request.POST.get("action") == "withdraw" else None)
    if form.is_bound:
        if form.is_valid():
            try:
                handling.application_withdraw(acting_user=request.user, application_id=grant_application_id)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("Ansökan är återtagen."))
                return redirect("grants_association", association_id=association.pk)
    application = handling.application_for_association(acting_user=request.user,
                                                       application_id=grant_application_id)
    return render(request, "grants/own_application.html", {
        "association": association, "application": application, "parts": _parts(application),
        "result": application.result or None, "decision": handling.decision_of(application),
        "open": application.status in handling.OPEN, "form": form, "errors": errors})


@login_required
def decision_letter(request, grant_application_id):
    """The letter as PDF: for the officer, and for the association user her own only."""
    user = request.user
    if handling.can_handle(user):
        application = GrantApplication.objects.filter(pk=grant_application_id).first()
    elif user.has_role(Role.ASSOCIATION):
        association = own_association(user)
        application = GrantApplication.objects.filter(pk=grant_application_id, association=association).first()
    else:
        raise PermissionDenied
    decision = handling.decision_of(application) if application is not None else None
    if decision is None:
        raise Http404
    pdf = decision_letter_pdf(decision)
    access_log_write(actor=user, action=EXPORT, object_type="grants.grantdecision", object_id=decision.pk,
                     summary=f"Beslutsbrev för bidragsansökan {application.pk} hämtat")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beslut-bidrag-{application.pk}.pdf"'
    return response

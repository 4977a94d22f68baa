"""The guidance page when the answer to the question about violence is yes (issue 17, part 6).

Thin: the case through ``access_case`` without its household-level log row, the screening
through ``services_violence.yes_screening`` (404 unless one of the case's individual
meetings was answered yes, and 404 when another unit handles her), and the read written
to the access log on her person alone (``guidance_read_log``)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lika.cases.access import access_case, handled_elsewhere
from lika.core import violence as rules

from . import services_violence as services
from .forms_violence import ChildReportForm, RiskAssessmentForm
from .models_violence import INSTRUMENT_HELP, INSTRUMENT_LABELS

VIOLENCE_REASON = "violence_protection"  # LIKA_PAYMENT_EXCEPTION_REASONS: "Skydd mot våld eller ekonomiskt våld"


def _screening(request, case_id, screening_id):
    case = access_case(request.user, case_id, what="Stöd efter fråga om våld", log=False)
    screening = services.yes_screening(case, screening_id)
    if screening is None or handled_elsewhere(request.user, screening.person):
        raise Http404
    return case, screening


def _child_form(guidance, data=None):
    report = guidance.child_report
    if report is None:
        return ChildReportForm(data, prefix="report")
    return ChildReportForm(data, prefix="report", initial={
        "outcome": report.outcome, "reported_on": report.reported_on, "reason": report.reason,
        "supersedes": report.pk})


def _assessment_form(guidance, correct_id):
    row = next((a for a in guidance.assessments if str(a.pk) == correct_id), None) if correct_id else None
    return (RiskAssessmentForm.correcting(row) if row else
            RiskAssessmentForm(prefix="assessment", initial={"assessed_on": timezone.localdate()})), row


@login_required
@require_http_methods(["GET", "POST"])
def violence_guidance(request, case_id, screening_id):
    case, screening = _screening(request, case_id, screening_id)
    guidance = services.guidance(screening)
    assessment_form, correcting = _assessment_form(guidance, request.GET.get("ratta"))
    child_form = _child_form(guidance)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "assessment":
            assessment_form = form = RiskAssessmentForm(request.POST, prefix="assessment")
            record, done = services.risk_assessment_record, _("Riskbedömningen är registrerad.")
        elif action == "child_report" and rules.STEP_CHILDREN in guidance.steps:
            child_form = form = _child_form(guidance, request.POST)
            record, done = services.child_report_record, _("Uppgiften om orosanmälan är registrerad.")
        else:
            return HttpResponseBadRequest()
        if form.is_valid():
            try:
                record(acting_user=request.user, screening=screening, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, done)
                return redirect("violence_guidance", case_id=case.pk, screening_id=screening.pk)
        status = 400
        if action == "assessment":  # the form shown again says whether it corrects a row
            _form, correcting = _assessment_form(guidance, request.POST.get("assessment-supersedes"))
    services.guidance_read_log(request.user, screening)
    exception_url = reverse("exception_new", kwargs={"case_id": case.pk}) + "?" + urlencode(
        {"mottagare": screening.person_id, "skal": VIOLENCE_REASON})
    return render(request, "plans/violence_guidance.html", {
        "case": case, "g": guidance, "screening": screening, "meeting": screening.meeting,
        "assessment_form": assessment_form, "correcting": correcting, "child_form": child_form,
        "exception_url": exception_url, "sources": rules.SOURCES,
        "instruments": [(INSTRUMENT_LABELS[c], INSTRUMENT_HELP[c]) for c in rules.INSTRUMENTS],
        "has_step": {step: step in guidance.steps for step in
                     (rules.STEP_RISK, rules.STEP_PAYMENT, rules.STEP_CHILDREN, rules.STEP_SUPPORT)},
    }, status=status)

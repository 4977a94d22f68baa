"""The same insight for each adult, and the appeal (docs/eservice-insight.md).

Thin views: the logged-in adult's person and her household's case (``resident_case``)
go into the reads of ``lika.eservice.insight``; an id from the address that is not hers
is 404.  Every read is written to the access log with her person id."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lika.audit.services import EXPORT, READ, access_log_write
from lika.cases.access import access_case
from lika.cases.decisions import recipient_letter_pdf

from . import appeals, insight
from .access import resident_case
from .actor import eservice_actor
from .models_insight import Appeal
from .session import resident_required


def _log(request, case, summary, *, object_type, object_id="", action=READ):
    person = request.resident.person
    access_log_write(actor=eservice_actor(), action=action, object_type=object_type, object_id=object_id,
                     person_id=person.pk, household_id=case.household_id if case else None,
                     summary=f"E-tjänsten: {summary}")


def _names(case) -> dict:
    from .access import household_adults

    names = {p.pk: p.first_name for p in household_adults(case)}
    for membership in case.household.memberships.select_related("person"):
        names.setdefault(membership.person_id, membership.person.first_name)
    return names


def _mine(request):
    """The resident's person and case; a resident without a case has nothing to see."""
    person = request.resident.person
    case = resident_case(person)
    return person, case


@require_GET
@resident_required
def applications(request):
    person, case = _mine(request)
    rows = insight.applications(person, case)
    _log(request, case, "Läste sina ansökningar och beslut", object_type="applications")
    return render(request, "eservice/insight/applications.html", {
        "case": case, "applications": rows, "decisions": insight.decisions_for(person, case)})


@require_GET
@resident_required
def decision(request, decision_id):
    person, case = _mine(request)
    found = insight.decision_for(person, case, decision_id)
    if found is None:
        raise Http404
    recipient = insight.recipient_for(person, found)
    start, _basis = appeals.counted_from(recipient)
    my_appeals = list(Appeal.objects.filter(decision=found, person=person).order_by("-submitted_at"))
    _log(request, case, "Läste ett beslut och dess beräkning", object_type="decision", object_id=found.pk)
    replaced_by = found.superseded_by.filter(status="issued", recipients__person=person).first()
    return render(request, "eservice/insight/decision.html", {
        "decision": found, "application": found.application,
        "calculation": insight.calculation_rows(found.calculation, _names(case)),
        "lines": insight.decision_lines(found), "shares": insight.shares(found, person),
        "appeal_deadline": appeals.appeal_deadline(start), "appeals": my_appeals,
        "open_appeal": next((a for a in my_appeals if a.open), None),
        "replaced_by": replaced_by, "today": timezone.localdate(),
    })


@require_GET
@resident_required
def decision_letter(request, decision_id):
    """Her own copy of the decision letter (PDF); each adult downloads her own."""
    person, case = _mine(request)
    found = insight.decision_for(person, case, decision_id)
    if found is None:
        raise Http404
    recipient = insight.recipient_for(person, found)
    pdf = recipient_letter_pdf(recipient)
    _log(request, case, "Hämtade sitt beslutsbrev", object_type="decision_letter", object_id=recipient.pk,
         action=EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beslut-{found.application.month:%Y-%m}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@resident_required
def payments(request):
    person, case = _mine(request)
    _log(request, case, "Läste utbetalningar", object_type="payments")
    return render(request, "eservice/insight/payments.html", {
        "case": case, "mine": insight.my_payments(person), "household": insight.household_payments(person, case)})


@require_GET
@resident_required
def plan(request):
    person, case = _mine(request)
    _log(request, case, "Läste sin genomförandeplan", object_type="plan")
    return render(request, "eservice/insight/plan.html", {"case": case, "plans": insight.my_plans(person, case)})


@require_GET
@resident_required
def meetings(request):
    person, case = _mine(request)
    _log(request, case, "Läste sina möten", object_type="meetings")
    from lika.plans.calendar import my_bookings  # issue 17: her meetings booked ahead

    return render(request, "eservice/insight/meetings.html", {"case": case,
                                                              "meetings": insight.my_meetings(person, case),
                                                              "booked": my_bookings(person, case)})


# -- the appeal -----------------------------------------------------------------------

@resident_required
def appeal_new(request, decision_id):
    person, case = _mine(request)
    found = insight.decision_for(person, case, decision_id)
    if found is None:
        raise Http404
    recipient = insight.recipient_for(person, found)
    start, basis = appeals.counted_from(recipient)
    deadline = appeals.appeal_deadline(start)
    open_appeal = Appeal.objects.filter(decision=found, person=person, status=Appeal.Status.RECEIVED).first()
    errors, text = [], ""
    if request.method == "POST" and open_appeal is None:
        text = request.POST.get("text", "")
        try:
            made = appeals.appeal_submit(person=person, decision_id=found.pk, text=text)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Ditt överklagande har kommit in till kommunen."))
            return redirect("eservice_appeal", appeal_id=made.pk)
    elif request.method == "POST":
        errors = [_("Du har redan överklagat beslutet. Kommunen handlägger ditt överklagande.")]
    elif request.method != "GET":
        return HttpResponse(status=405)
    _log(request, case, "Öppnade sidan för att överklaga ett beslut", object_type="decision", object_id=found.pk)
    return render(request, "eservice/insight/appeal_new.html", {
        "decision": found, "deadline": deadline, "counted_from": start, "basis": basis,
        "late": timezone.localdate() > deadline, "open_appeal": open_appeal, "errors": errors, "text": text,
    }, status=400 if errors else 200)


@resident_required
def appeal(request, appeal_id):
    person, case = _mine(request)
    found = (Appeal.objects.select_related("decision__application__case")
             .filter(pk=appeal_id, person=person).first())
    if found is None or case is None or found.decision.application.case_id != case.pk:
        raise Http404
    errors = []
    if request.method == "POST":
        if request.POST.get("action") != "withdraw":
            errors = [_("Välj vad du vill göra.")]
        else:
            try:
                appeals.appeal_withdraw(person=person, appeal_id=found.pk)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("Ditt överklagande är återkallat."))
                return redirect("eservice_appeal", appeal_id=found.pk)
    _log(request, case, "Läste sitt överklagande", object_type="appeal", object_id=found.pk)
    return render(request, "eservice/insight/appeal.html", {"appeal": found, "errors": errors},
                  status=400 if errors else 200)


# -- the case worker's appeal page ----------------------------------------------------

@login_required
def staff_appeal(request, case_id, appeal_id):
    """The case worker reads the appeal and records the omprövning: changed (the
    ändringsbeslut flow opens), not changed (forwarded to förvaltningsrätten, with the
    day), or a late one dismissed (FL 45 §)."""
    case = access_case(request.user, case_id, what="Läst överklagande")
    found = (Appeal.objects.select_related("person", "decision__application", "handled_by")
             .filter(pk=appeal_id, decision__application__case=case).first())
    if found is None:
        raise Http404
    errors, posted = [], {}
    if request.method == "POST":
        posted = request.POST
        outcome = request.POST.get("action", "")
        try:
            text = (request.POST.get("forwarded_on") or "").strip()
            forwarded_on = parse_date(text) if text else None
            if text and forwarded_on is None:
                raise ValidationError({"forwarded_on": _("Ange datumet som ÅÅÅÅ-MM-DD.")})
            appeals.appeal_handle(acting_user=request.user, appeal_id=found.pk, outcome=outcome,
                                  note=request.POST.get("note", ""), forwarded_on=forwarded_on)
        except ValidationError as exc:
            errors = exc.messages
        except ValueError:
            errors = [_("Ange datumet som ÅÅÅÅ-MM-DD.")]
        else:
            if outcome == appeals.CHANGED:
                messages.success(request, _("Överklagandet är omprövat. Fatta ändringsbeslutet på ansökan."))
                return redirect("application_detail", case_id=case.pk, application_id=found.decision.application_id)
            messages.success(request, _("Omprövningen av överklagandet är registrerad."))
            return redirect("appeal_detail", case_id=case.pk, appeal_id=found.pk)
    return render(request, "eservice/staff/appeal.html", {
        "case": case, "appeal": found, "events": found.events.select_related("by_user", "by_person"),
        "errors": errors, "posted": posted, "today": timezone.localdate(),
    }, status=400 if errors else 200)

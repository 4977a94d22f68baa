"""Pages for moving a case (issue 17): the case's "Flytta ärendet" page, assigning
several cases from the case list, and the enhetschef's list of handovers.  Thin: the
case comes through ``access_case``; the rules and the access log are in ``case_moves``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lika.audit.services import READ, access_log_write

from . import case_moves
from .access import access_case, can_work_with_cases
from .models import Case
from .move_forms import AssignForm, HandoverAnswerForm, HandoverForm


@login_required
@require_http_methods(["GET", "POST"])
def case_move(request, case_id):
    """Who handles the case: assign it (enhetschef), take it (case worker, when nobody
    has it), or hand it over to another unit (enhetschef)."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    case = access_case(user, case_id, what="Flyttat ärende" if action else "Läst vem som handlägger ärendet")
    manager = case_moves.is_manager(user)
    workers = case_moves.unit_workers(user.unit_id) if manager else []
    units = case_moves.other_units(user) if manager else []
    assign = AssignForm(request.POST if action == "assign" else None, workers=workers, prefix="assign",
                        initial={"case_worker": case.case_worker_id})
    handover = HandoverForm(request.POST if action == "handover" else None, units=units, prefix="handover")
    pending = case_moves.open_handover(case)
    error = None
    try:
        if action == "assign" and manager and assign.is_valid():
            worker = assign.cleaned_data["case_worker"]
            case_moves.case_assign(acting_user=user, case_ids=[case.pk], case_worker=worker)
            messages.success(request, _("Ärendet handläggs nu av %(name)s.") % {"name": worker.display_name}
                             if worker else _("Ärendet har nu ingen handläggare."))
            return redirect("case_detail", case_id=case.pk)
        if action == "take":
            case_moves.case_take(acting_user=user, case=case)
            messages.success(request, _("Du handlägger nu ärendet."))
            return redirect("case_detail", case_id=case.pk)
        if action == "handover" and manager and handover.is_valid():
            sent = case_moves.handover_send(acting_user=user, case=case, **handover.cleaned_data)
            messages.success(request, _("Ärendet är överlämnat till %(unit)s. Det stannar hos er tills enheten "
                                        "har tagit emot det.") % {"unit": sent.to_unit})
            return redirect("case_move", case_id=case.pk)
        if action == "withdraw" and manager and pending is not None:
            case_moves.handover_withdraw(acting_user=user, handover=pending)
            messages.success(request, _("Överlämningen är återkallad."))
            return redirect("case_move", case_id=case.pk)
        if action and action not in ("assign", "take", "handover", "withdraw"):
            error = [_("Välj vad du vill göra.")]
        elif action and not manager and action != "take":
            raise PermissionDenied
    except ValidationError as exc:
        form = {"assign": assign, "handover": handover}.get(action)
        if form is not None:
            form.add_service_error(exc)
        else:
            error = exc.messages
    bound = assign if assign.is_bound else handover if handover.is_bound else None
    return render(request, "cases/case_move.html", {
        "case": case, "manager": manager, "assign": assign, "handover": handover, "pending": pending,
        "can_take": case.status == Case.Status.OPEN and case.case_worker_id is None and can_work_with_cases(user),
        "errors": error, "error_form": bound,
    }, status=400 if error or (bound is not None and bound.errors) else 200)


@login_required
@require_http_methods(["GET", "POST"])
def case_assign_many(request):
    """The enhetschef assigns the cases ticked in the case list to one case worker (the
    form is on the case list: a GET goes there)."""
    user = request.user
    if not case_moves.is_manager(user):
        raise PermissionDenied
    if request.method == "GET":
        return redirect("case_list")
    ids = [int(v) for v in request.POST.getlist("cases") if v.isdigit()]
    form = AssignForm(request.POST, workers=case_moves.unit_workers(user.unit_id), prefix="assign")
    if not ids:
        messages.error(request, _("Välj minst ett ärende i listan."))
    elif form.is_valid():
        try:
            changed = case_moves.case_assign(acting_user=user, case_ids=ids,
                                             case_worker=form.cleaned_data["case_worker"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        else:
            messages.success(request, _("%(n)s ärenden har fått ny handläggare.") % {"n": len(changed)})
    else:
        messages.error(request, _("Välj en handläggare på din enhet."))
    return redirect(request.POST.get("back") if (request.POST.get("back") or "").startswith("/arenden/")
                    else "case_list")


@login_required
@require_http_methods(["GET", "POST"])
def case_handovers(request):
    """The enhetschef's list: cases other units hand over to hers (to answer), and hers."""
    user = request.user
    if not case_moves.is_manager(user):
        raise PermissionDenied
    incoming = case_moves.handovers_incoming(user)
    posted = request.POST.get("handover") if request.method == "POST" else None
    for item in incoming:
        item.form = HandoverAnswerForm(request.POST if posted == str(item.pk) else None, prefix=f"h{item.pk}")
    answering = next((item for item in incoming if item.form.is_bound), None)
    if posted is not None and answering is None:
        raise Http404
    if answering is not None and answering.form.is_valid():
        try:
            done = case_moves.handover_answer(acting_user=user, handover=answering,
                                              accept=answering.form.cleaned_data["accept"],
                                              answer=answering.form.cleaned_data["answer"])
        except ValidationError as exc:
            answering.form.add_service_error(exc)
        else:
            if done.status == done.Status.ACCEPTED:
                messages.success(request, _("Ärendet är mottaget. Fördela det till en handläggare."))
                return redirect("case_move", case_id=done.case_id)
            messages.success(request, _("Ditt svar är registrerat."))
            return redirect("case_handovers")
    access_log_write(actor=user, action=READ, object_type="case_handover_list",
                     summary="Överlämnade ärenden mellan enheter",
                     new={"households": [item.case.household_id for item in incoming]})
    return render(request, "cases/case_handovers.html", {
        "incoming": incoming, "outgoing": case_moves.handovers_outgoing(user),
    }, status=400 if answering is not None and answering.form.errors else 200)

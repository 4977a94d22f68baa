"""The enhetschef's page for moving cases between units (``transfers``): ask for a
person's case, answer the other units' requests.  Thin, like the case pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.audit.services import READ, access_log_write

from .forms import TransferAnswerForm, TransferRequestForm
from .transfers import (
    SENT,
    transfer_answer,
    transfer_request,
    transfers_incoming,
    transfers_outgoing,
)


@login_required
def transfers(request):
    """An enhetschef asks for a case to move to the unit, and answers the other units' requests."""
    if not request.user.has_role(Role.UNIT_MANAGER) or request.user.unit_id is None:
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    ask = TransferRequestForm(request.POST if action == "request" else None, prefix="ask")
    incoming = transfers_incoming(request.user)
    posted = request.POST.get("request") if action == "answer" else None
    for item in incoming:  # one form per open request, its own prefix (ids stay unique)
        item.form = TransferAnswerForm(request.POST if posted == str(item.pk) else None, prefix=f"r{item.pk}")
    answering = next((item for item in incoming if item.form.is_bound), None)
    if action == "answer" and answering is None:
        raise Http404
    try:
        if action == "request" and ask.is_valid():
            transfer_request(acting_user=request.user, identity_number=ask.cleaned_data["identity_number"],
                             message=ask.cleaned_data["message"])
            messages.success(request, SENT)
            return redirect("transfers")
        if answering is not None and answering.form.is_valid():
            transfer_answer(acting_user=request.user, request=answering, accept=answering.form.cleaned_data["accept"],
                            answer=answering.form.cleaned_data["answer"])
            messages.success(request, _("Ditt svar är registrerat."))
            return redirect("transfers")
    except ValidationError as exc:
        (ask if action == "request" else answering.form).add_service_error(exc)
    access_log_write(actor=request.user, action=READ, object_type="transfer_list",
                     summary="Begäranden om flytt av ärenden")
    return render(request, "cases/transfers.html", {
        "ask": ask, "incoming": incoming, "outgoing": transfers_outgoing(request.user),
        "answer_errors": answering is not None and bool(answering.form.errors)})

"""The unit's Utskick page (issue 17): today's letters, the day's print batch (make it,
download it, mark it "lämnad till posten"), the letters the unit sends itself, and the
digital mailbox's sends and failures.  Thin: the rules are in ``dispatch``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.audit.services import READ, access_log_write
from lika.households.models import mark_hidden_addresses

from . import dispatch as services
from .access import can_work_with_cases
from .models_dispatch import LetterDispatch, PrintBatch

RECENT_BATCHES = 30


def _staff(request):
    if not can_work_with_cases(request.user):
        raise PermissionDenied
    return request.user


def _batch(user, batch_id) -> PrintBatch:
    """A batch of the user's own unit; another unit's does not exist for her (404)."""
    return get_object_or_404(PrintBatch.objects.select_related("created_by", "posted_by"), pk=batch_id,
                             unit_id=user.unit_id)


@login_required
def dispatch_overview(request):
    user = _staff(request)
    unit, today = user.unit, timezone.localdate()
    errors = None
    if request.method == "POST":
        if request.POST.get("action") != "make":
            raise Http404
        try:
            result = services.dispatch_day(acting_user=user, unit=unit, day=today)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if result.digital.sent:
                messages.success(request, _("%(n)s brev skickade till digital brevlåda.") % {"n": len(result.digital.sent)})
            if result.digital.failed:
                messages.warning(request, _("%(n)s brev kunde inte skickas digitalt och ligger i utskriftsbunten.")
                                 % {"n": len(result.digital.failed)})
            if result.batch is None:
                messages.success(request, _("Inga brev väntar på att skrivas ut."))
                return redirect("dispatch_overview")
            if result.made:
                messages.success(request, _("Dagens utskriftsbunt är skapad."))
            else:
                messages.success(request, _("Dagens utskriftsbunt fanns redan. Brev som har tillkommit sedan dess "
                                            "kommer med i nästa dags bunt."))
            return redirect("print_batch_detail", batch_id=result.batch.pk)
    waiting = list(services.letters_waiting(unit.pk, today))
    mark_hidden_addresses([r.person for r in waiting])
    rows = [{"recipient": r, "route": services.route(r.person)} for r in waiting]
    access_log_write(actor=user, action=READ, object_type="print_batch_list",
                     summary=f"Utskick: {len(waiting)} brev väntar")
    batches = PrintBatch.objects.filter(unit=unit).select_related("created_by", "posted_by").defer(
        "pdf", "internal_pdf")[:RECENT_BATCHES]
    digital = (LetterDispatch.objects.filter(unit=unit, channel=LetterDispatch.Channel.DIGITAL_MAILBOX,
                                             created_at__date=today)
               .select_related("recipient__person", "recipient__decision__application__case").order_by("-id"))
    unit_pile = (LetterDispatch.objects.filter(unit=unit, channel=LetterDispatch.Channel.UNIT,
                                               status=LetterDispatch.Status.IN_BATCH)
                 .select_related("batch", "recipient__person", "recipient__decision__application__case"))
    return render(request, "cases/dispatch.html", {
        "today": today, "unit": unit, "rows": rows, "errors": errors,
        "today_batch": next((b for b in batches if b.day == today), None), "batches": batches,
        "digital": digital, "unit_pile": unit_pile,
    })


@login_required
def print_batch_detail(request, batch_id):
    user = _staff(request)
    batch = _batch(user, batch_id)
    errors = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "posted":
                services.print_batch_mark_posted(acting_user=user, batch=batch)
                messages.success(request, _("Bunten är markerad som lämnad till posten. Breven är registrerade "
                                            "som skickade."))
                return redirect("print_batch_detail", batch_id=batch.pk)
            if action == "unit_sent":
                number = request.POST.get("dispatch", "")
                if not number.isdigit() or len(number) > 18:
                    raise Http404
                dispatch = get_object_or_404(LetterDispatch, pk=int(number), batch=batch)
                services.dispatch_mark_sent_by_unit(acting_user=user, dispatch=dispatch)
                messages.success(request, _("Brevet är registrerat som skickat via enheten."))
                return redirect("print_batch_detail", batch_id=batch.pk)
            raise Http404
        except ValidationError as exc:
            errors = exc.messages
        batch.refresh_from_db()
    access_log_write(actor=user, action=READ, object_type="print_batch", object_id=batch.pk,
                     summary=f"Utskriftsbunt {batch.day.isoformat()}")
    dispatches = list(batch.dispatches.select_related("recipient__person", "recipient__decision__application__case",
                                                      "sent_by"))
    return render(request, "cases/print_batch.html", {
        "batch": batch, "errors": errors,
        "post": [d for d in dispatches if d.channel == LetterDispatch.Channel.POST],
        "internal": [d for d in dispatches if d.channel == LetterDispatch.Channel.UNIT],
    })


def _pdf(request, batch_id, *, internal):
    user = _staff(request)
    batch = _batch(user, batch_id)
    try:
        pdf = services.print_batch_download(acting_user=user, batch=batch, internal=internal)
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{'via-enheten' if internal else 'utskriftsbunt'}-{batch.unit.code}-{batch.day.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def print_batch_pdf(request, batch_id):
    return _pdf(request, batch_id, internal=False)


@login_required
def print_batch_internal_pdf(request, batch_id):
    return _pdf(request, batch_id, internal=True)

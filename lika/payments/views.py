"""The payment run pages.  Thin: each page checks who may see it, calls one service and
redirects, or shows the service's Swedish message on the page.  The rules (who prepares,
who attests, four eyes, reconciliation before attest and export) are in ``services``."""

import csv
import io
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.audit.services import EXPORT, READ, access_log_write
from lika.cases.models import Decision

from . import services
from .forms import BankFileForm, ExportForm, ReissueForm, RunForm
from .iso20022 import Iso20022Error
from .models import FAILED, PaymentOrder, PaymentRun
from .selectors import shared_account_households

RUNS_PER_PAGE = 50
ORDERS_PER_PAGE = 100
# The page prepares a few batches per request, then shows the progress and continues.
PREPARE_BATCH = services.BATCH
PREPARE_BATCHES_PER_REQUEST = 5


def can_handle_payments(user) -> bool:
    """Payment officers prepare runs; users with attesträtt attest them."""
    return user.is_authenticated and (user.has_role(Role.PAYMENT_OFFICER)
                                      or (user.is_active and user.can_attest_payments))


def _payment_user(request):
    if not can_handle_payments(request.user):
        raise PermissionDenied
    return request.user


def _next_month(today):
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_to_pay(today):
    """The month the form offers: the first of last month, this month and next month that has
    issued decisions and no run yet (in December often this month, as January's decisions wait
    for next year's riksnorm); otherwise next month."""
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    months = (last, today.replace(day=1), _next_month(today))
    decided = set(Decision.objects.filter(status=Decision.Status.ISSUED, application__month__in=months)
                  .values_list("application__month", flat=True).distinct())
    with_run = set(PaymentRun.objects.filter(month__in=months).values_list("month", flat=True))
    return next((month for month in months if month in decided and month not in with_run), months[-1])


@login_required
def payment_runs(request):
    user = _payment_user(request)
    may_create = user.has_role(*services.PREPARE_ROLES)
    month = _month_to_pay(timezone.localdate())
    form = RunForm(request.POST if request.method == "POST" else None,
                   initial={"month": month.strftime("%Y-%m")})
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                run = services.payment_run_create(acting_user=user, month=form.cleaned_data["month"],
                                                  payday=form.cleaned_data["payday"])
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Körningen för %(month)s är skapad. Den förbereds nu.")
                                 % {"month": f"{run.month:%Y-%m}"})
                return redirect("payment_run_detail", run_id=run.pk)
    runs = PaymentRun.objects.select_related("prepared_by", "attested_by")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "payments/run_list.html", {"page": page, "form": form, "may_create": may_create})


def _mask(order) -> tuple[str, str]:
    """The kind of account and its last four characters: the rest is never shown."""
    if order.method == "avi":  # the address is never shown in the run
        return _("Utbetalningsavi"), ""
    if order.iban:
        return _("IBAN"), order.iban[-4:]
    if order.account:
        return _("Konto"), order.account[-4:]
    return _("Bankgiro"), order.bankgiro[-4:]


def _act(request, user, run, action):
    """Do ``action`` on ``run`` and send the page back; a refusal raises ValidationError."""
    if action == "prepare":
        if run.status != PaymentRun.Status.PREPARING:  # the button and the page's own timer both sent it
            return redirect("payment_run_detail", run_id=run.pk)
        services.payment_run_prepare(acting_user=user, run=run, batch=PREPARE_BATCH,
                                     max_batches=PREPARE_BATCHES_PER_REQUEST)
        run.refresh_from_db()
        if run.status == PaymentRun.Status.PREPARED:
            messages.success(request, _("Körningen är förberedd och väntar på attest."))
    elif action == "attest":
        services.payment_run_attest(acting_user=user, run=run)
        messages.success(request, _("Körningen är attesterad och kan skickas till banken."))
    elif action == "export":
        form = ExportForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Välj filformat 09 eller 03."))
        services.payment_run_export(acting_user=user, run=run, version=form.cleaned_data["version"])
        run.refresh_from_db()
        messages.success(request, _("Filen %(name)s är skapad och validerad.") % {"name": run.file_name})
    elif action == "sent":  # issue 17
        services.payment_run_mark_sent(acting_user=user, run=run)
        messages.success(request, _("Körningen är markerad som skickad till banken."))
    else:
        raise ValidationError(_("Okänd åtgärd."))
    return redirect("payment_run_detail", run_id=run.pk)


GRANT_ROWS = 500  # grant orders shown on the run's page (a municipality has a few hundred a year)


@login_required
def payment_run_detail(request, run_id):
    user = _payment_user(request)
    run = get_object_or_404(PaymentRun.objects.select_related("prepared_by", "attested_by", "sent_to_bank_by"),
                            pk=run_id)
    errors = None
    if request.method == "POST":
        try:
            return _act(request, user, run, request.POST.get("action"))
        except (ValidationError, Iso20022Error) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        run.refresh_from_db()
    else:
        access_log_write(actor=user, action=READ, object_type="payment_run", object_id=run.pk,
                         summary=f"Läst utbetalningskörning {run.month:%Y-%m}")
    context = {"run": run, "errors": errors, "is_preparer": user.pk == run.prepared_by_id,
               "export_form": ExportForm()}
    if run.status != PaymentRun.Status.PREPARING:
        differences = services.reconciliation(run)
        summary = run.orders.aggregate(count=Count("id"), total=Sum("amount"),
                                       adults=Count("id", filter=Q(person__isnull=False)),
                                       direct=Count("id", filter=Q(person__isnull=True)),
                                       avi=Count("id", filter=Q(method="avi")))
        holds = run.holds.select_related("share__person", "decision__application__case").order_by("id")
        page = Paginator(run.orders.order_by("id"), ORDERS_PER_PAGE).get_page(request.GET.get("sida"))
        context.update({
            "differences": differences, "summary": summary, "holds": holds, "page": page,
            "shared": shared_account_households(run),
            "grant_orders": run.grant_orders.order_by("id")[:GRANT_ROWS],
            "grant_holds": run.grant_holds.select_related("decision__application__association").order_by("id"),
            "orders": [(order, *_mask(order)) for order in page.object_list],
            "can_attest": (run.status == PaymentRun.Status.PREPARED and user.can_attest_payments
                           and user.pk != run.prepared_by_id and not differences),
            "can_export": run.status == PaymentRun.Status.ATTESTED,
        })
    return render(request, "payments/run_detail.html", context)


def _run_for_download(request, run_id):
    user = _payment_user(request)
    run = get_object_or_404(PaymentRun, pk=run_id)
    return user, run


@login_required
def payment_run_file(request, run_id):
    """The pain.001 file of an exported run, as it was sent to the bank."""
    user, run = _run_for_download(request, run_id)
    path = settings.LIKA_PAYMENT_FILES / run.file_name if run.file_name else None
    if run.status != PaymentRun.Status.EXPORTED or path is None or not path.is_file():
        raise Http404
    access_log_write(actor=user, action=EXPORT, object_type="payment_run", object_id=run.pk,
                     summary=f"Betalfilen för {run.month:%Y-%m} hämtad", new={"file": run.file_name})
    return FileResponse(open(path, "rb"), as_attachment=True, filename=run.file_name,
                        content_type="application/xml")


@login_required
def payment_run_accounting(request, run_id):
    """The accounting file: semicolon-separated, UTF-8 with a BOM so that Excel reads it."""
    user, run = _run_for_download(request, run_id)
    if run.status == PaymentRun.Status.PREPARING:
        raise Http404
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(services.accounting_rows(run))
    access_log_write(actor=user, action=EXPORT, object_type="payment_run", object_id=run.pk,
                     summary=f"Bokföringsfilen för {run.month:%Y-%m} hämtad")
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bokforing-{run.month:%Y-%m}-{run.pk}.csv"'
    return response


@login_required
def payment_bank_files(request):
    """Files from the bank in, and failed payments out again (once) — for the utbetalare."""
    user = _payment_user(request)
    if not user.has_role(*services.PREPARE_ROLES):
        raise PermissionDenied


    action = request.POST.get("action") if request.method == "POST" else None
    upload = BankFileForm(request.POST if action == "import" else None,
                          request.FILES if action == "import" else None)
    open_runs = list(PaymentRun.objects.filter(status__in=[PaymentRun.Status.PREPARING,
                                                           PaymentRun.Status.PREPARED]).order_by("-month", "-id"))
    reissue = ReissueForm(request.POST if action == "reissue" else None, runs=open_runs)
    try:
        if action == "import" and upload.is_valid():
            counts = services.payment_file_import(acting_user=user, text=upload.cleaned_data["file"])
            messages.success(request, _("Filen är inläst: %(updated)s betalningar uppdaterade, %(unchanged)s "
                                        "oförändrade, %(unknown)s okända.") % counts)
            return redirect("payment_bank_files")
        if action == "reissue" and reissue.is_valid():
            order = get_object_or_404(PaymentOrder, pk=reissue.cleaned_data["order"])
            run = next(r for r in open_runs if r.pk == reissue.cleaned_data["run"])
            new = services.payment_order_reissue(acting_user=user, order=order, run=run)
            messages.success(request, _("Betalningen skickas igen som %(id)s.") % {"id": new.end_to_end_id})
            return redirect("payment_bank_files")
    except (ValidationError, Iso20022Error) as exc:
        form = upload if action == "import" else reissue
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
    failed = (PaymentOrder.objects.filter(status__in=FAILED, reissued_as__isnull=True)
              .select_related("run", "decision__application__case").order_by("status_at", "id")[:200])
    return render(request, "payments/bank_files.html", {
        "upload": upload, "reissue": reissue, "failed": failed, "open_runs": open_runs})

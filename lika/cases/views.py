"""Case pages.  Thin: every page gets its case through ``access_case`` (unit check and
access log), calls one service and redirects, or re-renders with the errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.audit.services import EXPORT, READ, access_log_write
from lika.households.models import BankAccountChange, mark_hidden_addresses
from lika.norms.selectors import norm_years
from lika.web.search import search_redirect, search_terms

from . import decisions as decision_services
from . import selectors, services
from .access import access_case, access_person, can_work_with_cases, handled_elsewhere
from .bank_accounts import account_change_cancel, account_change_confirm, payment_method_set
from .forms import (
    CO_RESIDENT_ROWS,
    AccountChangeForm,
    ApplicationForm,
    CaseCloseForm,
    ChildForm,
    ConfirmForm,
    CoResidentForm,
    DecisionLineForm,
    DeliveryForm,
    ExceptionDecisionForm,
    ExceptionEndForm,
    ExceptionForm,
    JournalForm,
    MembershipAddForm,
    MembershipEndForm,
    ObstacleForm,
    PaymentForm,
    PaymentMethodForm,
    PersonEditForm,
    PersonForm,
    RegisterForm,
    default_application_month,
    entry_forms,
)
from .models import Application, Decision, DecisionRecipient, PaymentException


@login_required
def _case_user(request):
    if not can_work_with_cases(request.user):
        raise PermissionDenied
    return request.user


@login_required
def worklist(request):
    user = _case_user(request)
    work = selectors.worklist_for(user, timezone.localdate())
    access_log_write(actor=user, action=READ, object_type="worklist", summary="Mina ärenden")
    return render(request, "cases/worklist.html", {"work": work, "is_manager": user.role == Role.UNIT_MANAGER})


def _assign_many_form(user, workers):
    from .case_moves import is_manager
    from .move_forms import AssignForm

    return AssignForm(workers=workers, prefix="assign") if is_manager(user) else None


@login_required
def case_list(request):
    """The unit's cases: search (posted, kept behind a token), filters, sorting and pages
    as GET parameters (lika.cases.case_list)."""
    from urllib.parse import urlencode

    from . import case_list as listing

    user = _case_user(request)
    workers = listing.unit_case_workers(user)
    if request.method == "POST":  # the terms can hold a personnummer: never in the address
        filters = listing.Filters.from_get(request.POST, workers)
        if request.POST.get("mine") == "1" and not filters.worker:
            filters.worker = "mine"
        params = filters.params()
        if request.POST.get("q", "").strip():
            response = search_redirect(request, "case_list", ("q",))
            if params:
                response["Location"] += "&" + urlencode(params)
            return response
        return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)
    terms = search_terms(request, "case_list") or {}
    query = terms.get("q", "").strip()
    filters = listing.Filters.from_get(request.GET, workers)
    page = listing.case_list_page(user, query=query, filters=filters, page_number=request.GET.get("sida"),
                                  today=timezone.localdate())
    cases = page.object_list
    access_log_write(actor=user, action=READ, object_type="case_list", summary=listing.describe(query, filters, page),
                     new={"households": [case.household_id for case in cases]})
    return render(request, "cases/case_list.html", {
        "cases": cases, "page": page, "query": query, "filters": filters, "workers": workers,
        "statuses": listing.STATUSES, "todos": listing.TODOS, "sorts": listing.sort_links(filters),
        "assign_many": _assign_many_form(user, workers),  # issue 17: the manager assigns ticked cases
        "status": filters.status, "mine": filters.worker == "mine"})


@login_required
def case_register(request):
    user = _case_user(request)
    post = request.POST if request.method == "POST" else None
    form = RegisterForm(post, initial={"since": timezone.localdate()})
    adult1 = PersonForm(post, prefix="adult1")
    adult2 = PersonForm(post, prefix="adult2")
    children = [ChildForm(post, prefix=f"child{i}") for i in range(4)]
    others = [CoResidentForm(post, prefix=f"other{i}") for i in range(CO_RESIDENT_ROWS)]
    if post is not None:
        second = form.is_valid() and form.cleaned_data["second_adult"]
        if form.is_valid() and not second and adult2.has_input():  # never drop a filled-in adult silently
            form.add_error("second_adult", _("Vuxen 2 är ifylld men rutan ”Hushållet har två vuxna” är inte "
                                             "ikryssad. Kryssa i rutan eller töm uppgifterna om vuxen 2."))
        forms_ok = form.is_valid() & adult1.is_valid() & (adult2.is_valid() if second else True)
        forms_ok &= all([child.is_valid() for child in children])
        forms_ok &= all([other.is_valid() for other in others])
        if forms_ok:
            adults = [adult1.person_data()] + ([adult2.person_data()] if second else [])
            kids = [c.person_data() for c in children if not c.is_blank()]
            try:
                case = services.case_register(acting_user=user, adults=adults, children=kids,
                                              cohabiting=form.cleaned_data["cohabiting"],
                                              since=form.cleaned_data["since"],
                                              co_residents=[o.person_data() for o in others if not o.is_blank()])
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Ärendet %(ref)s är registrerat.") % {"ref": case.reference})
                return redirect("case_detail", case_id=case.pk)
        if not second and not adult2.has_input():
            adult2 = PersonForm(prefix="adult2")
    all_forms = [form, adult1, adult2, *children, *others]
    name_forms(adult1, adult2, children, others)
    return render(request, "cases/case_register.html", {
        "form": form, "adult1": adult1, "adult2": adult2, "children": children, "others": others,
        "all_forms": all_forms, "has_errors": any(f.errors for f in all_forms)})


def name_forms(adult1, adult2, children, others) -> None:
    """Each person's form gets the name the error summary puts before its errors (issue 17):
    "Vuxen 2 (Johan Lind)", "Barn 1 (Maja)", "Annan person i bostaden 1"."""
    def named(label, f):
        data = f.data if f.is_bound else {}
        name = " ".join(data.get(f.add_prefix(k), "").strip() for k in ("first_name", "last_name")).strip()
        f.summary_name = f"{label} ({name})" if name else label

    named(_("Vuxen 1"), adult1)
    named(_("Vuxen 2"), adult2)
    for number, child in enumerate(children, 1):
        named(_("Barn %(n)s") % {"n": number}, child)
    for number, other in enumerate(others, 1):
        named(_("Annan person i bostaden %(n)s") % {"n": number}, other)


def _adults_now(case, history=None):
    """The adults of the household today (from ``history``, every membership with its person,
    when the page has read it), else those of the month the case was opened."""
    today = timezone.localdate()
    if history is None:
        members = services.memberships_on(case.household_id, today)
    else:  # the same rows as memberships_on, without reading them again
        members = services.in_force_on(history, today)
    return [m.person for m in members if m.role == "adult"] or [
        m.person for m in services.memberships_in_month(case.household_id, case.opened_on.replace(day=1))
        if m.role == "adult"]


def _dwelling_now(current) -> int | None:
    """Persons in the dwelling today, when someone there is a co-resident (else None)."""
    today = timezone.localdate()
    now = [m for m in current if m.valid_from <= today]
    return len(now) if any(m.role == "co_resident" for m in now) else None


@login_required
def case_detail(request, case_id):
    case = access_case(request.user, case_id, what="Läst ärendeöversikt")
    from lika.payments.selectors import payment_holds
    from lika.plans.selectors import case_plan_section

    action = request.POST.get("action") if request.method == "POST" else None
    close = CaseCloseForm(request.POST if action == "close" else None, prefix="close")
    try:
        if action == "close" and close.is_valid():
            services.case_close(acting_user=request.user, case=case, closed_on=close.cleaned_data["closed_on"],
                                reason=close.cleaned_data["reason"])
            messages.success(request, _("Ärendet är avslutat."))
            return redirect("case_detail", case_id=case.pk)
        if action == "reopen":
            services.case_reopen(acting_user=request.user, case=case)
            messages.success(request, _("Ärendet är aktuellt igen."))
            return redirect("case_detail", case_id=case.pk)
    except ValidationError as exc:
        close.add_service_error(exc)

    history = list(selectors.household_history(case))
    mark_hidden_addresses(m.person for m in history)
    adults = _adults_now(case, history)
    current = [m for m in history if m.valid_to is None]
    for m in current:  # a co-resident whom another unit's case has is shown, not opened from here
        m.openable = m.role != "co_resident" or not handled_elsewhere(request.user, m.person)
    return render(request, "cases/case_detail.html", {
        "case": case, "history": history, "adults": adults,
        "current": current, "dwelling": _dwelling_now(current),
        "applications": selectors.case_applications(case)[:24],
        "decisions": selectors.case_decisions(case)[:24],
        "exceptions": selectors.case_exceptions(case),
        "payment_holds": payment_holds([case.pk]),
        "plan_section": case_plan_section(case, adults),
        "journal": case.journal.select_related("written_by")[:5],
        "close": close,
    })


@login_required
def person_detail(request, case_id, person_id):
    case, person = access_person(request.user, case_id, person_id, what="Läst personuppgifter")
    hide_address = person.address_hidden  # her own protection or a protected member of her household
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS
               if not (hide_address and f in services.ADDRESS_FIELDS)}
    action = request.POST.get("action", "save") if request.method == "POST" else None
    form = PersonEditForm(request.POST if action == "save" else None, initial=initial, hide_address=hide_address)
    asked_by_holder = person.account_changes.filter(status=BankAccountChange.Status.PENDING,
                                                    requested_by_person=person).exists()
    account = AccountChangeForm(request.POST if action in ("confirm_account", "cancel_account") else None,
                                initial={"channel": BankAccountChange.Channel.HOLDER_E_ID} if asked_by_holder else None)
    method = PaymentMethodForm(request.POST if action == "payment_method" else None, prefix="pay",
                               initial={"method": person.payment_method})
    show_protected = False
    if action == "reveal":
        show_protected = hide_address
        access_log_write(actor=request.user, action=READ, object_type="protected_address", object_id=person.pk,
                         person_id=person.pk, household_id=case.household_id,
                         summary="Skyddad adress visad för handläggaren")
    elif action == "save" and form.is_valid():
        try:
            services.person_update(acting_user=request.user, case=case, person=person, data=form.person_data(),
                                   keep_address=hide_address)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Uppgifterna om %(name)s är sparade.") % {"name": person})
            if person.account_changes.filter(status=BankAccountChange.Status.PENDING,
                                             requested_by=request.user).exists():
                messages.info(request, _("Kontoändringen gäller när en kollega på enheten har bekräftat den."))
            return redirect("case_detail", case_id=case.pk)
    elif action == "payment_method" and method.is_valid():
        try:
            payment_method_set(acting_user=request.user, case=case, person=person,
                               method=method.cleaned_data["method"], note=method.cleaned_data["note"])
        except ValidationError as exc:
            method.add_service_error(exc)
        else:
            messages.success(request, _("Utbetalningssättet är ändrat."))
            return redirect("person_detail", case_id=case.pk, person_id=person.pk)
    elif action in ("confirm_account", "cancel_account") and account.is_valid():
        change = get_object_or_404(BankAccountChange, pk=account.cleaned_data["change"], person=person)
        try:
            if action == "confirm_account":
                account_change_confirm(acting_user=request.user, case=case, change=change,
                                       channel=account.cleaned_data["channel"])
                messages.success(request, _("Kontoändringen är bekräftad."))
            else:
                account_change_cancel(acting_user=request.user, case=case, change=change)
                messages.success(request, _("Kontoändringen är återkallad."))
        except ValidationError as exc:
            account.add_service_error(exc)
        else:
            return redirect("person_detail", case_id=case.pk, person_id=person.pk)
    from lika.payments.selectors import payment_history

    return render(request, "cases/person_detail.html", {
        "case": case, "person": person, "form": form, "account": account, "show_protected": show_protected,
        "method": method,
        "payments": payment_history(person),
        "pending": (person.account_changes.filter(status=BankAccountChange.Status.PENDING)
                    .select_related("requested_by").first())})


@login_required
def household_edit(request, case_id):
    case = access_case(request.user, case_id, what="Läst hushållets sammansättning")
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if post else None
    current = services.memberships_on(case.household_id, timezone.localdate())
    add = MembershipAddForm(post if action == "add" else None, prefix="add",
                            initial={"valid_from": timezone.localdate()})
    end = MembershipEndForm(post if action == "end" else None, prefix="end", memberships=current,
                            initial={"last_day": timezone.localdate()})
    if action == "add" and add.is_valid():
        try:
            services.membership_add(acting_user=request.user, case=case, data=add.person_data(),
                                    role=add.cleaned_data["role"], valid_from=add.cleaned_data["valid_from"],
                                    cohabiting=add.cleaned_data["cohabiting"])
        except ValidationError as exc:
            add.add_service_error(exc)
        else:
            messages.success(request, _("Hushållet är ändrat."))
            return redirect("case_detail", case_id=case.pk)
    if action == "end" and end.is_valid():
        membership = next((m for m in current if m.pk == end.cleaned_data["membership"]), None)
        try:
            if membership is None:
                raise ValidationError(_("Välj en person i hushållet."))
            services.membership_end(acting_user=request.user, case=case, membership=membership,
                                    last_day=end.cleaned_data["last_day"])
        except ValidationError as exc:
            end.add_service_error(exc)
        else:
            messages.success(request, _("Hushållet är ändrat."))
            return redirect("case_detail", case_id=case.pk)
    return render(request, "cases/household_edit.html", {
        "case": case, "add": add, "end": end, "history": selectors.household_history(case)})


@login_required
def application_new(request, case_id):
    case = access_case(request.user, case_id, what="Ny ansökan")
    adults = _adults_now(case)
    today = timezone.localdate()
    years = norm_years()
    month = default_application_month(today, years)
    from datetime import date

    from .reapplication import application_create_from_previous, previous_application

    form = ApplicationForm(request.POST if request.method == "POST" else None, adults=adults, norm_years=years,
                           previous=previous_application(case, date.max),
                           initial={"month": month.strftime("%Y-%m"), "received_on": today,
                                    "applicant_confirmed": True, "copy_previous": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = next(p for p in adults if p.pk == data["applicant"])
        try:
            application, copied = application_create_from_previous(
                acting_user=request.user, case=case, copy=data.get("copy_previous", False), month=data["month"],
                applicant=applicant, joint=data["joint"], channel=data["channel"], received_on=data["received_on"],
                applicant_confirmed=data["applicant_confirmed"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if copied.source is not None:
                messages.success(request, _("Ansökan är registrerad och ifylld från ansökan %(month)s. Ändra det "
                                            "som inte stämmer för den nya månaden.")
                                 % {"month": f"{copied.source.month:%Y-%m}"})
            else:
                messages.success(request, _("Ansökan är registrerad."))
            return redirect("application_detail", case_id=case.pk, application_id=application.pk)
    return render(request, "cases/application_new.html", {"case": case, "form": form})


def _application(case, application_id):
    return get_object_or_404(Application.objects.select_related("applicant", "case"), pk=application_id,
                             case=case)


@login_required
def application_detail(request, case_id, application_id):
    case = access_case(request.user, case_id, what="Läst ansökan")
    application = _application(case, application_id)
    members = services.memberships_in_month(case.household_id, application.month)
    people = [m.person for m in members]
    adults = [m.person for m in members if m.role == "adult"]
    action = request.POST.get("action") if request.method == "POST" else None
    post = request.POST if action == "entries" else None
    rows = _entry_rows(request, case, application, people, adults, post)
    costs, incomes, obstacles = rows["costs"], rows["incomes"], rows["obstacles"]
    confirm = ConfirmForm(request.POST if action == "confirm" else None)
    error = rows["error"]
    try:
        if action == "entries" and not rows["pressed"] \
                and all([f.is_valid() for f in (*costs, *incomes, obstacles)]):
            services.application_entries_save(
                acting_user=request.user, application=application,
                costs=[f.entry() for f in costs if not f.is_blank()],
                incomes=[f.entry() for f in incomes if not f.is_blank()], obstacles=obstacles.obstacles())
            if request.POST.get("calculate"):
                services.calculation_make(acting_user=request.user, application=application)
                messages.success(request, _("Uppgifterna är sparade och ansökan är beräknad."))
            else:
                messages.success(request, _("Uppgifterna är sparade."))
            return redirect("application_detail", case_id=case.pk, application_id=application.pk)
        if action == "withdraw_undo":  # withdrawing itself is a page of its own (withdraw_views)
            services.application_withdraw_undo(acting_user=request.user, application=application)
            messages.success(request, _("Ansökan är återupptagen och handläggs igen."))
            return redirect("application_detail", case_id=case.pk, application_id=application.pk)
        if action == "abandon_change":
            decision_services.decision_change_abandon(acting_user=request.user, application=application)
            messages.success(request, _("Ändringen är avbruten. Det tidigare beslutet gäller."))
            return redirect("application_detail", case_id=case.pk, application_id=application.pk)
        if action == "confirm" and confirm.is_valid():
            party = application.parties.filter(pk=confirm.cleaned_data["party"]).first()
            if party is None:
                raise Http404
            services.application_confirm(acting_user=request.user, application=application, party=party,
                                         channel=confirm.cleaned_data["channel"])
            messages.success(request, _("Bekräftelsen är registrerad."))
            return redirect("application_detail", case_id=case.pk, application_id=application.pk)
    except ValidationError as exc:
        error = exc.messages
    calculation = application.calculations.filter(superseded_at__isnull=True).select_related("norm_table").first()
    entry_errors = action == "entries" and not rows["pressed"] and any(f.errors for f in (obstacles, *costs,
                                                                                          *incomes))
    return render(request, "cases/application_detail.html", status=400 if error or entry_errors else 200,
                  context={
        "case": case, "application": application, "people": people, "adults": adults,
        "co_residents": [m.person for m in services.co_residents_in_month(case.household_id, application.month)],
        "parties": application.parties.select_related("person"), "costs": costs, "incomes": incomes,
        "obstacles": obstacles, "calculation": calculation, "errors": error,
        "result": selectors.stored_result(calculation.result) if calculation else None,
        "entry_forms": [obstacles, *costs, *incomes],
        "entry_errors": entry_errors, "previous": rows["previous"],
        "superseded": application.calculations.filter(superseded_at__isnull=False).count(),
        "decisions": application.decisions.select_related("decided_by"),
        "channels": Application.Channel.choices,
        "housing": housing_context(application, members),
        **collection_context(application, adults),  # issue 17: digital inhämtning
    })


def _entry_rows(request, case, application, people, adults, post) -> dict:
    """The rows of costs and incomes and the försörjningshinder on the application's page
    (issue 17): saved rows and two empty ones; on a post, the rows as typed, with a row
    added, removed or the previous application's rows filled in when a button asked for it."""
    from .forms import EntryRowsError, entry_rows_posted
    from .reapplication import previous_application, previous_entries

    saved_obstacles = {o.person_id: o.category for o in application.obstacles.all()}
    out = {"error": None, "pressed": False,
           "previous": previous_application(case, application.month, exclude_id=application.pk)}
    if post is not None:
        try:
            out["costs"], out["incomes"], out["pressed"] = entry_rows_posted(post, people)
            out["obstacles"] = ObstacleForm(post, adults=adults, initial_values=saved_obstacles)
        except EntryRowsError:
            out["error"] = [_("Formuläret är skadat. Ladda om sidan och försök igen.")]
            post = None
        if post is not None and post.get("copy"):
            copied = previous_entries(case, application.month, exclude_id=application.pk)
            if copied.source is None:
                messages.info(request, _("Det finns ingen tidigare ansökan att fylla i från."))
            else:
                out["costs"], out["incomes"] = entry_forms(None, application, people, copied.costs, copied.incomes)
                out["obstacles"] = ObstacleForm(adults=adults, initial_values=copied.obstacles)
                messages.info(request, _("Raderna från ansökan %(month)s är ifyllda men inte sparade. Ändra det som "
                                         "inte stämmer och spara.") % {"month": f"{copied.source.month:%Y-%m}"})
            out["pressed"] = True
        if post is not None:
            return out
    out["costs"], out["incomes"] = entry_forms(None, application, people, list(application.costs.all()),
                                               list(application.incomes.all()))
    out["obstacles"] = ObstacleForm(adults=adults, initial_values=saved_obstacles)
    return out


def collection_context(application, adults) -> dict:
    from lika.datacollection.selectors import collection_context

    return {**collection_context(application, adults), "collection_editable": application.status in (
        Application.Status.RECEIVED, Application.Status.CALCULATED, Application.Status.CHANGING)}


def housing_context(application, members):
    from .housing_views import housing_context

    return housing_context(application, members)


@login_required
def decision_new(request, case_id, application_id):
    case = access_case(request.user, case_id, what="Beslutsförslag")
    application = _application(case, application_id)
    calculation = application.calculations.filter(superseded_at__isnull=True).first()
    if calculation is None:
        messages.error(request, _("Ansökan måste beräknas innan beslut."))
        return redirect("application_detail", case_id=case.pk, application_id=application.pk)
    lines = decision_services.need_lines(calculation)
    post = request.POST if request.method == "POST" else None
    line_forms = [DecisionLineForm(post, prefix=f"line{i}",
                                   initial=DecisionLineForm.initial_for(decision_services.proposed_line(line)))
                  for i, line in enumerate(lines)]
    exceptions = list(case.payment_exceptions.filter(status=PaymentException.Status.APPROVED,
                                                     valid_from__lte=application.month,
                                                     valid_to__gte=application.month)
                      .exclude(reason=decision_services.SHARED_ACCOUNT).select_related("recipient"))
    changing = application.status == Application.Status.CHANGING
    provisional = decision_services.calculation_is_provisional(calculation)
    payment = PaymentForm(post, exceptions=exceptions, changing=changing, provisional=provisional)
    if post is not None and all([f.is_valid() for f in (*line_forms, payment)]):
        try:
            decision = decision_services.decision_make(
                acting_user=request.user, application=application,
                lines=[f.line_decision() for f in line_forms], payment_mode=payment.cleaned_data["payment_mode"],
                exception_id=payment.cleaned_data["exception"], direct=payment.direct(),
                change_reason=payment.cleaned_data.get("change_reason", ""),
                acknowledge_provisional=payment.cleaned_data.get("acknowledge_provisional", False))
        except ValidationError as exc:
            payment.add_service_error(exc)
        else:
            if decision.status == Decision.Status.ISSUED:
                messages.success(request, _("Beslutet är fattat. Skicka det till båda de vuxna."))
            else:
                messages.success(request, _("Beslutet är över din delegation och väntar på enhetschefen."))
            return redirect("decision_detail", case_id=case.pk, decision_id=decision.pk)
    return render(request, "cases/decision_new.html", {
        "case": case, "application": application, "calculation": calculation,
        "rows": list(zip(lines, line_forms, strict=True)), "payment": payment,
        "all_forms": [*line_forms, payment], "has_errors": any(f.errors for f in (*line_forms, payment)),
        "counted_income": decision_services.counted_income(calculation),
        "limit": decision_services.delegation_limit(), "changing": changing,
        "current": decision_services.current_decision(application) if changing else None,
    })


def _decision(case, decision_id):
    return get_object_or_404(Decision.objects.select_related("application__applicant", "decided_by",
                                                             "prepared_by", "payment_exception"),
                             pk=decision_id, application__case=case)


@login_required
def decision_detail(request, case_id, decision_id):
    case = access_case(request.user, case_id, what="Läst beslut")
    decision = _decision(case, decision_id)
    action = request.POST.get("action") if request.method == "POST" else None
    delivery = DeliveryForm(request.POST if action == "deliver" else None)
    error = None
    # issue 17: an appeal received on paper is registered here (lika.cases.paper_appeal)
    from .paper_appeal import paper_appeal_form, paper_appeal_register
    recipients = list(decision.recipients.select_related("person", "delivery_recorded_by")
                      .defer(*selectors.LETTER_CONTENT))
    appeal_form = paper_appeal_form(request, decision, recipients, posted=action == "appeal")
    if action == "appeal" and decision.status == Decision.Status.ISSUED:
        registered = paper_appeal_register(request, case, decision, appeal_form)
        if registered is not None:
            return registered
    try:
        if action == "deliver" and delivery.is_valid():
            recipient = get_object_or_404(DecisionRecipient, pk=delivery.cleaned_data["recipient"], decision=decision)
            decision_services.recipient_record_delivery(
                acting_user=request.user, recipient=recipient, channel=delivery.cleaned_data["channel"],
                delivered_on=delivery.cleaned_data["delivered_on"])
            messages.success(request, _("Utskicket till %(name)s är registrerat.") % {"name": recipient.person})
            return redirect("decision_detail", case_id=case.pk, decision_id=decision.pk)
        if action == "approve":
            decision_services.decision_approve(
                acting_user=request.user, decision=decision,
                acknowledge_provisional=request.POST.get("acknowledge_provisional") == "on")
            messages.success(request, _("Beslutet är fattat."))
            return redirect("decision_detail", case_id=case.pk, decision_id=decision.pk)
        if action == "discard":
            decision_services.decision_discard(acting_user=request.user, decision=decision)
            messages.success(request, _("Beslutsförslaget är återkallat."))
            return redirect("application_detail", case_id=case.pk, application_id=decision.application_id)
        if action == "change":
            decision_services.decision_change_start(acting_user=request.user, decision=decision)
            messages.success(request, _("Beslutet kan nu ändras. Det gäller tills ändringsbeslutet är fattat."))
            return redirect("application_detail", case_id=case.pk, application_id=decision.application_id)
    except ValidationError as exc:
        error = exc.messages
    return render(request, "cases/decision_detail.html", {
        "case": case, "decision": decision, "lines": decision.lines.all(),
        "shares": decision.shares.select_related("person"),
        "recipients": recipients, "appeal_form": appeal_form,
        "appeals": decision.appeals.select_related("person").order_by("-submitted_at", "-id"),
        "delivery": delivery, "errors": error, "channels": DecisionRecipient.Channel.choices,
        "can_approve": (decision.status == Decision.Status.AWAITING_APPROVAL
                        and request.user.role == Role.UNIT_MANAGER),
        "can_change": (decision.status == Decision.Status.ISSUED and decision.superseded_at is None
                       and decision.application.status == Application.Status.DECIDED),
        "replaced_by": decision.superseded_by.filter(status=Decision.Status.ISSUED).first(),
        "today": timezone.localdate(),
    })


@login_required
def decision_letter(request, case_id, decision_id, person_id):
    case = access_case(request.user, case_id, what="Hämtat beslutsbrev", log=False)
    decision = _decision(case, decision_id)
    recipient = get_object_or_404(DecisionRecipient.objects.select_related("person"), decision=decision,
                                  person_id=person_id)
    access_log_write(actor=request.user, action=EXPORT, object_type="decision_letter", object_id=recipient.pk,
                     person_id=person_id, household_id=case.household_id, summary="Beslutsbrev hämtat som PDF")
    pdf = decision_services.recipient_letter_pdf(recipient)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="beslut-{case.reference}-'
                                       f'{decision.application.month:%Y-%m}-{person_id}.pdf"')
    return response


@login_required
def decision_letter_page(request, case_id, decision_id, person_id, lang):
    """The letter to one adult on a page, in Swedish (the decision) or in its English or
    Arabic translation."""
    from django.utils.safestring import mark_safe

    from .letters import LETTER_LANGUAGES, letter_page_body

    if lang not in LETTER_LANGUAGES:
        raise Http404
    case = access_case(request.user, case_id, what="Läst beslutsbrev", log=False)
    decision = _decision(case, decision_id)
    recipient = get_object_or_404(DecisionRecipient.objects.select_related("person"), decision=decision,
                                  person_id=person_id)
    access_log_write(actor=request.user, action=READ, object_type="decision_letter", object_id=recipient.pk,
                     person_id=person_id, household_id=case.household_id,
                     summary=f"Beslutsbrev läst på sidan ({lang})")
    body = mark_safe(letter_page_body(decision, recipient, lang))  # our own templates, escaped
    return render(request, "cases/letter_page.html", {
        "case": case, "decision": decision, "recipient": recipient, "lang": lang, "body": body,
        "dir": "rtl" if lang == "ar" else "ltr",
        "languages": [("sv", _("Svenska (beslutet)")), ("en", "English"), ("ar", "العربية")],
    })


@login_required
def exception_new(request, case_id):
    case = access_case(request.user, case_id, what="Nytt undantag från delad utbetalning")
    adults = _adults_now(case)
    initial = {"valid_from": timezone.localdate().replace(day=1)}
    # Issue 17: prefilled from the guidance after the answer yes about violence (?mottagare=&skal=).
    recipient = request.GET.get("mottagare", "")
    if any(str(p.pk) == recipient for p in adults):
        initial["recipient"] = int(recipient)
    if request.GET.get("skal") in decision_services.exception_reasons():
        initial["reason"] = request.GET["skal"]
    form = ExceptionForm(request.POST if request.method == "POST" else None, adults=adults, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = next(p for p in adults if p.pk == data["recipient"])
        try:
            exception = decision_services.exception_request(
                acting_user=request.user, case=case, recipient=recipient, reason=data["reason"],
                reason_text=data["reason_text"], valid_from=data["valid_from"], valid_to=data["valid_to"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Undantaget är skickat till enhetschefen för godkännande."))
            return redirect("exception_detail", case_id=case.pk, exception_id=exception.pk)
    return render(request, "cases/exception_new.html", {"case": case, "form": form})


@login_required
def exception_detail(request, case_id, exception_id):
    case = access_case(request.user, case_id, what="Läst undantag från delad utbetalning")
    exception = get_object_or_404(PaymentException.objects.select_related("recipient", "requested_by", "decided_by"),
                                  pk=exception_id, case=case)
    action = request.POST.get("action") if request.method == "POST" else None
    decide = ExceptionDecisionForm(request.POST if action == "decide" else None)
    end = ExceptionEndForm(request.POST if action == "end" else None)
    try:
        if action == "decide" and decide.is_valid():
            decision_services.exception_decide(acting_user=request.user, exception=exception,
                                               approve=decide.cleaned_data["approve"],
                                               note=decide.cleaned_data["decision_note"])
            messages.success(request, _("Ditt beslut om undantaget är registrerat."))
            return redirect("exception_detail", case_id=case.pk, exception_id=exception.pk)
        if action == "end" and end.is_valid():
            decision_services.exception_end(acting_user=request.user, exception=exception,
                                            last_day=end.cleaned_data["last_day"])
            messages.success(request, _("Undantaget är avslutat. Utbetalningen delas lika igen."))
            return redirect("exception_detail", case_id=case.pk, exception_id=exception.pk)
    except ValidationError as exc:
        (decide if action == "decide" else end).add_service_error(exc)
    user = request.user
    return render(request, "cases/exception_detail.html", {
        "case": case, "exception": exception, "decide": decide, "end": end,
        "reason_label": decision_services.exception_reasons().get(exception.reason, exception.reason),
        "can_decide": (exception.status == PaymentException.Status.REQUESTED and user.role == Role.UNIT_MANAGER
                       and exception.requested_by_id != user.pk),
        "can_end": exception.status == PaymentException.Status.APPROVED,
    })


@login_required
def journal(request, case_id):
    case = access_case(request.user, case_id, what="Läst journal")
    form = JournalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_write(acting_user=request.user, case=case, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Anteckningen är signerad och sparad."))
            return redirect("journal", case_id=case.pk)
    return render(request, "cases/journal.html", {
        "case": case, "form": form, "notes": case.journal.select_related("written_by", "corrects")})

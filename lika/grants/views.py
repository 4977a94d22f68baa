from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.core.money import to_ore
from lika.core.typed_attendance import TypedAttendanceError, TypedRow, occasions_from_rows
from lika.web.permissions import role_required

from . import services
from .forms import (
    AccountChangeForm,
    AccountConfirmForm,
    AssociationEditForm,
    AssociationForm,
    AttendanceForm,
    BudgetForm,
    GrantGiverForm,
    ProgrammeForm,
    RuleVersionForm,
    SubmitForm,
    TypedChoiceForm,
    typed_formset,
)
from .models import Association, AssociationAccountChange, Gender, GrantGiver, Programme


@login_required
def grants_home(request):
    """The association's own page, or the administrator's register of associations."""
    if request.user.has_role(Role.ASSOCIATION) and request.user.association_id:
        return association_detail(request, request.user.association_id)
    if request.user.has_role(Role.GRANTS_OFFICER):
        return redirect("grants_worklist")
    if request.user.has_role(Role.ADMINISTRATOR):
        return admin_associations(request)
    raise PermissionDenied


@role_required(Role.ASSOCIATION)
def association_detail(request, association_id):
    association = services.own_association(request.user, association_id)
    response, account = _account_actions(request, association)
    if response is not None:
        return response
    applications = association.applications.select_related("programme", "decision").order_by("-submitted_at")
    return render(request, "grants/association.html", {"association": association, "applications": applications,
                                                       **account})


@role_required(Role.ASSOCIATION)
def apply(request, association_id):
    association = services.own_association(request.user, association_id)
    action = request.POST.get("action") if request.method == "POST" else None
    form = AttendanceForm(request.POST if action == "preview" else None,
                          request.FILES if action == "preview" else None)
    preview = token = None
    if action == "preview" and form.is_valid():
        programme = form.cleaned_data["programme"]
        preview = services.preview(association=association, programme=programme, upload=form.cleaned_data["file"])
        if not preview.errors:
            token = services.occasions_token(preview.occasions)
        parts = []
        if preview.result is not None:
            labels = dict(Gender.choices)
            parts = [{**part, "gender": labels.get(part["gender"], part["gender"])}
                     for part in services.snapshot(preview.result, [])["parts"] if part["participations"]]
        return render(request, "grants/apply.html", {
            "association": association, "form": form, "preview": preview, "programme": programme, "parts": parts,
            "submit": SubmitForm(prefix="submit", initial={"programme": programme.pk, "token": token}) if token else None})
    submit_errors = []
    if action == "submit":
        submit = SubmitForm(request.POST, prefix="submit")
        try:
            if not submit.is_valid():
                raise ValidationError(_("Förhandsgranskningen saknas; läs in filen igen."))
            occasions = services.occasions_from_token(submit.cleaned_data["token"])
            application = services.application_submit(
                acting_user=request.user, association_id=association.pk,
                programme=submit.cleaned_data["programme"], occasions=occasions)
        except ValidationError as exc:
            submit_errors = exc.messages
        else:
            messages.success(request, _("Ansökan är inskickad (nummer %(id)s).") % {"id": application.pk})
            return redirect("grants_association", association_id=association.pk)
    return render(request, "grants/apply.html", {"association": association, "form": form,
                                                 "submit_errors": submit_errors})


def _admin_page(request, form_class, create, template, items):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Sparat."))
            return redirect(request.path)
    return render(request, template, {"form": form, "items": items})


@role_required(Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def admin_associations(request):
    return _admin_page(request, AssociationForm,
                       lambda data: services.association_create(acting_user=request.user, **data),
                       "grants/associations.html", Association.objects.all())


@role_required(Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def admin_givers(request):
    return _admin_page(request, GrantGiverForm,
                       lambda data: services.grant_giver_create(acting_user=request.user, **data),
                       "grants/givers.html", GrantGiver.objects.all())


@role_required(Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def admin_programmes(request):
    def create(data):
        with transaction.atomic():
            programme = services.programme_create(acting_user=request.user, giver=data["giver"],
                                                  kind=data["kind"], name=data["name"])
            services.rule_version_add(acting_user=request.user, programme=programme, rules_dict=data["rules"])

    return _admin_page(request, ProgrammeForm, create, "grants/programmes.html",
                       Programme.objects.select_related("giver").prefetch_related("rule_versions"))


@role_required(Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def admin_programme(request, programme_id):
    """One programme: its rule versions (never changed; a change is a new version from a
    date) and its budget per year."""
    programme = get_object_or_404(Programme.objects.select_related("giver"), pk=programme_id)
    action = request.POST.get("action") if request.method == "POST" else None
    rule_form = RuleVersionForm(request.POST if action == "rule" else None, prefix="rule",
                                initial={"rules": services.next_version_draft(programme)})
    budget_form = BudgetForm(request.POST if action == "budget" else None, prefix="budget")
    if action == "rule" and rule_form.is_valid():
        try:
            version = services.rule_version_add(acting_user=request.user, programme=programme,
                                                rules_dict=rule_form.cleaned_data["rules"])
        except ValidationError as exc:
            rule_form.add_error("rules", exc.messages)
        else:
            messages.success(request, _("Regelversionen från %(date)s är sparad.")
                             % {"date": version.valid_from.isoformat()})
            return redirect("grants_programme", programme_id=programme.pk)
    if action == "budget" and budget_form.is_valid():
        amount = to_ore(budget_form.cleaned_data["amount"])
        try:
            services.budget_set(acting_user=request.user, programme=programme,
                                year=budget_form.cleaned_data["year"], amount=amount)
        except ValidationError as exc:
            budget_form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Budgeten för %(year)s är sparad.") % {"year": budget_form.cleaned_data["year"]})
            return redirect("grants_programme", programme_id=programme.pk)
    versions = [services.version_summary(v) for v in
                programme.rule_versions.select_related("created_by").order_by("-valid_from")]
    return render(request, "grants/programme.html", {
        "programme": programme, "versions": versions, "budgets": programme.budgets.order_by("-year"),
        "rule_form": rule_form, "budget_form": budget_form})


ROWS_STEP = 5


@role_required(Role.ASSOCIATION)
def apply_typed(request, association_id):
    """Sammankomster typed in by hand (no attendance file): the same preview and submit."""

    association = services.own_association(request.user, association_id)
    choose = TypedChoiceForm(request.GET or None)
    context = {"association": association, "choose": choose}
    if not choose.is_valid():
        return render(request, "grants/apply_typed.html", context)
    programme, year = choose.cleaned_data["programme"], choose.cleaned_data["year"]
    version = services.typed_version(programme, year)
    if version is None:
        choose.add_error("year", _("Programmet har inga regler för %(year)s.") % {"year": year})
        return render(request, "grants/apply_typed.html", context)
    bands = [band.name for band in version.bands]
    action = request.POST.get("action") if request.method == "POST" else None
    rows = ROWS_STEP
    if action:
        try:
            rows = max(1, min(500, int(request.POST.get("rows-TOTAL_FORMS", ROWS_STEP))))
        except ValueError:
            rows = ROWS_STEP
    formset_class = typed_formset(rows + (ROWS_STEP if action == "more" else 0))
    data = request.POST.copy() if action else None
    if action == "more":
        data["rows-TOTAL_FORMS"] = str(rows + ROWS_STEP)
    formset = formset_class(data, prefix="rows", bands=bands)
    context.update(programme=programme, year=year, bands=bands, formset=formset, rows_step=ROWS_STEP)
    if action == "preview" and formset.is_valid():
        typed = [TypedRow(f.cleaned_data.get("date"), f.cleaned_data.get("group") or "",
                          f.cleaned_data.get("minutes"), bool(f.cleaned_data.get("leader")), f.counts())
                 for f in formset.forms]
        try:
            occasions = occasions_from_rows(typed, version)
        except TypedAttendanceError as exc:
            context["typed_errors"] = exc.errors
        else:
            wrong_year = [o for o in occasions if o.date.year != year]
            if wrong_year:
                context["typed_errors"] = [(0, _("Alla sammankomster ska vara under %(year)s.") % {"year": year})]
            else:
                preview = services.preview_typed(association=association, programme=programme, occasions=occasions)
                labels = dict(Gender.choices)
                context.update(preview=preview, parts=[
                    {**part, "gender": labels.get(part["gender"], part["gender"])}
                    for part in services.snapshot(preview.result, [])["parts"] if part["participations"]],
                    submit=SubmitForm(prefix="submit", initial={
                        "programme": programme.pk, "token": services.occasions_token(preview.occasions)}))
    return render(request, "grants/apply_typed.html", context)


def _account_actions(request, association):
    """The account change forms of the association page (admin) and of the association's
    own page: (response or None, context)."""
    action = request.POST.get("action") if request.method == "POST" else None
    change_form = AccountChangeForm(request.POST if action == "account_request" else None, prefix="account")
    confirm_form = AccountConfirmForm(request.POST if action == "account_confirm" else None, prefix="confirm")
    pending = association.account_changes.filter(status=AssociationAccountChange.Status.PENDING).first()
    try:
        if action == "account_request" and change_form.is_valid():
            services.account_change_request(acting_user=request.user, association=association,
                                            **change_form.cleaned_data)
            messages.success(request, _("Kontoändringen är begärd. Kontot byts när kommunen har bekräftat den."))
            return redirect(request.path), {}
        if action == "account_confirm" and pending is not None and confirm_form.is_valid():
            services.account_change_confirm(acting_user=request.user, change=pending,
                                            channel=confirm_form.cleaned_data["channel"])
            messages.success(request, _("Kontoändringen är bekräftad; bidrag betalas nu till det nya kontot."))
            return redirect(request.path), {}
        if action == "account_cancel" and pending is not None:
            services.account_change_cancel(acting_user=request.user, change=pending)
            messages.success(request, _("Kontoändringen är återkallad."))
            return redirect(request.path), {}
    except ValidationError as exc:
        (confirm_form if action == "account_confirm" else change_form).add_error(None, exc.messages)
    return None, {"change_form": change_form, "confirm_form": confirm_form, "pending": pending,
                  "account_history": association.account_changes.select_related("requested_by", "confirmed_by")[:10]}


@role_required(Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def admin_association(request, association_id):
    """One association for the administrator: its details (never its account directly)
    and the account change with four eyes."""
    association = get_object_or_404(Association, pk=association_id)
    response, account = _account_actions(request, association)
    if response is not None:
        return response
    action = request.POST.get("action") if request.method == "POST" else None
    form = AssociationEditForm(request.POST if action == "save" else None, instance=association)
    if action == "save" and form.is_valid():
        try:
            services.association_update(acting_user=request.user, association=association,
                                        **{k: form.cleaned_data[k] for k in form.changed_data})
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Sparat."))
            return redirect(request.path)
    association.refresh_from_db()
    return render(request, "grants/association_admin.html", {"association": association, "form": form, **account})

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.web.permissions import role_required

from . import services
from .forms import AssociationForm, AttendanceForm, GrantGiverForm, ProgrammeForm, SubmitForm
from .models import Association, Gender, GrantGiver, Programme


@login_required
def grants_home(request):
    """The association's own page, or the administrator's register of associations."""
    if request.user.has_role(Role.ASSOCIATION) and request.user.association_id:
        return association_detail(request, request.user.association_id)
    if request.user.has_role(Role.ADMINISTRATOR):
        return admin_associations(request)
    raise PermissionDenied


@role_required(Role.ASSOCIATION)
def association_detail(request, association_id):
    association = services.own_association(request.user, association_id)
    applications = association.applications.select_related("programme", "decision").order_by("-submitted_at")
    return render(request, "grants/association.html", {"association": association, "applications": applications})


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


@role_required(Role.ADMINISTRATOR)
def admin_associations(request):
    return _admin_page(request, AssociationForm,
                       lambda data: services.association_create(acting_user=request.user, **data),
                       "grants/associations.html", Association.objects.all())


@role_required(Role.ADMINISTRATOR)
def admin_givers(request):
    return _admin_page(request, GrantGiverForm,
                       lambda data: services.grant_giver_create(acting_user=request.user, **data),
                       "grants/givers.html", GrantGiver.objects.all())


@role_required(Role.ADMINISTRATOR)
def admin_programmes(request):
    def create(data):
        with transaction.atomic():
            programme = services.programme_create(acting_user=request.user, giver=data["giver"],
                                                  kind=data["kind"], name=data["name"])
            services.rule_version_add(acting_user=request.user, programme=programme, rules_dict=data["rules"])

    return _admin_page(request, ProgrammeForm, create, "grants/programmes.html",
                       Programme.objects.select_related("giver").prefetch_related("rule_versions"))

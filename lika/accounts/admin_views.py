"""The administrator's pages (issue 17): users, units and the municipality's settings.
Thin views over lika/accounts/administration.py; bad input is a Swedish message, status 400."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.web.permissions import role_required

from . import administration, services
from . import settings as muni_settings
from .admin_forms import SettingForm, UnitForm, UserForm
from .models import Municipality, MunicipalitySetting, Role, Unit, User

ADMIN = Role.ADMINISTRATOR


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@role_required(ADMIN)
def user_list(request):
    users = (User.objects.exclude(role=Role.ESERVICE).exclude(username__startswith="api:").select_related("unit", "association")
             .order_by("-is_active", "username"))
    return render(request, "accounts/admin_user_list.html", {"users": users})


@role_required(ADMIN)
def user_new(request):
    form = UserForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_create(
                    acting_user=request.user, username=data["username"], password=None, role=data["role"],
                    unit_code=data["unit"].code if data["unit"] else "", first_name=data["first_name"],
                    last_name=data["last_name"], association_orgnr=data["association"], email=data["email"],
                    phone=data["phone"], can_attest_payments=data["can_attest_payments"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Användaren %(name)s är skapad. Sätt ett engångslösenord och lämna "
                                            "det till henne.") % {"name": user.username})
                return redirect("admin_user_edit", user_id=user.pk)
        return render(request, "accounts/admin_user_new.html", {"form": form}, status=400)
    return render(request, "accounts/admin_user_new.html", {"form": form})


def _user_initial(user) -> dict:
    return {"first_name": user.first_name, "last_name": user.last_name, "role": user.role, "unit": user.unit_id,
            "association": user.association.orgnr if user.association_id else "", "email": user.email,
            "phone": user.phone, "can_attest_payments": user.can_attest_payments}


@role_required(ADMIN)
def user_edit(request, user_id):
    user = get_object_or_404(User.objects.exclude(role=Role.ESERVICE).exclude(username__startswith="api:").select_related("unit", "association"),
                             pk=user_id)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    form = UserForm(request.POST if action == "save" else None, initial=_user_initial(user), editing=True)
    context = {"target": user, "form": form, "is_self": user.pk == request.user.pk}
    if action is None:
        return render(request, "accounts/admin_user_edit.html", context)
    try:
        if action == "save":
            if not form.is_valid():
                return render(request, "accounts/admin_user_edit.html", context, status=400)
            data = form.cleaned_data
            administration.user_update(
                acting_user=request.user, user_id=user.pk, role=data["role"],
                unit_id=data["unit"].pk if data["unit"] else None, association_orgnr=data["association"],
                can_attest_payments=data["can_attest_payments"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], phone=data["phone"])
            messages.success(request, _("Ändringarna är sparade."))
        elif action in ("deactivate", "reactivate"):
            administration.user_set_active(acting_user=request.user, user_id=user.pk,
                                           active=action == "reactivate")
            messages.success(request, _("Användaren är inaktiverad.") if action == "deactivate"
                             else _("Användaren är aktiv igen."))
        elif action == "password":
            password = administration.user_password_set(acting_user=request.user, user_id=user.pk)
            user.refresh_from_db()
            context["password"] = password
            return render(request, "accounts/admin_user_edit.html", context)
        else:
            context["problem"] = _("Okänd åtgärd.")
            return render(request, "accounts/admin_user_edit.html", context, status=400)
    except ValidationError as exc:
        if action == "save":
            _add_errors(form, exc)
        else:
            context["problem"] = " ".join(exc.messages)
        return render(request, "accounts/admin_user_edit.html", context, status=400)
    return redirect("admin_user_edit", user_id=user.pk)


@role_required(ADMIN)
def unit_list(request):
    form = UnitForm(request.POST or None)
    if request.method == "POST":
        municipality = Municipality.objects.order_by("pk").first()
        if form.is_valid():
            data = form.cleaned_data
            try:
                if municipality is None:
                    raise ValidationError(_("Det finns ingen kommun i Lika ännu (lika create-unit)."))
                unit = services.unit_create(acting_user=request.user, code=data["code"], name=data["name"],
                                            municipality_code=municipality.code, phone=data["phone"],
                                            email=data["email"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Enheten %(name)s är skapad.") % {"name": unit.name})
                return redirect("admin_units")
        status = 400
    else:
        status = 200
    units = Unit.objects.select_related("municipality").order_by("name")
    return render(request, "accounts/admin_unit_list.html", {"units": units, "form": form}, status=status)


@role_required(ADMIN)
def unit_edit(request, unit_id):
    unit = get_object_or_404(Unit, pk=unit_id)
    form = UnitForm(request.POST or None, editing=True,
                    initial={"name": unit.name, "phone": unit.phone, "email": unit.email})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                administration.unit_update(acting_user=request.user, unit_id=unit.pk, name=data["name"],
                                           phone=data["phone"], email=data["email"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Enheten är sparad."))
                return redirect("admin_units")
        return render(request, "accounts/admin_unit_edit.html", {"unit": unit, "form": form}, status=400)
    return render(request, "accounts/admin_unit_edit.html", {"unit": unit, "form": form})


def _setting_rows(today):
    rows = []
    for name, label in MunicipalitySetting.Name.choices:
        spec = muni_settings.SPECS[name]
        rows.append({"name": name, "label": label, "env": spec.env, "default": muni_settings.default(name),
                     "current": muni_settings.current(name, on=today), "low": spec.low, "high": spec.high,
                     "unit": spec.unit})
    return rows


@role_required(ADMIN)
def settings_page(request):
    today = timezone.localdate()
    form = SettingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = administration.setting_change(acting_user=request.user, name=data["name"],
                                                    value=data["value"], valid_from=data["valid_from"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("%(setting)s är %(value)s från %(date)s.") % {
                    "setting": row.get_name_display(), "value": row.value, "date": row.valid_from.isoformat()})
                return redirect("admin_settings")
        status = 400
    history = MunicipalitySetting.objects.select_related("changed_by").order_by("-valid_from", "-id")
    return render(request, "accounts/admin_settings.html",
                  {"form": form, "rows": _setting_rows(today), "history": history, "today": today}, status=status)

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lika.accounts.models import Role
from lika.core.household_json import InputError, calculation_to_dict
from lika.core.norms import PROVISIONAL
from lika.core.periods import PeriodError, parse_month
from lika.housing.selectors import guideline_for
from lika.norms import selectors as norms
from lika.norms.calculate import calculate_household_month
from lika.norms.services import norm_table_save

from .forms import CalculationForm, NormTableForm
from .permissions import CALCULATE_ROLES, NORM_READ_ROLES, role_required


@login_required
def home(request):
    if request.user.has_role(Role.ASSOCIATION):
        return redirect("grants_home")
    year = timezone.localdate().year
    current = norms.norm_table_current(year)
    return render(request, "web/home.html", {
        "year": year, "norm": current,
        "norm_provisional": current is not None and current.status == PROVISIONAL,
        "can_edit_norms": request.user.has_role(Role.ADMINISTRATOR),
    })


@role_required(*CALCULATE_ROLES)
def calculate(request):
    form = CalculationForm(request.POST or None,
                           initial={"month": timezone.localdate().strftime("%Y-%m")})
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            calc, split = calculate_household_month(_with_housing_guideline(form.household_month()))
            result = calculation_to_dict(calc, split)
        except InputError as exc:
            form.add_input_error(str(exc))
    return render(request, "web/calculate.html", {"form": form, "result": result})


def _with_housing_guideline(data: dict) -> dict:
    """The trial page judges the rent as case handling does: against the municipality's
    guideline for skälig boendekostnad in force in the month, for the household's type
    (lika.cases.housing) — unless the user typed a cap of her own."""
    housing = [c for c in data.get("costs", ()) if c.get("type") == "housing" and "cap" not in c]
    if not housing:
        return data
    try:
        month = parse_month(str(data.get("month", "")))
    except PeriodError:
        return data  # the calculation names the bad month
    members = data.get("members", ())
    found = guideline_for(month, sum(1 for m in members if m.get("role") == "adult"),
                          sum(1 for m in members if m.get("role") == "child"))
    if found is None:
        return data
    for cost in housing:
        cost["cap"] = Decimal(found.amount) / 100
        cost["guideline"] = found.text
    return data


@role_required(*NORM_READ_ROLES)
def norm_list(request):
    tables = norms.norm_tables_current()
    next_year = timezone.localdate().year + 1
    return render(request, "web/norm_list.html", {
        "tables": tables,
        "can_edit": request.user.has_role(Role.ADMINISTRATOR),
        # issue 14: until next year's table is loaded, no application for next year can be calculated
        "next_year": next_year, "next_year_missing": next_year not in {t.year for t in tables},
    })


@role_required(*NORM_READ_ROLES)
def norm_detail(request, year):
    versions = list(norms.norm_table_versions(year))
    if not versions:
        raise Http404
    current = versions[0]
    from lika.cases.access import can_work_with_cases
    from lika.cases.norm_review import decisions_to_review

    # issue 14: decisions in force on a provisional version of the year.  Case workers and
    # managers see their unit's (and start the ändringsbeslut); others only how many there are.
    review = decisions_to_review(year) if len(versions) > 1 else []
    own = [r for r in review if r.decision.application.case.unit_id == request.user.unit_id] \
        if can_work_with_cases(request.user) else []
    return render(request, "web/norm_detail.html", {
        "table": current, "value": norms.norm_table_value(current), "versions": versions,
        "sections": NormTableForm.SECTIONS, "can_edit": request.user.has_role(Role.ADMINISTRATOR),
        "review": own, "review_count": len(review), "works_with_cases": can_work_with_cases(request.user),
    })


@role_required(Role.ADMINISTRATOR)
def norm_edit(request, year=None):
    current = norms.norm_table_current(year) if year else None
    if year and current is None:
        raise Http404
    initial = NormTableForm.initial_from(current.data) if current else {}
    form = NormTableForm(request.POST or None, initial=initial)
    if year:
        form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            row = norm_table_save(acting_user=request.user, data=form.table_data(),
                                  note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Riksnorm %(year)s version %(version)s är sparad och gäller nu.")
                             % {"year": row.year, "version": row.version})
            return redirect("norm_detail", year=row.year)
    return render(request, "web/norm_edit.html", {"form": form, "table": current})


@require_GET
def violence_support(request):
    """Public: support for people exposed to violence (M7), with a quick exit."""
    from django.conf import settings

    return render(request, "web/violence_support.html", {"contacts": settings.LIKA_VIOLENCE_SUPPORT})


@require_GET
def health(request):
    """Liveness: the process answers and the database answers (the load balancer's check)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Once every migration was found applied, a process need not look again: the code it runs
# names its migrations, and a database only ever gains applied ones.
_migrations_applied = False


@require_GET
def readiness(request):
    """Readiness (issue 18): 200 when this process can serve — the database answers, every
    migration is applied and the private files directory is writable; else 503 with the
    reasons as fixed codes (never an error text, a path or a setting's value)."""
    global _migrations_applied
    reasons = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        reasons.append("database")
    if not reasons and not _migrations_applied:
        from lika.audit.integrity import unapplied_migrations

        try:
            pending = unapplied_migrations()
        except DatabaseError:
            reasons.append("database")
        else:
            if pending:
                reasons.append("migrations")
            else:
                _migrations_applied = True
    if not _private_files_writable():
        reasons.append("private_files")
    if reasons:
        return JsonResponse({"status": "unavailable", "reasons": reasons}, status=503)
    return JsonResponse({"status": "ready"})


def _private_files_writable() -> bool:
    import tempfile
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.LIKA_PRIVATE_FILES)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True

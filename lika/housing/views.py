"""The administrator's pages for the guideline for skälig boendekostnad: every version
with its amounts, and a form for a new version (prefilled with the one in force)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.core.housing import household_type
from lika.web.permissions import role_required

from .forms import GuidelineForm
from .selectors import guideline_versions
from .services import guideline_add


def _rows(version) -> list:
    """[(household type, öre), …] in the order of the guideline."""
    top = max(c for _a, c, _x in version.amounts)
    by_key = {(a, c): amount for a, c, amount in version.amounts}
    out = []
    for c in range(top + 1):
        for a in (1, 2):
            out.append((household_type(a, c, c == top and top > 0), by_key[(a, c)]))
    return out


@role_required(Role.ADMINISTRATOR)
def guideline_list(request):
    versions = guideline_versions()
    for version in versions:
        version.rows = _rows(version)
    return render(request, "housing/guideline_list.html", {"versions": versions})


@role_required(Role.ADMINISTRATOR)
def guideline_new(request):
    versions = guideline_versions()
    current = versions[0] if versions else None
    form = GuidelineForm(request.POST or None, initial=GuidelineForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = guideline_add(acting_user=request.user, valid_from=data["valid_from"],
                                decision_reference=data["decision_reference"], amounts=form.amounts(),
                                note=data["note"], source=data["source"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Riktlinjen från %(date)s är sparad.") % {"date": row.valid_from.isoformat()})
            return redirect("housing_guidelines")
    return render(request, "housing/guideline_new.html", {"form": form, "current": current})

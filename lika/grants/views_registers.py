"""The association's own pages beyond the activity grant: applications for operating,
project and premises grants (and, below, the registers she keeps)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.web.permissions import role_required

from . import fixed, services
from .forms import FixedApplicationForm


@role_required(Role.ASSOCIATION)
def apply_fixed(request, association_id):
    association = services.own_association(request.user, association_id)
    form = FixedApplicationForm(request.POST or None, programmes=fixed.open_programmes())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = fixed.fixed_application_submit(
                acting_user=request.user, association_id=association.pk, programme=data["programme"],
                amount=data["amount"], purpose=data["purpose"], period_from=data["period_from"],
                period_to=data["period_to"], premises_hours=data["premises_hours"],
                premises_cost=data["premises_cost"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Ansökan är inskickad (nummer %(id)s).") % {"id": application.pk})
            return redirect("grants_association", association_id=association.pk)
    return render(request, "grants/apply_fixed.html", {
        "association": association, "form": form, "programmes": fixed.rules_in_force(timezone.localdate())})

"""The application page's part on skälig boendekostnad: the guideline that applies to the
household in the month, and the case worker's documented deviation from it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lika.core.household import ADULT, CHILD
from lika.housing.selectors import guideline_for, guideline_in_force

from .access import access_case
from .forms import MONEY, KronorField, ore_from_kronor
from .housing import deviation_in_force, housing_deviation_end, housing_deviation_record
from .models import HousingDeviation
from .views import _application


class HousingDeviationForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Skäl till avsteget"),
                               choices=[("", "—"), *HousingDeviation.Reason.choices],
                               error_messages={"required": gettext_lazy("Välj skälet till avsteget.")})
    reason_text = forms.CharField(
        label=gettext_lazy("Motivering"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Beskriv skälen till att en högre boendekostnad godtas.")})
    accepted_amount = KronorField(label=gettext_lazy("Godtagen boendekostnad, kr (tomt: hela kostnaden)"),
                                  required=False, **MONEY)


def housing_context(application, members) -> dict:
    """For the application page: the guideline row that applies, the deviation in force."""
    row = guideline_in_force(application.month)
    found = None if row is None else guideline_for(application.month, sum(1 for m in members if m.role == ADULT),
                                                   sum(1 for m in members if m.role == CHILD))
    return {"guideline": row, "found": found, "deviation": deviation_in_force(application),
            "form": HousingDeviationForm(prefix="housing")}


@login_required
def housing_deviation(request, case_id, application_id):
    """POST: record or withdraw the deviation; GET: back to the application page."""
    case = access_case(request.user, case_id, what="Avsteg från riktlinjen för boendekostnad")
    application = _application(case, application_id)
    back = redirect("application_detail", case_id=case.pk, application_id=application.pk)
    if request.method != "POST":
        return back
    try:
        if request.POST.get("action") == "end":
            housing_deviation_end(acting_user=request.user, application=application)
            messages.success(request, _("Avsteget är borttaget. Beräkna ansökan igen."))
            return back
        form = HousingDeviationForm(request.POST, prefix="housing")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return back
        data = form.cleaned_data
        amount = data.get("accepted_amount")
        housing_deviation_record(acting_user=request.user, application=application, reason=data["reason"],
                                 reason_text=data["reason_text"],
                                 accepted_amount=ore_from_kronor(amount) if amount is not None else None)
        messages.success(request, _("Avsteget är dokumenterat. Beräkna ansökan igen."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return back

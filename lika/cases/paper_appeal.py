"""Issue 17: an appeal received on paper is registered on the decision page, as the same
appeal the e-service makes (``lika.eservice.appeals.appeal_register_paper``); the case
worker's omprövning is then the appeal's own page (``appeal_detail``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lika.web.forms import ServiceErrorsMixin


class PaperAppealForm(ServiceErrorsMixin, forms.Form):
    person = forms.TypedChoiceField(label=gettext_lazy("Från"), coerce=int, choices=())
    received_on = forms.DateField(label=gettext_lazy("Kom in den"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=gettext_lazy("Dagen överklagandet kom in till kommunen (ankomststämpeln)."))
    text = forms.CharField(label=gettext_lazy("Vad begär den enskilde och varför?"),
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=gettext_lazy("Skriv av eller sammanfatta överklagandet. Skanna in brevet "
                                                  "till akten på vanligt sätt."))

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(r.person_id, str(r.person)) for r in recipients]


def paper_appeal_form(request, decision, recipients, posted: bool):
    return PaperAppealForm(request.POST if posted else None, recipients=recipients, prefix="appeal",
                           initial={"received_on": timezone.localdate()})


def paper_appeal_register(request, case, decision, form):
    """Register the posted appeal; a redirect to its omprövning page, or None (errors on the form)."""
    from lika.eservice.appeals import appeal_register_paper

    if not form.is_valid():
        return None
    try:
        appeal = appeal_register_paper(acting_user=request.user, decision_id=decision.pk,
                                       person_id=form.cleaned_data["person"],
                                       received_on=form.cleaned_data["received_on"], text=form.cleaned_data["text"])
    except ValidationError as exc:
        form.add_service_error(exc)
        return None
    messages.success(request, _("Överklagandet är registrerat. Ompröva beslutet här.")
                     if appeal.in_time else _("Överklagandet är registrerat. Det kom in för sent."))
    return redirect("appeal_detail", case_id=case.pk, appeal_id=appeal.pk)

"""Forms of the guidance page when the answer about violence is yes: they parse input; the
rules are in ``lika.core.violence`` and ``services_violence``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lika.core import violence as rules
from lika.web.forms import ServiceErrorsMixin

from .forms import date_input
from .models_violence import INSTRUMENT_LABELS, ChildConcernReport, RiskAssessment


class RiskAssessmentForm(ServiceErrorsMixin, forms.Form):
    assessed_on = forms.DateField(label=_("Datum för bedömningen"), widget=date_input())
    instruments = forms.MultipleChoiceField(
        label=_("Metoder som användes"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(code, INSTRUMENT_LABELS[code]) for code in (*rules.INSTRUMENTS, rules.OTHER_METHOD)])
    other_method = forms.CharField(label=_("Annan metod"), required=False,
                                   max_length=RiskAssessment._meta.get_field("other_method").max_length,
                                   help_text=_("Bara om du kryssat i ”Annan standardiserad bedömningsmetod”."))
    risk_level = forms.ChoiceField(label=_("Bedömd risk för fortsatt våld"), choices=RiskAssessment.Level.choices,
                                   widget=forms.RadioSelect,
                                   help_text=_("Din samlade bedömning. Väg in personens egen bild av risken."))
    not_assessed_reason = forms.CharField(
        label=_("Skäl till att risken inte är bedömd"), required=False,
        max_length=RiskAssessment._meta.get_field("not_assessed_reason").max_length,
        help_text=_("T.ex. att personen inte ville eller att bedömningen är bokad till ett senare samtal."))
    summary = forms.CharField(label=_("Sammanfattning"), widget=forms.Textarea(attrs={"rows": 4}))
    protective_actions = forms.CharField(
        label=_("Planerade skyddsåtgärder"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("T.ex. säkerhetsplanering, skyddat boende, kontakt med polisen, utbetalning till personen "
                    "själv. Krävs vid förhöjd eller hög risk."))
    supersedes = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["supersedes_id"] = data.pop("supersedes")
        return data

    @classmethod
    def correcting(cls, row: RiskAssessment):
        """A form filled with ``row``'s values, to record its correction."""
        return cls(prefix="assessment", initial={
            "assessed_on": row.assessed_on, "instruments": row.instruments, "other_method": row.other_method,
            "risk_level": row.risk_level, "not_assessed_reason": row.not_assessed_reason, "summary": row.summary,
            "protective_actions": row.protective_actions, "supersedes": row.pk})


class ChildReportForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Är en orosanmälan gjord?"), choices=ChildConcernReport.Outcome.choices,
                                widget=forms.RadioSelect)
    reported_on = forms.DateField(label=_("Datum för anmälan"), required=False, widget=date_input(),
                                  help_text=_("När en anmälan är gjord."))
    reason = forms.CharField(label=_("Skäl eller anteckning"), required=False,
                             max_length=ChildConcernReport._meta.get_field("reason").max_length,
                             help_text=_("Krävs när ingen anmälan görs, t.ex. att en anmälan redan är gjord "
                                         "av skolan och när."))
    supersedes = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["supersedes_id"] = data.pop("supersedes")
        return data

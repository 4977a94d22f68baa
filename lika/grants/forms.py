import json

from django import forms
from django.utils.translation import gettext_lazy as _

from lika.core.limits import MAX_JSON_INPUT

from .models import Association, GrantGiver, Programme


class AttendanceForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Bidragsprogram"), queryset=Programme.objects.none(), empty_label=None)
    file = forms.FileField(label=_("Närvarofil (CSV)"),
                           help_text=_("UTF-8, en rad per deltagare och sammankomst; se kolumnerna nedan."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(kind=Programme.Kind.ACTIVITY,
                                                                     rule_versions__isnull=False).distinct()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Närvarofilen ska vara en CSV-fil (.csv eller .txt)."))
        return upload


class SubmitForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.objects.filter(kind=Programme.Kind.ACTIVITY),
                                       widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput)


class AssociationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["orgnr", "name", "address", "contact_name", "contact_email", "contact_phone", "bankgiro",
                  "plusgiro", "bank_clearing", "bank_account"]


class GrantGiverForm(forms.ModelForm):
    class Meta:
        model = GrantGiver
        fields = ["name"]


class ProgrammeForm(forms.ModelForm):
    rules = forms.CharField(label=_("Regler (JSON)"), widget=forms.Textarea(attrs={"rows": 12}),
                            help_text=_("En regelversion i formatet i docs/grants.md, belopp i kronor."))

    class Meta:
        model = Programme
        fields = ["giver", "kind", "name"]

    def clean_rules(self):
        text = self.cleaned_data["rules"]
        if len(text) > MAX_JSON_INPUT:
            raise forms.ValidationError(_("Reglerna är för långa."))
        try:
            data = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Reglerna är inte giltig JSON.")) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Reglerna ska vara ett JSON-objekt."))
        return data


# --- handling (issue 15: assessment, decision, withdrawal) ----------------------------

class WorklistFilterForm(forms.Form):
    giver = forms.ModelChoiceField(label=_("Bidragsgivare"), queryset=GrantGiver.objects.all(), required=False,
                                   empty_label=_("Alla"))
    programme = forms.ModelChoiceField(label=_("Bidragsprogram"), queryset=Programme.objects.all(), required=False,
                                       empty_label=_("Alla"))
    year = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import GrantApplication

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Alla")), *GrantApplication.Status.choices]


class AssessmentForm(forms.Form):
    text = forms.CharField(label=_("Bedömning"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), widget=forms.RadioSelect)
    amount = forms.CharField(label=_("Beviljat belopp vid delvis beviljande (kr)"), required=False, max_length=20,
                             help_text=_("Bara när ansökan beviljas delvis: mindre än det sökta beloppet."))
    reasons = forms.CharField(label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=10000,
                              help_text=_("Krävs när ansökan beviljas delvis eller avslås."))

    def __init__(self, *args, **kwargs):
        from .models import GrantDecision

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = GrantDecision.Outcome.choices

    def clean_amount(self):
        from lika.core.money import MoneyError, amount_ore

        text = self.cleaned_data["amount"].strip().removesuffix("kr").strip()
        if not text:
            return None
        try:
            return amount_ore(text.replace("\u00a0", " "))
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("Ja, vi återtar ansökan. Den kan inte beslutas efter det."))

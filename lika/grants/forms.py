import json

from django import forms
from django.utils.translation import gettext_lazy as _

from lika.cases.forms import KronorField
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
                  "plusgiro"]


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


class RuleVersionForm(forms.Form):
    """A new version of a programme's rules, as JSON (the shape in docs/grants.md)."""

    rules = forms.CharField(label=_("Ny regelversion (JSON)"), widget=forms.Textarea(attrs={"rows": 14}),
                            help_text=_("Förifylld med den senaste versionen: ändra gäller från (valid_from), "
                                        "källan (nämndens beslut) och det som ändras. Belopp i kronor."))
    clean_rules = ProgrammeForm.clean_rules


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    amount = KronorField(label=_("Budget (kr)"), min_value=0, max_digits=12, decimal_places=2, localize=True)

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


TYPED_GENDERS = (("F", _("flickor/kvinnor")), ("M", _("pojkar/män")), ("", _("okänt kön")))


class TypedRowForm(forms.Form):
    """One sammankomst typed in: the counts are per age band of the programme's rules and
    legal gender (fields ``n_<band index>_<F|M|U>``)."""

    date = forms.DateField(label=_("Datum"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    group = forms.CharField(label=_("Grupp"), max_length=100, required=False)
    minutes = forms.IntegerField(label=_("Minuter"), min_value=1, max_value=24 * 60, required=False)
    leader = forms.BooleanField(label=_("Ledare närvarande"), required=False, initial=True)

    def __init__(self, *args, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = bands
        for index, band in enumerate(bands):
            for code, label in TYPED_GENDERS:
                self.fields[f"n_{index}_{code or 'U'}"] = forms.IntegerField(
                    label=_("%(band)s år, %(who)s") % {"band": band, "who": label},
                    min_value=0, max_value=1000, required=False)

    def counts(self) -> dict:
        data = self.cleaned_data
        return {(band, code): data.get(f"n_{index}_{code or 'U'}") or 0
                for index, band in enumerate(self.bands) for code, _label in TYPED_GENDERS}

    def count_fields(self):
        return [self[name] for name in self.fields if name.startswith("n_")]


class TypedFormSet(forms.BaseFormSet):
    def __init__(self, *args, bands=(), **kwargs):
        self.bands = bands
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "bands": self.bands}

    @property
    def empty_form(self):  # not used (no script adds rows); kept consistent for formset internals
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), use_required_attribute=False,
                         bands=self.bands)


def typed_formset(rows: int):
    return forms.formset_factory(TypedRowForm, formset=TypedFormSet, extra=rows, max_num=500, validate_max=True,
                                 absolute_max=500)


class TypedChoiceForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Bidragsprogram"), queryset=Programme.objects.none(), empty_label=None)
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(kind=Programme.Kind.ACTIVITY,
                                                                     rule_versions__isnull=False).distinct()


class AssociationEditForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["name", "address", "contact_name", "contact_email", "contact_phone", "active"]


class AccountChangeForm(forms.Form):
    bankgiro = forms.CharField(label=_("Nytt bankgironummer"), max_length=12, required=False)
    plusgiro = forms.CharField(label=_("eller nytt plusgironummer"), max_length=12, required=False)
    reason = forms.CharField(label=_("Varför byts kontot?"), max_length=300, required=False)


class AccountConfirmForm(forms.Form):
    channel = forms.ChoiceField(label=_("Hur bekräftade firmatecknaren ändringen?"), choices=())

    def __init__(self, *args, **kwargs):
        from .models import AssociationAccountChange

        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "—"), *AssociationAccountChange.Channel.choices]

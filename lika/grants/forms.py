import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lika.cases.forms import KronorField as DecimalKronorField
from lika.core import sponsorship as reach_rules
from lika.core.limits import MAX_JSON_INPUT
from lika.core.money import MoneyError, amount_ore

from .models import (
    Association,
    AssociationDocument,
    BoardMember,
    GrantGiver,
    Programme,
    SponsorshipAgreement,
)


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
        fields = ["name", "kind"]


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
    amount = DecimalKronorField(label=_("Budget (kr)"), min_value=0, max_digits=12, decimal_places=2, localize=True)


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
    clearing = forms.CharField(label=_("eller clearingnummer"), max_length=8, required=False)
    account = forms.CharField(label=_("och kontonummer"), max_length=20, required=False)
    reason = forms.CharField(label=_("Varför byts kontot?"), max_length=300, required=False)


class AccountConfirmForm(forms.Form):
    channel = forms.ChoiceField(label=_("Hur bekräftade firmatecknaren ändringen?"), choices=())

    def __init__(self, *args, **kwargs):
        from .models import AssociationAccountChange

        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "—"), *AssociationAccountChange.Channel.choices]


class KronorField(forms.CharField):
    """An amount in kronor typed as text ("12 500" or "12500,50"), cleaned to öre."""

    def __init__(self, *, minimum=0, **kwargs):
        self.minimum = minimum
        super().__init__(max_length=40, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return amount_ore(value, minimum=self.minimum)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None


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


class SponsorshipForm(forms.ModelForm):
    amount = KronorField(label=_("Belopp (kr)"), minimum=1)

    class Meta:
        model = SponsorshipAgreement
        fields = ["giver", "association", "activity", "amount", "counter_performance", "target_group",
                  "period_from", "period_to"]
        widgets = {"period_from": forms.DateInput(attrs={"type": "date"}),
                   "period_to": forms.DateInput(attrs={"type": "date"}),
                   "counter_performance": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"counter_performance": _("Vad föreningen gör i gengäld, t.ex. exponering eller en aktivitet."),
                      "target_group": _("Vilka den sponsrade verksamheten vänder sig till.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.filter(active=True)


GENDER_LABELS = {"F": _("Flickor/kvinnor"), "M": _("Pojkar/män"), "": _("Kön okänt")}


class ReachForm(forms.Form):
    """Participants per legal gender and age band (the register bands of
    ``lika.core.sponsorship``), with a text: the assessment's or the report's."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, text_label, text_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if text_label is None:
            del self.fields["text"]
        else:
            self.fields["text"].label = text_label
            self.fields["text"].required = text_required
        for band in reach_rules.REGISTER_BANDS:
            for gender in reach_rules.GENDERS:
                self.fields[self.key(gender, band)] = forms.IntegerField(
                    label=f"{GENDER_LABELS[gender]}, {reach_rules.band_label(band)}", min_value=0,
                    max_value=reach_rules.MAX_COUNT, required=False, initial=0)

    @staticmethod
    def key(gender, band):
        return f"{gender or 'U'}_{band.replace('-', '_')}"

    def grid(self):
        """(band label, [bound field per gender]) for the table."""
        return [(reach_rules.band_label(b), [self[self.key(g, b)] for g in reach_rules.GENDERS])
                for b in reach_rules.REGISTER_BANDS]

    def counts(self) -> dict:
        return {(g, b): self.cleaned_data.get(self.key(g, b)) or 0
                for b in reach_rules.REGISTER_BANDS for g in reach_rules.GENDERS}

    @classmethod
    def initial_from(cls, counts, text=""):
        return {"text": text, **{cls.key(g, b): n for (g, b), n in counts.items()}}


class FixedApplicationForm(forms.Form):
    """An application for an operating, project or premises grant."""

    programme = forms.ModelChoiceField(label=_("Bidragsprogram"), queryset=Programme.objects.none(), empty_label=None)
    amount = KronorField(label=_("Belopp som söks (kr)"), minimum=1)
    purpose = forms.CharField(label=_("Ändamål"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Vad bidraget ska användas till och vilka verksamheten når."))
    period_from = forms.DateField(label=_("Perioden börjar"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("Perioden slutar"), widget=forms.DateInput(attrs={"type": "date"}))
    premises_hours = forms.DecimalField(label=_("Lokaltimmar"), required=False, min_value=Decimal("0.01"),
                                        max_digits=9, decimal_places=2, localize=True,
                                        help_text=_("Bara för lokalbidrag."))
    premises_cost = KronorField(label=_("Lokalkostnad för perioden (kr)"), required=False, minimum=1,
                                help_text=_("Bara för lokalbidrag: hyra eller driftkostnad för perioden."))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        field.queryset = programmes
        field.label_from_instance = lambda p: f"{p.get_kind_display()}: {p.name} ({p.giver})"

    def clean(self):
        data = super().clean()
        programme = data.get("programme")
        if programme is not None and programme.kind == Programme.Kind.PREMISES:
            for name in ("premises_hours", "premises_cost"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Ange för lokalbidrag."))
        return data


class BoardMemberForm(forms.ModelForm):
    class Meta:
        model = BoardMember
        fields = ["name", "role", "gender", "birth_year"]
        help_texts = {"role": _("T.ex. ordförande, kassör, ledamot, suppleant."),
                      "gender": _("Juridiskt kön, för att redovisa styrelsens sammansättning.")}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Dokument"), choices=AssociationDocument.Kind.choices)
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2100,
                              help_text=_("Verksamhetsåret, eller året stadgarna antogs."))
    file = forms.FileField(label=_("Fil (PDF)"), help_text=_("Bara PDF, högst 10 MB."))
class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("Ja, vi återtar ansökan. Den kan inte beslutas efter det."))

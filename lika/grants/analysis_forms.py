"""Forms of the 3R analysis pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .analysis_models import PopulationCount
from .analysis_services import MAX_REALIA


class RealiaForm(forms.Form):
    why = forms.CharField(label=_("Varför ser fördelningen ut så här?"), widget=forms.Textarea(attrs={"rows": 6}),
                          max_length=MAX_REALIA,
                          help_text=_("Vilka normer och villkor ligger bakom? Vem får vad, och på vilka villkor?"))
    measures = forms.CharField(label=_("Åtgärder"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               max_length=MAX_REALIA, help_text=_("Vad ska göras, av vem och till när?"))
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PopulationFileForm(forms.Form):
    file = forms.FileField(label=_("Folkmängd från SCB (CSV)"),
                           help_text=_("Tabell BE0101N1, Folkmängden efter region, ålder, kön och år, "
                                       "sparad som CSV från Statistikdatabasen."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Filen ska vara en CSV-fil (.csv eller .txt)."))
        return upload


class PopulationEntryForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2200)
    gender = forms.ChoiceField(label=_("Juridiskt kön"), choices=PopulationCount.Gender.choices)
    age_low = forms.IntegerField(label=_("Ålder från"), min_value=0, max_value=130)
    age_high = forms.IntegerField(label=_("Ålder till"), min_value=0, max_value=130, required=False,
                                  help_text=_("Tomt: och äldre."))
    count = forms.IntegerField(label=_("Antal invånare"), min_value=0, max_value=10_000_000)
    source = forms.CharField(label=_("Källa"), max_length=300,
                             help_text=_("T.ex. SCB, Folkmängd 31 december, eller kommunens egen statistik."))

    def clean(self):
        data = super().clean()
        low, high = data.get("age_low"), data.get("age_high")
        if low is not None and high is not None and high < low:
            self.add_error("age_high", _("Åldern till får inte vara lägre än åldern från."))
        return data


def _kronor(value, label):
    from lika.core.money import MoneyError, to_ore

    try:
        ore = to_ore(value)
    except MoneyError:
        raise forms.ValidationError(_("%(label)s: ange ett belopp i kronor, t.ex. 12 eller 12,50.") % {"label": label}) \
            from None
    if ore < 0:
        raise forms.ValidationError(_("%(label)s: beloppet får inte vara negativt.") % {"label": label})
    return ore


class WhatIfForm(forms.Form):
    """Proposed rates (kronor) per age band and gender, the rate per sammankomst, a cap per
    association and the band target; prefilled with today's rules."""

    meeting_rate = forms.CharField(label=_("Per sammankomst (kr)"), max_length=20)
    cap = forms.CharField(label=_("Tak per förening och år (kr)"), max_length=20, required=False,
                          help_text=_("Tomt: inget tak."))
    band_low = forms.IntegerField(label=_("Mål: minst så många procent av pengarna till vardera kön"),
                                  min_value=0, max_value=50, initial=40)

    GENDERS = (("K", _("kvinnor och flickor")), ("M", _("män och pojkar")), ("U", _("okänt kön")))

    def __init__(self, *args, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = list(bands)
        for band in self.bands:
            for code, name in self.GENDERS:
                self.fields[f"rate_{band}_{code}"] = forms.CharField(
                    label=_("%(band)s år, %(who)s (kr per deltagartillfälle)") % {"band": band, "who": name},
                    max_length=20)

    def rate_fields(self):
        return [self[f"rate_{band}_{code}"] for band in self.bands for code, _name in self.GENDERS]

    def clean(self):
        data = super().clean()
        rates = {}
        for band in self.bands:
            for code, _name in self.GENDERS:
                key = f"rate_{band}_{code}"
                if key in data:
                    try:
                        rates[(band, code)] = _kronor(data[key], self.fields[key].label)
                    except forms.ValidationError as exc:
                        self.add_error(key, exc)
        data["rates"] = rates
        if "meeting_rate" in data:
            try:
                data["meeting_ore"] = _kronor(data["meeting_rate"], self.fields["meeting_rate"].label)
            except forms.ValidationError as exc:
                self.add_error("meeting_rate", exc)
        cap = (data.get("cap") or "").strip()
        data["cap_ore"] = None
        if cap:
            try:
                data["cap_ore"] = _kronor(cap, self.fields["cap"].label)
            except forms.ValidationError as exc:
                self.add_error("cap", exc)
        return data

"""Forms of the payment pages: they check the shape of the input; the rules (who may
do what, one preparing run per month, four eyes) are in lika.payments.services."""


from django import forms
from django.utils.translation import gettext_lazy as _

from lika.core.limits import MAX_BANK_FILE, InputLimitError, check_text, size_text
from lika.core.periods import PeriodError, parse_month
from lika.web.forms import ServiceErrorsMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
VERSIONS = [("09", _("pain.001.001.09 (standard)")), ("03", _("pain.001.001.03 (äldre bankformat)"))]


class RunForm(ServiceErrorsMixin, forms.Form):
    month = forms.CharField(label=_("Månad som stödet gäller"), help_text=_("ÅÅÅÅ-MM"),
                            widget=forms.DateInput(attrs={"type": "month"}))
    payday = forms.DateField(label=_("Utbetalningsdag"), required=False, widget=DATE,
                             help_text=_("Lämna tomt för den 25:e i månaden före"))

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data["month"])
        except PeriodError:
            raise forms.ValidationError(_("Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-12.")) from None


class ExportForm(ServiceErrorsMixin, forms.Form):
    version = forms.ChoiceField(label=_("Filformat"), choices=VERSIONS, initial="09")


class BankFileForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Fil från banken"),
                           help_text=_("Statusrapport (pain.002), returer (camt.054) eller returfil (CSV)"))

    def clean_file(self):
        """The file's text: at most ``MAX_BANK_FILE`` bytes (checked before it is read),
        UTF-8, no NUL characters; the same bounds as ``lika payment-import``."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BANK_FILE:
            raise forms.ValidationError(_("Filen är större än %(limit)s.") % {"limit": size_text(MAX_BANK_FILE)})
        try:
            return check_text(upload.read().decode("utf-8-sig"), what="filen")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Filen är inte UTF-8.")) from None
        except InputLimitError:
            raise forms.ValidationError(_("Filen innehåller ett NUL-tecken: det är ingen fil från banken.")) from None


class ReissueForm(ServiceErrorsMixin, forms.Form):
    order = forms.IntegerField(widget=forms.HiddenInput)
    run = forms.TypedChoiceField(label=_("Skicka igen i körningen"), coerce=int)

    def __init__(self, *args, runs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].choices = [(r.pk, f"{r.month:%Y-%m} ({r.pk})") for r in runs]

"""The access-log search form: every filter is optional.  Posted, never sent in the
address (the personnummer must not reach a web server's log; lika.web.search)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.identity.personnummer import IdentityNumberError, parse_identity_number

ACTION_CHOICES = [
    ("", _("Alla händelser")),
    ("read", _("Läsning")),
    ("create", _("Nytt")),
    ("update", _("Ändring")),
    ("export", _("Export")),
    ("login", _("Inloggning")),
]
DATE = {"required": False, "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AccessLogSearchForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Personnummer"), required=False, max_length=20,
        help_text=_("ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN. Visar vem som har läst eller ändrat "
                    "uppgifter om personen eller om ett hushåll som personen har tillhört."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    username = forms.CharField(label=_("Användare"), required=False, max_length=150,
                               help_text=_("Användarnamn"),
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    action = forms.ChoiceField(label=_("Händelse"), required=False, choices=ACTION_CHOICES)
    date_from = forms.DateField(label=_("Från och med datum"), **DATE)
    date_to = forms.DateField(label=_("Till och med datum"), **DATE)

    def clean_identity_number(self):
        text = self.cleaned_data["identity_number"].strip()
        if not text:
            return ""
        try:
            return parse_identity_number(text, today=timezone.localdate()).number
        except IdentityNumberError as exc:
            raise forms.ValidationError(
                _("Personnumret är inte giltigt (%(reason)s). Skriv det som ÅÅÅÅMMDD-NNNN."),
                code="invalid", params={"reason": str(exc)}) from None

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatumet kan inte vara före startdatumet."))
        return cleaned

    def filters_text(self) -> str:
        """The filters in words, for the access-log row that records the search."""
        data = self.cleaned_data
        parts = []
        if data.get("identity_number"):
            number = data["identity_number"]
            parts.append(f"personnummer {number[:8]}-{number[8:]}")
        if data.get("username"):
            parts.append(f"användare {data['username']}")
        if data.get("action"):
            parts.append(f"händelse {data['action']}")
        if data.get("date_from"):
            parts.append(f"från {data['date_from']:%Y-%m-%d}")
        if data.get("date_to"):
            parts.append(f"till {data['date_to']:%Y-%m-%d}")
        return ", ".join(parts) or "utan filter"

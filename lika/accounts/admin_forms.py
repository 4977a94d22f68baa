from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .administration import ASSIGNABLE_ROLES
from .models import MunicipalitySetting, Unit


class UserForm(forms.Form):
    username = forms.RegexField(label=_("Användarnamn"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": _("Användarnamnet får bara ha bokstäver, siffror och . @ + - _")})
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Roll"), choices=[(r.value, r.label) for r in ASSIGNABLE_ROLES])
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=Unit.objects.order_by("name"), required=False,
                                  empty_label=_("Ingen enhet"),
                                  help_text=_("Socialsekreterare och enhetschefer måste tillhöra en enhet."))
    association = forms.CharField(label=_("Förening (organisationsnummer)"), max_length=20, required=False,
                                  help_text=_("Bara för rollen Förening."))
    email = forms.CharField(label=_("E-post (visas i beslutsbrev)"), max_length=254, required=False)
    phone = forms.CharField(label=_("Telefon (visas i beslutsbrev)"), max_length=40, required=False)
    can_attest_payments = forms.BooleanField(label=_("Attesträtt för utbetalningar"), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"]


class UnitForm(forms.Form):
    code = forms.SlugField(label=_("Kod"), max_length=40, help_text=_("Små bokstäver, siffror och bindestreck."),
                           error_messages={"invalid": _("Koden får bara ha små bokstäver, siffror och bindestreck.")})
    name = forms.CharField(label=_("Namn"), max_length=100)
    phone = forms.CharField(label=_("Telefon (visas i beslutsbrev)"), max_length=40, required=False)
    email = forms.CharField(label=_("E-post (visas i beslutsbrev)"), max_length=254, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class SettingForm(forms.Form):
    name = forms.ChoiceField(label=_("Inställning"), choices=MunicipalitySetting.Name.choices)
    value = forms.IntegerField(label=_("Nytt värde"), error_messages={"invalid": _("Ange ett heltal.")})
    valid_from = forms.DateField(label=_("Gäller från"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                format="%Y-%m-%d"),
                                 error_messages={"invalid": _("Ange ett datum som ÅÅÅÅ-MM-DD.")})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"valid_from": timezone.localdate()})
        super().__init__(*args, **kwargs)

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .services import login_success_record
from .throttle import login_failed, login_source, login_wait


class LoginForm(AuthenticationForm):
    """Username and password, throttled per account and source address
    (lika/accounts/throttle.py): never a lock that a colleague could set off."""

    error_messages = {
        "invalid_login": _("Användarnamnet eller lösenordet är fel."),
        "inactive": _("Kontot är inte aktivt."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return self.cleaned_data
        now, source = timezone.now(), login_source(self.request, username)
        wait = login_wait(username=username, source=source, now=now)
        if wait:
            raise forms.ValidationError(
                ngettext("För många misslyckade inloggningar härifrån. Vänta %(seconds)s sekund och "
                         "försök igen.",
                         "För många misslyckade inloggningar härifrån. Vänta %(seconds)s sekunder och "
                         "försök igen.", wait),
                code="throttled", params={"seconds": wait})
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username=username, source=source, now=now)
            raise
        login_success_record(user=self.get_user(), source=source)
        return cleaned

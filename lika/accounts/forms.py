from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from .services import login_failure_record, login_locked_until, login_success_record


class LoginForm(AuthenticationForm):
    """Username and password, with a lock after repeated failures."""

    error_messages = {
        "invalid_login": _("Användarnamnet eller lösenordet är fel."),
        "inactive": _("Kontot är inte aktivt."),
        "locked": _("För många misslyckade inloggningar. Kontot är låst till klockan %(time)s."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return self.cleaned_data
        now = timezone.now()
        locked_until = login_locked_until(username=username, now=now)
        if locked_until is not None:
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"time": time_format(timezone.localtime(locked_until), "H:i")},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, now=now)
            raise
        login_success_record(user=self.get_user())
        return cleaned

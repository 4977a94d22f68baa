"""Withdrawing an application (återta) as a step of its own: the reason is required and
the case worker confirms; the application page offers to undo it (återuppta)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from lika.web.forms import ServiceErrorsMixin

from . import services
from .access import access_case
from .models import Application


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Varför återtas ansökan?"), max_length=1000,
                             help_text=_("Till exempel: den sökande har fått arbete och behöver inte stödet."),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Skriv varför ansökan återtas.")})
    confirmed = forms.BooleanField(
        label=_("Jag har kontrollerat att den sökande vill återta ansökan"),
        error_messages={"required": _("Kryssa i att den sökande vill återta ansökan.")})


@login_required
def application_withdraw(request, case_id, application_id):
    """GET: the confirmation page; POST: withdraw with the reason given."""
    case = access_case(request.user, case_id, what="Återta ansökan")
    application = get_object_or_404(Application.objects.select_related("applicant"), pk=application_id, case=case)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(acting_user=request.user, application=application,
                                          reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Ansökan är återtagen. Du kan återuppta den från ansökans sida."))
            return redirect("application_detail", case_id=case.pk, application_id=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/application_withdraw.html",
                  {"case": case, "application": application, "form": form}, status=status)

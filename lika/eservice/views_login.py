"""The resident's own details: her payment account (masked; a change she asks for waits
for the case worker's confirmation) and where she wants her notifications.  The person is
always the logged-in resident's: nothing in the request names a person."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import account as service
from .access import resident_case
from .session import resident_required

ACTIONS = ("account", "withdraw", "contact")


def _field(request, name: str, limit: int) -> str:
    return (request.POST.get(name) or "")[:limit]


@require_http_methods(["GET", "POST"])
@resident_required
def account(request):
    person = request.resident.person
    action = request.POST.get("action") if request.method == "POST" else None
    errors: dict[str, list[str]] = {}
    entered = {}
    if action in ACTIONS:
        try:
            if person is None:  # not known to Lika: no case, nothing to change
                service.case_or_refuse(None)
            if action == "account":
                entered = {k: _field(request, k, 40) for k in ("clearing", "account", "iban")}
                service.account_change_ask(person=person, **entered)
                messages.success(request, _("Tack. Handläggaren bekräftar ditt nya konto. Tills dess betalar vi "
                                            "till det konto som är registrerat nu."))
            elif action == "withdraw":
                service.account_change_withdraw(person=person)
                messages.success(request, _("Din kontoändring är återkallad. Vi betalar till det registrerade "
                                            "kontot."))
            else:
                entered = {"email": _field(request, "email", 254), "mobile": _field(request, "mobile", 20),
                           "notify_by_email": request.POST.get("notify_by_email") == "on",
                           "notify_by_sms": request.POST.get("notify_by_sms") == "on"}
                service.contact_save(person=person, **entered)
                messages.success(request, _("Dina kontaktuppgifter är sparade."))
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        else:
            return redirect("eservice_account")
    elif request.method == "POST":
        errors = {"__all__": [_("Det gick inte att spara. Försök igen.")]}
    case = resident_case(person) if person else None
    contact = service.contact_of(person) if person else None
    if action == "contact" and errors and contact is not None:
        contact.email, contact.mobile = entered.get("email", ""), entered.get("mobile", "")
        contact.notify_by_email, contact.notify_by_sms = entered.get("notify_by_email"), entered.get("notify_by_sms")
    return render(request, "eservice/login/account.html", {
        "person": person,
        "case": case,
        "view": service.account_view(person) if case else None,
        "contact": contact,
        "action": action,
        "errors": errors,
        "entered": entered if action == "account" else {},
    }, status=400 if errors else 200)

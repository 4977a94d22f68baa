"""The e-service's frame: the public start with violence support first, login and
logout, the quick exit, the page for a person with protected identity, and "Mina sidor".
The flows (applying, insight, messages, appeals) have their own modules."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lika.households.models import HouseholdMembership, Person
from lika.identity.personnummer import IdentityNumberError, parse_identity_number

from . import oidc
from .access import household_adults, resident_case
from .session import (
    METHOD_DEMO,
    current_resident,
    resident_login,
    resident_logout,
    resident_required,
)


def safe_next(request, default="eservice_home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    # a plain path inside the e-service: no dot segments, backslashes or // (oidc.SAFE_NEXT)
    if target.startswith("/e-tjanst/") and oidc.safe_target(target) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_GET
def start(request):
    """Public: support for a person exposed to violence comes first, before any question;
    then how to apply and the login."""
    if current_resident(request):
        return redirect("eservice_home")
    return render(request, "eservice/start.html")


@require_GET
def support(request):
    """Public: the whole violence support page, in the e-service's frame."""
    return render(request, "eservice/support.html")


@require_GET
def login(request):
    """Choose how to log in: the municipality's e-legitimation (OIDC); in the demo only, a
    clearly marked test login."""
    response = render(request, "eservice/login.html", {
        "next": safe_next(request, ""),
        "oidc_configured": bool(settings.LIKA_ESERVICE_OIDC_DISCOVERY_URL),
    })
    return oidc.allow_form_action(response)  # the form's redirect to the provider (CSP form-action)


def _demo_people():
    """Adults of open cases, for the demo's test login (a handful, by name)."""
    rows = (HouseholdMembership.objects.select_related("person")
            .filter(role=HouseholdMembership.Role.ADULT, valid_to__isnull=True, household__case__status="open")
            .order_by("household_id", "id")[:24])
    return [row.person for row in rows]


def demo_login(request):
    """The demo's test login: pick a fictional person (or type a personnummer).  Only when
    LIKA_ESERVICE_DEMO_LOGIN is on; never in production."""
    if not settings.LIKA_ESERVICE_DEMO_LOGIN:
        raise Http404
    error = ""
    if request.method == "POST":
        text = (request.POST.get("identity_number") or "").strip()
        try:
            number = parse_identity_number(text, today=timezone.localdate()).number
        except IdentityNumberError:
            error = _("Ange ett giltigt personnummer (ÅÅÅÅMMDD-NNNN).")
        else:
            person = Person.objects.filter(identity_number=number).first()
            resident_login(request, identity_number=number, method=METHOD_DEMO,
                           given_name=person.first_name if person else "",
                           family_name=person.last_name if person else "")
            return redirect(safe_next(request))
    return render(request, "eservice/demo_login.html", {"people": _demo_people(), "error": error,
                                                        "next": safe_next(request, "")},
                  status=400 if error else 200)


@require_POST
def logout(request):
    resident_logout(request)
    messages.info(request, _("Du är utloggad."))
    return redirect("eservice_start")


@require_POST
def quick_exit(request):
    """The quick exit's beacon: the session ends at once (the page itself is replaced by a
    neutral one in the browser, without a history entry)."""
    resident_logout(request)
    return HttpResponse(status=204)


@resident_required(allow_protected=True)
def protected(request):
    """A person with protected identity is routed to contact the unit: the e-service shows
    her nothing of the case, and the partner's pages show nothing of her address."""
    case = resident_case(request.resident.person)
    return render(request, "eservice/protected.html", {"unit": case.unit if case else None})


@resident_required
def home(request):
    """Mina sidor: the household's case from the resident's own position."""
    person = request.resident.person
    case = resident_case(person)
    return render(request, "eservice/home.html", {
        "person": person,
        "case": case,
        "adults": household_adults(case) if case else [],
    })

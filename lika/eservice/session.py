"""A resident's session: one person, logged in with her own e-identification.

The session (server-side, in the database) holds the verified personnummer and the names
the identity provider gave; never a partner's.  Logging in as a resident ends whatever
the browser's session was (a staff login, another resident): a session belongs to one
person.  A staff login likewise ends a resident's session (the signal below)."""

import functools
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property

from lika.audit.services import LOGIN, access_log_write
from lika.households.models import Person

from .actor import eservice_actor

KEY = "lika_resident"
METHOD_OIDC, METHOD_DEMO = "oidc", "demo"


@dataclass(frozen=True)
class Resident:
    """The logged-in resident: who the identity provider says she is."""

    identity_number: str  # 12 digits
    given_name: str
    family_name: str
    method: str

    @cached_property
    def person(self) -> Person | None:
        """Her person in Lika, if she is known (a first-time applicant is not, yet)."""
        return Person.objects.filter(identity_number=self.identity_number).first()

    @property
    def protected(self) -> bool:
        return bool(self.person and self.person.protected_identity)

    @property
    def display_name(self) -> str:
        if self.person:
            return f"{self.person.first_name} {self.person.last_name}"
        return f"{self.given_name} {self.family_name}".strip()


def resident_login(request, *, identity_number: str, given_name: str = "", family_name: str = "",
                   method: str) -> Resident:
    """Start a resident's session for this verified personnummer (after the OIDC callback
    or the demo's test login).  Whatever the session held before is gone."""
    auth_logout(request)  # flushes the session and gives a new key (the language is a cookie: kept)
    request.session[KEY] = {"pnr": identity_number, "given": given_name[:100], "family": family_name[:100],
                            "method": method, "at": int(time.time())}
    resident = current_resident(request)
    person = resident.person
    access_log_write(actor=eservice_actor(), action=LOGIN, object_type="resident",
                     object_id=person.pk if person else "", person_id=person.pk if person else None,
                     summary=f"Invånare loggade in i e-tjänsten ({'e-legitimation' if method == METHOD_OIDC else 'demo'})")
    return resident


def resident_logout(request) -> None:
    request.session.flush()
    request.resident = None


def current_resident(request) -> Resident | None:
    data = request.session.get(KEY) if hasattr(request, "session") else None
    if not isinstance(data, dict) or not data.get("pnr"):
        return None
    cached = getattr(request, "_lika_resident", None)
    if cached is not None and cached.identity_number == data["pnr"]:
        return cached
    resident = Resident(identity_number=data["pnr"], given_name=data.get("given", ""),
                        family_name=data.get("family", ""), method=data.get("method", ""))
    request._lika_resident = resident
    return resident


def resident_required(view=None, *, allow_protected: bool = False):
    """The view needs a logged-in resident (``request.resident``); anyone else goes to the
    e-service's login.  A person with protected identity is routed to contact the unit
    (``allow_protected`` for the few pages that tell her how)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            resident = current_resident(request)
            if resident is None:
                return redirect(f"{reverse('eservice_login')}?{urlencode({'next': request.get_full_path()})}")
            request.resident = resident
            if resident.protected and not allow_protected:
                return redirect("eservice_protected")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


@receiver(user_logged_in)
def _staff_login_ends_resident_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(KEY, None)

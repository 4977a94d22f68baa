"""Query parameters are outside input too: a NUL character (which PostgreSQL cannot store or
compare, so ``/arenden/?q=%00`` was a 500) or an over-long value is refused with a Swedish
400 page before any view runs, for every page at once (docs/security.md, "Bad input and
faults").  Forms' own fields refuse NUL as well (Django's CharField); this covers the
parameters that views read directly (the case list's search, page numbers, filters)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lika.core.limits import MAX_PARAMETER_LENGTH

MAX_PARAMETERS = 50


def parameter_problem(query) -> str | None:
    """Why the query parameters ``query`` (a QueryDict) are refused, or None."""
    if len(query) > MAX_PARAMETERS:
        return _("Adressen har för många parametrar.")
    for key, values in query.lists():
        if len(key) > MAX_PARAMETER_LENGTH:
            return _("Adressen har en för lång parameter.")
        for value in [key, *values]:
            if "\x00" in value:
                return _("Sökningen innehåller ett otillåtet tecken (NUL). Skriv om den utan det.")
            if len(value) > MAX_PARAMETER_LENGTH:
                return _("Sökningen är för lång: högst %(limit)s tecken.") % {"limit": MAX_PARAMETER_LENGTH}
    return None


class BoundedParametersMiddleware:
    """Refuse a request whose query string breaks :func:`parameter_problem` (400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = parameter_problem(request.GET)
        if problem and request.path.startswith("/api/"):  # the integration API answers JSON (docs/api.md)
            return JsonResponse({"code": "invalid_parameter", "detail": problem, "errors": [problem]}, status=400)
        if problem:
            return render(request, "400.html", {"message": problem}, status=400)
        return self.get_response(request)

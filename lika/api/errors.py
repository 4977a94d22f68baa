"""Every API error is JSON: ``{"code": "...", "detail": "<Swedish reason>", "errors": [...]}``
with a 4xx status; never a 5xx or a traceback (docs/api.md, "Errors").  Django's own
faults inside a view (ValidationError, PermissionDenied, Http404) are mapped here too.  An
unexpected exception is not hidden: it is a bug, and the schemathesis tests look for it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

STATUS_CODES = {
    400: ("invalid", "Felaktig begäran."),
    401: ("not_authenticated", "Ange nyckeln: Authorization: Bearer <nyckel>."),
    403: ("forbidden", "Systemet har inte behörighet till detta."),
    404: ("not_found", "Finns inte."),
    405: ("method_not_allowed", "Metoden är inte tillåten här."),
    406: ("not_acceptable", "Svaret kan bara ges som JSON."),
    415: ("unsupported_media_type", "Fel innehållstyp i begäran."),
}


class ApiError(exceptions.APIException):
    """A refusal with a Swedish ``detail``, a ``code`` and optionally every fault (``errors``)."""

    def __init__(self, detail, code="invalid", status_code=400, errors=None):
        super().__init__(detail=detail, code=code)
        self.status_code, self.code, self.errors = status_code, code, errors or []


def body(code: str, detail: str, errors=None) -> dict:
    return {"code": code, "detail": detail, "errors": [str(e) for e in (errors or [])]}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        out = []
        for field, value in detail.items():
            for message in _flatten(value):
                out.append(message if field in ("non_field_errors", "__all__") else f"{field}: {message}")
        return out
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item)]
    return [str(detail)]


def exception_handler(exc, context):
    if isinstance(exc, ApiError):
        return Response(body(exc.code, str(exc.detail), exc.errors), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ValidationError):
        messages = exc.messages
        return Response(body("invalid", messages[0] if len(messages) == 1 else "Uppgifterna har fel.", messages),
                        status=400)
    if not isinstance(exc, exceptions.APIException):
        return None
    code, default = STATUS_CODES.get(exc.status_code, ("invalid", "Felaktig begäran."))
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return Response(body("invalid", errors[0] if len(errors) == 1 else "Uppgifterna har fel.", errors),
                        status=400, headers=headers)
    detail = exc.detail
    exc_code = detail.code if hasattr(detail, "code") else None
    if exc_code and exc_code not in ("not_authenticated", "permission_denied", "not_found", "method_not_allowed",
                                     "unsupported_media_type", "not_acceptable", "authentication_failed",
                                     "parse_error", "error"):
        code = exc_code
    text = str(detail) if exc_code not in ("permission_denied", "not_found", "method_not_allowed",
                                           "unsupported_media_type", "not_acceptable", "parse_error") else default
    if exc_code == "parse_error":
        text = "Innehållet kunde inte läsas som JSON."
    return Response(body(code, text), status=exc.status_code, headers=headers)


def json_not_found(request, *args, **kwargs):
    """An address under /api/ that does not exist: a JSON 404."""
    return JsonResponse(body("not_found", "Finns inte."), status=status.HTTP_404_NOT_FOUND)

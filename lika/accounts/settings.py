"""The municipality's settings, effective-dated (issue 17).

Each setting has an environment default (``LIKA_PAY_DAY`` …, lika/config/settings.py);
an administrator overrides it from a date on the page "Inställningar" (a new
``MunicipalitySetting`` row, never an edit).  Code reads a setting only through
``current(name, on=day)``.

Within a request the rows are read once (issue 18: a page read the table once per use):
``SettingsPerRequestMiddleware`` opens a cache for the request, ``current`` fills it with
every row on first use (a handful; one row per change ever made), and a change made in the
request empties it.  Outside a request (commands, jobs, tests) each use is one query."""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Spec:
    env: str          # the Django setting holding the environment default
    low: int
    high: int
    problem: str      # the Swedish message when a value is outside low..high
    unit: str = ""


SPECS = {
    "pay_day": Spec("LIKA_PAY_DAY", 1, 28, _("Utbetalningsdagen ska vara en dag mellan 1 och 28."),
                    _("dag i månaden")),
    "delegation_limit_kronor": Spec("LIKA_DELEGATION_LIMIT_KRONOR", 1, 10_000_000,
                                    _("Delegationsgränsen ska vara ett positivt belopp i hela kronor."), _("kr")),
    "statistics_threshold": Spec("LIKA_STATISTICS_THRESHOLD", 3, 100,
                                 _("Gränsen för små tal ska vara minst 3 (och högst 100)."), _("personer")),
    "exception_months": Spec("LIKA_EXCEPTION_MONTHS", 1, 24,
                             _("Ett undantag ska gälla mellan 1 och 24 månader."), _("månader")),
    "plan_days": Spec("LIKA_PLAN_DAYS", 1, 365, _("Dagar till egen plan ska vara mellan 1 och 365."), _("dagar")),
    "account_change_hold_days": Spec("LIKA_ACCOUNT_CHANGE_HOLD_DAYS", 0, 60,
                                     _("Dagar att hålla utbetalningen ska vara mellan 0 och 60."), _("dagar")),
}


def default(name: str) -> int:
    """The environment default of ``name``."""
    return getattr(django_settings, SPECS[name].env)


def current(name: str, on: date | None = None) -> int:
    """The value of setting ``name`` in force on ``on`` (today by default): the latest
    row from that day or before, else the environment default.  One query."""
    from .models import MunicipalitySetting

    if name not in SPECS:
        raise KeyError(name)
    on = on or timezone.localdate()
    cache = _request_cache.get()
    if cache is not None:
        if "rows" not in cache:
            cache["rows"] = list(MunicipalitySetting.objects.order_by("-valid_from", "-id")
                                 .values_list("name", "valid_from", "value"))
        value = next((v for n, valid_from, v in cache["rows"] if n == name and valid_from <= on), None)
        return default(name) if value is None else value
    value = (MunicipalitySetting.objects.filter(name=name, valid_from__lte=on)
             .order_by("-valid_from", "-id").values_list("value", flat=True).first())
    return default(name) if value is None else value


_request_cache: ContextVar[dict | None] = ContextVar("lika_municipality_settings", default=None)


def forget() -> None:
    """Empty the request's cache (a setting was changed in this request)."""
    cache = _request_cache.get()
    if cache is not None:
        cache.clear()


class SettingsPerRequestMiddleware:
    """Reads the municipality's settings at most once per request (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_cache.set({})
        try:
            return self.get_response(request)
        finally:
            _request_cache.reset(token)

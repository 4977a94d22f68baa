"""The municipality's settings, effective-dated (issue 17).

Each setting has an environment default (``LIKA_PAY_DAY`` …, lika/config/settings.py);
an administrator overrides it from a date on the page "Inställningar" (a new
``MunicipalitySetting`` row, never an edit).  Code reads a setting only through
``current(name, on=day)``."""

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
    value = (MunicipalitySetting.objects.filter(name=name, valid_from__lte=on)
             .order_by("-valid_from", "-id").values_list("value", flat=True).first())
    return default(name) if value is None else value

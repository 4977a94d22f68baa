"""Calculating a household-month from the JSON contract on the norm table in force."""

from django.conf import settings

from lika.core.calculation import CalculationError, calculate_support
from lika.core.household_json import InputError, parse_household_month, payees
from lika.core.split import SplitError, split_payment

from .selectors import norm_table_for_year


def calculate_household_month(data):
    """Validate ``data``, calculate and split; raise InputError with a reason."""
    household, payment = parse_household_month(
        data, exception_reasons=list(settings.LIKA_PAYMENT_EXCEPTION_REASONS))
    norm = norm_table_for_year(household.year)
    if norm is None:
        raise InputError(f"month: det finns ingen normtabell för {household.year}")
    try:
        calc = calculate_support(household, norm)
        split = split_payment(
            calc.support, adults=payees(household.members), year=household.year,
            month=household.month, mode=payment.mode, recipient=payment.recipient,
            reason=payment.reason, reason_text=payment.reason_text, direct=payment.direct)
    except (CalculationError, SplitError) as exc:
        raise InputError(str(exc)) from None
    return calc, split

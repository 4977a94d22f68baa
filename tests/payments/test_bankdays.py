"""The payment day: never in the past, never a Swedish non-banking day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lika.payments import services as payments
from lika.payments.bankdays import (
    default_payday,
    is_banking_day,
    payday_problem,
    previous_banking_day,
)


@pytest.mark.parametrize(("day", "banking"), [
    (date(2026, 12, 4), True),  # a Friday
    (date(2026, 12, 5), False),  # Saturday
    (date(2026, 12, 6), False),  # Sunday
    (date(2026, 12, 24), False),  # julafton: banks closed
    (date(2026, 12, 25), False),  # juldagen
    (date(2026, 12, 28), True),
    (date(2026, 12, 31), False),  # nyårsafton
    (date(2027, 1, 6), False),  # trettondedag jul
    (date(2026, 4, 3), False),  # långfredagen
    (date(2026, 4, 6), False),  # annandag påsk
    (date(2026, 5, 14), False),  # Kristi himmelsfärds dag
    (date(2026, 6, 19), False),  # midsommarafton
    (date(2026, 6, 18), True),  # the day before midsommarafton is a (half) banking day
    (date(2026, 6, 5), True),
    (date(2027, 6, 7), True),  # nationaldagen 2027 is a Sunday; Monday is a banking day
])
def test_swedish_banking_days(day, banking):
    assert is_banking_day(day) is banking


@pytest.mark.parametrize(("month", "pay_day", "today", "expected"), [
    (date(2027, 2, 1), 25, date(2027, 1, 3), date(2027, 1, 25)),  # a Monday: as configured
    (date(2026, 11, 1), 25, date(2026, 10, 1), date(2026, 10, 23)),  # 25 Oct 2026 is a Sunday
    (date(2027, 1, 1), 25, date(2026, 12, 1), date(2026, 12, 23)),  # juldagen, julafton: the 23rd
    (date(2026, 3, 1), 31, date(2026, 2, 1), date(2026, 2, 27)),  # February has no 31st; 28th a Saturday
    (date(2026, 12, 1), 25, date(2026, 12, 6), date(2026, 12, 7)),  # passed: the first banking day from today
    (date(2027, 1, 1), 25, date(2026, 12, 24), date(2026, 12, 28)),  # passed, today julafton
])
def test_default_payday(month, pay_day, today, expected):
    assert default_payday(month, pay_day=pay_day, today=today) == expected
    assert is_banking_day(expected) and expected >= today


def test_a_past_or_closed_day_is_explained():
    assert "passerat" in payday_problem(date(2026, 12, 4), today=date(2026, 12, 6))
    problem = payday_problem(date(2026, 12, 24), today=date(2026, 12, 1))
    assert "inte en bankdag" in problem and "2026-12-23" in problem
    assert payday_problem(date(2026, 12, 23), today=date(2026, 12, 1)) is None
    assert previous_banking_day(date(2026, 12, 27)) == date(2026, 12, 23)


def test_a_run_refuses_a_past_or_closed_payday(petra, settings):
    today = payments.timezone.localdate()
    with pytest.raises(ValidationError, match="passerat"):
        payments.payment_run_create(acting_user=petra, month=date(2027, 1, 1), payday=date(2020, 1, 2))
    saturday = today.replace(year=today.year + 1, month=1, day=1)
    while saturday.weekday() != 5:
        saturday = saturday.replace(day=saturday.day + 1)
    with pytest.raises(ValidationError, match="inte en bankdag"):
        payments.payment_run_create(acting_user=petra, month=date(2027, 1, 1), payday=saturday)
    run = payments.payment_run_create(acting_user=petra, month=date(2027, 1, 1))
    assert is_banking_day(run.payday) and run.payday >= today


def test_export_refuses_a_payday_that_has_passed_and_the_day_can_be_moved(petra, bob, monkeypatch):
    """A run attested too late: the bank would get a date in the past."""
    run = payments.payment_run_create(acting_user=petra, month=date(2027, 1, 1))
    payments.PaymentRun.objects.filter(pk=run.pk).update(status="attested", payday=date(2020, 1, 2))
    bob.can_attest_payments = True
    bob.save()
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="passerat"):
        payments.payment_run_export(acting_user=petra, run=run)
    new_day = previous_banking_day(date(payments.timezone.localdate().year + 1, 1, 20))
    run = payments.payment_run_set_payday(acting_user=petra, run=run, payday=new_day)
    assert run.payday == new_day

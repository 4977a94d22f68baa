"""Issue 17 on PostgreSQL with real threads released together: two people making the
day's print batch at once get one batch (each letter in it once); two marking it "lämnad
till posten" at once record it once; two marking a payment run sent to the bank, once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from lika.cases import dispatch
from lika.cases.models import DecisionRecipient, LetterDispatch, PrintBatch
from tests import threads
from tests.cases.dispatch_helpers import couple_decided

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="threads share one in-memory SQLite; SQLite writers are serialised by IMMEDIATE"),
    pytest.mark.django_db(transaction=True),
]


def race(*calls):
    return threads.race(*calls, expected=(ValidationError, PermissionDenied))


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_making_the_days_batch_at_once_get_one_batch(unit_a, alice, bob, attempt):
    couple_decided(unit_a, alice)
    couple_decided(unit_a, alice, protected_woman=True)
    results = race(lambda: dispatch.print_batch_make(acting_user=alice, unit=unit_a),
                   lambda: dispatch.print_batch_make(acting_user=bob, unit=unit_a))
    batches = {batch.pk for batch, _made in results}
    assert len(batches) == 1 and PrintBatch.objects.count() == 1, results
    assert sorted(made for _batch, made in results) == [False, True]
    assert LetterDispatch.objects.count() == 4 == DecisionRecipient.objects.count()
    assert LetterDispatch.objects.values("recipient").distinct().count() == 4


@pytest.mark.parametrize("attempt", range(2))
def test_two_people_mark_the_batch_posted_at_once(unit_a, alice, bob, attempt):
    couple_decided(unit_a, alice)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    results = race(lambda: dispatch.print_batch_mark_posted(acting_user=alice, batch=batch),
                   lambda: dispatch.print_batch_mark_posted(acting_user=bob, batch=batch))
    assert [isinstance(r, ValidationError) for r in results].count(True) == 1, results
    assert DecisionRecipient.objects.filter(channel="post", delivered_on__isnull=False).count() == 2


def test_two_payment_officers_mark_the_run_sent_at_once(unit_a, alice, bob, petra, settings, tmp_path):
    from lika.accounts.models import User
    from lika.payments import services as payments
    from lika.payments.models import PaymentRun

    settings.LIKA_PAYMENT_FILES = tmp_path
    bob.can_attest_payments = True
    bob.save()
    couple_decided(unit_a, alice)
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(
        acting_user=petra, month=dispatch_month()))
    payments.payment_run_attest(acting_user=bob, run=run)
    payments.payment_run_export(acting_user=petra, run=run)
    other = User.objects.create_user(username="olle", password="x-very-long-pw", role="payment_officer", unit=unit_a)
    results = race(lambda: payments.payment_run_mark_sent(acting_user=petra, run=run),
                   lambda: payments.payment_run_mark_sent(acting_user=other, run=run))
    assert [isinstance(r, ValidationError) for r in results].count(True) == 1, results
    run = PaymentRun.objects.get(pk=run.pk)
    assert run.sent_to_bank_at is not None and run.sent_to_bank_by_id in (petra.pk, other.pk)


def dispatch_month():
    from tests.cases.dispatch_helpers import MONTH

    return MONTH

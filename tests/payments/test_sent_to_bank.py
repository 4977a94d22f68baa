"""Issue 17: a payment run whose file is made ("Fil skapad") is marked as sent to the bank
by payment staff — who and when, logged, refused twice and before the file exists."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lika.audit.models import AccessLogEntry
from lika.payments import services as payments
from lika.payments.models import PaymentRun
from tests.cases.dispatch_helpers import MONTH, couple_decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(unit_a, alice, bob, petra, settings, tmp_path):
    settings.LIKA_PAYMENT_FILES = tmp_path
    bob.can_attest_payments = True
    bob.save()
    couple_decided(unit_a, alice)
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                         month=MONTH))
    attested = payments.payment_run_attest(acting_user=bob, run=run)
    with pytest.raises(ValidationError, match="Bara en körning med skapad betalfil"):
        payments.payment_run_mark_sent(acting_user=petra, run=attested)
    payments.payment_run_export(acting_user=petra, run=run)
    return PaymentRun.objects.get(pk=run.pk)


def test_the_run_is_marked_sent_once_with_who_and_when(exported, petra, bob):
    run = payments.payment_run_mark_sent(acting_user=petra, run=exported)
    run.refresh_from_db()
    assert run.status == "exported" and run.sent_to_bank_by == petra and run.sent_to_bank_at is not None
    entry = AccessLogEntry.objects.get(object_type="payment_run", summary__contains="skickad till banken")
    assert entry.actor == petra and entry.new_values["file"] == run.file_name
    with pytest.raises(ValidationError, match="redan markerad"):
        payments.payment_run_mark_sent(acting_user=bob, run=run)
    run.refresh_from_db()
    assert run.sent_to_bank_by == petra


def test_only_payment_staff_mark_it(exported, alice, charlie):
    for user in (alice, charlie):
        with pytest.raises(PermissionDenied):
            payments.payment_run_mark_sent(acting_user=user, run=exported)
    assert PaymentRun.objects.get(pk=exported.pk).sent_to_bank_at is None


def test_the_database_refuses_half_a_record(exported, petra):
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRun.objects.filter(pk=exported.pk).update(sent_to_bank_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRun.objects.filter(pk=exported.pk).update(sent_to_bank_at=timezone.now(), sent_to_bank_by=petra,
                                                         status="attested")


def test_the_run_page_offers_the_action_and_shows_who(client, exported, petra):
    client.force_login(petra)
    page = client.get(f"/utbetalningar/{exported.pk}/").content.decode()
    assert 'value="sent"' in page and "Markera som skickad till banken" in page
    response = client.post(f"/utbetalningar/{exported.pk}/", {"action": "sent"})
    assert response.status_code == 302
    page = client.get(f"/utbetalningar/{exported.pk}/").content.decode()
    assert "Skickad till banken" in page and "Petra Persson" in page and 'value="sent"' not in page

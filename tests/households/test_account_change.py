"""A change of bank account is four-eyes (issue #13): one user of the unit asks,
another confirms; the person's account changes only then, both steps are logged with
the old and the new account, and the payment run holds a share whose account changed
within LIKA_ACCOUNT_CHANGE_HOLD_DAYS.  The database refuses what the code must never
do (the requester confirming, two pending changes), also under concurrency."""

from datetime import date, timedelta
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif condition
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.bank_accounts import (
    account_change_cancel,
    account_change_confirm,
    account_change_request,
)
from lika.cases.decisions import LineDecision
from lika.households.models import BankAccountChange
from lika.payments import services as payments
from lika.payments.models import PaymentHold, PaymentOrder
from tests.cases.factories import couple_case
from tests.conftest import _user
from tests.threads import race as _race

MONTH = date(2026, 12, 1)
ACCOUNTS = ("1000039", "1000047", "1000055", "1000063", "1000071")  # valid SEB numbers (clearing 5000)
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")


@pytest.fixture
def couple(unit_a, alice):
    return couple_case(unit_a, case_worker=alice)


@pytest.fixture
def dora(unit_a):
    """A second case worker of unit A."""
    return _user("dora", "case_worker", unit_a, "Dora", "Dahl")


def _request(alice, couple, account="1000004"):
    case, woman = couple[0], couple[1]
    return account_change_request(acting_user=alice, case=case, person=woman, clearing="5000", account=account)


def test_a_requested_change_waits_and_the_account_stays(couple, alice):
    woman = couple[1]
    change = _request(alice, couple)
    woman.refresh_from_db()
    assert (woman.bank_clearing, woman.bank_account) == ("5000", "1234560")
    assert change.status == "pending" and (change.old_clearing, change.old_account) == ("5000", "1234560")
    entry = AccessLogEntry.objects.get(object_type="bank_account_change", action="create")
    assert entry.old_values["bank_account"] == "1234560" and entry.new_values["bank_account"] == "1000004"


def test_the_requester_cannot_confirm_and_the_database_refuses_it_too(couple, alice):
    change = _request(alice, couple)
    with pytest.raises(ValidationError, match="själv har begärt"):
        account_change_confirm(acting_user=alice, case=couple[0], change=change)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.filter(pk=change.pk).update(status="confirmed", confirmed_by=alice,
                                                              confirmed_at=timezone.now(), confirmed_channel="colleague")


@pytest.mark.parametrize("confirmer", ["bob", "dora"])  # the enhetschef or a colleague
def test_a_colleague_of_the_unit_confirms_and_the_change_is_logged(couple, alice, confirmer, request, dora):
    case, woman = couple[0], couple[1]
    user = request.getfixturevalue(confirmer)
    change = _request(alice, couple)
    done = account_change_confirm(acting_user=user, case=case, change=change, channel="holder_visit")
    woman.refresh_from_db()
    assert (woman.bank_clearing, woman.bank_account) == ("5000", "1000004")
    assert done.status == "confirmed" and done.confirmed_by == user and done.confirmed_at is not None
    entry = AccessLogEntry.objects.get(object_type="person", action="update", actor=user, person_id=woman.pk)
    assert entry.old_values["bank_account"] == "1234560" and entry.new_values["bank_account"] == "1000004"
    assert entry.new_values["requested_by"] == alice.pk
    with pytest.raises(ValidationError, match="redan bekräftad"):
        account_change_confirm(acting_user=user, case=case, change=change)


def test_another_unit_can_neither_confirm_nor_cancel(couple, alice, charlie):
    change = _request(alice, couple)
    for service in (account_change_confirm, account_change_cancel):
        with pytest.raises(PermissionDenied):
            service(acting_user=charlie, case=couple[0], change=change)
    assert BankAccountChange.objects.get().status == "pending"


def test_one_pending_change_per_person_also_in_the_database(couple, alice, bob):
    change = _request(alice, couple)
    with pytest.raises(ValidationError, match="väntar redan"):
        _request(bob, couple, account="1000012")
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.create(person=couple[1], new_clearing="5000", new_account="1000020",
                                         requested_by=bob)
    account_change_cancel(acting_user=alice, case=couple[0], change=change)
    assert _request(bob, couple, account="1000012").status == "pending"


def test_bad_or_empty_accounts_are_refused(couple, alice):
    case, woman = couple[0], couple[1]
    with pytest.raises(ValidationError, match="Kontonumret är inte giltigt"):
        account_change_request(acting_user=alice, case=case, person=woman, clearing="5000", account="12")
    with pytest.raises(ValidationError, match="Ange det nya kontot"):
        account_change_request(acting_user=alice, case=case, person=woman)
    with pytest.raises(ValidationError, match="redan registrerat"):
        account_change_request(acting_user=alice, case=case, person=woman, clearing="5000", account="1234560")
    assert not BankAccountChange.objects.exists()


def test_the_person_page_asks_and_a_colleague_confirms(client, couple, alice, bob):
    case, woman = couple[0], couple[1]
    url = reverse("person_detail", kwargs={"case_id": case.pk, "person_id": woman.pk})
    client.force_login(alice)
    response = client.post(url, {"action": "save", "first_name": "Sara", "last_name": "Lind",
                                 "bank_clearing": "5000", "bank_account": "1000004"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Kontoändring väntar på bekräftelse" in page and "Bekräfta kontoändringen" not in page
    change = BankAccountChange.objects.get()
    assert client.post(url, {"action": "confirm_account", "change": change.pk,
                             "channel": "colleague"}).status_code == 200  # refused with a message
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "Bekräfta kontoändringen" in page
    assert client.post(url, {"action": "confirm_account", "change": change.pk, "channel": "colleague"}).status_code == 302
    woman.refresh_from_db()
    assert woman.bank_account == "1000004"


# --- the payment run ------------------------------------------------------------------

def _decided(case, alice, woman):
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={m.person_id: "unemployed"
                                                 for m in case.household.memberships.filter(role="adult")})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    rows = len(decisions.need_lines(application.calculations.get()))
    return decisions.decision_make(acting_user=alice, application=application, lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)


@pytest.mark.parametrize(("days", "ago", "held"), [
    (5, timedelta(hours=1), True),  # changed within the configured days: held
    (5, timedelta(days=6), False),  # longer ago: paid to the new account
    (0, timedelta(hours=1), False),  # the hold is off
])
def test_the_run_holds_a_share_whose_account_changed_recently(couple, alice, bob, petra, settings, days, ago, held):
    settings.LIKA_ACCOUNT_CHANGE_HOLD_DAYS = days
    case, woman, man = couple[:3]
    decision = _decided(case, alice, woman)
    change = account_change_confirm(acting_user=bob, case=case, change=_request(alice, couple))
    BankAccountChange.objects.filter(pk=change.pk).update(confirmed_at=timezone.now() - ago)
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                          month=MONTH))
    holds = list(PaymentHold.objects.filter(run=run))
    orders = {o.person_id: o for o in PaymentOrder.objects.filter(run=run)}
    assert man.pk in orders, "the partner's half is paid either way"
    if held:
        assert [(h.reason, h.share.person_id) for h in holds] == [("account_changed", woman.pk)]
        assert holds[0].get_reason_display() == "Kontot har nyligen ändrats"
    else:
        assert not holds and orders[woman.pk].account == "1000004"
    assert not payments.reconciliation(run)
    assert decision.shares.count() == 2


def test_a_returned_payment_is_not_reissued_to_a_just_changed_account(couple, alice, bob, petra, settings):
    settings.LIKA_ACCOUNT_CHANGE_HOLD_DAYS = 3
    case, woman = couple[:2]
    _decided(case, alice, woman)
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                          month=MONTH))
    order = PaymentOrder.objects.get(run=run, person=woman)
    PaymentOrder.objects.filter(pk=order.pk).update(status="returned")
    account_change_confirm(acting_user=bob, case=case, change=_request(alice, couple))
    next_run = payments.payment_run_create(acting_user=petra, month=MONTH)
    with pytest.raises(ValidationError, match="kontot har ändrats"):
        payments.payment_order_reissue(acting_user=petra, order=order, run=next_run)


# --- concurrency (PostgreSQL: real row locks, one connection per thread) ----------------

@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_confirmers_at_once_confirm_once(unit_a, alice, bob, dora):
    case, woman, *_ = couple_case(unit_a, case_worker=alice)
    for attempt, account in enumerate(ACCOUNTS):
        change = account_change_request(acting_user=alice, case=case, person=woman, clearing="5000",
                                        account=account)
        results = _race(partial(account_change_confirm, acting_user=bob, case=case, change=change),
                        partial(account_change_confirm, acting_user=dora, case=case, change=change))
        confirmed = [r for r in results if isinstance(r, BankAccountChange)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(confirmed) == 1 and len(refused) == 1, results
        assert "redan bekräftad" in refused[0].messages[0]
        assert AccessLogEntry.objects.filter(object_type="person", action="update", object_id=str(woman.pk),
                                             summary__startswith="Kontoändring bekräftad").count() == attempt + 1
    woman.refresh_from_db()
    assert woman.bank_account == ACCOUNTS[-1]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_leave_one_pending(unit_a, alice, bob):
    case, woman, *_ = couple_case(unit_a, case_worker=alice)
    results = _race(lambda: account_change_request(acting_user=alice, case=case, person=woman, clearing="5000",
                                                   account="1000004"),
                    lambda: account_change_request(acting_user=bob, case=case, person=woman, clearing="5000",
                                                   account="1000012"))
    assert sorted(type(r).__name__ for r in results) == ["BankAccountChange", "ValidationError"], results
    assert BankAccountChange.objects.filter(status="pending").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_confirm_and_cancel_at_once_end_in_one_state(unit_a, alice, bob):
    case, woman, *_ = couple_case(unit_a, case_worker=alice)
    change = account_change_request(acting_user=alice, case=case, person=woman, clearing="5000",
                                    account="1000004")
    results = _race(lambda: account_change_confirm(acting_user=bob, case=case, change=change),
                    lambda: account_change_cancel(acting_user=alice, case=case, change=change))
    assert sum(isinstance(r, BankAccountChange) for r in results) == 1, results
    change.refresh_from_db()
    woman.refresh_from_db()
    assert (change.status == "confirmed") == (woman.bank_account == "1000004")


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clearing=st.text(max_size=8), account=st.text(max_size=24), iban=st.text(max_size=40))
def test_any_typed_account_is_a_pending_change_or_one_swedish_line(couple, alice, clearing, account, iban):
    """Generated input: a valid account becomes a pending change (nothing else changes),
    anything else one Swedish message — never a traceback, never a half-written row."""
    case, woman = couple[0], couple[1]
    before = BankAccountChange.objects.count()
    try:
        change = account_change_request(acting_user=alice, case=case, person=woman, clearing=clearing,
                                        account=account, iban=iban)
    except ValidationError as exc:
        assert len(exc.messages) == 1 and exc.messages[0]
        assert BankAccountChange.objects.count() == before
    else:
        assert change.new_iban or change.new_account
        account_change_cancel(acting_user=alice, case=case, change=change)
    woman.refresh_from_db()
    assert (woman.bank_clearing, woman.bank_account) == ("5000", "1234560")

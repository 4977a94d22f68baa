"""Issue 13: two users at the same moment, on PostgreSQL with real threads that start
together (a barrier).  Each race ends with one decision in force per application and
one payment per share, whoever wins."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import Application, Decision
from lika.payments import services as payments
from lika.payments.models import PaymentOrder, PaymentRun
from tests import threads
from tests.cases.factories import couple_case

MONTH = date(2026, 12, 1)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="threads share one in-memory SQLite; SQLite writers are serialised by IMMEDIATE"),
    pytest.mark.django_db(transaction=True),
]


def race(*calls):
    return threads.race(*calls, expected=(ValidationError, PermissionDenied))


def _adults(case):
    return [m.person for m in services.memberships_in_month(case.household_id, MONTH) if m.role == "adult"]


def _calculated(case, user):
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=_adults(case)[0])
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={p.pk: "unemployed" for p in _adults(case)})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application


def _lines(application, granted=True):
    rows = len(decisions.need_lines(application.calculations.get(superseded_at__isnull=True)))
    if granted:
        return [LineDecision("granted")] * rows
    return [LineDecision("refused", reason="Behovet är tillgodosett")] * rows


def _decide(user, application, granted=True):
    return lambda: decisions.decision_make(acting_user=user, application=Application.objects.get(pk=application.pk),
                                           lines=_lines(application, granted), acknowledge_provisional=True)


def _in_force(application):
    return list(Decision.objects.filter(application=application, status="issued", superseded_at__isnull=True))


@pytest.fixture
def case(unit_a, alice, bob):
    bob.can_attest_payments = True
    bob.save()
    case, _woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    return case


@pytest.mark.parametrize("attempt", range(3))
def test_two_case_workers_decide_the_same_application_at_once(case, alice, bob, petra, attempt):
    application = _calculated(case, alice)
    results = race(_decide(alice, application), _decide(bob, application))
    issued = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(issued) == 1 and len(refused) == 1, results
    assert "redan beslutad" in refused[0].messages[0]
    assert len(_in_force(application)) == 1 and Decision.objects.filter(application=application).count() == 1
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                         month=MONTH))
    assert run.total == issued[0].granted_amount, "the household is paid once"


@pytest.mark.parametrize("attempt", range(3))
def test_the_manager_approves_while_the_case_worker_decides_again(case, alice, bob, settings, attempt):
    application = _calculated(case, alice)
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1000
    waiting = decisions.decision_make(acting_user=alice, application=application, lines=_lines(application), acknowledge_provisional=True)
    assert waiting.status == "awaiting_approval"
    approve = lambda: decisions.decision_approve(acting_user=bob, decision=waiting, acknowledge_provisional=True)  # noqa: E731
    results = race(approve, _decide(alice, application, granted=False))
    winners = [r for r in results if isinstance(r, Decision)]
    assert len(winners) == 1, results
    assert len(_in_force(application)) == 1
    waiting.refresh_from_db()
    if isinstance(results[0], Decision):  # approved first: the new decision found it decided
        assert waiting.status == "issued" and "redan beslutad" in results[1].messages[0]
    else:  # the new decision first: the proposal was cancelled and approval refused
        assert waiting.status == "cancelled" and "ersatts" in results[0].messages[0]


@pytest.mark.parametrize("attempt", range(3))
def test_withdrawal_and_approval_at_once(case, alice, bob, settings, attempt):
    application = _calculated(case, alice)
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1000
    waiting = decisions.decision_make(acting_user=alice, application=application, lines=_lines(application), acknowledge_provisional=True)
    withdraw = lambda: services.application_withdraw(  # noqa: E731
        acting_user=alice, application=Application.objects.get(pk=application.pk), reason="Fick arbete")
    approve = lambda: decisions.decision_approve(acting_user=bob, decision=waiting, acknowledge_provisional=True)  # noqa: E731
    results = race(withdraw, approve)
    application.refresh_from_db()
    waiting.refresh_from_db()
    assert [isinstance(r, ValidationError) for r in results].count(True) == 1, results
    if application.status == Application.Status.WITHDRAWN:
        assert waiting.status == "cancelled" and not _in_force(application)
    else:
        assert waiting.status == "issued" and application.status == Application.Status.DECIDED


@pytest.mark.parametrize("attempt", range(3))
def test_two_applications_of_one_month_cannot_slip_under_the_limit_together(case, alice, settings, attempt):
    one, two = _calculated(case, alice), _calculated(case, alice)
    alone = one.calculations.get().support
    settings.LIKA_DELEGATION_LIMIT_KRONOR = (alone * 2) // 100 - 1
    results = race(_decide(alice, one), _decide(alice, two))
    statuses = sorted(r.status for r in results)
    assert statuses == ["awaiting_approval", "issued"], "the second one counted the first"


def test_two_payment_officers_start_and_prepare_the_same_month(case, alice, petra, unit_a):
    from lika.accounts.models import User

    other = User.objects.create_user(username="olle", password="x-very-long-pw", role="payment_officer",
                                     unit=unit_a)
    for _ in range(6):
        extra, _w, _m, _k = couple_case(unit_a, case_worker=alice)
        application = _calculated(extra, alice)
        decisions.decision_make(acting_user=alice, application=application, lines=_lines(application), acknowledge_provisional=True)
    created = race(lambda: payments.payment_run_create(acting_user=petra, month=MONTH),
                   lambda: payments.payment_run_create(acting_user=other, month=MONTH))
    runs = [r for r in created if isinstance(r, PaymentRun)]
    assert len(runs) == 1 and PaymentRun.objects.filter(month=MONTH).count() == 1, created
    run = runs[0]
    preparer = petra if run.prepared_by_id == petra.pk else other
    race(lambda: payments.payment_run_prepare(acting_user=preparer, run=PaymentRun.objects.get(pk=run.pk), batch=2),
         lambda: payments.payment_run_prepare(acting_user=preparer, run=PaymentRun.objects.get(pk=run.pk), batch=2))
    orders = PaymentOrder.objects.filter(run=run)
    assert orders.count() == orders.values("share").distinct().count() == 12
    run.refresh_from_db()
    assert run.status == "prepared" and payments.reconciliation(run) == []

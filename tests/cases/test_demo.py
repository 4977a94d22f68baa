"""The demo's case work: made through the services, so it shows real states."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases.models import Case, Decision, DecisionRecipient
from lika.cases.services import couple_or_single, memberships_on
from lika.plans.models import Meeting, Plan


@pytest.fixture(params=[None, date(2026, 6, 15), date(2026, 12, 4)], ids=["today", "june", "december"])
def demo(request, db, monkeypatch):
    """The demo as made today, and as made on a summer day and in December (when next
    month's riksnorm is not loaded yet)."""
    if request.param is not None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: request.param)
    out = StringIO()
    call_command("seed_demo", "--households", "24", "--seed", "7", "--cases", "24", "--associations", "0", stdout=out)
    return out.getvalue()


def test_every_demo_household_gets_a_case_with_history(demo):
    assert "Öppnade 24 ärenden" in demo
    assert Case.objects.count() == 24
    issued = Decision.objects.filter(status="issued")
    assert issued.count() >= 24
    for decision in issued.select_related("application__case"):
        assert decision.shares.count() >= 1
        assert sum(s.amount for s in decision.shares.all()) == decision.granted_amount
    assert DecisionRecipient.objects.filter(delivered_on__isnull=True).exists(), "some letters wait"
    assert Plan.objects.exists() and Meeting.objects.filter(kind="joint").exists()
    assert AccessLogEntry.objects.filter(object_type="decision", action="create").count() == issued.count()


def test_demo_registerledare_is_the_applicant_and_both_genders_apply(demo):
    genders = Counter()
    for case in Case.objects.select_related("registerledare"):
        first = case.applications.order_by("month", "id").first()
        assert case.registerledare_id == first.applicant_id
        adults = couple_or_single(memberships_on(case.household_id, first.month))
        if len(adults) == 2:
            genders[case.registerledare.legal_gender] += 1
    assert genders["F"] > 0 and genders["M"] > 0, genders


def test_couples_are_paid_in_equal_halves_unless_an_exception_applies(demo):
    for decision in Decision.objects.filter(status="issued", payment_mode="equal"):
        amounts = [s.amount for s in decision.shares.all() if s.person_id]
        if len(amounts) == 2:
            assert abs(amounts[0] - amounts[1]) <= 1


def test_the_demo_has_statistics_to_show(demo):
    """Paid runs, closed cases, an equal-split switch with history before it, peers and the
    example of Kolada's API (made-up values) for last year."""
    from lika.accounts.models import Municipality
    from lika.core.periods import parse_period
    from lika.payments.models import PaymentRun
    from lika.statistics.figures import build_report
    from lika.statistics.models import HISTORY, ImportedKpiValue, PersonYear

    assert "utbetalningskörning" in demo and "jämförelsekommuner" in demo
    # last month and this month are paid; in December this month's run waits (no January decisions)
    december = timezone.localdate().month == 12
    assert PaymentRun.objects.filter(status="attested").count() == (1 if december else 2)
    switch = Municipality.objects.get().equal_split_from
    assert switch is not None and PersonYear.objects.filter(source=HISTORY).exists()
    peers = ImportedKpiValue.objects.filter(kpi__startswith="LIKA_")
    assert peers.values("municipality").distinct().count() == 3
    example = ImportedKpiValue.objects.exclude(kpi__startswith="LIKA_")  # Kolada's format, made-up values
    assert example.values("municipality").distinct().count() == 5
    assert {row.period for row in example} == {str(timezone.localdate().year - 1)}
    assert all(row.source_file.startswith("EXEMPELDATA ") for row in example)
    assert "exempelvärden i Koladas format" in demo
    report = build_report(period=parse_period(str(switch.year)), threshold=1)
    rows = report.figure("before_after").tables[0].rows
    before, after = rows[1].cells[0], rows[3].cells[0]  # the women's share before and after
    assert before < after  # before the switch the money went mostly to the man who applied


def test_the_demo_has_andringsbeslut_on_paid_decisions_and_a_run_pays_only_the_difference(demo):
    """Two of last month's paid decisions were changed (one up, one down); a run for that
    month settles them: the raise is paid, the cut recorded as overpaid, nothing twice."""
    from lika.accounts.models import User
    from lika.payments import services as payments
    from lika.payments.models import PaymentOffset

    changed = list(Decision.objects.filter(supersedes__isnull=False, status="issued").select_related("supersedes"))
    assert len(changed) == 2 and all(d.change_reason and d.in_force for d in changed)
    assert all(d.supersedes.payment_orders.exists() and not d.supersedes.in_force for d in changed)
    month = changed[0].application.month
    officer = User.objects.get(username="utbetalare")
    run = payments.payment_run_prepare(acting_user=officer,
                                       run=payments.payment_run_create(acting_user=officer, month=month))
    offsets = PaymentOffset.objects.filter(run=run)
    assert {o.decision_id for o in offsets} == {d.pk for d in changed}
    assert sum(o.to_pay for o in offsets) > 0 and sum(o.overpaid for o in offsets) > 0
    assert payments.reconciliation(run) == []


class _Rollback(Exception):
    pass


def test_every_waiting_application_can_be_calculated(demo):
    """Issue 18's load run met a demo application that could not be calculated (a youth of
    19 without hemmavarande): the demo leaves no such application waiting."""
    from django.db import transaction

    from lika.cases import services
    from lika.cases.models import Application

    waiting = list(Application.objects.filter(status="received").select_related("case__case_worker"))
    assert waiting, "the demo leaves applications waiting"
    for application in waiting:
        with pytest.raises(_Rollback), transaction.atomic():
            services.calculation_make(acting_user=application.case.case_worker, application=application)
            raise _Rollback


@pytest.mark.parametrize("ages, calculable", [
    ([(5, False)], True),
    ([(18, False)], True),
    ([(19, False)], False),
    ([(19, True)], True),
    ([(20, True)], True),
    ([(21, True)], False),
    ([(3, False), (19, False)], False),
    ([], True),
])
def test_calculable_children(ages, calculable):
    from types import SimpleNamespace

    from lika.cases.demo import _calculable

    month = date(2026, 12, 1)
    children = [SimpleNamespace(person=SimpleNamespace(birth_date=date(2026 - age, 12, 31)), hemmavarande=h)
                for age, h in ages]
    assert _calculable(children, month) is calculable

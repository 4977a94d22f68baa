"""Preparing a run in several processes (PostgreSQL): the same orders and holds as one
process makes, each share exactly once, and a failed worker leaves a run that simply
continues when prepared again.  On SQLite the run is prepared by one process."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from lika.cases.models import DecisionShare
from lika.payments import parallel
from lika.payments import services as payments
from lika.payments.models import PaymentHold, PaymentOrder, PaymentRun
from tests.payments.test_run import MONTH, month_of_decisions  # noqa: F401 (a fixture)

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="forked workers prepare runs on PostgreSQL only")


@given(first=st.integers(1, 10**9), length=st.integers(1, 10**6), parts=st.integers(1, 16))
def test_ranges_cover_the_ids_once_in_near_equal_parts(first, length, parts):
    last = first + length - 1
    pieces = parallel.ranges(first, last, parts)
    assert len(pieces) == min(parts, length)
    assert pieces[0][0] == first - 1 and pieces[-1][1] == last
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False)), "no gap, no overlap"
    sizes = [upto - after for after, upto in pieces]
    assert min(sizes) >= 1 and max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize(("first", "last", "parts", "expected"), [
    (1, 10, 2, [(0, 5), (5, 10)]),
    (1, 10, 3, [(0, 3), (3, 6), (6, 10)]),
    (7, 7, 4, [(6, 7)]),
    (100, 103, 1, [(99, 103)]),
])
def test_ranges_table(first, last, parts, expected):
    assert parallel.ranges(first, last, parts) == expected


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = parallel.prepare_in_processes

    def counting(*args, **kwargs):
        calls.append(kwargs["workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "prepare_in_processes", counting)
    return calls


def _check_complete(run):
    shares = DecisionShare.objects.filter(decision__application__month=MONTH, amount__gt=0)
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.PREPARED
    assert run.order_count + run.hold_count == shares.count()
    ordered = list(PaymentOrder.objects.values_list("share_id", flat=True))
    held = list(PaymentHold.objects.filter(run=run).values_list("share_id", flat=True))
    assert len(set(ordered)) == len(ordered) and not set(ordered) & set(held)
    assert set(ordered) | set(held) == set(shares.values_list("pk", flat=True))
    amounts = dict(shares.values_list("pk", "amount"))
    assert all(amounts[share] == amount for share, amount in PaymentOrder.objects.values_list("share_id", "amount"))
    assert run.progress_done == run.progress_total == shares.count()
    assert payments.reconciliation(run) == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_make_every_order_and_hold_exactly_once(month_of_decisions, petra, spy):  # noqa: F811
    seen = []
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    run = payments.payment_run_prepare(acting_user=petra, run=run, workers=2, batch=2,
                                       progress=lambda done, total: seen.append((done, total)))
    assert spy == [2], "the shares were prepared by forked workers"
    assert connection.vendor == "postgresql"
    _check_complete(run)
    assert all(done <= total for done, total in seen)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_failed_worker_leaves_a_run_that_continues_when_prepared_again(month_of_decisions, petra,  # noqa: F811
                                                                         monkeypatch, spy):
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    ids = sorted(DecisionShare.objects.filter(decision__application__month=MONTH, amount__gt=0)
                 .values_list("pk", flat=True))
    middle = ids[len(ids) // 2]
    real = payments._prepare_batch

    def breaks_in_the_second_half(run, shares):
        if shares[-1].pk > middle:
            raise RuntimeError("disk full")
        return real(run, shares)

    monkeypatch.setattr(payments, "_prepare_batch", breaks_in_the_second_half)
    with pytest.raises(ValidationError, match="Förberedelsen avbröts .*disk full.*förbered igen"):
        payments.payment_run_prepare(acting_user=petra, run=run, workers=2, batch=1)
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.PREPARING
    done = PaymentOrder.objects.count() + PaymentHold.objects.filter(run=run).count()
    assert 0 < done < len(ids), "the first worker's range landed, the second's did not"
    monkeypatch.setattr(payments, "_prepare_batch", real)
    run = payments.payment_run_prepare(acting_user=petra, run=run, workers=2, batch=1)
    assert spy == [2, 2]
    _check_complete(run)


def test_inside_a_transaction_or_on_sqlite_one_process_prepares(month_of_decisions, petra, spy):  # noqa: F811
    """The test runs in a transaction (and on SQLite there is one writer): no fork."""
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    run = payments.payment_run_prepare(acting_user=petra, run=run, workers=2, batch=1)
    assert spy == []
    _check_complete(run)


def test_default_workers_by_database():
    assert parallel.default_workers() == (1 if connection.vendor == "sqlite" else min(2, parallel.os.cpu_count()))

"""The decision and payment event feed: written by triggers, followed with a cursor,
never skipping an event — also when a transaction that began first commits last
(PostgreSQL)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from lika.api import feed
from lika.api.models import ApiEvent
from lika.cases.models import Decision
from lika.payments import services as payments
from lika.payments.models import PaymentOrder, PaymentRun
from tests.api.conftest import MONTH, bearer, decide
from tests.cases.factories import couple_case, single_case

pytestmark = pytest.mark.django_db(transaction=True)


def _follow(client, token, limit=2):
    """Every event, page by page from the start, as a follower does."""
    seen, after = [], "0"
    for _ in range(100):
        body = client.get(f"/api/v1/events/?after={after}&limit={limit}", **bearer(token)).json()
        seen += body["results"]
        if body["next"] == after:
            assert not body["results"]
            return seen
        after = body["next"]
    raise AssertionError("the feed did not end")


def test_decisions_and_payments_become_events_in_order(client, unit_a, unit_b, alice, charlie, petra, token_a):
    case, woman, *_ = couple_case(unit_a, case_worker=alice)
    decision = decide(case, alice, woman)
    other, other_woman, *_ = couple_case(unit_b, case_worker=charlie)
    decide(other, charlie, other_woman)
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                          month=MONTH))
    PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.EXPORTED)
    orders = list(PaymentOrder.objects.filter(decision=decision).order_by("id"))
    for order in orders:
        PaymentOrder.objects.filter(pk=order.pk).update(status="exported")
    payments.payment_statuses_apply(acting_user=petra, updates=[
        (orders[0].end_to_end_id, "paid", ""), (orders[1].end_to_end_id, "returned", "AC04")])
    events = _follow(client, token_a)
    kinds = [e["kind"] for e in events]
    assert kinds[:2] == ["decision_created", "decision_issued"]
    assert sorted(kinds[2:]) == sorted(["payment_exported", "payment_exported", "payment_paid", "payment_returned"])
    assert {e["case_id"] for e in events} == {case.pk}  # unit B's decision is not in unit A's feed
    assert events[1]["amount"] == decision.granted_amount
    assert len({e["cursor"] for e in events}) == len(events)
    assert _follow(client, token_a, limit=500) == events  # the same order, whatever the page size


def test_the_event_table_is_append_only(unit_a, alice):
    case, adult = single_case(unit_a, case_worker=alice)
    decide(case, alice, adult)
    event = ApiEvent.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiEvent.objects.filter(pk=event.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize("cursor", ["x", "-1", "1", "1.2.3", "0.", "01.2", "99999999999999999999.1"])
def test_a_bad_cursor_is_a_400(client, unit_a, token_a, cursor):
    response = client.get(f"/api/v1/events/?after={cursor}", **bearer(token_a))
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_no_new_events_keeps_the_cursor(client, unit_a, alice, token_a):
    case, adult = single_case(unit_a, case_worker=alice)
    decide(case, alice, adult)
    events = _follow(client, token_a)
    last = events[-1]["cursor"]
    body = client.get(f"/api/v1/events/?after={last}", **bearer(token_a)).json()
    assert body == {"results": [], "next": last, "has_more": False}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: transactions commit out of order")
def test_a_transaction_that_commits_late_is_not_skipped(client, unit_a, alice, token_a):
    """Transaction L begins and writes an event first (lower id); transaction E writes and
    commits while L is still open; a follower reads; then L commits.  The follower must get
    E's event and L's event, neither skipped nor twice."""
    late_case, late_adult = single_case(unit_a, case_worker=alice)
    early_case, early_adult = single_case(unit_a, case_worker=alice)
    late_wrote, early_done, follower_read = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def late():
        try:
            with transaction.atomic():
                decide(late_case, alice, late_adult)
                late_wrote.set()
                assert follower_read.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def early():
        try:
            assert late_wrote.wait(30)
            decide(early_case, alice, early_adult)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            early_done.set()
            connections.close_all()

    threads = [threading.Thread(target=late), threading.Thread(target=early)]
    for thread in threads:
        thread.start()
    assert early_done.wait(60)
    first = client.get("/api/v1/events/?after=0&limit=500", **bearer(token_a)).json()
    ids_late = set(Decision.objects.filter(application__case=late_case).values_list("pk", flat=True))
    assert not ids_late  # not committed yet, so not visible
    # E committed, but its transaction is newer than L, which is still running: held back
    assert first["results"] == []
    follower_read.set()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    events = _follow(client, token_a, limit=1)
    cases = [e["case_id"] for e in events]
    assert sorted(set(cases)) == sorted({late_case.pk, early_case.pk})
    assert len(events) == 4 and len({e["id"] for e in events}) == 4
    # a follower that continued from the first (empty) answer gets the same events
    assert _follow(client, token_a) == events
    # and the late transaction's events come first: they sort by transaction, not by commit
    assert cases[:2] == [late_case.pk, late_case.pk]


def test_parse_cursor_round_trip():
    assert feed.parse_cursor(None) == (0, 0) and feed.parse_cursor("0") == (0, 0)
    assert feed.parse_cursor("12.34") == (12, 34)

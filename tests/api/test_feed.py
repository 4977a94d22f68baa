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


def follow(client, token, url="/api/v1/events/", limit=2):
    """Every event, page by page from the start, as a follower does."""
    seen, after = [], "0"
    for _ in range(100):
        response = client.get(f"{url}?after={after}&limit={limit}", **bearer(token))
        assert response.status_code == 200, response.content[:300]
        body = response.json()
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
    events = follow(client, token_a)
    kinds = [e["kind"] for e in events]
    assert kinds[:2] == ["decision_created", "decision_issued"]
    assert sorted(kinds[2:]) == sorted(["payment_exported", "payment_exported", "payment_paid", "payment_returned"])
    assert {e["case_id"] for e in events} == {case.pk}  # unit B's decision is not in unit A's feed
    assert events[1]["amount"] == decision.granted_amount
    assert len({e["cursor"] for e in events}) == len(events)
    assert follow(client, token_a, limit=500) == events  # the same order, whatever the page size


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
    events = follow(client, token_a)
    last = events[-1]["cursor"]
    body = client.get(f"/api/v1/events/?after={last}", **bearer(token_a)).json()
    assert body == {"results": [], "next": last, "has_more": False}


def late_commit_is_not_skipped(client, token, url, *, late, early, already=0, per_write=2):
    """Transaction L begins and writes its events first (lower ids); transaction E writes
    and commits while L is still open; a follower reads; then L commits.  The follower must
    get E's events and L's, neither skipped nor twice, L's first (they sort by transaction,
    not by commit).  ``already``: events committed before; returns the feed as followed."""
    late_wrote, early_done, follower_read = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def run_late():
        try:
            with transaction.atomic():
                late()
                late_wrote.set()
                assert follower_read.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def run_early():
        try:
            assert late_wrote.wait(30)
            early()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            early_done.set()
            connections.close_all()

    threads = [threading.Thread(target=run_late), threading.Thread(target=run_early)]
    for thread in threads:
        thread.start()
    assert early_done.wait(60)
    first = client.get(f"{url}?after=0&limit=500", **bearer(token)).json()
    # E committed, but its transaction is newer than L, which is still running: held back
    assert len(first["results"]) == already
    follower_read.set()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    events = follow(client, token, url, limit=1)
    assert len(events) == already + 2 * per_write and len({e["id"] for e in events}) == len(events)
    # a follower that continued from the first answer gets the same events after it
    after = first["next"]
    rest = client.get(f"{url}?after={after}&limit=500", **bearer(token)).json()["results"]
    assert rest == events[already:]
    return events


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: transactions commit out of order")
def test_a_transaction_that_commits_late_is_not_skipped(client, unit_a, alice, token_a):
    late_case, late_adult = single_case(unit_a, case_worker=alice)
    early_case, early_adult = single_case(unit_a, case_worker=alice)
    events = late_commit_is_not_skipped(client, token_a, "/api/v1/events/",
                                        late=lambda: decide(late_case, alice, late_adult),
                                        early=lambda: decide(early_case, alice, early_adult))
    cases = [e["case_id"] for e in events]
    assert not Decision.objects.filter(application__case=late_case).exclude(status="issued").exists()
    assert cases == [late_case.pk, late_case.pk, early_case.pk, early_case.pk]
    assert follow(client, token_a) == events


def test_parse_cursor_round_trip():
    assert feed.parse_cursor(None) == (0, 0) and feed.parse_cursor("0") == (0, 0)
    assert feed.parse_cursor("12.34") == (12, 34)

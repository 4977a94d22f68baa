"""The grants' event feed (/api/v1/grant-events/): every grant decision and grant payment
event is written by the database in the same transaction (api migration 0004), handed out
with the same cursor rules as the cases' feed, to a client allowed to follow the grants
only.  Both engines; the late commit on PostgreSQL."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from lika.api import services as api_services
from lika.api.models import ApiClient, ApiEvent, ApiGrantEvent
from lika.audit.models import AccessLogEntry
from lika.payments import services as payments
from lika.payments.models import GrantPaymentOrder, PaymentRun
from tests.api.conftest import MONTH, bearer
from tests.api.test_feed import follow, late_commit_is_not_skipped

pytestmark = pytest.mark.django_db(transaction=True)
FEED = "/api/v1/grant-events/"


def _pay(petra, decision):
    """The month's payment run with the grant's order, then the order exported, returned by
    the bank and the new order paid."""
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                          month=MONTH))
    PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.EXPORTED)
    order = GrantPaymentOrder.objects.get(decision=decision)
    GrantPaymentOrder.objects.filter(pk=order.pk).update(status="exported")
    GrantPaymentOrder.objects.filter(pk=order.pk).update(status="exported")  # no change: no event
    GrantPaymentOrder.objects.filter(pk=order.pk).update(status="returned", status_reason="AC04")
    return order


def test_grant_decisions_and_payments_become_events_in_order(client, petra, token_a, grant_decisions):
    partly, refused = grant_decisions
    order = _pay(petra, partly)
    events = follow(client, token_a, FEED)
    assert [(e["kind"], e["decision_id"], e["amount"]) for e in events] == [
        ("grant_decision_made", partly.pk, 250_000),
        ("grant_decision_made", refused.pk, 0),
        ("grant_payment_exported", partly.pk, 250_000),
        ("grant_payment_returned", partly.pk, 250_000),
    ]
    assert {e["payment_order_id"] for e in events[2:]} == {order.pk} and events[0]["payment_order_id"] is None
    assert [(e["association_orgnr"], e["association_name"]) for e in events[:2]] == [
        ("802400-0005", "IF Norr"), ("802400-0013", "IF Syd")]
    assert events[0]["application_id"] == partly.application_id
    assert len({e["cursor"] for e in events}) == 4
    assert follow(client, token_a, FEED, limit=500) == events  # the same order, whatever the page size
    # the cases' feed and the grants' feed are apart
    assert not ApiEvent.objects.exists()
    assert follow(client, token_a) == []


def test_a_client_without_the_grant_scope_gets_403_and_the_reason(client, make_client, unit_b, grant_decisions):
    _client, token = make_client("arkiv-b", units=[unit_b])
    response = client.get(FEED, **bearer(token))
    assert response.status_code == 403
    assert response.json()["code"] == "scope_grant_events_missing"
    assert "bidragens beslut och betalningar" in response.json()["detail"]
    assert client.get(FEED).status_code == 401
    call = AccessLogEntry.objects.filter(object_type="api_call", object_id="403").latest("id")
    assert call.summary == f"GET {FEED}"


def test_a_revoked_client_gets_401(client, admin_user, token_a, grant_decisions):
    assert client.get(FEED, **bearer(token_a)).status_code == 200
    api_services.client_revoke(acting_user=admin_user, name="ekonomi-a")
    assert client.get(FEED, **bearer(token_a)).status_code == 401


def test_the_grant_event_table_is_append_only(grant_decisions):
    event = ApiGrantEvent.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiGrantEvent.objects.filter(pk=event.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiGrantEvent.objects.filter(pk=event.pk).delete()
    assert ApiGrantEvent.objects.count() == 2


@pytest.mark.parametrize("cursor", ["x", "-1", "1", "0.", "99999999999999999999.1"])
def test_a_bad_cursor_is_a_400(client, token_a, cursor):
    response = client.get(f"{FEED}?after={cursor}", **bearer(token_a))
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


# (what the administrator asks for, the Swedish refusal or None)
SCOPES = [
    pytest.param({"grant_events": True}, None, id="the-grants-only"),
    pytest.param({"grant_events": True, "units": True}, None, id="units-and-the-grants"),
    pytest.param({"grant_events": True, "association": True}, "En förenings system kan inte följa", id="an-association"),
    pytest.param({"grant_events": True, "read": False, "write": True}, "kräver behörigheten läsa", id="without-read"),
    pytest.param({}, "Välj de enheter vars ärenden systemet får se, att det får följa bidragens", id="nothing-to-see"),
]


@pytest.mark.parametrize(("asked", "refusal"), SCOPES)
def test_who_may_follow_the_grants(admin_user, unit_a, grant_decisions, asked, refusal):
    kwargs = {"acting_user": admin_user, "name": "system-x", "grant_events": asked.get("grant_events", False),
              "read": asked.get("read", True), "write": asked.get("write", False),
              "unit_codes": [unit_a.code] if asked.get("units") else [],
              "association_orgnr": "802400-0005" if asked.get("association") else ""}
    if refusal is None:
        made, _token = api_services.client_create(**kwargs)
        assert made.grant_events and "grant-events" in made.scopes
    else:
        with pytest.raises(Exception, match=refusal):
            api_services.client_create(**kwargs)
        assert not ApiClient.objects.filter(name="system-x").exists()


def test_the_database_refuses_an_association_client_that_follows_the_grants(make_client, grant_decisions):
    made, _token = make_client("klubb-x", association="802400-0005", write=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiClient.objects.filter(pk=made.pk).update(grant_events=True)


def test_the_command_makes_a_client_that_follows_the_grants(admin_user, capsys, grant_decisions):
    call_command("api_client", "create", "ekonomi", "--grant-events", "--by", admin_user.username)
    out = capsys.readouterr().out
    assert "ekonomi skapat (read, grant-events)" in out
    call_command("api_client", "list")
    assert "ekonomi\t–\tread,grant-events\taktiv" in capsys.readouterr().out
    with pytest.raises(CommandError, match="En förenings system kan inte följa"):
        call_command("api_client", "create", "klubb", "--grant-events", "--association", "802400-0005",
                     "--by", admin_user.username)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: transactions commit out of order")
def test_a_grant_decision_that_commits_late_is_not_skipped(client, token_a, grant_decisions):
    from lika.grants import handling
    from lika.grants.models import GrantApplication, Programme, ProgrammeBudget

    officer = grant_decisions[0].decided_by
    template = GrantApplication.objects.select_related("programme").get(pk=grant_decisions[0].application_id)
    applications = []
    for name in ("Lägerbidrag", "Kulturbidrag"):
        # a programme each: decisions in one programme wait for each other (its budget row is locked)
        programme = Programme.objects.create(giver=template.programme.giver, kind=Programme.Kind.PROJECT, name=name)
        ProgrammeBudget.objects.create(programme=programme, year=2026, amount=10_000_000)
        application = GrantApplication.objects.get(pk=template.pk)
        application.pk, application.programme = None, programme
        application.status = GrantApplication._meta.get_field("status").default
        application.save()
        applications.append(application)

    def decide(application):
        return lambda: handling.decision_make(acting_user=officer, application_id=application.pk,
                                              outcome="granted", amount=None)

    events = late_commit_is_not_skipped(client, token_a, FEED, late=decide(applications[0]),
                                        early=decide(applications[1]), already=2, per_write=1)
    assert [e["application_id"] for e in events[2:]] == [applications[0].pk, applications[1].pk]

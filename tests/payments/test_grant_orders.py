"""Grant decisions in the payment run (issue 15): one order per granted decision to the
association's bankgiro, plusgiro or bank account, held back without a valid account, in
the same pain.001 as income support; exactly once in the database. SQLite and PostgreSQL;
the race on PostgreSQL."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from lxml import etree

from lika.grants import handling
from lika.grants.models import Association, GrantApplication, GrantGiver, Programme, ProgrammeBudget
from lika.payments import iso20022
from lika.payments import services as payments
from lika.payments.grant_orders import grant_decisions_to_pay
from lika.payments.models import GrantPaymentHold, GrantPaymentOrder, PaymentHold
from tests.conftest import _user
from tests.payments.test_run import month_of_decisions  # noqa: F401 (fixture)
from tests.threads import race

MONTH = date(2026, 12, 1)

# name -> (association fields, what the order's account is, or the hold's reason)
PAYEES = {
    "bankgiro": ({"bankgiro": "5050-1055"}, {"bankgiro": "50501055", "clearing": "", "account": ""}),
    "plusgiro": ({"plusgiro": "4711-8"}, {"bankgiro": "", "clearing": "9960", "account": "0000047118"}),
    "bank": ({"bank_clearing": "5000", "bank_account": "1234560"},
             {"bankgiro": "", "clearing": "5000", "account": "1234560"}),
    "none": ({}, PaymentHold.Reason.NO_ACCOUNT),
    "invalid": ({"bankgiro": "5050-1056"}, PaymentHold.Reason.INVALID_ACCOUNT),
}


def _club(name, orgnr, fields):
    # inserted as it stands (an invalid number too, as if saved long ago); an UPDATE of the
    # account would need a confirmed account change (grants/0012)
    Association.objects.bulk_create([Association(orgnr=orgnr, name=name, **fields)])
    return Association.objects.get(orgnr=orgnr)


ORGNRS = ["802400-0005", "802400-0013", "802400-0021", "802400-0039", "802400-0047", "802400-0054"]


@pytest.fixture
def grants(db):
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    giver = GrantGiver.objects.create(name="Kultur- och fritidsnämnden")
    programme = Programme.objects.create(giver=giver, kind=Programme.Kind.PROJECT, name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=100_000_000)
    decisions = {}
    for (name, (fields, _expected)), orgnr in zip(PAYEES.items(), ORGNRS, strict=False):
        club = _club(f"IF {name}", orgnr, fields)
        application = GrantApplication.objects.create(
            association=club, programme=programme, year=2026, period_from=date(2026, 3, 1),
            period_to=date(2026, 6, 30), total=400_000, purpose="Läger", submitted_by=officer)
        decisions[name] = handling.decision_make(acting_user=officer, application_id=application.pk,
                                                 outcome="partly", amount=250_000, reasons="Halva lägret.")
    refused_club = _club("IF avslag", ORGNRS[5], {"bankgiro": "5050-1055"})
    application = GrantApplication.objects.create(
        association=refused_club, programme=programme, year=2026, period_from=date(2026, 3, 1),
        period_to=date(2026, 6, 30), total=400_000, purpose="Läger", submitted_by=officer)
    decisions["refused"] = handling.decision_make(acting_user=officer, application_id=application.pk,
                                                  outcome="refused", reasons="Utanför syftet.")
    return decisions


def _run(officer, month=MONTH):
    return payments.payment_run_prepare(acting_user=officer,
                                        run=payments.payment_run_create(acting_user=officer, month=month))


@pytest.mark.parametrize("name", sorted(PAYEES))
def test_each_payee_route_or_a_hold_with_the_reason(grants, petra, name):
    run = _run(petra)
    expected = PAYEES[name][1]
    decision = grants[name]
    if isinstance(expected, str):
        hold = GrantPaymentHold.objects.get(decision=decision)
        assert (hold.run_id, hold.reason, hold.amount) == (run.pk, expected, 250_000)
        assert not GrantPaymentOrder.objects.filter(decision=decision).exists()
        return
    order = GrantPaymentOrder.objects.get(decision=decision)
    assert {k: getattr(order, k) for k in expected} == expected
    assert (order.amount, order.end_to_end_id, order.payee_name) == (250_000, f"LIKA-G{decision.pk}-1", f"IF {name}")


def test_a_refused_decision_is_never_paid_and_totals_include_grants(grants, petra):
    run = _run(petra)
    assert not GrantPaymentOrder.objects.filter(decision=grants["refused"]).exists()
    assert (run.order_count, run.total, run.hold_count) == (3, 750_000, 2)
    assert payments.reconciliation(run) == []
    assert ["konto", "ansvar", "verksamhet", "Föreningsbidrag", "3", "7500,00"] == [
        "konto", "ansvar", "verksamhet", *payments.accounting_rows(run)[3][3:]]


def test_a_second_run_pays_nobody_again_but_the_held_once_they_have_an_account(grants, petra, admin_user):
    from lika.grants import services as grant_services
    from tests.conftest import _user

    _run(petra)
    # the account comes by a change another person confirms (docs/grants.md, "The association's account")
    change = grant_services.account_change_request(acting_user=admin_user, association=Association.objects.get(
        name="IF none"), bankgiro="5050-1055")
    grant_services.account_change_confirm(acting_user=_user("bertil", "administrator", None, "Bertil", "Berg"),
                                          change=change, channel="signatory_phone")
    second = _run(petra, date(2027, 1, 1))
    assert list(second.grant_orders.values_list("decision_id", flat=True)) == [grants["none"].pk]
    assert list(second.grant_holds.values_list("decision_id", flat=True)) == [grants["invalid"].pk]
    assert GrantPaymentOrder.objects.count() == 4


def test_the_database_keeps_exactly_once_the_amount_and_the_payee(grants, petra):
    run = _run(petra)
    order = GrantPaymentOrder.objects.get(decision=grants["bankgiro"])
    fields = {"run": run, "association": order.association, "payee_name": "IF", "bankgiro": "50501055",
              "remittance": "x", "created_at": order.created_at}
    cases = [
        {"decision": grants["bankgiro"], "amount": 250_000, "end_to_end_id": "X-1"},  # a second live order
        {"decision": grants["none"], "amount": 250_001, "end_to_end_id": "X-2"},  # not the decided amount
        {"decision": grants["refused"], "amount": 1, "end_to_end_id": "X-3"},  # a refusal pays nothing
        {"decision": grants["none"], "amount": 0, "end_to_end_id": "X-4"},
    ]
    for case in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            GrantPaymentOrder.objects.create(**fields, **case)
    for change in ({"amount": 1}, {"bankgiro": "9999999"}, {"payee_name": "Någon annan"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            GrantPaymentOrder.objects.filter(pk=order.pk).update(**change)
    GrantPaymentOrder.objects.filter(pk=order.pk).update(status="paid")  # the status moves


def test_a_rejected_grant_payment_is_paid_again_by_the_next_run(grants, petra):
    run = _run(petra)
    order = GrantPaymentOrder.objects.get(decision=grants["bankgiro"])
    GrantPaymentOrder.objects.filter(pk=order.pk).update(status="exported")
    counts = payments.payment_statuses_apply(acting_user=petra, updates=[(order.end_to_end_id, "rejected", "AC01")])
    assert counts["updated"] == 1
    assert grants["bankgiro"] in grant_decisions_to_pay(run).exclude(payment_holds__run=run)
    second = _run(petra, date(2027, 1, 1))
    again = second.grant_orders.get(decision=grants["bankgiro"])
    assert again.end_to_end_id == f"LIKA-G{grants['bankgiro'].pk}-2"


@pytest.mark.parametrize("version", ["09", "03"])
def test_grants_and_income_support_in_one_valid_pain001(grants, month_of_decisions, petra, bob,  # noqa: F811
                                                        settings, tmp_path, version):
    settings.LIKA_PAYMENT_FILES = tmp_path
    run = _run(petra)
    bob.can_attest_payments = True
    bob.save()
    payments.payment_run_attest(acting_user=bob, run=run)
    path = payments.payment_run_export(acting_user=petra, run=run, version=version)
    summary = iso20022.validate_pain001(path, version=version)
    run.refresh_from_db()
    assert (summary.count, summary.total) == (run.order_count, run.total)
    assert run.grant_orders.count() == 3 and run.orders.count() > 3
    tree = etree.parse(path)
    ns = {"p": tree.getroot().nsmap[None]}
    by_e2e = {tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns): tx for tx in tree.iterfind(".//p:CdtTrfTxInf", ns)}
    bankgiro = by_e2e[f"LIKA-G{grants['bankgiro'].pk}-1"]
    assert bankgiro.findtext("p:Amt/p:InstdAmt", namespaces=ns) == "2500.00"
    assert bankgiro.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=ns) == "50501055"
    assert bankgiro.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Prtry", namespaces=ns) == "BGNR"
    assert bankgiro.findtext("p:Cdtr/p:Nm", namespaces=ns) == "IF bankgiro"
    plusgiro = by_e2e[f"LIKA-G{grants['plusgiro'].pk}-1"]
    assert plusgiro.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=ns) == "99600000047118"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks and unique waits: PostgreSQL")
def test_two_runs_prepared_at_once_pay_each_grant_decision_once():
    """Two payment officers prepare the runs of two months at the same moment: both see the
    same unpaid grant decisions; the partial unique constraint leaves one order each."""
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    giver = GrantGiver.objects.create(name="Kultur- och fritidsnämnden")
    programme = Programme.objects.create(giver=giver, kind=Programme.Kind.PROJECT, name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=100_000_000)
    for i, orgnr in enumerate(ORGNRS):
        club = _club(f"IF {i}", orgnr, {"bankgiro": "5050-1055"})
        application = GrantApplication.objects.create(
            association=club, programme=programme, year=2026, period_from=date(2026, 3, 1),
            period_to=date(2026, 6, 30), total=100_000 + i, purpose="Läger", submitted_by=officer)
        handling.decision_make(acting_user=officer, application_id=application.pk, outcome="granted")
    one, two = _user("petra", "payment_officer", None, "Petra", "P"), _user("pia", "payment_officer", None, "Pia", "P")
    first = payments.payment_run_create(acting_user=one, month=MONTH)
    second = payments.payment_run_create(acting_user=two, month=date(2027, 1, 1))
    results = race(lambda: payments.payment_run_prepare(acting_user=one, run=first),
                   lambda: payments.payment_run_prepare(acting_user=two, run=second), expected=())
    assert GrantPaymentOrder.objects.count() == len(ORGNRS)
    assert GrantPaymentOrder.objects.values("decision").distinct().count() == len(ORGNRS)
    for run in results:
        run.refresh_from_db()
        assert payments.reconciliation(run) == []
    assert sum(run.order_count for run in results) == len(ORGNRS)

"""Issue 14: two halves into one account is not an equal split, and an adult without an
account is paid by utbetalningsavi (never to a protected address).

Service tests run on SQLite and PostgreSQL; the race at the end on PostgreSQL only."""

from datetime import date
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree
from stdnum import iban as stdnum_iban

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.bank_accounts import payment_method_set
from lika.cases.decisions import LineDecision
from lika.cases.models import JournalNote
from lika.households.models import HouseholdMembership, Person
from lika.identity.bank import BankAccountError, account_key, parse_bank_account, parse_iban
from lika.payments import iso20022
from lika.payments import services as payments
from lika.payments.models import PaymentOrder, PaymentRun
from lika.payments.selectors import payment_problems, shared_account_households
from tests.cases.factories import couple_case, person
from tests.threads import race

MONTH = date(2026, 12, 1)
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")


def swedish_iban(bban: str) -> str:
    """SE, the ISO 7064 check digits, the 20-digit BBAN (the digits are the test's, the
    check digits mechanical)."""
    return "SE" + stdnum_iban.calc_check_digits("SE00" + bban) + bban


# --- one account, however it is written --------------------------------------------------

@pytest.mark.parametrize(("first", "second", "same"), [
    # the IBAN registry's example is SEB 5839-8257466 (ECBS/SWIFT registry, Sweden)
    ({"clearing": "5839", "account": "8257466"}, {"iban": "SE4550000000058398257466"}, True),
    # Swedbank's example: 8327-9, 0000012345 is SE28 8000 0832 7900 0001 2345
    ({"clearing": "83279", "account": "0000012345"}, {"iban": "SE2880000832790000012345"}, True),
    # Handelsbanken leaves the clearing number out: any 6xxx with the same 9 digits is one account
    ({"clearing": "6789", "account": "123456789"}, {"iban": swedish_iban("60000000000123456789")}, True),
    ({"clearing": "6000", "account": "123456789"}, {"clearing": "6789", "account": "123456789"}, True),
    # Nordea personkonto (3300): the 10-digit account without the clearing number
    ({"clearing": "3300", "account": "8001011234"}, {"iban": swedish_iban("30000000008001011234")}, True),
    # same digits, other banks or other accounts: not one account
    ({"clearing": "5000", "account": "1234560"}, {"clearing": "5001", "account": "1234560"}, False),
    ({"clearing": "5839", "account": "8257466"}, {"iban": swedish_iban("50000000058398257467")}, False),
    ({"clearing": "6789", "account": "123456789"}, {"iban": swedish_iban("50000000000123456789")}, False),
    ({"iban": "DE89370400440532013000"}, {"iban": "DE89 3704 0044 0532 0130 00".replace(" ", "")}, True),
    ({"iban": "DE89370400440532013000"}, {"clearing": "3704", "account": "0044053201300"}, False),
])
def test_one_account_has_one_key_in_both_formats(first, second, same):
    assert (account_key(**first) == account_key(**second)) is same
    assert account_key(**first) and account_key(**second)


def test_no_account_has_no_key():
    assert account_key() == "" and account_key(clearing="5000") == ""


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.integers(min_value=5000, max_value=5999), st.integers(min_value=1_000_000, max_value=9_999_999),
       st.integers(min_value=1_000_000, max_value=9_999_999))
def test_an_seb_account_and_its_iban_are_one_account_and_two_accounts_are_two(clearing, number, other):
    """SEB (type 1, clearing number in the IBAN): for every valid account, the account and
    its IBAN share one key, and another account never shares it."""
    try:
        parsed = parse_bank_account(str(clearing), str(number))
    except BankAccountError:
        return
    iban = parse_iban(swedish_iban("500" + (parsed.clearing + parsed.number).zfill(17)))
    assert account_key(iban=iban) == account_key(clearing=parsed.clearing, account=parsed.number)
    if other != number:
        assert account_key(clearing=parsed.clearing, account=str(other)) != account_key(iban=iban)


# --- the run: same account held with its reason, released by an own account or an exception

def _decided(case, user, applicant):
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=applicant)
    adults = [m.person for m in services.memberships_in_month(case.household_id, MONTH) if m.role == "adult"]
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={p.pk: "unemployed" for p in adults})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    rows = len(decisions.need_lines(application.calculations.get()))
    return decisions.decision_make(acting_user=user, application=application,
                                   lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)


def _run(petra):
    return payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                          month=MONTH))


def _set(who, **fields):
    Person.objects.filter(pk=who.pk).update(**fields)
    who.refresh_from_db()


# how the man's half would reach the woman's account 5000-1234560: the same numbers, written
# otherwise, or as the IBAN of her account
SAME_ACCOUNT = [
    {"iban": "", "bank_clearing": "5000", "bank_account": "1234560"},
    {"iban": "", "bank_clearing": "5000", "bank_account": "123 45-60"},
    {"iban": swedish_iban("500" + "50001234560".zfill(17)), "bank_clearing": "", "bank_account": ""},
]


@pytest.mark.parametrize("same", SAME_ACCOUNT)
def test_both_halves_into_one_account_are_held_with_a_reason_the_case_worker_sees(
        unit_a, alice, petra, client, same):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    _set(man, **same)
    decision = _decided(case, alice, woman)
    run = _run(petra)
    holds = {h.share.person_id: h for h in run.holds.select_related("share")}
    assert set(holds) == {woman.pk, man.pk}
    assert {h.reason for h in holds.values()} == {"shared_account"}
    assert not run.orders.exists()
    assert "samma konto som den andra vuxna" in holds[man.pk].detail
    assert not payments.reconciliation(run), "held, not lost: granted = held"
    assert sum(h.amount for h in holds.values()) == decision.granted_amount
    held, failed = payment_problems([case.pk])
    assert {h.share.person_id for h in held} == {woman.pk, man.pk} and not failed
    assert shared_account_households(run) == {"held": 1, "exception": 0}
    client.force_login(alice)
    for url in (reverse("worklist"), reverse("case_detail", args=[case.pk])):
        page = client.get(url).content.decode()
        assert "Båda vuxnas delar till samma konto" in page, url


def test_two_own_accounts_are_paid_as_before(unit_a, alice, petra):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    _decided(case, alice, woman)
    run = _run(petra)
    assert not run.holds.exists()
    assert {o.person_id for o in run.orders.all()} == {woman.pk, man.pk}
    assert len({o.account_key for o in run.orders.all()}) == 2


def test_an_own_account_releases_the_held_halves_in_the_next_run(unit_a, alice, petra):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    _set(man, iban="", bank_clearing="5000", bank_account="1234560")
    decision = _decided(case, alice, woman)
    first = _run(petra)
    assert first.hold_count == 2
    _set(man, bank_account="1000004")  # his own account (four eyes in real life: test_account_change)
    second = _run(petra)
    assert {(o.person_id, o.account) for o in second.orders.all()} == {(woman.pk, "1234560"), (man.pk, "1000004")}
    assert sum(o.amount for o in second.orders.all()) == decision.granted_amount
    assert not payment_problems([case.pk])[0]
    assert not payments.reconciliation(second)


def test_an_approved_exception_gemensamt_konto_releases_them_and_a_requested_one_does_not(
        unit_a, alice, bob, petra):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    _set(man, iban="", bank_clearing="5000", bank_account="1234560")
    _decided(case, alice, woman)
    exception = decisions.exception_request(
        acting_user=alice, case=case, recipient=woman, reason="shared_account",
        reason_text="Nyanlända, ett gemensamt konto tills Johan får ett eget", valid_from=MONTH)
    assert _run(petra).hold_count == 2, "requested, not approved: still held"
    with pytest.raises(PermissionDenied):  # the enhetschef approves, not the case worker
        decisions.exception_decide(acting_user=alice, exception=exception, approve=True)
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    run = _run(petra)
    assert run.hold_count == 0 and {o.person_id for o in run.orders.all()} == {woman.pk, man.pk}
    assert {o.account_key for o in run.orders.all()} == {account_key(clearing="5000", account="1234560")}
    assert shared_account_households(run) == {"held": 0, "exception": 1}


def test_an_exception_for_another_month_does_not_release_them(unit_a, alice, bob, petra):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    _set(man, iban="", bank_clearing="5000", bank_account="1234560")
    _decided(case, alice, woman)
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="shared_account",
                                            reason_text="Ett konto", valid_from=date(2026, 6, 1),
                                            valid_to=date(2026, 11, 30))
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    assert _run(petra).hold_count == 2


def test_gemensamt_konto_is_not_an_exception_to_pay_one_adult(unit_a, alice, bob):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="shared_account",
                                            reason_text="Ett konto", valid_from=MONTH)
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    rows = len(decisions.need_lines(application.calculations.get()))
    with pytest.raises(ValidationError, match="gemensamt konto"):
        decisions.decision_make(acting_user=alice, application=application, lines=[LineDecision("granted")] * rows,
                                payment_mode="single", exception_id=exception.pk, acknowledge_provisional=True)


def _order(run, share, key, **account):
    return PaymentOrder(run=run, share=share, decision=share.decision, person=share.person,
                        payee_name=str(share.person), amount=share.amount, remittance="Test",
                        end_to_end_id=f"LIKA-{share.pk}-1", account_key=key, **account)


def test_the_database_refuses_two_halves_of_one_decision_into_one_account(unit_a, alice, bob, petra):
    """Whatever the code does: the second live order of the decision to the same account
    is refused (trigger payments_order_shared_account), on SQLite and PostgreSQL; a
    failed order does not count; an approved exception lets it through."""
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    decision = _decided(case, alice, woman)
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    shares = {s.person_id: s for s in decision.shares.select_related("person", "decision")}
    key = account_key(clearing="5000", account="1234560")
    first = _order(run, shares[woman.pk], key, clearing="5000", account="1234560")
    first.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _order(run, shares[man.pk], key, iban=swedish_iban("500" + "50001234560".zfill(17))).save()
    PaymentOrder.objects.filter(pk=first.pk).update(status="returned")  # a failed order pays nothing
    with transaction.atomic():
        _order(run, shares[man.pk], key, clearing="5000", account="1234560").save()
    PaymentOrder.objects.filter(share=shares[man.pk]).update(status="rejected")
    PaymentOrder.objects.filter(pk=first.pk).update(status="created")  # live again, to the same account
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="shared_account",
                                            reason_text="Ett konto", valid_from=MONTH)
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    reissued = _order(run, shares[man.pk], key, clearing="5000", account="1234560")
    reissued.end_to_end_id, reissued.reissue_of = "LIKA-x-2", PaymentOrder.objects.get(share=shares[man.pk])
    reissued.save()  # with the exception: allowed
    assert PaymentOrder.objects.filter(decision=decision).exclude(status__in=("rejected", "returned")).count() == 2


def test_a_batch_the_database_refuses_for_one_account_is_read_again_and_held(unit_a, alice, petra, monkeypatch):
    """The account changed between reading a batch and checking it (the check saw two
    accounts, the orders carry one): the database refuses the batch, which is read once
    more and then held, instead of the run failing."""
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    _set(man, iban="", bank_clearing="5000", bank_account="1234560")
    _decided(case, alice, woman)
    real, calls = payments.shared_accounts, []

    def blind_the_first_time(decision_ids):
        calls.append(decision_ids)
        return {} if len(calls) == 1 else real(decision_ids)

    monkeypatch.setattr(payments, "shared_accounts", blind_the_first_time)
    run = _run(petra)
    assert len(calls) == 2 and run.hold_count == 2 and not run.orders.exists()


def test_a_returned_payment_is_not_reissued_into_the_other_adults_account(unit_a, alice, petra):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice)
    _decided(case, alice, woman)
    run = _run(petra)
    PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.EXPORTED)
    order = PaymentOrder.objects.get(run=run, person=man)
    PaymentOrder.objects.filter(pk=order.pk).update(status="returned")
    _set(man, iban="", bank_clearing="5000", bank_account="1234560")
    with pytest.raises(ValidationError, match="samma konto"):
        payments.payment_order_reissue(acting_user=petra, order=order,
                                       run=payments.payment_run_create(acting_user=petra, month=MONTH))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_transactions_paying_the_two_adults_into_one_account_at_once_pay_one(unit_a, alice, petra):
    """COPY of each adult's order in its own transaction at the same moment, with no lock
    taken by the caller: the trigger locks the decision, so the second sees the first and
    is refused.  Five rounds."""
    key = account_key(clearing="5000", account="1234560")
    for _round in range(5):
        case, woman, man, _ = couple_case(unit_a, case_worker=alice)
        decision = _decided(case, alice, woman)
        run = payments.payment_run_create(acting_user=petra, month=MONTH)
        shares = list(decision.shares.select_related("person", "decision").order_by("id"))

        def pay(share, run=run):
            row = _order(run, share, key, clearing="5000", account="1234560")
            with transaction.atomic():  # COPY, as the prepare step writes a batch
                payments._insert_orders([tuple(getattr(row, column) for column in payments.ORDER_COLUMNS)])
            return "paid"

        results = race(*(partial(pay, share) for share in shares), expected=(IntegrityError,))
        assert sorted(map(str, results)).count("paid") == 1, results
        assert PaymentOrder.objects.filter(decision=decision).count() == 1
        PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.PREPARED)


# --- utbetalningsavi ------------------------------------------------------------------

def _avi_couple(unit_a, alice, *, protected_woman=False):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice, protected_woman=protected_woman)
    _set(man, iban="", bank_clearing="", bank_account="")
    return case, woman, man


def test_an_adult_without_an_account_is_paid_by_avi_chosen_and_logged(unit_a, alice, petra):
    case, woman, man = _avi_couple(unit_a, alice)
    decision = _decided(case, alice, woman)
    assert _run(petra).holds.get().reason == "no_account", "before the choice: held, as before"
    payment_method_set(acting_user=alice, case=case, person=man, method="avi", note="Har inget konto ännu")
    man.refresh_from_db()
    assert man.payment_method == "avi"
    log = AccessLogEntry.objects.filter(object_type="person", object_id=str(man.pk),
                                        summary="Utbetalningssätt ändrat").get()
    assert log.old_values == {"payment_method": "account"} and log.new_values == {"payment_method": "avi"}
    assert "utbetalningsavi" in JournalNote.objects.filter(case=case).first().text
    run = _run(petra)
    order = run.orders.get(person=man)
    assert (order.method, order.street_address, order.postal_code, order.city) == ("avi", "Storgatan 1", "99999",
                                                                                  "Lika")
    assert not (order.iban or order.account or order.bankgiro or order.account_key)
    paid = PaymentOrder.objects.filter(decision=decision).exclude(status__in=("rejected", "returned"))
    assert sum(o.amount for o in paid) == decision.granted_amount
    assert {o.person_id for o in paid} == {woman.pk, man.pk} and not payments.reconciliation(run)


def test_no_avi_to_a_protected_address(unit_a, alice, petra):
    """The protected woman herself cannot be given an avi; her partner, whose address is
    the household's and therefore hidden, is held if avi was chosen before she was
    protected: the case worker arranges the payment through the unit."""
    case, woman, man = _avi_couple(unit_a, alice)
    _set(woman, protected_identity=True)
    for adult in (woman, man):  # her own protection, and the household's address for him
        with pytest.raises(ValidationError, match="skyddad adress"):
            payment_method_set(acting_user=alice, case=case, person=adult, method="avi")
    _set(woman, protected_identity=False)
    payment_method_set(acting_user=alice, case=case, person=man, method="avi")
    _set(woman, protected_identity=True, street_address="Hemliga vägen 7")
    _decided(case, alice, woman)
    run = _run(petra)
    hold = run.holds.get(share__person=man)
    assert hold.reason == "protected_address" and "via enheten" in hold.detail
    assert not run.orders.filter(method="avi").exists()


def test_an_avi_needs_the_whole_address(unit_a, alice, petra):
    case, woman, man = _avi_couple(unit_a, alice)
    payment_method_set(acting_user=alice, case=case, person=man, method="avi")
    _set(man, postal_code="")
    _decided(case, alice, woman)
    assert _run(petra).holds.get().reason == "no_address"
    with pytest.raises(ValidationError, match="redan valt"):
        payment_method_set(acting_user=alice, case=case, person=man, method="avi")


def test_another_unit_cannot_choose_the_payment_method(unit_a, alice, charlie):
    case, woman, man = _avi_couple(unit_a, alice)
    with pytest.raises(PermissionDenied):
        payment_method_set(acting_user=charlie, case=case, person=man, method="avi")


def _exported_file(run, petra, bob, version):
    bob.can_attest_payments = True
    bob.save()
    payments.payment_run_attest(acting_user=bob, run=run)
    return payments.payment_run_export(acting_user=petra, run=run, version=version)


@pytest.mark.parametrize("version", ["09", "03"])
def test_the_pain001_has_an_avi_block_that_validates_and_no_protected_address(
        unit_a, alice, bob, petra, settings, tmp_path, version):
    settings.LIKA_PAYMENT_FILES = tmp_path
    case, woman, man = _avi_couple(unit_a, alice)
    payment_method_set(acting_user=alice, case=case, person=man, method="avi")
    _decided(case, alice, woman)
    protected_case, her, him = _avi_couple(unit_a, alice, protected_woman=True)
    Person.objects.filter(pk=him.pk).update(payment_method="avi")  # chosen before she was protected
    _decided(protected_case, alice, her)
    run = _run(petra)
    path = _exported_file(run, petra, bob, version)
    summary = iso20022.validate_pain001(path, version=version)
    run.refresh_from_db()
    assert (summary.count, summary.total) == (run.order_count, run.total)
    tree = etree.parse(path)
    ns = {"p": tree.getroot().nsmap[None]}
    blocks = tree.findall(".//p:PmtInf", ns)
    assert [b.findtext("p:PmtMtd", namespaces=ns) for b in blocks] == ["TRF", "CHK"]
    avi = blocks[1].findall("p:CdtTrfTxInf", ns)
    order = run.orders.get(person=man)
    assert [tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns) for tx in avi] == [order.end_to_end_id]
    tx = avi[0]
    assert tx.find("p:CdtrAcct", ns) is None and tx.find("p:CdtrAgt", ns) is None
    assert tx.findtext("p:ChqInstr/p:DlvryMtd/p:Cd", namespaces=ns) == "MLCD"
    address = tx.find("p:Cdtr/p:PstlAdr", ns)
    assert [address.findtext(f"p:{t}", namespaces=ns) for t in ("StrtNm", "PstCd", "TwnNm", "Ctry")] == \
        ["Storgatan 1", "99999", "Lika", "SE"]
    assert blocks[1].findtext("p:NbOfTxs", namespaces=ns) == "1"
    assert blocks[1].findtext("p:CtrlSum", namespaces=ns) == iso20022.format_amount(order.amount)
    text = open(path, encoding="utf-8").read()
    assert "Hemliga vägen" not in text


def test_a_run_of_avis_only_has_one_chk_block(unit_a, alice, bob, petra, settings, tmp_path):
    settings.LIKA_PAYMENT_FILES = tmp_path
    case, woman, man = _avi_couple(unit_a, alice)
    _set(woman, iban="", bank_clearing="", bank_account="")
    for adult in (woman, man):
        payment_method_set(acting_user=alice, case=case, person=adult, method="avi")
    _decided(case, alice, woman)
    path = _exported_file(_run(petra), petra, bob, "09")
    assert iso20022.validate_pain001(path, version="09").count == 2
    tree = etree.parse(path)
    ns = {"p": tree.getroot().nsmap[None]}
    assert [b.findtext("p:PmtMtd", namespaces=ns) for b in tree.findall(".//p:PmtInf", ns)] == ["CHK"]


def test_bank_answers_about_an_avi_still_reconcile_and_it_is_reissued_once(unit_a, alice, petra):
    case, woman, man = _avi_couple(unit_a, alice)
    payment_method_set(acting_user=alice, case=case, person=man, method="avi")
    _decided(case, alice, woman)
    run = _run(petra)
    PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.EXPORTED)
    order = run.orders.get(person=man)
    e2e, amount = order.end_to_end_id, order.amount
    pain002 = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-11-26T10:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{run.message_id}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
</OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>{run.message_id}-2</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>ACCP</TxSts>
<OrgnlTxRef><Amt><InstdAmt Ccy="SEK">{iso20022.format_amount(amount)}</InstdAmt></Amt></OrgnlTxRef>
</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"""
    assert payments.payment_file_import(acting_user=petra, text=pain002)["updated"] == 1
    assert PaymentOrder.objects.get(pk=order.pk).status == "accepted"
    # the avi was not cashed in time: the bank returns it (returns CSV of the bank)
    returns = ("end_to_end_id;amount;reason_code;reason_text;booking_date\n"
               f"{e2e};{amount // 100},{amount % 100:02d};AC04;Avin inte inlöst;2027-02-28\n")
    assert payments.payment_file_import(acting_user=petra, text=returns)["updated"] == 1
    assert PaymentOrder.objects.get(pk=order.pk).status == "returned"
    assert [h.pk for h in payment_problems([case.pk])[1]] == [order.pk]
    new = payments.payment_order_reissue(acting_user=petra, order=order,
                                         run=payments.payment_run_create(acting_user=petra, month=MONTH))
    assert (new.method, new.street_address, new.amount) == ("avi", "Storgatan 1", amount)
    with pytest.raises(ValidationError, match="redan skickad igen"):
        payments.payment_order_reissue(acting_user=petra, order=order, run=new.run)


def test_the_database_refuses_an_avi_without_an_address_or_with_an_account(unit_a, alice, petra):
    case, woman, man = _avi_couple(unit_a, alice)
    decision = _decided(case, alice, woman)
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    share = decision.shares.select_related("person", "decision").get(person=man)
    for fields in ({"method": "avi"}, {"method": "avi", "street_address": "Storgatan 1", "postal_code": "99999",
                                       "city": "Lika", "clearing": "5000", "account": "1234560"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            _order(run, share, "", **fields).save()


def test_a_person_in_a_household_with_someone_protected_has_a_hidden_address(unit_a, alice):
    """The avi rule uses the household's protection, not only her own."""
    case, woman, man = _avi_couple(unit_a, alice, protected_woman=True)
    assert Person.objects.get(pk=man.pk).address_hidden
    lodger = person("Ali", "Nur", date(1995, 1, 1), "M")
    HouseholdMembership.objects.create(household=case.household, person=lodger, role="adult",
                                       valid_from=timezone.localdate())
    with pytest.raises(ValidationError, match="skyddad adress"):
        payment_method_set(acting_user=alice, case=case, person=lodger, method="avi")


def _write(avi_transfers, *, avi_count, avi_total):
    import io

    debtor = iso20022.Party(name="Lika kommun", org_number="2120000000",
                            account=iso20022.Account(iban="SE4550000000058398257466"))
    return iso20022.write_pain001(io.BytesIO(), version="09", message_id="LIKA-test", created_at=timezone.now(),
                                  debtor=debtor, payment_info_id="LIKA-test-1", execution_date=MONTH, count=0,
                                  total=0, transfers=(), avi_count=avi_count, avi_total=avi_total,
                                  avi_transfers=avi_transfers, avi_payment_info_id="LIKA-test-2")


def test_the_writer_refuses_an_avi_without_an_address_or_not_adding_up():
    address = iso20022.PostalAddress(street="Storgatan 1", postal_code="999 99", town="Lika")
    avi = iso20022.Transfer(end_to_end_id="LIKA-1-1", amount=451250, remittance="Försörjningsstöd",
                            creditor=iso20022.Party(name="Johan Lind", account=iso20022.Account(), address=address))
    assert _write([avi], avi_count=1, avi_total=451250) == iso20022.FileSummary(1, 451250)
    with pytest.raises(iso20022.Iso20022Error, match="stämmer inte med filhuvudet"):
        _write([avi], avi_count=1, avi_total=451200)
    no_address = iso20022.Transfer(end_to_end_id="LIKA-1-1", amount=451250, remittance="x",
                                   creditor=iso20022.Party(name="Johan Lind", account=iso20022.Account()))
    with pytest.raises(iso20022.Iso20022Error, match="utan adress"):
        _write([no_address], avi_count=1, avi_total=451250)
    half = iso20022.Transfer(end_to_end_id="LIKA-1-1", amount=451250, remittance="x", creditor=iso20022.Party(
        name="Johan Lind", account=iso20022.Account(), address=iso20022.PostalAddress("", "999 99", "Lika")))
    with pytest.raises(iso20022.Iso20022Error, match="gatuadress, postnummer, ort"):
        _write([half], avi_count=1, avi_total=451250)

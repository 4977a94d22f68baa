"""Handling of grant applications (issue 15): assessment, one decision per application,
the budget, the cap counting decided amounts, withdrawal, the access log, the letter.
On SQLite and PostgreSQL; the races on PostgreSQL."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.grants import handling, services
from lika.grants.letters import decision_letter_pdf
from lika.grants.models import (
    GrantApplication,
    GrantAssessment,
    GrantDecision,
    Programme,
    ProgrammeBudget,
)
from tests.conftest import _user
from tests.threads import race

BUDGET = 1_000_000  # 10 000 kr


@pytest.fixture
def world(admin_user):
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel",
                                       bankgiro="5050-1055", address="Storgatan 1\n761 30 Norrtälje")
    other = services.association_create(acting_user=admin_user, orgnr="802400-0013", name="FK Annan")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    programme = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.PROJECT,
                                          name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=BUDGET)
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    return club, other, programme, user, officer


def apply(association, programme, user, total, year=2026):
    return GrantApplication.objects.create(
        association=association, programme=programme, year=year, period_from=date(year, 3, 1),
        period_to=date(year, 6, 30), total=total, purpose="Tjejläger", submitted_by=user)


@pytest.mark.parametrize("outcome, amount, reasons, granted, refusal", [
    ("granted", None, "", 400_000, None),
    ("granted", 1, "", 400_000, None),  # a granted decision grants what was applied for
    ("partly", 250_000, "Budgeten räcker till hälften av lägret.", 250_000, None),
    ("partly", 250_000, "", None, "Skäl krävs"),
    ("partly", 400_000, "Samma som sökt", None, "mindre än det sökta"),
    ("partly", 0, "Inget", None, "mer än 0 kr"),
    ("partly", None, "Inget belopp", None, "mer än 0 kr"),
    ("refused", None, "Verksamheten är inte öppen för alla.", 0, None),
    ("refused", None, "   ", None, "Skäl krävs"),
    ("maybe", None, "Skäl", None, "Okänt beslut"),
])
def test_outcome_amount_and_reasons(world, outcome, amount, reasons, granted, refusal):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 400_000)
    if refusal:
        with pytest.raises(ValidationError, match=refusal):
            handling.decision_make(acting_user=officer, application_id=application.pk, outcome=outcome,
                                   amount=amount, reasons=reasons)
        assert GrantDecision.objects.count() == 0
        application.refresh_from_db()
        assert application.status == GrantApplication.Status.SUBMITTED
        return
    decision = handling.decision_make(acting_user=officer, application_id=application.pk, outcome=outcome,
                                      amount=amount, reasons=reasons)
    assert decision.amount == granted
    application.refresh_from_db()
    assert application.status == GrantApplication.Status.DECIDED


@pytest.mark.parametrize("outcome, amount, reasons", [
    ("granted", 300_000, ""),  # granted must be the applied amount
    ("granted", 0, ""),
    ("partly", 400_000, "skäl"),  # not less than applied
    ("partly", 100_000, ""),  # no reasons
    ("refused", 1, "skäl"),  # a refusal grants nothing
    ("refused", 0, ""),
])
def test_the_database_refuses_an_inconsistent_decision(world, outcome, amount, reasons):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 400_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantDecision.objects.create(application=application, outcome=outcome, amount=amount, applied_amount=400_000,
                                     reasons=reasons, decided_by=officer)


def test_one_decision_per_application_and_never_changed(world):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 400_000)
    decision = handling.decision_make(acting_user=officer, application_id=application.pk, outcome="granted")
    with pytest.raises(ValidationError, match="redan beslutad"):
        handling.decision_make(acting_user=officer, application_id=application.pk, outcome="refused", reasons="Nej")
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique constraint, whatever the code does
        GrantDecision.objects.create(application=application, outcome="refused", amount=0, applied_amount=400_000,
                                     reasons="Nej", decided_by=officer)
    with pytest.raises(IntegrityError), transaction.atomic():  # the append-only trigger
        GrantDecision.objects.filter(pk=decision.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantDecision.objects.filter(pk=decision.pk).delete()
    decision.refresh_from_db()
    assert (decision.outcome, decision.amount) == ("granted", 400_000)


def test_the_budget_is_never_exceeded(world):
    club, other, programme, user, officer = world
    first = apply(club, programme, user, 700_000)
    second = apply(other, programme, user, 400_000)
    handling.decision_make(acting_user=officer, application_id=first.pk, outcome="granted")
    with pytest.raises(ValidationError) as refused:
        handling.decision_make(acting_user=officer, application_id=second.pk, outcome="granted")
    assert refused.value.messages == ["Budgeten för Projektbidrag 2026 räcker inte: 3\u00a0000,00\u00a0kr återstår av "
                                      "10\u00a0000,00\u00a0kr, beslutet skulle bevilja 4\u00a0000,00\u00a0kr."]
    handling.decision_make(acting_user=officer, application_id=second.pk, outcome="partly", amount=300_000,
                           reasons="Det som återstår av budgeten.")
    assert handling.budget_position(programme, 2026).left == 0


def test_no_budget_no_grant_but_a_refusal(world):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 100_000, year=2027)
    with pytest.raises(ValidationError, match="ingen budget för 2027"):
        handling.decision_make(acting_user=officer, application_id=application.pk, outcome="granted")
    handling.decision_make(acting_user=officer, application_id=application.pk, outcome="refused",
                           reasons="Ingen budget beslutad för året.")


@pytest.mark.parametrize("role", ["association", "case_worker", "payment_officer", "analyst"])
def test_only_the_officer_and_the_administrator_decide(world, admin_user, role):
    club, _other, programme, user, _officer = world
    application = apply(club, programme, user, 100_000)
    someone = user if role == "association" else _user(f"x-{role}", role, None, "X", "Y")
    with pytest.raises(PermissionDenied):
        handling.decision_make(acting_user=someone, application_id=application.pk, outcome="granted")
    with pytest.raises(PermissionDenied):
        handling.assessment_record(acting_user=someone, application_id=application.pk, text="Bra")
    handling.decision_make(acting_user=admin_user, application_id=application.pk, outcome="granted")


def test_assessment_then_decision_carries_it_and_logs_every_step(world):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 100_000)
    handling.application_for_officer(acting_user=officer, application_id=application.pk)
    handling.assessment_record(acting_user=officer, application_id=application.pk, text="Första bedömningen.")
    handling.assessment_record(acting_user=officer, application_id=application.pk, text="Uppdaterad bedömning.")
    application.refresh_from_db()
    assert application.status == GrantApplication.Status.UNDER_ASSESSMENT
    decision = handling.decision_make(acting_user=officer, application_id=application.pk, outcome="granted")
    assert decision.assessment == "Uppdaterad bedömning."
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantAssessment.objects.update(text="ändrad")
    logged = list(AccessLogEntry.objects.filter(actor=officer).order_by("id").values_list("action", "object_type"))
    assert logged == [("read", "grants.grantapplication"), ("create", "grants.grantassessment"),
                      ("create", "grants.grantassessment"), ("create", "grants.grantdecision")]


def test_withdraw_own_undecided_only(world):
    club, other, programme, user, officer = world
    mine, theirs, decided = (apply(club, programme, user, 100_000), apply(other, programme, user, 100_000),
                             apply(club, programme, user, 100_000))
    handling.decision_make(acting_user=officer, application_id=decided.pk, outcome="granted")
    with pytest.raises(Http404):
        handling.application_withdraw(acting_user=user, application_id=theirs.pk)
    with pytest.raises(ValidationError, match="redan beslutad"):
        handling.application_withdraw(acting_user=user, application_id=decided.pk)
    handling.application_withdraw(acting_user=user, application_id=mine.pk)
    mine.refresh_from_db()
    assert mine.status == GrantApplication.Status.WITHDRAWN
    with pytest.raises(ValidationError, match="återtagit"):
        handling.decision_make(acting_user=officer, application_id=mine.pk, outcome="granted")
    with pytest.raises(Http404):
        handling.application_for_association(acting_user=user, application_id=theirs.pk)


@pytest.mark.parametrize("status, decided, counted", [
    ("submitted", None, 400_000),  # undecided: what was applied for
    ("assessment", None, 400_000),
    ("withdrawn", None, 0),  # withdrawn: nothing
    ("decided", ("partly", 150_000), 150_000),  # decided: what was decided
    ("decided", ("refused", 0), 0),
    ("decided", ("granted", 400_000), 400_000),
])
def test_the_cap_counts_decided_amounts(world, status, decided, counted):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 400_000)
    if decided:
        handling.decision_make(acting_user=officer, application_id=application.pk, outcome=decided[0],
                               amount=decided[1], reasons="Skäl")
    else:
        GrantApplication.objects.filter(pk=application.pk).update(status=status)
    assert services._already_granted(club, programme, 2026) == counted


def test_the_letter_names_board_amount_reasons_payment_and_appeal(world):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 400_000)
    decision = handling.decision_make(acting_user=officer, application_id=application.pk, outcome="partly",
                                      amount=250_000, reasons="Budgeten räcker till hälften.")
    html = decision.letter_html
    for text in ("Kultur- och fritidsnämnden beviljar delvis IK Exempel 2\u00a0500,00\u00a0kr", "4\u00a0000,00\u00a0kr",
                 "Budgeten räcker till hälften.", "bankgiro ****1055", "laglighetsprövning", "inom tre veckor",
                 "anslagstavla", "13 kap. 1, 4, 5 och 8 §§ kommunallagen (2017:725)", "Greta Handläggare",
                 "Storgatan 1"):
        assert text in html, text
    assert "5050-1055" not in html and "50501055" not in html  # masked
    pdf = decision_letter_pdf(decision)
    assert pdf.startswith(b"%PDF") and pdf == decision_letter_pdf(decision)  # the same bytes every time


def test_a_refusal_letter_says_nothing_of_payment(world):
    club, _other, programme, user, officer = world
    application = apply(club, programme, user, 400_000)
    decision = handling.decision_make(acting_user=officer, application_id=application.pk, outcome="refused",
                                      reasons="Utanför programmets syfte.")
    assert "avslår ansökan från IK Exempel" in decision.letter_html
    assert "Utbetalning" not in decision.letter_html


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_decisions_at_once_stay_within_the_budget(admin_user):
    """Two officers grant 6 000 kr each from a 10 000 kr budget at the same moment: the
    budget row's lock makes the second see the first, and it is refused."""
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    other = services.association_create(acting_user=admin_user, orgnr="802400-0013", name="FK Annan")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    programme = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.PROJECT,
                                          name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=BUDGET)
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    second = _user("bidrag2", "grants_officer", None, "Gun", "Handläggare")
    one, two = apply(club, programme, admin_user, 600_000), apply(other, programme, admin_user, 600_000)
    results = race(lambda: handling.decision_make(acting_user=officer, application_id=one.pk, outcome="granted"),
                   lambda: handling.decision_make(acting_user=second, application_id=two.pk, outcome="granted"),
                   expected=(ValidationError,))
    assert sorted(type(r).__name__ for r in results) == ["GrantDecision", "ValidationError"]
    assert handling.granted_from(programme, 2026) == 600_000


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_deciding_and_withdrawing_at_once_give_one_outcome(admin_user):
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    programme = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.PROJECT,
                                          name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=BUDGET)
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    application = apply(club, programme, user, 100_000)
    results = race(lambda: handling.decision_make(acting_user=officer, application_id=application.pk,
                                                  outcome="granted"),
                   lambda: handling.application_withdraw(acting_user=user, application_id=application.pk),
                   expected=(ValidationError,))
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    application.refresh_from_db()
    assert (application.status == GrantApplication.Status.DECIDED) == GrantDecision.objects.exists()


class _Applied:
    def __init__(self, total):
        self.total = total


@given(applied=st.integers(min_value=0, max_value=10**12), asked=st.one_of(st.none(), st.integers(-10**6, 10**13)),
       outcome=st.sampled_from(["granted", "partly", "refused"]), reasons=st.sampled_from(["", "Skäl"]))
def test_a_decided_amount_is_within_what_was_applied_for(applied, asked, outcome, reasons):
    """Whatever is typed: a decision grants 0 to the applied amount, integer öre, exactly the
    applied amount when granted, nothing when refused, and less than applied when partly."""
    try:
        amount = handling.decided_amount(_Applied(applied), outcome, asked, reasons)
    except ValidationError:
        assert (outcome == "granted" and applied == 0) or (outcome != "granted" and not reasons) or (
            outcome == "partly" and (asked is None or not 0 < asked < applied))
        return
    assert isinstance(amount, int) and 0 <= amount <= applied
    assert amount == {"granted": applied, "refused": 0, "partly": asked}[outcome]
    assert outcome != "partly" or amount < applied


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_officers_deciding_one_application_at_once_make_one_decision(admin_user):
    """The application's row lock and the status read again inside the transaction: the
    second officer is told it is already decided (the unique constraint stands behind it)."""
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    programme = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.PROJECT,
                                          name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=programme, year=2026, amount=BUDGET)
    officer = _user("bidrag1", "grants_officer", None, "Greta", "Handläggare")
    second = _user("bidrag2", "grants_officer", None, "Gun", "Handläggare")
    application = apply(club, programme, admin_user, 100_000)
    results = race(lambda: handling.decision_make(acting_user=officer, application_id=application.pk,
                                                  outcome="granted"),
                   lambda: handling.decision_make(acting_user=second, application_id=application.pk,
                                                  outcome="refused", reasons="Nej"),
                   expected=(ValidationError,))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "redan beslutad" in refused[0].messages[0]
    assert GrantDecision.objects.count() == 1

"""Issue 13, money: at most one decision in force per application, changes are
ändringsbeslut, the delegation limit counts the whole month, and paying one adult
only needs an approved exception — in the services and in the database itself."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import Application, Decision, DecisionRecipient
from tests.cases.factories import couple_case

MONTH = date(2026, 12, 1)


def _adults(case):
    return [m.person for m in services.memberships_in_month(case.household_id, MONTH) if m.role == "adult"]


def _calculated(case, user, *, housing=700000):
    woman = _adults(case)[0]
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", housing)],
                                      obstacles={p.pk: "unemployed" for p in _adults(case)})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application


def _lines(application, outcome="granted", granted=None):
    rows = len(decisions.need_lines(application.calculations.get(superseded_at__isnull=True)))
    if outcome == "granted":
        return [LineDecision("granted")] * rows
    return [LineDecision("refused", reason="Behovet är tillgodosett")] * rows


def _decide(application, user, **kwargs):
    application.refresh_from_db()
    return decisions.decision_make(acting_user=user, application=application, lines=_lines(application), **kwargs, acknowledge_provisional=True)


@pytest.fixture
def case(unit_a, alice):
    case, _woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    return case


def _in_force(application):
    return list(Decision.objects.filter(application=application, status="issued", superseded_at__isnull=True))


def test_a_second_decision_on_a_decided_application_is_refused(case, alice):
    application = _calculated(case, alice)
    _decide(application, alice)
    with pytest.raises(ValidationError, match="redan beslutad"):
        _decide(application, alice)
    assert len(_in_force(application)) == 1


def test_a_stale_copy_of_the_application_does_not_decide_twice(case, alice):
    """Two browsers: both loaded the application while it was 'calculated'."""
    application = _calculated(case, alice)
    stale = Application.objects.get(pk=application.pk)
    decisions.decision_make(acting_user=alice, application=application, lines=_lines(application), acknowledge_provisional=True)
    assert stale.status == Application.Status.CALCULATED
    with pytest.raises(ValidationError, match="redan beslutad"):
        decisions.decision_make(acting_user=alice, application=stale, lines=_lines(application), acknowledge_provisional=True)
    assert Decision.objects.filter(application=application, status="issued").count() == 1


def test_the_database_refuses_a_second_decision_in_force(case, alice):
    application = _calculated(case, alice)
    first = _decide(application, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=application, calculation=first.calculation, status="issued",
                                applied_amount=first.applied_amount, granted_amount=1, prepared_by=alice,
                                decided_by=alice, decided_at=timezone.now())


def test_a_new_proposal_cancels_the_one_waiting_and_it_cannot_be_approved(case, alice, bob, settings):
    application = _calculated(case, alice)
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1000
    waiting = _decide(application, alice)
    assert waiting.status == "awaiting_approval"
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 100000
    made = _decide(application, alice)
    assert made.status == "issued"
    waiting.refresh_from_db()
    assert waiting.status == "cancelled" and waiting.superseded_at is not None
    with pytest.raises(ValidationError, match="ersatts av ett senare beslut"):
        decisions.decision_approve(acting_user=bob, decision=waiting, acknowledge_provisional=True)
    assert _in_force(application) == [made]


def test_the_database_keeps_one_proposal_waiting(case, alice, settings):
    application = _calculated(case, alice)
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1000
    waiting = _decide(application, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=application, calculation=waiting.calculation,
                                status="awaiting_approval", applied_amount=1, granted_amount=1, prepared_by=alice)


def test_approving_after_the_application_was_withdrawn_is_refused(case, alice, bob, settings):
    application = _calculated(case, alice)
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1000
    waiting = _decide(application, alice)
    services.application_withdraw(acting_user=alice, application=application, reason="Fick arbete")
    waiting.refresh_from_db()
    assert waiting.status == "cancelled", "withdrawing cancels the waiting proposal"
    with pytest.raises(ValidationError):
        decisions.decision_approve(acting_user=bob, decision=waiting, acknowledge_provisional=True)
    assert not _in_force(application)


def test_an_application_with_a_decision_in_force_cannot_be_withdrawn(case, alice):
    application = _calculated(case, alice)
    _decide(application, alice)
    decisions.decision_change_start(acting_user=alice, decision=_in_force(application)[0])
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="fattat beslut"):
        services.application_withdraw(acting_user=alice, application=application, reason="Fick arbete")


def test_the_delegation_limit_counts_every_decision_of_the_case_and_month(case, alice, bob, settings):
    first = _calculated(case, alice)
    one = _decide(first, alice)
    second = _calculated(case, alice)  # a supplementary application for the same month
    two_alone = decisions.need_lines(second.calculations.get())
    assert one.granted_amount > 0 and two_alone
    settings.LIKA_DELEGATION_LIMIT_KRONOR = (one.granted_amount + second.calculations.get().support) // 100 - 1
    assert one.granted_amount <= settings.LIKA_DELEGATION_LIMIT_KRONOR * 100, "each alone is within it"
    two = _decide(second, alice)
    assert two.status == "awaiting_approval", "together they are above the case worker's delegation"
    decisions.decision_approve(acting_user=bob, decision=two, acknowledge_provisional=True)
    two.refresh_from_db()
    assert two.status == "issued" and two.decided_by == bob


def test_the_database_refuses_a_single_recipient_decision_without_a_valid_exception(case, alice, bob):
    application = _calculated(case, alice)
    woman = _adults(case)[0]
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="other",
                                            reason_text="Partnern på institution", valid_from=MONTH)
    decision = Decision.objects.create(application=application, calculation=application.calculations.get(),
                                       applied_amount=1, granted_amount=1, prepared_by=alice,
                                       payment_mode="single", payment_exception=exception)
    with pytest.raises(IntegrityError, match="approved exception"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(status="issued", decided_by=alice)
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    Decision.objects.filter(pk=decision.pk).update(status="issued", decided_by=alice)
    assert Decision.objects.get(pk=decision.pk).status == "issued", "with the approved exception it may"


def test_the_service_refuses_single_payment_when_the_exception_has_ended(case, alice, bob):
    application = _calculated(case, alice)
    woman = _adults(case)[0]
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="other",
                                            reason_text="Partnern på institution", valid_from=date(2026, 11, 1))
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    decisions.exception_end(acting_user=bob, exception=exception, last_day=date(2026, 11, 30))
    with pytest.raises(ValidationError, match="godkänt undantag"):
        _decide(application, alice, payment_mode="single", exception_id=exception.pk)
    assert not Decision.objects.filter(application=application).exists()


def test_a_change_decision_replaces_the_old_with_reasons_and_letters_to_both(case, alice):
    application = _calculated(case, alice)
    first = _decide(application, alice)
    with pytest.raises(ValidationError, match="beslutad"):
        services.calculation_make(acting_user=alice, application=application)
    decisions.decision_change_start(acting_user=alice, decision=first)
    application.refresh_from_db()
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 900000)],
                                      obstacles={p.pk: "unemployed" for p in _adults(case)})
    services.calculation_make(acting_user=alice, application=application)
    assert _in_force(application) == [first], "the old decision holds until the new is issued"
    with pytest.raises(ValidationError) as refused:
        _decide(application, alice)
    assert "change_reason" in refused.value.error_dict
    second = _decide(application, alice, change_reason="Ny hyra från december")
    first.refresh_from_db()
    assert second.supersedes_id == first.pk and second.granted_amount == first.granted_amount + 200000
    assert first.superseded_at is not None and _in_force(application) == [second]
    letters = list(DecisionRecipient.objects.filter(decision=second))
    assert {r.person_id for r in letters} == {p.pk for p in _adults(case)}
    for letter in letters:
        assert "Ändringsbeslut om försörjningsstöd" in letter.letter_html
        assert "Ny hyra från december" in letter.letter_html
    application.refresh_from_db()
    assert application.status == Application.Status.DECIDED


def test_a_change_can_be_abandoned_and_the_old_decision_still_holds(case, alice):
    application = _calculated(case, alice)
    first = _decide(application, alice)
    decisions.decision_change_start(acting_user=alice, decision=first)
    with pytest.raises(ValidationError, match="redan på att ändras"):
        decisions.decision_change_start(acting_user=alice, decision=first)
    decisions.decision_change_abandon(acting_user=alice, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.DECIDED and _in_force(application) == [first]


def test_an_old_decision_cannot_be_changed_again(case, alice):
    application = _calculated(case, alice)
    first = _decide(application, alice)
    decisions.decision_change_start(acting_user=alice, decision=first)
    _decide(application, alice, change_reason="Omprövning")
    with pytest.raises(ValidationError, match="Bara beslutet som gäller"):
        decisions.decision_change_start(acting_user=alice, decision=first)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite statement")
def test_sqlite_insert_or_replace_cannot_issue_a_second_decision(case, alice):
    application = _calculated(case, alice)
    first = _decide(application, alice)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO cases_decision (application_id, calculation_id, status, applied_amount, "
                       "granted_amount, payment_mode, requires_manager, prepared_by_id, prepared_at, "
                       "change_reason, cancel_reason) VALUES (%s, %s, 'issued', 1, 1, 'equal', 0, %s, %s, '', '')",
                       [application.pk, first.calculation_id, alice.pk, timezone.now()])

"""The case services: registering, applying, calculating and deciding (M1–M5)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import Application, Decision, DecisionLine
from lika.cases.services import Entry, PersonData
from lika.identity.personnummer import FEMALE, MALE, generate_fictional
from tests.cases.factories import couple_case, single_case

MONTH = date(2026, 12, 1)


def _pd(first, last, birth, gender, serial, **extra):
    return PersonData(identity_number=generate_fictional(birth, gender, serial), first_name=first,
                      last_name=last, **extra)


@pytest.fixture
def registered(alice):
    """A couple registered through the service: the man is entered first."""
    return services.case_register(
        acting_user=alice, cohabiting=True, since=date(2026, 11, 1),
        adults=[_pd("Ali", "Nord", date(1985, 3, 4), MALE, 211, bank_clearing="5000", bank_account="1234560"),
                _pd("Lina", "Nord", date(1987, 6, 7), FEMALE, 212, iban="SE4550000000058398257466")],
        children=[_pd("Saga", "Nord", date(2019, 5, 5), FEMALE, 213, lunch_at_home=False),
                  _pd("Noah", "Nord", date(2014, 1, 9), MALE, 214)])


def _adults(case):
    members = services.memberships_in_month(case.household_id, MONTH)
    return [m.person for m in members if m.role == "adult"]


def _calculated(case, user, applicant, *, joint=True, costs=(), incomes=()):
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=applicant,
                                              joint=joint)
    for party in application.parties.filter(confirmed_at__isnull=True):
        services.application_confirm(acting_user=user, application=application, party=party, channel="visit")
    services.application_entries_save(
        acting_user=user, application=application, costs=list(costs), incomes=list(incomes),
        obstacles={p.pk: "unemployed" for p in _adults(case)})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application


def _grant_all(application):
    calculation = application.calculations.get(superseded_at__isnull=True)
    return [LineDecision("granted")] * len(decisions.need_lines(calculation))


def test_register_derives_gender_from_the_number_and_logs_every_person(registered, alice):
    man, woman = _adults(registered)
    assert (man.legal_gender, woman.legal_gender) == ("M", "F")
    assert registered.unit_id == alice.unit_id and registered.case_worker == alice
    assert registered.registerledare is None
    logged = set(AccessLogEntry.objects.filter(object_type="person", action="create").values_list("person_id", flat=True))
    assert {man.pk, woman.pk} <= logged


@pytest.mark.parametrize("applicant_index", [0, 1], ids=["first-entered-applies", "second-entered-applies"])
def test_whoever_applies_first_becomes_registerledare(registered, alice, applicant_index):
    applicant = _adults(registered)[applicant_index]
    services.application_create(acting_user=alice, case=registered, month=MONTH, applicant=applicant)
    registered.refresh_from_db()
    assert registered.registerledare == applicant
    other = _adults(registered)[1 - applicant_index]
    services.application_create(acting_user=alice, case=registered, month=date(2027, 1, 1), applicant=other)
    registered.refresh_from_db()
    assert registered.registerledare == applicant, "registerledare never changes to another adult"


def test_the_woman_who_applies_becomes_registerledare_although_the_man_was_entered_first(registered, alice):
    man, woman = _adults(registered)
    assert woman.legal_gender == "F" and man.legal_gender == "M"
    services.application_create(acting_user=alice, case=registered, month=MONTH, applicant=woman, joint=True)
    registered.refresh_from_db()
    assert registered.registerledare == woman


def test_a_joint_application_has_both_parties_and_each_confirms(registered, alice):
    man, woman = _adults(registered)
    application = services.application_create(acting_user=alice, case=registered, month=MONTH,
                                              applicant=woman, joint=True, applicant_confirmed=True)
    parties = {p.person_id: p for p in application.parties.all()}
    assert parties[woman.pk].role == "applicant" and parties[woman.pk].confirmed_at is not None
    assert parties[man.pk].role == "co_applicant" and parties[man.pk].confirmed_at is None
    services.application_confirm(acting_user=alice, application=application, party=parties[man.pk],
                                 channel="e_service")
    with pytest.raises(ValidationError, match="redan bekräftat"):
        services.application_confirm(acting_user=alice, application=application, party=parties[man.pk],
                                     channel="e_service")


def test_a_decision_needs_every_party_to_have_confirmed(registered, alice):
    man, woman = _adults(registered)
    application = services.application_create(acting_user=alice, case=registered, month=MONTH,
                                              applicant=woman, joint=True)
    services.application_entries_save(acting_user=alice, application=application, costs=[], incomes=[],
                                      obstacles={man.pk: "unemployed", woman.pk: "sick_certified"})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="inte bekräftad av Ali Nord"):
        decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application), acknowledge_provisional=True)


def test_a_decision_needs_forsorjningshinder_for_each_adult(registered, alice):
    man, woman = _adults(registered)
    application = services.application_create(acting_user=alice, case=registered, month=MONTH, applicant=man)
    services.application_entries_save(acting_user=alice, application=application, costs=[], incomes=[],
                                      obstacles={man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="Försörjningshinder saknas för Lina Nord"):
        decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application), acknowledge_provisional=True)


def test_a_new_calculation_supersedes_the_old_snapshot(registered, alice):
    man, _woman = _adults(registered)
    application = _calculated(registered, alice, man)
    first = application.calculations.get()
    services.application_entries_save(acting_user=alice, application=application,
                                      costs=[Entry("housing", 750000)], incomes=[],
                                      obstacles={p.pk: "unemployed" for p in _adults(registered)})
    second = services.calculation_make(acting_user=alice, application=application)
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    assert second.support == first.support + 750000
    assert second.norm_table.year == 2026 and second.input["costs"][0]["amount"] == 7500


def test_equal_split_decision_goes_to_both_adults_with_one_letter_each(registered, alice):
    man, woman = _adults(registered)
    application = _calculated(registered, alice, woman, costs=[Entry("housing", 812345)])
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application), acknowledge_provisional=True)
    assert decision.status == Decision.Status.ISSUED and decision.decided_by == alice
    shares = {s.person_id: s.amount for s in decision.shares.all()}
    assert set(shares) == {man.pk, woman.pk}
    assert sum(shares.values()) == decision.granted_amount
    assert abs(shares[man.pk] - shares[woman.pk]) <= 1
    recipients = list(decision.recipients.all())
    assert {r.person_id for r in recipients} == {man.pk, woman.pk}
    assert all(r.letter_html and r.delivered_on is None for r in recipients)
    application.refresh_from_db()
    assert application.status == Application.Status.DECIDED


def test_partial_grant_and_refusal_need_reasons_and_lower_the_amount(registered, alice):
    man, _woman = _adults(registered)
    application = _calculated(registered, alice, man, costs=[Entry("housing", 900000), Entry("dental", 150000)])
    lines = decisions.need_lines(application.calculations.get())
    choices = [LineDecision("granted")] * len(lines)
    housing = next(i for i, line in enumerate(lines) if line["rule"].startswith("cost.housing"))
    dental = next(i for i, line in enumerate(lines) if line["rule"].startswith("cost.dental"))
    choices[housing] = LineDecision("partly", granted=700000)
    choices[dental] = LineDecision("refused")
    with pytest.raises(ValidationError, match="motiveringen"):
        decisions.decision_make(acting_user=alice, application=application, lines=choices, acknowledge_provisional=True)
    choices[housing] = LineDecision("partly", granted=700000, reason="Över kommunens riktlinje för hyra")
    choices[dental] = LineDecision("refused", reason="Inte akut tandvård")
    decision = decisions.decision_make(acting_user=alice, application=application, lines=choices, acknowledge_provisional=True)
    assert decision.granted_amount == application.calculations.get().support - 200000 - 150000
    refused = decision.lines.get(outcome=DecisionLine.Outcome.REFUSED)
    assert refused.granted_amount == 0 and refused.reason == "Inte akut tandvård"


def test_above_the_delegation_limit_the_manager_decides(registered, alice, bob, settings):
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1000
    man, _woman = _adults(registered)
    application = _calculated(registered, alice, man)
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application), acknowledge_provisional=True)
    assert decision.status == Decision.Status.AWAITING_APPROVAL and not decision.recipients.exists()
    with pytest.raises(PermissionDenied):
        decisions.decision_approve(acting_user=alice, decision=decision, acknowledge_provisional=True)
    decisions.decision_approve(acting_user=bob, decision=decision, acknowledge_provisional=True)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ISSUED and decision.decided_by == bob
    assert decision.recipients.count() == 2


def test_single_recipient_only_with_an_approved_exception(registered, alice, bob):
    man, woman = _adults(registered)
    application = _calculated(registered, alice, man)
    exception = decisions.exception_request(acting_user=alice, case=registered, recipient=woman,
                                            reason="violence_protection", reason_text="Ekonomiskt våld",
                                            valid_from=date(2026, 11, 1))
    assert exception.valid_to == date(2027, 4, 30), "six months by default"
    with pytest.raises(ValidationError, match="godkänt undantag"):
        decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application),
                                payment_mode="single", exception_id=exception.pk, acknowledge_provisional=True)
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application),
                                       payment_mode="single", exception_id=exception.pk, acknowledge_provisional=True)
    assert [(s.person_id, s.amount) for s in decision.shares.all()] == [(woman.pk, decision.granted_amount)]
    assert decision.recipients.count() == 2, "the decision still goes to both"


def test_nobody_approves_an_exception_they_requested_and_a_rejection_needs_a_reason(registered, alice, bob):
    _man, woman = _adults(registered)
    own = decisions.exception_request(acting_user=bob, case=registered, recipient=woman, reason="other",
                                      reason_text="Partnern vårdas på sjukhus", valid_from=date(2026, 11, 1))
    with pytest.raises(ValidationError, match="själv har begärt"):
        decisions.exception_decide(acting_user=bob, exception=own, approve=True)
    other = decisions.exception_request(acting_user=alice, case=registered, recipient=woman, reason="other",
                                        reason_text="Partnern vårdas på sjukhus", valid_from=date(2026, 11, 1))
    with pytest.raises(PermissionDenied):
        decisions.exception_decide(acting_user=alice, exception=other, approve=True)
    with pytest.raises(ValidationError):
        decisions.exception_decide(acting_user=bob, exception=other, approve=False, note=" ")
    decisions.exception_decide(acting_user=bob, exception=other, approve=False, note="Skälen räcker inte")
    other.refresh_from_db()
    assert other.status == "rejected" and other.decided_by == bob


def test_direct_payment_is_taken_first_and_the_rest_split(registered, alice):
    man, woman = _adults(registered)
    application = _calculated(registered, alice, woman, costs=[Entry("housing", 700000)])
    decision = decisions.decision_make(
        acting_user=alice, application=application, lines=_grant_all(application),
        direct=[decisions.DirectPaymentData("housing", 700000, "Bostadsbolaget", "5050-1055")], acknowledge_provisional=True)
    shares = list(decision.shares.all())
    assert shares[0].direct_payee == "Bostadsbolaget" and shares[0].amount == 700000
    rest = [s.amount for s in shares[1:]]
    assert sum(rest) == decision.granted_amount - 700000 and abs(rest[0] - rest[1]) <= 1


def test_delivery_is_recorded_per_recipient(registered, alice):
    man, woman = _adults(registered)
    application = _calculated(registered, alice, woman)
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application), acknowledge_provisional=True)
    recipient = decision.recipients.get(person=woman)
    with pytest.raises(ValidationError):
        decisions.recipient_record_delivery(acting_user=alice, recipient=recipient, channel="pigeon",
                                            delivered_on=date.today())
    decisions.recipient_record_delivery(acting_user=alice, recipient=recipient, channel="post",
                                        delivered_on=date.today())
    assert decision.recipients.filter(delivered_on__isnull=True).get().person == man


def test_issued_decision_letter_pdf_is_made_once_and_kept(registered, alice):
    _man, woman = _adults(registered)
    application = _calculated(registered, alice, woman)
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application), acknowledge_provisional=True)
    recipient = decision.recipients.get(person=woman)
    pdf = decisions.recipient_letter_pdf(recipient)
    assert pdf.startswith(b"%PDF")
    recipient.refresh_from_db()
    assert bytes(recipient.letter) == pdf and len(recipient.letter_sha256) == 64
    assert decisions.recipient_letter_pdf(recipient) == pdf


def test_application_by_someone_outside_the_household_is_refused(unit_a, alice):
    case, _adult = single_case(unit_a)
    _other_case, stranger, _man, _kids = couple_case(unit_a)
    with pytest.raises(ValidationError, match="vuxen i hushållet"):
        services.application_create(acting_user=alice, case=case, month=MONTH, applicant=stranger)
    assert not Application.objects.filter(case=case).exists()


def test_bad_personnummer_or_bank_account_leaves_nothing_behind(alice):
    from lika.households.models import Household, Person

    bad_bank = _pd("Ada", "Berg", date(1990, 1, 1), FEMALE, 301, bank_clearing="5000", bank_account="1234561")
    with pytest.raises(ValidationError, match="Kontonumret"):
        services.case_register(acting_user=alice, adults=[bad_bank])
    bad_number = PersonData(identity_number="19900101-0000", first_name="A", last_name="B")
    with pytest.raises(ValidationError, match="Personnumret"):
        services.case_register(acting_user=alice, adults=[bad_number])
    assert not Person.objects.exists() and not Household.objects.exists()


def test_composition_changes_are_history(registered, alice):
    man, woman = _adults(registered)
    membership = next(m for m in services.memberships_on(registered.household_id, date(2026, 11, 15))
                      if m.person_id == man.pk)
    services.membership_end(acting_user=alice, case=registered, membership=membership, last_day=date(2027, 1, 31))
    february = services.memberships_in_month(registered.household_id, date(2027, 2, 1))
    adults = [m for m in february if m.role == "adult"]
    assert [m.person_id for m in adults] == [woman.pk] and not adults[0].cohabiting
    december = services.memberships_in_month(registered.household_id, MONTH)
    assert {m.person_id for m in december if m.role == "adult"} == {man.pk, woman.pk}
    assert all(m.cohabiting for m in december if m.role == "adult")


def test_journal_notes_are_signed_and_immutable(registered, alice):
    from lika.cases.models import ImmutableError

    note = services.journal_write(acting_user=alice, case=registered, text="Besök med båda.")
    assert note.signature == "Alice Andersson (Socialsekreterare)"
    with pytest.raises(ImmutableError):
        note.save()
    with pytest.raises(ValidationError):
        services.journal_write(acting_user=alice, case=registered, text="   ")


def test_a_case_closes_with_a_reason_and_opens_again(registered, alice):
    man, _woman = _adults(registered)
    application = services.application_create(acting_user=alice, case=registered, month=MONTH, applicant=man)
    with pytest.raises(ValidationError, match="ansökningar utan beslut"):
        services.case_close(acting_user=alice, case=registered, closed_on=date(2026, 11, 20), reason="work")
    services.application_withdraw(acting_user=alice, application=application, reason="Fick arbete")
    with pytest.raises(ValidationError):
        services.case_close(acting_user=alice, case=registered, closed_on=date(2026, 11, 20), reason="lottery")
    services.case_close(acting_user=alice, case=registered, closed_on=date(2026, 11, 20), reason="work")
    registered.refresh_from_db()
    assert (registered.status, registered.close_reason) == ("closed", "work")
    with pytest.raises(ValidationError, match="avslutat"):
        services.application_create(acting_user=alice, case=registered, month=MONTH, applicant=man)
    services.case_reopen(acting_user=alice, case=registered)
    registered.refresh_from_db()
    assert registered.status == "open" and registered.closed_on is None
    assert AccessLogEntry.objects.filter(object_type="case", summary="Ärendet avslutat").exists()

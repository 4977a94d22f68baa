"""Sponsorship agreements on SQLite and PostgreSQL: no signature without a gender-equality
assessment (service and database), status draft → signed → ended, the assessment fixed
once signed, the association's reach report beside the expectation, the access log, and
two officers signing at once (PostgreSQL)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from django.http import Http404
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.grants import services
from lika.grants import sponsorship as sponsor
from lika.grants.models import (
    GrantGiver,
    SponsorshipAgreement,
    SponsorshipAssessment,
    SponsorshipReach,
)
from tests.conftest import _user
from tests.threads import race

EXPECTED = {("F", "7-12"): 12, ("M", "7-12"): 14, ("F", "13-16"): 6}
TEXT = "Flicklaget och pojklaget tränar lika många timmar; sponsringen köper bollar till båda."


def make_world(admin_user, *, period_to=date(2026, 6, 30)):
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    other = services.association_create(acting_user=admin_user, orgnr="802400-0013", name="FK Annan")
    company = services.grant_giver_create(acting_user=admin_user, name="Exempelbostäder AB",
                                          kind=GrantGiver.Kind.COMPANY)
    agreement = sponsor.agreement_create(
        acting_user=admin_user, giver=company, association=club, activity="Fotbollsskola 7–12 år",
        amount=2_500_000, counter_performance="Företagets namn på matchställen", target_group="Barn 7–16 år",
        period_from=date(2026, 1, 1), period_to=period_to)
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    stranger = _user("forening2", "association", None, "Åsa", "Annan", association=other)
    return agreement, user, stranger


@pytest.fixture
def world(admin_user):
    return make_world(admin_user)


def test_an_agreement_begins_as_a_draft_with_its_terms(world):
    agreement, _user_, _stranger = world
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    assert agreement.amount == 2_500_000
    assert agreement.giver.get_kind_display() == "Kommunalt bolag"
    assert AccessLogEntry.objects.filter(object_type="grants.sponsorshipagreement",
                                         object_id=str(agreement.pk), action="create").count() == 1


def test_it_cannot_be_signed_without_an_assessment(world, admin_user):
    agreement, _user_, _stranger = world
    with pytest.raises(ValidationError, match="jämställdhetsbedömning"):
        sponsor.agreement_sign(acting_user=admin_user, agreement_id=agreement.pk)
    agreement.refresh_from_db()
    assert agreement.status == "draft" and agreement.signed_at is None


def test_the_database_refuses_a_signature_without_an_assessment(world, admin_user):
    """No code path can sign without it: a plain UPDATE is refused by the trigger."""
    agreement, _user_, _stranger = world
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipAgreement.objects.filter(pk=agreement.pk).update(
            status="signed", signed_by=admin_user, signed_at=timezone.now())
    assert SponsorshipAgreement.objects.get(pk=agreement.pk).status == "draft"


def test_the_database_refuses_an_agreement_inserted_as_signed(world, admin_user):
    agreement, _user_, _stranger = world
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipAgreement.objects.create(
            giver=agreement.giver, association=agreement.association, activity="X", amount=1,
            counter_performance="-", target_group="-", period_from=date(2026, 1, 1), period_to=date(2026, 2, 1),
            status="signed", created_by=admin_user, signed_by=admin_user, signed_at=timezone.now())


def test_an_assessment_without_expected_participants_does_not_allow_a_signature(world, admin_user):
    agreement, _user_, _stranger = world
    with pytest.raises(ValidationError, match="minst en"):
        sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT, expected={})
    with pytest.raises(ValidationError, match="Skriv bedömningen"):
        sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text="  ", expected=EXPECTED)
    # an assessment row alone (no expected reach) is not enough for the database either
    SponsorshipAssessment.objects.create(agreement=agreement, text=TEXT, assessed_by=admin_user,
                                         assessed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipAgreement.objects.filter(pk=agreement.pk).update(
            status="signed", signed_by=admin_user, signed_at=timezone.now())


def test_after_the_assessment_it_signs_and_the_assessment_is_fixed(world, admin_user):
    agreement, _user_, _stranger = world
    sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)
    # while a draft, the assessment may be replaced (both versions are in the log)
    sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT + " Ny.",
                              expected={**EXPECTED, ("M", "13-16"): 4})
    signed = sponsor.agreement_sign(acting_user=admin_user, agreement_id=agreement.pk)
    assert signed.status == "signed" and signed.signed_by == admin_user
    with pytest.raises(ValidationError, match="redan undertecknat"):
        sponsor.agreement_sign(acting_user=admin_user, agreement_id=agreement.pk)
    with pytest.raises(ValidationError, match="redan undertecknat"):
        sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)
    # and the database keeps it fixed whatever the code does
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipAssessment.objects.filter(agreement=agreement).update(text="ändrad")
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipReach.objects.filter(agreement=agreement, stage="expected").delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipReach.objects.create(agreement=agreement, stage="expected", gender="F", age_band="65-", count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipAgreement.objects.filter(pk=agreement.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipAgreement.objects.filter(pk=agreement.pk).update(status="draft")
    logged = AccessLogEntry.objects.filter(object_type="grants.sponsorshipagreement", object_id=str(agreement.pk))
    assert [e.summary for e in logged.order_by("pk")][1:] == [
        f"Jämställdhetsbedömning av sponsringsavtal {agreement.pk}",
        f"Jämställdhetsbedömning av sponsringsavtal {agreement.pk}",
        f"Sponsringsavtal {agreement.pk} undertecknat"]
    assert logged.filter(action="update").order_by("pk").first().old_values["text"] == TEXT


def test_status_goes_draft_signed_ended(world, admin_user):
    agreement, _user_, _stranger = world
    with pytest.raises(ValidationError, match="undertecknat avtal"):
        sponsor.agreement_end(acting_user=admin_user, agreement_id=agreement.pk)
    sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)
    sponsor.agreement_sign(acting_user=admin_user, agreement_id=agreement.pk)
    ended = sponsor.agreement_end(acting_user=admin_user, agreement_id=agreement.pk)
    assert ended.status == "ended" and ended.ended_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipAgreement.objects.filter(pk=agreement.pk).update(status="signed")


def test_only_the_administrator_handles_agreements(world):
    agreement, user, _stranger = world
    for call in (sponsor.agreement_sign, sponsor.agreement_end):
        with pytest.raises(PermissionDenied):
            call(acting_user=user, agreement_id=agreement.pk)
    with pytest.raises(PermissionDenied):
        sponsor.assessment_record(acting_user=user, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)


def test_the_association_reports_reach_after_the_period(world, admin_user):
    agreement, user, stranger = world
    actual = {("F", "7-12"): 15, ("M", "7-12"): 13, ("", "13-16"): 1}
    with pytest.raises(ValidationError, match="avtalsperioden"):  # a draft: nothing to report
        sponsor.reach_report(acting_user=user, agreement_id=agreement.pk, actual=actual)
    sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)
    sponsor.agreement_sign(acting_user=admin_user, agreement_id=agreement.pk)
    with pytest.raises(Http404):  # another association's user never sees it
        sponsor.reach_report(acting_user=stranger, agreement_id=agreement.pk, actual=actual)
    sponsor.reach_report(acting_user=user, agreement_id=agreement.pk, actual=actual, text="Fler flickor än väntat.")
    agreement.refresh_from_db()
    comparison = sponsor.reach_comparison(agreement)
    assert comparison.expected_total == (18, 14, 0)
    assert comparison.actual_total == (15, 13, 1)
    # the officer may correct it; the earlier report is in the log
    sponsor.reach_report(acting_user=admin_user, agreement_id=agreement.pk, actual={("F", "7-12"): 16})
    assert sponsor.reach_comparison(agreement).actual_total == (16, 0, 0)
    entry = AccessLogEntry.objects.filter(summary=f"Utfall för sponsringsavtal {agreement.pk}").order_by("pk").last()
    assert entry.old_values["actual"] == {"F 7-12": 15, "M 7-12": 13, "- 13-16": 1}


def test_reach_is_not_reported_before_the_period_ends(admin_user):
    agreement, user, _stranger = make_world(admin_user, period_to=timezone.localdate() + timedelta(days=30))
    sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)
    sponsor.agreement_sign(acting_user=admin_user, agreement_id=agreement.pk)
    with pytest.raises(ValidationError, match="avtalsperioden är slut"):
        sponsor.reach_report(acting_user=user, agreement_id=agreement.pk, actual={("F", "7-12"): 1})
    sponsor.agreement_end(acting_user=admin_user, agreement_id=agreement.pk)  # ended early: now it may
    sponsor.reach_report(acting_user=user, agreement_id=agreement.pk, actual={("F", "7-12"): 1})


def test_the_association_sees_only_her_own_agreements(world):
    agreement, user, stranger = world
    assert list(sponsor.agreements_for(user)) == [agreement]
    assert list(sponsor.agreements_for(stranger)) == []
    with pytest.raises(Http404):
        sponsor.access_agreement(stranger, agreement.pk)


def test_the_period_must_not_end_before_it_begins(world, admin_user):
    agreement, _user_, _stranger = world
    with pytest.raises(ValidationError):
        sponsor.agreement_create(acting_user=admin_user, giver=agreement.giver, association=agreement.association,
                                 activity="X", amount=100, counter_performance="-", target_group="-",
                                 period_from=date(2026, 2, 1), period_to=date(2026, 1, 1))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_officers_signing_at_once_sign_once(municipality):
    """Two administrators press "Underteckna" at the same moment: the row lock makes the
    second read the first's signature, so one signs and the other gets a Swedish message."""
    ada = _user("ada", "administrator", None, "Ada", "Admin")
    bea = _user("bea", "administrator", None, "Bea", "Admin")
    agreement, _user_, _stranger = make_world(ada)
    sponsor.assessment_record(acting_user=ada, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)

    def sign(user):
        return lambda: sponsor.agreement_sign(acting_user=user, agreement_id=agreement.pk)

    results = race(sign(ada), sign(bea), expected=(ValidationError,))
    signed = [r for r in results if isinstance(r, SponsorshipAgreement)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(signed) == 1 and len(refused) == 1
    assert "redan undertecknat" in refused[0].messages[0]
    assert AccessLogEntry.objects.filter(summary=f"Sponsringsavtal {agreement.pk} undertecknat").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_an_assessment_cannot_change_under_a_signature(municipality):
    """The officer re-records the assessment while another signs: whichever is second sees
    the first's result; the signed agreement keeps the assessment it was signed with."""
    ada = _user("ada", "administrator", None, "Ada", "Admin")
    agreement, _user_, _stranger = make_world(ada)
    sponsor.assessment_record(acting_user=ada, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)
    results = race(lambda: sponsor.agreement_sign(acting_user=ada, agreement_id=agreement.pk),
                   lambda: sponsor.assessment_record(acting_user=ada, agreement_id=agreement.pk, text="Ny text",
                                                     expected={("M", "65-"): 3}),
                   expected=(ValidationError,))
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assessment = SponsorshipAssessment.objects.get(agreement=agreement)
    if isinstance(results[1], ValidationError):
        assert assessment.text == TEXT
    else:
        assert assessment.text == "Ny text"
        assert sponsor.reach_comparison(agreement).expected_total == (0, 3, 0)

"""Sponsorship agreements (sponsring): create, assess, sign, end, report reach.

Each service takes keyword-only arguments and the acting user, locks the agreement's row
and reads its status again inside the transaction, and writes its access-log row in the
same transaction.  The rule that matters — no signature without a gender-equality
assessment — is checked here with a Swedish message, and held by triggers in the
database (migration ``grants/0005``) so that no other code path can break it.  The reach
comparison is pure: ``lika.core.sponsorship``."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from lika.audit.services import access_log_write
from lika.core import sponsorship as reach_rules

from .models import (
    Association,
    SponsorshipAgreement,
    SponsorshipAssessment,
    SponsorshipReach,
    SponsorshipReport,
)
from .services import ADMIN_ROLES, own_association

Status = SponsorshipAgreement.Status
Stage = SponsorshipReach.Stage
OBJECT = "grants.sponsorshipagreement"
NO_ASSESSMENT = "Avtalet kan inte undertecknas utan en jämställdhetsbedömning: registrera först vilka verksamheten väntas nå."


def _admin(user):
    if not user.has_role(*ADMIN_ROLES):
        raise PermissionDenied


def agreements_for(user):
    """The agreements a user may see: all for an administrator, her association's for an
    association user."""
    if user.has_role(*ADMIN_ROLES):
        return SponsorshipAgreement.objects.select_related("giver", "association")
    association = own_association(user)
    return SponsorshipAgreement.objects.filter(association=association).select_related("giver", "association")


def access_agreement(user, agreement_id, association_id=None) -> SponsorshipAgreement:
    """One agreement the user may see (404 otherwise)."""
    agreements = agreements_for(user)
    if association_id is not None:
        agreements = agreements.filter(association_id=association_id)
    agreement = agreements.filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    return agreement


def _locked(agreement_id) -> SponsorshipAgreement:
    return SponsorshipAgreement.objects.select_for_update().get(pk=agreement_id)


def agreement_create(*, acting_user, giver, association, activity, amount, counter_performance, target_group,
                     period_from: date, period_to: date) -> SponsorshipAgreement:
    """A new agreement, as a draft."""
    _admin(acting_user)
    agreement = SponsorshipAgreement(giver=giver, association=association, activity=activity, amount=amount,
                                     counter_performance=counter_performance, target_group=target_group,
                                     period_from=period_from, period_to=period_to, created_by=acting_user)
    if period_from and period_to and period_to < period_from:
        raise ValidationError({"period_to": "Avtalet kan inte sluta innan det börjar."})
    agreement.full_clean()
    with transaction.atomic():
        Association.objects.select_for_update().get(pk=association.pk)
        agreement.save()
        access_log_write(actor=acting_user, action="create", object_type=OBJECT, object_id=agreement.pk,
                         summary=f"Sponsringsavtal {giver.name} – {association.orgnr}: {amount} öre"[:300],
                         new={"giver": giver.pk, "association": association.pk, "amount": amount,
                              "period": [period_from.isoformat(), period_to.isoformat()]})
    return agreement


def _counts(agreement, stage) -> dict:
    return {(r.gender, r.age_band): r.count for r in agreement.reach.all() if r.stage == stage}


def _store_reach(agreement, stage, counts):
    SponsorshipReach.objects.filter(agreement=agreement, stage=stage).delete()
    SponsorshipReach.objects.bulk_create(
        SponsorshipReach(agreement=agreement, stage=stage, gender=g, age_band=b, count=n)
        for (g, b), n in counts.items() if n)


def assessment_record(*, acting_user, agreement_id, text, expected) -> SponsorshipAssessment:
    """Record (or, while the agreement is a draft, replace) its gender-equality assessment:
    the expected participants per legal gender and age band and the assessor's text."""
    _admin(acting_user)
    text = (text or "").strip()
    if not text:
        raise ValidationError("Skriv bedömningen: vilka verksamheten når och hur sponsringen bidrar till jämställdhet.")
    try:
        counts = reach_rules.check_counts(expected, require_some=True)
    except reach_rules.ReachError as exc:
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        agreement = _locked(agreement_id)
        if agreement.status != Status.DRAFT:
            raise ValidationError("Avtalet är redan undertecknat; bedömningen kan inte ändras.")
        old = SponsorshipAssessment.objects.filter(agreement=agreement).first()
        old_values = None
        if old is not None:
            old_values = {"text": old.text, "expected": _as_json(_counts(agreement, Stage.EXPECTED))}
            old.delete()
        assessment = SponsorshipAssessment.objects.create(agreement=agreement, text=text, assessed_by=acting_user,
                                                          assessed_at=timezone.now())
        _store_reach(agreement, Stage.EXPECTED, counts)
        access_log_write(actor=acting_user, action="update" if old else "create", object_type=OBJECT,
                         object_id=agreement.pk, summary=f"Jämställdhetsbedömning av sponsringsavtal {agreement.pk}",
                         old=old_values, new={"text": text, "expected": _as_json(counts)})
    return assessment


def _as_json(counts) -> dict:
    return {f"{g or '-'} {b}": n for (g, b), n in counts.items() if n}


def agreement_sign(*, acting_user, agreement_id) -> SponsorshipAgreement:
    """Sign a draft agreement; refused without its gender-equality assessment."""
    _admin(acting_user)
    with transaction.atomic():
        agreement = _locked(agreement_id)
        if agreement.status != Status.DRAFT:
            raise ValidationError("Avtalet är redan undertecknat.")
        assessed = SponsorshipAssessment.objects.filter(agreement=agreement).exists()
        if not assessed or not any(_counts(agreement, Stage.EXPECTED).values()):
            raise ValidationError(NO_ASSESSMENT)
        agreement.status, agreement.signed_by, agreement.signed_at = Status.SIGNED, acting_user, timezone.now()
        agreement.save(update_fields=["status", "signed_by", "signed_at"])
        access_log_write(actor=acting_user, action="update", object_type=OBJECT, object_id=agreement.pk,
                         summary=f"Sponsringsavtal {agreement.pk} undertecknat", old={"status": Status.DRAFT},
                         new={"status": Status.SIGNED})
    return agreement


def agreement_end(*, acting_user, agreement_id) -> SponsorshipAgreement:
    """End a signed agreement (its period is over, or it is ended early)."""
    _admin(acting_user)
    with transaction.atomic():
        agreement = _locked(agreement_id)
        if agreement.status != Status.SIGNED:
            raise ValidationError("Bara ett undertecknat avtal kan avslutas.")
        agreement.status, agreement.ended_at = Status.ENDED, timezone.now()
        agreement.save(update_fields=["status", "ended_at"])
        access_log_write(actor=acting_user, action="update", object_type=OBJECT, object_id=agreement.pk,
                         summary=f"Sponsringsavtal {agreement.pk} avslutat", old={"status": Status.SIGNED},
                         new={"status": Status.ENDED})
    return agreement


def may_report(agreement, today: date) -> bool:
    """Reach is reported after the period (or once the agreement is ended), never for a draft."""
    return agreement.status == Status.ENDED or (agreement.status == Status.SIGNED and today > agreement.period_to)


def reach_report(*, acting_user, agreement_id, actual, text="") -> SponsorshipReport:
    """The association (or the officer) reports whom the sponsored activity reached, per legal
    gender and age band; a later report replaces the earlier one (both are in the log)."""
    agreement = access_agreement(acting_user, agreement_id)  # 404 for another association's agreement
    try:
        counts = reach_rules.check_counts(actual, require_some=False)
    except reach_rules.ReachError as exc:
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        agreement = _locked(agreement.pk)
        if not may_report(agreement, timezone.localdate()):
            raise ValidationError("Utfallet rapporteras när avtalsperioden är slut.")
        old = SponsorshipReport.objects.filter(agreement=agreement).first()
        old_values = None
        if old is not None:
            old_values = {"text": old.text, "actual": _as_json(_counts(agreement, Stage.ACTUAL))}
            old.delete()
        report = SponsorshipReport.objects.create(agreement=agreement, text=(text or "").strip(),
                                                  reported_by=acting_user, reported_at=timezone.now())
        _store_reach(agreement, Stage.ACTUAL, counts)
        access_log_write(actor=acting_user, action="update" if old else "create", object_type=OBJECT,
                         object_id=agreement.pk, summary=f"Utfall för sponsringsavtal {agreement.pk}",
                         old=old_values, new={"actual": _as_json(counts)})
    return report


def reach_comparison(agreement) -> reach_rules.ReachComparison | None:
    """The assessment's expected reach beside the reported one (None before an assessment)."""
    reach = list(agreement.reach.all())
    expected = {(r.gender, r.age_band): r.count for r in reach if r.stage == Stage.EXPECTED}
    if not expected:
        return None
    actual = {(r.gender, r.age_band): r.count for r in reach if r.stage == Stage.ACTUAL}
    reported = SponsorshipReport.objects.filter(agreement=agreement).exists()
    return reach_rules.compare_reach(expected, actual if reported else None)

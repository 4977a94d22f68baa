"""Handling of grant applications by the municipality (issue 15, docs/grants.md
"Handling"): the work list, the officer's assessment, one decision per application
within the programme's budget for the year, and the association's withdrawal.

Guarantees are the database's: one decision per application (a unique constraint), a
decision never changed (append-only triggers, grants migration 0004), the outcome, amount
and reasons consistent (a check constraint). The services lock the application row and
re-read its status inside the transaction, and lock the programme's budget row for the
year so two decisions at once never grant more than the budget."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from lika.accounts.models import Role
from lika.audit.services import CREATE, READ, UPDATE, access_log_write
from lika.core.money import format_kronor

from .models import GrantApplication, GrantAssessment, GrantDecision, ProgrammeBudget
from .services import own_association

HANDLING_ROLES = (Role.GRANTS_OFFICER, Role.ADMINISTRATOR)
OPEN = (GrantApplication.Status.SUBMITTED, GrantApplication.Status.UNDER_ASSESSMENT)
Outcome = GrantDecision.Outcome


def can_handle(user) -> bool:
    return user.has_role(*HANDLING_ROLES)


def _officer(user) -> None:
    if not can_handle(user):
        raise PermissionDenied


# --- reads --------------------------------------------------------------------------

def worklist(*, giver=None, programme=None, year=None, status=None):
    """Applications of every programme kind, newest first, filtered (one query)."""
    applications = (GrantApplication.objects.select_related("association", "programme__giver", "decision")
                    .order_by("-submitted_at", "-id"))
    if giver:
        applications = applications.filter(programme__giver=giver)
    if programme:
        applications = applications.filter(programme=programme)
    if year:
        applications = applications.filter(year=year)
    if status:
        applications = applications.filter(status=status)
    return applications


@dataclass(frozen=True)
class BudgetPosition:
    year: int
    budget: int | None  # öre; None: no budget for the year
    granted: int  # öre decided so far (granted and partly granted)

    @property
    def left(self) -> int | None:
        return None if self.budget is None else self.budget - self.granted


def budget_position(programme, year) -> BudgetPosition:
    budget = ProgrammeBudget.objects.filter(programme=programme, year=year).values_list("amount", flat=True).first()
    return BudgetPosition(year, budget, granted_from(programme, year))


def granted_from(programme, year) -> int:
    """What the decisions have granted from a programme's year (öre)."""
    return GrantDecision.objects.filter(application__programme=programme, application__year=year).aggregate(
        total=Sum("amount"))["total"] or 0


def application_for_officer(*, acting_user, application_id) -> GrantApplication:
    """One application for the officer's page; the read is logged."""
    _officer(acting_user)
    application = (GrantApplication.objects.select_related("association", "programme__giver", "submitted_by")
                   .filter(pk=application_id).first())
    if application is None:
        raise Http404
    access_log_write(actor=acting_user, action=READ, object_type="grants.grantapplication", object_id=application.pk,
                     summary=f"Bidragsansökan {application.pk} ({application.association.orgnr}) läst")
    return application


def application_for_association(*, acting_user, application_id) -> GrantApplication:
    """One of the association user's own applications (another's is a 404); logged."""
    association = own_association(acting_user)
    application = (GrantApplication.objects.select_related("association", "programme__giver")
                   .filter(pk=application_id, association=association).first())
    if application is None:
        raise Http404
    access_log_write(actor=acting_user, action=READ, object_type="grants.grantapplication", object_id=application.pk,
                     summary=f"Bidragsansökan {application.pk} läst av föreningen")
    return application


def decision_of(application) -> GrantDecision | None:
    return GrantDecision.objects.filter(application=application).first()


def latest_assessment(application) -> GrantAssessment | None:
    return application.assessments.order_by("-written_at", "-id").first()


# --- writes -------------------------------------------------------------------------

def _locked(application_id) -> GrantApplication:
    application = (GrantApplication.objects.select_for_update(of=("self",))
                   .select_related("association", "programme__giver").filter(pk=application_id).first())
    if application is None:
        raise Http404
    return application


def _still_open(application) -> None:
    if application.status == GrantApplication.Status.DECIDED:
        raise ValidationError("Ansökan är redan beslutad; ett beslut ändras aldrig.")
    if application.status == GrantApplication.Status.WITHDRAWN:
        raise ValidationError("Föreningen har återtagit ansökan; den kan inte längre beslutas.")


def assessment_record(*, acting_user, application_id, text: str) -> GrantAssessment:
    """The officer's bedömning: a new row each time; the application is then under assessment."""
    _officer(acting_user)
    text = (text or "").strip()
    if not text:
        raise ValidationError("Skriv en bedömning.")
    with transaction.atomic():
        application = _locked(application_id)
        _still_open(application)
        assessment = GrantAssessment.objects.create(application=application, text=text, written_by=acting_user)
        old = application.status
        if old != GrantApplication.Status.UNDER_ASSESSMENT:
            application.status = GrantApplication.Status.UNDER_ASSESSMENT
            application.save(update_fields=["status"])
        access_log_write(actor=acting_user, action=CREATE, object_type="grants.grantassessment",
                         object_id=assessment.pk, summary=f"Bedömning av bidragsansökan {application.pk}",
                         old={"status": old}, new={"status": application.status, "text": text[:500]})
    return assessment


def decided_amount(application, outcome: str, amount: int | None, reasons: str) -> int:
    """The amount a decision of ``outcome`` grants (öre), or a Swedish refusal: granted is
    what was applied for (or computed); partly granted is less than that, above zero, with
    reasons; refused is nothing, with reasons."""
    applied = application.total
    if outcome == Outcome.GRANTED:
        if applied <= 0:
            raise ValidationError("Ansökan gäller 0 kr: bevilja inte, avslå med skäl.")
        return applied
    if not reasons.strip():
        raise ValidationError("Skäl krävs när ansökan beviljas delvis eller avslås.")
    if outcome == Outcome.REFUSED:
        return 0
    if outcome != Outcome.PARTLY:
        raise ValidationError("Okänt beslut.")
    if amount is None or amount <= 0 or amount >= applied:
        raise ValidationError(f"Ett delvis beviljande ska vara mer än 0 kr och mindre än det sökta "
                              f"{format_kronor(applied)}.")
    return amount


def decision_make(*, acting_user, application_id, outcome: str, amount: int | None = None,
                  reasons: str = "") -> GrantDecision:
    """Decide an application once. The application row is locked and its status read again;
    a grant within the programme's budget for the year (its row locked too); the letter is
    made now and kept with the decision (grants.letters)."""
    from .letters import decision_letter_html

    _officer(acting_user)
    reasons = (reasons or "").strip()
    with transaction.atomic():
        application = _locked(application_id)
        _still_open(application)
        granted = decided_amount(application, outcome, amount, reasons)
        programme, year = application.programme, application.year
        position = None
        if granted > 0:
            budget = ProgrammeBudget.objects.select_for_update().filter(programme=programme, year=year).first()
            if budget is None:
                raise ValidationError(f"{programme} har ingen budget för {year}: inget kan beviljas förrän "
                                      "en budget är inlagd.")
            position = BudgetPosition(year, budget.amount, granted_from(programme, year))
            if position.granted + granted > budget.amount:
                raise ValidationError(
                    f"Budgeten för {programme} {year} räcker inte: {format_kronor(position.left)} återstår av "
                    f"{format_kronor(budget.amount)}, beslutet skulle bevilja {format_kronor(granted)}.")
        assessment = latest_assessment(application)
        decision = GrantDecision(application=application, outcome=outcome, amount=granted,
                                 applied_amount=application.total, reasons=reasons,
                                 assessment=assessment.text if assessment else "", decided_by=acting_user,
                                 decided_at=timezone.now())
        decision.letter_html = decision_letter_html(decision)
        try:
            with transaction.atomic():
                decision.save()
        except IntegrityError:
            raise ValidationError("Ansökan är redan beslutad; ett beslut ändras aldrig.") from None
        old = application.status
        application.status = GrantApplication.Status.DECIDED
        application.save(update_fields=["status"])
        access_log_write(actor=acting_user, action=CREATE, object_type="grants.grantdecision", object_id=decision.pk,
                         summary=f"Beslut om bidragsansökan {application.pk}: {decision.get_outcome_display()} "
                                 f"{format_kronor(granted)}",
                         old={"status": old},
                         new={"application": application.pk, "outcome": outcome, "amount": granted,
                              "applied": application.total, "budget_left_before": position.left if position else None})
    return decision


def application_withdraw(*, acting_user, application_id) -> GrantApplication:
    """The association user takes back her own undecided application."""
    association = own_association(acting_user)
    with transaction.atomic():
        application = _locked(application_id)
        if application.association_id != association.pk:
            raise Http404
        _still_open(application)
        old = application.status
        application.status = GrantApplication.Status.WITHDRAWN
        application.save(update_fields=["status"])
        access_log_write(actor=acting_user, action=UPDATE, object_type="grants.grantapplication",
                         object_id=application.pk, summary=f"Bidragsansökan {application.pk} återtagen av föreningen",
                         old={"status": old}, new={"status": application.status})
    return application

"""Fetching from the configured sources, and the case worker's explicit use of what came back.

``collection_fetch`` writes the request and one access-log row per adult *before* any
source is asked (a query to another authority about her is logged even if Lika stops
halfway), asks every source for every adult outside any transaction, then stores every
answer and failure in one transaction.  Nothing is copied into the application:
``collected_benefit_use`` adds an income row only when a case worker asks for it, and
``collected_benefit_decline`` records why an amount is not used.  Both are logged."""

import inspect
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lika.audit.services import CREATE, READ, access_log_write
from lika.cases.access import can_work_with_cases, handled_elsewhere
from lika.cases.models import Application, ApplicationIncome
from lika.cases.people import memberships_in_month
from lika.cases.services import _editable, locked_application
from lika.core.household import ADULT, INCOME_TYPES

from .models import CollectedBenefit, CollectedBenefitReview, CollectionOutcome, CollectionRequest
from .sources import (
    INVALID_ANSWER,
    SOURCES,
    UNKNOWN_FAULT,
    BenefitSource,
    PersonNotFound,
    SourceError,
    SourceTimeout,
    SourceUnavailable,
    check_record,
)

logger = logging.getLogger(__name__)
NOT_CONFIGURED = ("Ingen källa för digital inhämtning är ansluten. Kommunens systemförvaltning ansluter "
                  "källor i inställningen LIKA_BENEFIT_SOURCES.")
STATUS_OF = {SourceTimeout: CollectionOutcome.Status.TIMEOUT, PersonNotFound: CollectionOutcome.Status.UNKNOWN_PERSON,
             SourceUnavailable: CollectionOutcome.Status.UNAVAILABLE}


def configured_sources() -> list[BenefitSource]:
    """The sources named in ``LIKA_BENEFIT_SOURCES``, each made with the timeout setting.
    A path names a BenefitSource subclass or a tuple/list of them."""
    out = []
    for path in settings.LIKA_BENEFIT_SOURCES:
        try:
            found = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"LIKA_BENEFIT_SOURCES: {path} finns inte") from exc
        classes = found if isinstance(found, list | tuple) else [found]
        for cls in classes:
            if not (isinstance(cls, type) and issubclass(cls, BenefitSource)) or cls.code not in SOURCES:
                raise ImproperlyConfigured(f"LIKA_BENEFIT_SOURCES: {path} är ingen BenefitSource med känd källkod")
            if inspect.isabstract(cls):
                raise ImproperlyConfigured(f"LIKA_BENEFIT_SOURCES: {cls.__name__} i {path} saknar fetch")
            out.append(cls(timeout=settings.LIKA_BENEFIT_SOURCE_TIMEOUT))
    return out


def _check_user(acting_user, application) -> None:
    if not can_work_with_cases(acting_user) or application.case.unit_id != acting_user.unit_id:
        raise PermissionDenied


def _ask(source: BenefitSource, identity_number: str, month) -> tuple[str, str, list]:
    """(status, Swedish message, records) for one source and person: never raises."""
    try:
        records = source.fetch(identity_number, month)
    except SourceError as exc:
        status = next((s for cls, s in STATUS_OF.items() if isinstance(exc, cls)), CollectionOutcome.Status.FAULT)
        return status, exc.message(source.name)[:300], []
    except Exception:  # an adapter's own fault must reach the server log, never the page
        logger.exception("digital inhämtning: källan %s föll", source.code)
        return CollectionOutcome.Status.FAULT, UNKNOWN_FAULT.format(source=source.name)[:300], []
    try:
        records = list(records)
    except TypeError:
        records = [None]
    for record in records:
        problem = check_record(record, source.code, month)
        if problem is not None:
            return (CollectionOutcome.Status.INVALID,
                    INVALID_ANSWER.format(source=source.name, detail=problem)[:300], [])
    return CollectionOutcome.Status.ANSWERED, "", records


def collection_fetch(*, acting_user, application: Application, purpose: str,
                     sources: list[BenefitSource] | None = None) -> CollectionRequest:
    """Ask every configured source about every adult of the application's month."""
    application = Application.objects.select_related("case").get(pk=application.pk)
    _check_user(acting_user, application)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError("Ange syftet med inhämtningen.")
    if len(purpose) > 200:
        raise ValidationError("Syftet får vara högst 200 tecken.")
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError("Ansökan är återtagen: inga uppgifter hämtas för den.")
    sources = configured_sources() if sources is None else sources
    if not sources:
        raise ValidationError(NOT_CONFIGURED)
    case = application.case
    adults = [m.person for m in memberships_in_month(case.household_id, application.month) if m.role == ADULT]
    asked = [p for p in adults if not handled_elsewhere(acting_user, p)]
    if not asked:
        raise ValidationError("Det finns ingen vuxen i ansökan som din enhet kan hämta uppgifter om.")
    names = ", ".join(s.name for s in sources)
    with transaction.atomic():
        request = CollectionRequest.objects.create(
            application=application, month=application.month, purpose=purpose, requested_by=acting_user,
            requested_at=timezone.now(), sources=[s.code for s in sources])
        for person in asked:
            access_log_write(actor=acting_user, action=READ, object_type="datacollection", object_id=request.pk,
                             person_id=person.pk, household_id=case.household_id,
                             summary=f"Digital inhämtning {application.month:%Y-%m} från {names}. Syfte: {purpose}")
    jobs = [(person, source) for person in asked for source in sources]
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(jobs)))) as pool:
        answers = list(pool.map(lambda job: _ask(job[1], job[0].identity_number, application.month), jobs))
    with transaction.atomic():
        for (person, source), (status, message, records) in zip(jobs, answers, strict=True):
            CollectionOutcome.objects.create(request=request, person=person, source=source.code, status=status,
                                             message=message)
            CollectedBenefit.objects.bulk_create(
                CollectedBenefit(request=request, person=person, source=r.source, kind=r.kind,
                                 period_start=r.period_start, period_end=r.period_end, amount=r.amount,
                                 gross_amount=r.gross_amount, paid_on=r.paid_on) for r in records)
        for person in set(adults) - set(asked):
            for source in sources:
                CollectionOutcome.objects.create(
                    request=request, person=person, source=source.code, status=CollectionOutcome.Status.NOT_ASKED,
                    message="Inte tillfrågad: personen handläggs av en annan enhet.")
    return request


def _benefit_for(acting_user, application, benefit_id) -> tuple[Application, CollectedBenefit]:
    """The application locked for this transaction, and one collected row of it not yet reviewed."""
    application = locked_application(application.pk)
    _check_user(acting_user, application)
    benefit = (CollectedBenefit.objects.select_related("request", "person")
               .filter(pk=benefit_id, request__application=application).first())
    if benefit is None:
        raise PermissionDenied
    if CollectedBenefitReview.objects.filter(benefit=benefit).exists():
        raise ValidationError("Uppgiften är redan bedömd.")
    return application, benefit


@transaction.atomic
def collected_benefit_use(*, acting_user, application: Application, benefit_id: int) -> ApplicationIncome:
    """Add the collected amount as an income row of the person (the case worker's explicit
    choice); the review records it, the access log too.  The application must be open for
    changes; it is calculated again by the case worker as usual."""
    application, benefit = _benefit_for(acting_user, application, benefit_id)
    _editable(application)
    if benefit.income_type not in INCOME_TYPES:
        raise ValidationError("Förmånen motsvarar ingen inkomsttyp i ansökan.")
    note = f"Hämtad digitalt från {SOURCES[benefit.source]} {benefit.request.requested_at:%Y-%m-%d}"
    income = ApplicationIncome.objects.create(application=application, person=benefit.person,
                                              type=benefit.income_type, amount=benefit.amount, note=note[:200])
    CollectedBenefitReview.objects.create(benefit=benefit, choice=CollectedBenefitReview.Choice.USED,
                                          income_type=benefit.income_type, amount=benefit.amount,
                                          reviewed_by=acting_user)
    access_log_write(actor=acting_user, action=CREATE, object_type="application", object_id=application.pk,
                     person_id=benefit.person_id, household_id=application.case.household_id,
                     summary=f"Hämtad uppgift använd som inkomst: {benefit.get_kind_display()} "
                             f"{benefit.amount / 100:.2f} kr ({SOURCES[benefit.source]})",
                     new={"income": [benefit.income_type, benefit.amount, benefit.person_id],
                          "collected_benefit": benefit.pk})
    return income


@transaction.atomic
def collected_benefit_decline(*, acting_user, application: Application, benefit_id: int,
                              reason: str) -> CollectedBenefitReview:
    """Record that a collected amount is not used, and why (e.g. it concerns another month)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Skriv varför uppgiften inte används.")
    if len(reason) > 500:
        raise ValidationError("Skälet får vara högst 500 tecken.")
    application, benefit = _benefit_for(acting_user, application, benefit_id)
    review = CollectedBenefitReview.objects.create(benefit=benefit, choice=CollectedBenefitReview.Choice.NOT_USED,
                                                   reason=reason, reviewed_by=acting_user)
    access_log_write(actor=acting_user, action=CREATE, object_type="application", object_id=application.pk,
                     person_id=benefit.person_id, household_id=application.case.household_id,
                     summary=f"Hämtad uppgift inte använd: {benefit.get_kind_display()} "
                             f"{benefit.amount / 100:.2f} kr. Skäl: {reason}",
                     new={"collected_benefit": benefit.pk, "reason": reason})
    return review

"""Applications for operating, project and premises grants (verksamhetsbidrag,
projektbidrag, lokalbidrag).  The rules are in ``lika.core.fixed_grants``; this module reads
the programme's stored versions and the association's membership register, checks and
stores the application in one transaction with its access-log row."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction

from lika.audit.services import access_log_write
from lika.core import fixed_grants as fixed_rules

from .models import Association, GrantApplication, MembershipCount, Programme
from .services import fixed_programme, own_association

FIXED_KINDS = (Programme.Kind.OPERATING, Programme.Kind.PROJECT, Programme.Kind.PREMISES)


def open_programmes():
    """Operating, project and premises programmes that have rules."""
    return (Programme.objects.filter(kind__in=FIXED_KINDS, rule_versions__isnull=False).distinct()
            .select_related("giver").prefetch_related("rule_versions"))


@dataclass(frozen=True)
class ProgrammeRules:
    programme: Programme
    valid_from: date
    lines: tuple  # the rules in Swedish
    source: str


def rules_in_force(day: date) -> list:
    """Each open programme's version in force on ``day`` (or its latest), described."""
    shown = []
    for programme in open_programmes():
        core = fixed_programme(programme)
        version = core.version_on(day) or core.versions[-1]
        shown.append(ProgrammeRules(programme, version.valid_from, version.describe(), version.source))
    return shown


def members_by_band(association, year) -> tuple[dict, int | None]:
    """The members per age band (all genders) of the association's latest register year up
    to ``year``, and that year (None when nothing is registered)."""
    latest = (MembershipCount.objects.filter(association=association, year__lte=year)
              .order_by("-year").values_list("year", flat=True).first())
    if latest is None:
        return {}, None
    members = {}
    for band, count in MembershipCount.objects.filter(association=association, year=latest).values_list(
            "age_band", "count"):
        members[band] = members.get(band, 0) + count
    return members, latest


def _applied(association, programme, year) -> int:
    return sum(GrantApplication.objects.filter(association=association, programme=programme, year=year)
               .exclude(status=GrantApplication.Status.WITHDRAWN).values_list("total", flat=True))


def fixed_application_submit(*, acting_user, association_id, programme, amount, purpose, period_from, period_to,
                             premises_hours=None, premises_cost=None) -> GrantApplication:
    """Check the application against the rules in force on its first day and store it; a
    broken rule refuses it with every reason in Swedish and stores nothing."""
    association = own_association(acting_user, association_id)
    if programme.kind not in FIXED_KINDS:
        raise ValidationError("programmet är inget verksamhets-, projekt- eller lokalbidrag")
    premises = programme.kind == Programme.Kind.PREMISES
    if not premises:
        premises_hours = premises_cost = None
    hours = None if premises_hours is None else Fraction(Decimal(premises_hours))
    application = fixed_rules.FixedApplication(amount=amount, period_from=period_from, period_to=period_to,
                                               purpose=purpose or "", premises_hours=hours,
                                               premises_cost=premises_cost)
    with transaction.atomic():
        # One application at a time per association: the year's cap counts the others.
        Association.objects.select_for_update().get(pk=association.pk)
        try:
            core = fixed_programme(programme)
        except fixed_rules.FixedGrantError as exc:
            raise ValidationError(f"programmets regler kan inte läsas: {exc}") from None
        version = core.version_on(period_from)
        members, members_year = members_by_band(association, period_from.year)
        check = fixed_rules.check_fixed_application(version, application, members=members, members_year=members_year,
                                                    already_applied=_applied(association, programme, period_from.year))
        if not check.ok:
            raise ValidationError(list(check.reasons))
        stored = GrantApplication.objects.create(
            association=association, programme=programme, year=period_from.year, period_from=period_from,
            period_to=period_to, total=amount, purpose=purpose.strip(), premises_hours=premises_hours,
            premises_cost=premises_cost, submitted_by=acting_user)
        stored.rule_versions.set([v for v in programme.rule_versions.all() if v.valid_from == version.valid_from])
        access_log_write(actor=acting_user, action="create", object_type="grants.grantapplication",
                         object_id=stored.pk,
                         summary=f"{programme.get_kind_display()} {period_from.year} för {association.orgnr}: "
                                 f"{amount} öre sökt"[:300],
                         new={"programme": programme.pk, "total": amount, "premises_cost": premises_cost,
                              "premises_hours": None if premises_hours is None else str(premises_hours)})
    return stored

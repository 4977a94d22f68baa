"""Grants to associations: the registers and the activity grant application.

Services own the transactions and the access-log rows; the rules are in
``lika.core.grants`` and the attendance file in ``lika.core.attendance``."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from lika.accounts.models import Role
from lika.audit.services import access_log_write
from lika.core import grants as rules
from lika.core.attendance import parse_attendance

from .models import (
    ApplicationCount,
    Association,
    GrantApplication,
    GrantGiver,
    Programme,
    ProgrammeRuleVersion,
)

# The largest attendance file taken from the web: 5 MB is about 100 000 rows of ~50 bytes,
# far more than one association's year (an estimate, not a rule).
MAX_ATTENDANCE_FILE = 5_000_000
ADMIN_ROLES = (Role.ADMINISTRATOR,)


def own_association(user, association_id=None) -> Association:
    """The association an association user may see; anything else is a 404."""
    if not user.has_role(Role.ASSOCIATION) or user.association_id is None:
        raise PermissionDenied
    if association_id is not None and int(association_id) != user.association_id:
        raise Http404
    association = Association.objects.filter(pk=user.association_id, active=True).first()
    if association is None:
        raise Http404  # an association no longer active has no pages
    return association


def _admin(user):
    if not user.has_role(*ADMIN_ROLES):
        raise PermissionDenied


def association_create(*, acting_user, **fields) -> Association:
    _admin(acting_user)
    association = Association(**fields)
    association.full_clean()
    with transaction.atomic():
        association.save()
        access_log_write(actor=acting_user, action="create", object_type="grants.association",
                         object_id=association.pk, summary=f"Förening {association.orgnr}",
                         new={"orgnr": association.orgnr, "name": association.name})
    return association


def grant_giver_create(*, acting_user, name) -> GrantGiver:
    _admin(acting_user)
    giver = GrantGiver(name=name)
    giver.full_clean()
    with transaction.atomic():
        giver.save()
        access_log_write(actor=acting_user, action="create", object_type="grants.grantgiver",
                         object_id=giver.pk, summary=f"Bidragsgivare {name}"[:300])
    return giver


def programme_create(*, acting_user, giver, kind, name) -> Programme:
    _admin(acting_user)
    programme = Programme(giver=giver, kind=kind, name=name)
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        access_log_write(actor=acting_user, action="create", object_type="grants.programme",
                         object_id=programme.pk, summary=f"Bidragsprogram {name}"[:300])
    return programme


def rule_version_add(*, acting_user, programme, rules_dict) -> ProgrammeRuleVersion:
    """Append a rule version, checked by ``lika.core.grants`` together with the versions
    already there (no overlap). Versions are never changed: a change is a new version."""
    _admin(acting_user)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        existing = [v.rules for v in programme.rule_versions.all()]
        try:
            parsed = rules.parse_rule_version(rules_dict)
            last = max((v.valid_from for v in programme.rule_versions.all()), default=None)
            if last is not None and parsed.valid_from <= last:
                raise rules.GrantRuleError(f"en ny regelversion ska gälla från ett datum efter {last}")
            _parse(programme.name, [*existing, rules_dict])
        except rules.GrantRuleError as exc:
            raise ValidationError(str(exc)) from None
        version = ProgrammeRuleVersion.objects.create(
            programme=programme, valid_from=parsed.valid_from, rules=rules_dict, created_by=acting_user)
        access_log_write(actor=acting_user, action="create", object_type="grants.programmeruleversion",
                         object_id=version.pk, summary=f"Regelversion från {parsed.valid_from} för {programme.name}"[:300],
                         new=rules_dict)
    return version


def _parse(name, versions) -> rules.Programme:
    """The stored versions as ``lika.core.grants`` reads them: a version without
    ``valid_to`` ends the day before the next version begins."""
    ordered = sorted(versions, key=lambda v: str(v["valid_from"]))
    ended = []
    for version, following in zip(ordered, [*ordered[1:], None], strict=True):
        if following is not None and not version.get("valid_to"):
            end = date.fromisoformat(str(following["valid_from"])) - timedelta(days=1)
            version = {**version, "valid_to": end.isoformat()}
        ended.append(version)
    return rules.parse_programme({"name": name, "versions": ended})


def core_programme(programme) -> rules.Programme:
    return _parse(programme.name, [v.rules for v in programme.rule_versions.all()])


@dataclass(frozen=True)
class Preview:
    errors: tuple  # (line, Swedish message); empty when the file is good
    result: rules.GrantResult | None
    occasions: tuple
    year: int | None


def read_attendance(upload) -> Preview:
    """Check an uploaded attendance file (size first, then every line). Nothing is stored."""
    if upload.size > MAX_ATTENDANCE_FILE:
        return Preview(((0, f"filen är större än {MAX_ATTENDANCE_FILE // 1_000_000} MB"),), None, (), None)
    text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
    try:
        parsed = parse_attendance(text)
    finally:
        text.detach()
    return Preview(parsed.errors, None, parsed.occasions, None)


def preview(*, association, programme, upload) -> Preview:
    checked = read_attendance(upload)
    if checked.errors:
        return checked
    years = {o.date.year for o in checked.occasions}
    if len(years) > 1:
        return Preview(((0, "filen ska gälla ett kalenderår; sammankomsterna spänner över flera år"),), None, (), None)
    year = years.pop()
    result = rules.calculate_activity_grant(core_programme(programme), checked.occasions,
                                            already_granted=_already_granted(association, programme, year))
    return Preview((), result, checked.occasions, year)


def _already_granted(association, programme, year) -> int:
    """What counts against the association's cap for the year: a decided application its
    decided amount, an undecided one what it applied for (so two half-years never exceed
    the cap), a withdrawn one nothing (docs/grants.md, "Handling")."""
    return (GrantApplication.objects.filter(association=association, programme=programme, year=year)
            .exclude(status=GrantApplication.Status.WITHDRAWN)
            .aggregate(total=Sum(Coalesce("decision__amount", "total")))["total"] or 0)


def snapshot(result: rules.GrantResult, versions) -> dict:
    return {
        "rule_versions": [{"id": v.pk, "valid_from": v.valid_from.isoformat()} for v in versions],
        "total": result.total, "uncapped_total": result.uncapped_total, "cap": result.cap,
        "cap_applied": result.cap_applied, "occasion_amount": result.occasion_amount,
        "occasions": [{"date": o.date.isoformat(), "group": o.group, "counted": o.counted,
                       "reasons": list(o.reasons), "participations": o.participations, "amount": o.amount}
                      for o in result.occasions],
        "parts": [{"gender": g, "age_band": b, "participations": result.participations[(g, b)],
                   "amount": result.amounts[(g, b)]} for (g, b) in result.participations],
    }


SALT = "lika.grants.occasions"


def occasions_token(occasions) -> str:
    """The parsed occasions, signed, for the preview form to send back on submit: the file
    itself is stored nowhere (the token holds participant ids, birth years, gender, leader)."""
    data = [[o.date.isoformat(), o.group, o.minutes, [[p.id, p.birth_year, p.gender, p.leader]
                                                       for p in o.participants]] for o in occasions]
    return signing.dumps(data, salt=SALT, compress=True)


def occasions_from_token(token: str) -> tuple:
    try:
        data = signing.loads(token, salt=SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise ValidationError("förhandsgranskningen har gått ut eller ändrats; läs in filen igen") from None
    return tuple(rules.Occasion(date.fromisoformat(d), g, m, tuple(rules.Participant(*p) for p in people))
                 for d, g, m, people in data)


def application_submit(*, acting_user, association_id, programme, occasions) -> GrantApplication:
    """Compute again and store the application with its snapshot and its counts."""
    association = own_association(acting_user, association_id)
    if programme.kind != Programme.Kind.ACTIVITY:
        raise ValidationError("programmet är inget aktivitetsbidrag")
    years = {o.date.year for o in occasions}
    if len(years) != 1:
        raise ValidationError("filen ska gälla ett kalenderår")
    with transaction.atomic():
        Association.objects.select_for_update().get(pk=association.pk)  # one application at a time (cap)
        year = years.pop()
        core = core_programme(programme)
        result = rules.calculate_activity_grant(core, occasions,
                                                already_granted=_already_granted(association, programme, year))
        checked = Preview((), result, tuple(occasions), year)
        used_from = {core.version_on(o.date).valid_from for o in checked.occasions if core.version_on(o.date)}
        versions = [v for v in programme.rule_versions.all() if v.valid_from in used_from]
        dates = [o.date for o in checked.occasions]
        application = GrantApplication.objects.create(
            association=association, programme=programme, year=checked.year, period_from=min(dates),
            period_to=max(dates), total=result.total, result=snapshot(result, versions), submitted_by=acting_user)
        application.rule_versions.set(versions)
        ApplicationCount.objects.bulk_create(
            ApplicationCount(application=application, gender=g, age_band=b,
                             participations=result.participations[(g, b)], amount=result.amounts[(g, b)])
            for (g, b) in result.participations if result.participations[(g, b)] or result.amounts[(g, b)])
        access_log_write(actor=acting_user, action="create", object_type="grants.grantapplication",
                         object_id=application.pk,
                         summary=f"Aktivitetsbidrag {checked.year} för {association.orgnr}: {result.total} öre",
                         new={"total": result.total, "occasions": len(result.occasions)})
    return application

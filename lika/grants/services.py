"""Grants to associations: the registers and the activity grant application.

Services own the transactions and the access-log rows; the rules are in
``lika.core.grants`` and the attendance file in ``lika.core.attendance``."""

import io
import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from lika.accounts.models import Role
from lika.audit.services import access_log_write
from lika.core import fixed_grants as fixed_rules
from lika.core import grants as rules
from lika.core.attendance import parse_attendance
from lika.core.grant_people import people_by_cell
from lika.identity.bank import BankAccountError, parse_bank_account, parse_bankgiro, parse_plusgiro

from .models import (
    ApplicationCount,
    Association,
    AssociationAccountChange,
    GrantApplication,
    GrantGiver,
    Programme,
    ProgrammeBudget,
    ProgrammeRuleVersion,
)

# The largest attendance file taken from the web: 5 MB is about 100 000 rows of ~50 bytes,
# far more than one association's year (an estimate, not a rule).
MAX_ATTENDANCE_FILE = 5_000_000
# The municipality side of the grants: the administrator and the grants officer (bidragshandläggare).
ADMIN_ROLES = (Role.ADMINISTRATOR, Role.GRANTS_OFFICER)


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


def grant_giver_create(*, acting_user, name, kind=GrantGiver.Kind.BOARD) -> GrantGiver:
    _admin(acting_user)
    giver = GrantGiver(name=name, kind=kind)
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
    """Append a rule version, checked together with the versions already there (no
    overlap) by the core module of the programme's kind: ``lika.core.grants`` for an activity
    grant, ``lika.core.fixed_grants`` for an operating, project or premises grant.  Versions
    are never changed: a change is a new version."""
    _admin(acting_user)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        existing = [v.rules for v in programme.rule_versions.all()]
        try:
            if programme.kind == Programme.Kind.ACTIVITY:
                valid_from = rules.parse_rule_version(rules_dict).valid_from
            elif programme.kind in fixed_rules.KINDS:
                valid_from = fixed_rules.parse_fixed_rule_version(rules_dict, programme.kind).valid_from
            else:
                raise rules.GrantRuleError("sponsring har inga regelversioner: den avtalas per avtal under Sponsring")
            last = max((v.valid_from for v in programme.rule_versions.all()), default=None)
            if last is not None and valid_from <= last:
                raise rules.GrantRuleError(f"en ny regelversion ska gälla från ett datum efter {last}")
            _parse_kind(programme, [*existing, rules_dict])
        except (rules.GrantRuleError, fixed_rules.FixedGrantError) as exc:
            raise ValidationError(str(exc)) from None
        version = ProgrammeRuleVersion.objects.create(
            programme=programme, valid_from=valid_from, rules=rules_dict, created_by=acting_user)
        access_log_write(actor=acting_user, action="create", object_type="grants.programmeruleversion",
                         object_id=version.pk, summary=f"Regelversion från {valid_from} för {programme.name}"[:300],
                         new=rules_dict)
    return version


def _ended(versions) -> list:
    """The stored versions in date order; one without ``valid_to`` ends the day before the
    next version begins (the stored dicts are never touched)."""
    ordered = sorted(versions, key=lambda v: str(v["valid_from"]))
    ended = []
    for version, following in zip(ordered, [*ordered[1:], None], strict=True):
        if following is not None and not version.get("valid_to"):
            end = date.fromisoformat(str(following["valid_from"])) - timedelta(days=1)
            version = {**version, "valid_to": end.isoformat()}
        ended.append(version)
    return ended


def _parse(name, versions) -> rules.Programme:
    """The stored versions as ``lika.core.grants`` reads them."""
    return rules.parse_programme({"name": name, "versions": _ended(versions)})


def _parse_kind(programme, versions):
    if programme.kind == Programme.Kind.ACTIVITY:
        return _parse(programme.name, versions)
    return fixed_rules.parse_fixed_programme(programme.name, programme.kind, _ended(versions))


def fixed_programme(programme) -> fixed_rules.FixedProgramme:
    """An operating, project or premises programme's stored versions as
    ``lika.core.fixed_grants`` reads them."""
    return _parse_kind(programme, [v.rules for v in programme.rule_versions.all()])


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
        people = people_by_cell(core, checked.occasions)
        cells = [*result.participations, *(key for key in people if key not in result.participations)]
        ApplicationCount.objects.bulk_create(
            ApplicationCount(application=application, gender=g, age_band=b,
                             participations=result.participations.get((g, b), 0),
                             amount=result.amounts.get((g, b), 0),
                             participants=people.get((g, b), (0, 0))[0], leaders=people.get((g, b), (0, 0))[1])
            for (g, b) in cells
            if result.participations.get((g, b)) or result.amounts.get((g, b)) or any(people.get((g, b), ())))
        access_log_write(actor=acting_user, action="create", object_type="grants.grantapplication",
                         object_id=application.pk,
                         summary=f"Aktivitetsbidrag {checked.year} för {association.orgnr}: {result.total} öre",
                         new={"total": result.total, "occasions": len(result.occasions)})
    return application


def budget_set(*, acting_user, programme, year: int, amount: int) -> ProgrammeBudget:
    """Set a programme's budget for a year (öre); the old figure is kept in the access log."""
    _admin(acting_user)
    if amount < 0:
        raise ValidationError("budgeten kan inte vara negativ")
    with transaction.atomic():
        budget = ProgrammeBudget.objects.select_for_update().filter(programme=programme, year=year).first()
        old = None if budget is None else budget.amount
        if budget is None:
            try:
                with transaction.atomic():  # another administrator may set the same year at once
                    budget = ProgrammeBudget.objects.create(programme=programme, year=year, amount=amount)
            except IntegrityError:
                raise ValidationError("budgeten för året sattes nyss av någon annan; läs in sidan och försök igen") \
                    from None
        else:
            budget.amount = amount
            budget.save(update_fields=["amount"])
        access_log_write(actor=acting_user, action="create" if old is None else "update",
                         object_type="grants.programmebudget", object_id=budget.pk,
                         summary=f"Budget {year} för {programme.name}: {amount} öre"[:300],
                         old=None if old is None else {"amount": old}, new={"amount": amount})
    return budget


def version_summary(version: ProgrammeRuleVersion) -> dict:
    """A stored rule version as the administrator reads it (activity programmes); other
    kinds show their rules as stored."""
    try:
        parsed = rules.parse_rule_version(version.rules)
    except rules.GrantRuleError:
        return {"version": version, "parsed": None}
    rates = []
    for band in parsed.bands:
        female, male = parsed.participant_rates[(band.name, rules.FEMALE)], parsed.participant_rates[(band.name, rules.MALE)]
        rates.append({"band": band.name, "female": female, "male": male, "same": female == male})
    return {"version": version, "parsed": parsed, "rates": rates}


def next_version_draft(programme) -> str:
    """The latest version's JSON without its dates: the start of the next version."""
    latest = programme.rule_versions.order_by("-valid_from").first()
    if latest is None:
        return ""
    draft = {k: v for k, v in latest.rules.items() if k not in ("valid_from", "valid_to")}
    return json.dumps({"valid_from": "", **draft}, ensure_ascii=False, indent=2)


def typed_version(programme, year: int):
    """The rule version whose age bands the typed form uses: the one in force on 1 January
    of the year, else the first that begins during it; ``None`` when the year has none."""
    core = core_programme(programme)
    version = core.version_on(date(year, 1, 1))
    if version is None:
        version = next((v for v in core.versions if v.valid_from.year == year), None)
    return version


def preview_typed(*, association, programme, occasions) -> Preview:
    """The preview of typed-in sammankomster: the same rules and cap as a file's."""
    years = {o.date.year for o in occasions}
    if len(years) > 1:
        return Preview(((0, "sammankomsterna ska gälla ett kalenderår"),), None, (), None)
    year = years.pop()
    result = rules.calculate_activity_grant(core_programme(programme), occasions,
                                            already_granted=_already_granted(association, programme, year))
    return Preview((), result, tuple(occasions), year)


# --- the association's payee account (docs/grants.md, "The association's account") ------


def _may_handle_association(user, association) -> bool:
    if user.has_role(*ADMIN_ROLES):
        return True
    return user.has_role(Role.ASSOCIATION) and user.association_id == association.pk


def association_update(*, acting_user, association, **fields) -> Association:
    """Name, address, contacts and the active flag; never the account (that is a change
    confirmed by another person: ``account_change_request``)."""
    _admin(acting_user)
    allowed = {"name", "address", "contact_name", "contact_email", "contact_phone", "active"}
    if set(fields) - allowed:
        raise ValidationError("kontot ändras med en kontoändring som en annan person bekräftar")
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        old = {k: getattr(association, k) for k in fields}
        for key, value in fields.items():
            setattr(association, key, value)
        association.full_clean()
        association.save(update_fields=list(fields))
        changed = {k: v for k, v in fields.items() if old[k] != v}
        access_log_write(actor=acting_user, action="update", object_type="grants.association",
                         object_id=association.pk, summary=f"Förening {association.orgnr} ändrad",
                         old={k: old[k] for k in changed}, new=changed)
    return association


def account_change_request(*, acting_user, association, bankgiro="", plusgiro="", clearing="", account="",
                           reason=""):
    """Ask to pay the association's grants to a new bankgiro, plusgiro or bank account
    (clearing + account number). Nothing changes until another person confirms
    (``account_change_confirm``)."""
    if not _may_handle_association(acting_user, association):
        raise PermissionDenied
    try:
        bankgiro = parse_bankgiro(bankgiro) if bankgiro.strip() else ""
        plusgiro = parse_plusgiro(plusgiro) if plusgiro.strip() else ""
        if clearing.strip() or account.strip():
            bank = parse_bank_account(clearing, account)
            clearing, account = bank.clearing, bank.number
        else:
            clearing = account = ""
    except BankAccountError as exc:
        raise ValidationError(str(exc)) from None
    given = [bool(bankgiro), bool(plusgiro), bool(account)]
    if not any(given):
        raise ValidationError("ange ett nytt bankgiro-, plusgiro- eller bankkontonummer")
    if sum(given) > 1:
        raise ValidationError("ange ett konto: bankgiro, plusgiro eller bankkonto, inte flera")
    new = {"new_bankgiro": bankgiro, "new_plusgiro": plusgiro, "new_clearing": clearing, "new_account": account}
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        old = {"old_bankgiro": association.bankgiro, "old_plusgiro": association.plusgiro,
               "old_clearing": association.bank_clearing, "old_account": association.bank_account}
        if tuple(old.values()) == tuple(new.values()):
            raise ValidationError("det är redan föreningens konto")
        if association.account_changes.filter(status=AssociationAccountChange.Status.PENDING).exists():
            raise ValidationError("en kontoändring väntar redan på bekräftelse; återkalla den först")
        change = AssociationAccountChange.objects.create(association=association, **old, **new,
                                                         reason=reason.strip()[:300], requested_by=acting_user)
        access_log_write(actor=acting_user, action="create", object_type="grants.associationaccountchange",
                         object_id=change.pk, summary=f"Kontoändring begärd för {association.orgnr}",
                         new={k.removeprefix("new_"): v for k, v in new.items()})
    return change


def _pending_change(change):
    change = AssociationAccountChange.objects.select_for_update().get(pk=change.pk)
    if change.status != AssociationAccountChange.Status.PENDING:
        raise ValidationError("kontoändringen är redan bekräftad eller återkallad")
    return change


def account_change_confirm(*, acting_user, change, channel):
    """Another person than the requester confirms the change after the association's
    signatory confirmed it through ``channel``; the association's account changes now."""
    _admin(acting_user)
    if channel not in AssociationAccountChange.Channel.values:
        raise ValidationError("ange hur firmatecknaren bekräftade ändringen")
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=change.association_id)
        change = _pending_change(change)
        if change.requested_by_id == acting_user.pk:
            raise ValidationError("en annan person än den som begärde ändringen ska bekräfta den")
        change.status = AssociationAccountChange.Status.CONFIRMED
        change.confirmed_by, change.confirmed_channel, change.confirmed_at = acting_user, channel, timezone.now()
        change.save(update_fields=["status", "confirmed_by", "confirmed_channel", "confirmed_at"])
        fields = ("bankgiro", "plusgiro", "bank_clearing", "bank_account")
        old = {f: getattr(association, f) for f in fields}
        association.bankgiro, association.plusgiro = change.new_bankgiro, change.new_plusgiro
        association.bank_clearing, association.bank_account = change.new_clearing, change.new_account
        association.save(update_fields=list(fields))
        access_log_write(actor=acting_user, action="update", object_type="grants.association",
                         object_id=association.pk, summary=f"Kontoändring bekräftad för {association.orgnr}",
                         old=old, new={**{f: getattr(association, f) for f in fields}, "channel": channel})
    return change


def account_change_cancel(*, acting_user, change):
    if not (acting_user.has_role(*ADMIN_ROLES) or change.requested_by_id == acting_user.pk):
        raise PermissionDenied
    with transaction.atomic():
        change = _pending_change(change)
        change.status = AssociationAccountChange.Status.CANCELLED
        change.cancelled_by, change.cancelled_at = acting_user, timezone.now()
        change.save(update_fields=["status", "cancelled_by", "cancelled_at"])
        access_log_write(actor=acting_user, action="update", object_type="grants.associationaccountchange",
                         object_id=change.pk, summary=f"Kontoändring återkallad för {change.association.orgnr}")
    return change
def activity_grant_compute(*, association, programme, occasions) -> rules.GrantResult:
    """What ``application_submit`` would compute for these occasions now (nothing is stored,
    nothing locked): the dry run of ``lika grants-attendance-import``."""
    years = {o.date.year for o in occasions}
    if len(years) != 1:
        raise ValidationError("filen ska gälla ett kalenderår")
    return rules.calculate_activity_grant(core_programme(programme), occasions,
                                          already_granted=_already_granted(association, programme, years.pop()))


def overlapping_application(*, association, programme, first, last) -> GrantApplication | None:
    """An application of the association to the programme (not withdrawn) whose period of
    sammankomster overlaps ``first``–``last``: an import must not report them twice."""
    return (GrantApplication.objects.filter(association=association, programme=programme,
                                            period_from__lte=last, period_to__gte=first)
            .exclude(status=GrantApplication.Status.WITHDRAWN).order_by("pk").first())

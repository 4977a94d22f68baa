"""When the answer to the question about violence is yes (issue 17, part 6): recording the
FREDA risk assessment and whether an orosanmälan was made, and reading what the guidance
page shows.

Only staff of the case's unit (socialsekreterare, enhetschef) read or write these rows,
and only about an adult whom the unit handles (``check_person_access``).  The rows are
append-only: a correction is a new row naming the row it replaces (``supersedes``).

The access log gets one row per read and per write, **about her alone**: ``person_id`` is
the adult who answered yes and ``household_id`` is empty, as for a private message in the
e-service (``lika.eservice.services_messages``), so that nothing that lists the household's
rows (the other adult's entries) shows that the page was read or written.  No answer, level
or text is copied into the log; the rows themselves are the history."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lika.audit.services import CREATE, READ, access_log_write
from lika.cases.access import check_person_access, handled_elsewhere
from lika.cases.models import Case
from lika.core import violence as rules
from lika.households.models import HouseholdMembership, Person

from .models import Meeting, ViolenceScreening
from .models_violence import ChildConcernReport, RiskAssessment
from .selectors import household_adults

OTHER_METHOD_MAX = RiskAssessment._meta.get_field("other_method").max_length
REASON_MAX = RiskAssessment._meta.get_field("not_assessed_reason").max_length
REPORT_REASON_MAX = ChildConcernReport._meta.get_field("reason").max_length

# The Swedish message for each problem code of ``lika.core.violence``; (field, code) first.
MESSAGES = {
    ("not_assessed_reason", "reason_missing"): gettext_lazy("Skriv varför risken inte är bedömd."),
    ("reason", "reason_missing"): gettext_lazy("Skriv varför ingen orosanmälan görs."),
    "unknown_instrument": gettext_lazy("Välj metoderna i listan."),
    "name_other_method": gettext_lazy("Ange vilken annan bedömningsmetod som användes."),
    "other_method_not_chosen": gettext_lazy(
        "Kryssa i ”Annan standardiserad bedömningsmetod” när du anger en sådan metod."),
    "date_missing": gettext_lazy("Ange datum."),
    "date_in_future": gettext_lazy("Datumet kan inte vara senare än i dag."),
    "date_before_meeting": gettext_lazy("Datumet kan inte vara före mötet där frågan besvarades."),
    "unknown_level": gettext_lazy("Välj bedömd risk."),
    "level_needs_risk_instrument": gettext_lazy(
        "En risknivå bygger på FREDA-farlighetsbedömning eller en annan standardiserad bedömningsmetod. "
        "Kryssa i den som användes, eller välj ”Ej bedömd” och skriv varför."),
    "reason_only_when_not_assessed": gettext_lazy(
        "Skälet skrivs bara när risken inte är bedömd. Töm fältet eller välj ”Ej bedömd”."),
    "actions_missing": gettext_lazy("Vid förhöjd eller hög risk: skriv vilka skyddsåtgärder som planeras."),
    "summary_missing": gettext_lazy("Skriv en sammanfattning av bedömningen."),
    "unknown_outcome": gettext_lazy("Välj om en orosanmälan är gjord eller inte."),
    "date_only_when_made": gettext_lazy("Ange datum bara när en orosanmälan är gjord."),
}


def _raise_problems(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({name: [str(MESSAGES.get((name, code), MESSAGES.get(code, code)))]
                               for name, code in problems.items()})


def _raise_too_long(fields: dict) -> None:
    """The fields longer than the database takes (PostgreSQL refuses them)."""
    errors = {name: [_("Högst %(n)s tecken.") % {"n": limit}]
              for name, (value, limit) in fields.items() if len(value) > limit}
    if errors:
        raise ValidationError(errors)


def yes_screening(case: Case, screening_id) -> ViolenceScreening | None:
    """The screening of one of the case's individual meetings where the answer was yes."""
    return (ViolenceScreening.objects.filter(pk=screening_id, meeting__case=case,
                                             answer=ViolenceScreening.Answer.YES)
            .select_related("meeting", "person").first())


def _check(acting_user, screening: ViolenceScreening) -> Case:
    case = screening.meeting.case
    check_person_access(acting_user, case, screening.person)
    if screening.answer != ViolenceScreening.Answer.YES:
        raise PermissionDenied
    return case


def _log(acting_user, action, object_type: str, object_id, person_id, summary: str, new=None) -> None:
    """A log row about her alone: no household (module docstring)."""
    access_log_write(actor=acting_user, action=action, object_type=object_type, object_id=object_id,
                     person_id=person_id, household_id=None, summary=summary, new=new)


def guidance_read_log(acting_user, screening: ViolenceScreening) -> None:
    """The read of the guidance page, in the log on her person only."""
    _log(acting_user, READ, "violence_guidance", screening.pk, screening.person_id,
         "Läste stöd efter fråga om våld")


# --- reading -------------------------------------------------------------------------------

def children_now(case: Case, *, on: date | None = None) -> list[Person]:
    on = on or timezone.localdate()
    rows = (HouseholdMembership.objects.filter(household_id=case.household_id,
                                               role=HouseholdMembership.Role.CHILD, valid_from__lte=on)
            .exclude(valid_to__lt=on).select_related("person").order_by("person__birth_date", "person_id"))
    return list({m.person_id: m.person for m in rows}.values())


def _current(rows):
    """The rows no later row corrects, and for each the versions it corrects (newest first)."""
    by_superseded = {r.supersedes_id: r for r in rows if r.supersedes_id}
    current = [r for r in rows if r.pk not in by_superseded]
    history = {}
    for row in current:
        chain, step = [], row
        while step.supersedes_id:
            step = next(r for r in rows if r.pk == step.supersedes_id)
            chain.append(step)
        history[row.pk] = chain
    return current, history


@dataclass
class Guidance:
    screening: ViolenceScreening
    meeting: Meeting
    person: Person
    steps: list[str]
    children: list[Person]
    other_adults: list[Person]
    assessments: list[RiskAssessment]  # the current ones, newest first
    child_report: ChildConcernReport | None = None
    child_report_history: list = field(default_factory=list)
    contacts: list = field(default_factory=list)

    @property
    def latest_assessment(self) -> RiskAssessment | None:
        return self.assessments[0] if self.assessments else None


def guidance(screening: ViolenceScreening) -> Guidance:
    """What the guidance page shows for a screening answered yes (the caller checked access)."""
    case = screening.meeting.case
    children = children_now(case)
    other_adults = [p for p in household_adults(case) if p.pk != screening.person_id]
    assessments = list(RiskAssessment.objects.filter(screening=screening).select_related("created_by")
                       .order_by("-assessed_on", "-id"))
    current, history = _current(assessments)
    for row in current:
        row.earlier = history[row.pk]  # the versions it corrects, newest first
    reports = list(ChildConcernReport.objects.filter(screening=screening).select_related("created_by")
                   .order_by("-id"))
    current_reports, report_history = _current(reports)
    report = current_reports[0] if current_reports else None
    return Guidance(
        screening=screening, meeting=screening.meeting, person=screening.person,
        steps=rules.guidance_steps(screening.answer, children=len(children), other_adults=len(other_adults)),
        children=children, other_adults=other_adults, assessments=current,
        child_report=report, child_report_history=report_history.get(report.pk, []) if report else [],
        contacts=list(settings.LIKA_VIOLENCE_SUPPORT))


def meeting_status(user, meeting: Meeting) -> dict | None:
    """What the meeting's own page says of the guidance: None unless its answer was yes (and
    the user's unit handles her)."""
    screening = getattr(meeting, "screening", None)
    if screening is None or screening.answer != ViolenceScreening.Answer.YES:
        return None
    if handled_elsewhere(user, screening.person):
        return None
    latest = (RiskAssessment.objects.filter(screening=screening, superseded_by__isnull=True)
              .order_by("-assessed_on", "-id").first())
    report = ChildConcernReport.objects.filter(screening=screening, superseded_by__isnull=True).first()
    return {"screening": screening, "assessment": latest, "child_report": report,
            "children": len(children_now(meeting.case))}


# --- writing -------------------------------------------------------------------------------

def _locked(screening: ViolenceScreening) -> ViolenceScreening:
    """The screening row locked: writes for one screening are serialised."""
    return ViolenceScreening.objects.select_for_update().select_related("meeting").get(pk=screening.pk)


def risk_assessment_record(*, acting_user, screening: ViolenceScreening, assessed_on: date | None,
                           instruments, risk_level: str, summary: str, other_method: str = "",
                           not_assessed_reason: str = "", protective_actions: str = "",
                           supersedes_id: int | None = None) -> RiskAssessment:
    """Record a risk assessment following FREDA, or (``supersedes_id``) a correction of one:
    the corrected row stays as it was."""
    _check(acting_user, screening)
    other_method, not_assessed_reason = (other_method or "").strip(), (not_assessed_reason or "").strip()
    summary, protective_actions = (summary or "").strip(), (protective_actions or "").strip()
    instruments = list(instruments or [])
    problems = rules.assessment_problems(
        instruments=instruments, other_method=other_method, risk_level=risk_level,
        not_assessed_reason=not_assessed_reason, summary=summary, protective_actions=protective_actions,
        assessed_on=assessed_on, held_on=screening.meeting.held_on, today=timezone.localdate())
    _raise_too_long({"other_method": (other_method, OTHER_METHOD_MAX),
                     "not_assessed_reason": (not_assessed_reason, REASON_MAX)})
    _raise_problems(problems)
    if rules.OTHER_METHOD not in instruments:
        other_method = ""
    with transaction.atomic():
        screening = _locked(screening)
        old = None
        if supersedes_id is not None:
            old = RiskAssessment.objects.filter(pk=supersedes_id, screening=screening).first()
            if old is None:
                raise ValidationError(_("Bedömningen du rättar finns inte för den här frågan om våld."))
            if RiskAssessment.objects.filter(supersedes=old).exists():
                raise ValidationError(_("Bedömningen är redan rättad. Rätta den senaste versionen."))
        try:
            with transaction.atomic():
                row = RiskAssessment.objects.create(
                    screening=screening, supersedes=old, assessed_on=assessed_on,
                    used_kortfragor=rules.KORTFRAGOR in instruments,
                    used_beskrivning=rules.BESKRIVNING in instruments,
                    used_farlighet=rules.FARLIGHET in instruments, other_method=other_method,
                    risk_level=risk_level,
                    not_assessed_reason=not_assessed_reason if risk_level == rules.NOT_ASSESSED else "",
                    summary=summary, protective_actions=protective_actions, created_by=acting_user)
        except IntegrityError:  # another user corrected the same row at the same moment
            raise ValidationError(_("Bedömningen är redan rättad. Rätta den senaste versionen.")) from None
        _log(acting_user, CREATE, "risk_assessment", row.pk, screening.person_id,
             "Rättade riskbedömning" if old else "Registrerade riskbedömning",
             new={"meeting": screening.meeting_id, "supersedes": old.pk if old else None})
    return row


def child_report_record(*, acting_user, screening: ViolenceScreening, outcome: str,
                        reported_on: date | None = None, reason: str = "",
                        supersedes_id: int | None = None) -> ChildConcernReport:
    """Record whether an orosanmälan for the household's children was made (the date) or
    not (why), or correct that record (``supersedes_id``: the current row)."""
    case = _check(acting_user, screening)
    reason = (reason or "").strip()
    if not children_now(case):
        raise ValidationError(_("Hushållet har inga barn. Det finns ingen orosanmälan att registrera här."))
    problems = rules.report_problems(outcome=outcome, reported_on=reported_on, reason=reason,
                                     held_on=screening.meeting.held_on, today=timezone.localdate())
    _raise_too_long({"reason": (reason, REPORT_REASON_MAX)})
    _raise_problems(problems)
    with transaction.atomic():
        screening = _locked(screening)
        current = ChildConcernReport.objects.filter(screening=screening, superseded_by__isnull=True).first()
        if supersedes_id is None and current is not None:
            raise ValidationError(_("Uppgiften om orosanmälan finns redan. Rätta den i stället."))
        if supersedes_id is not None and (current is None or current.pk != supersedes_id):
            raise ValidationError(_("Uppgiften har ändrats av någon annan. Läs in sidan igen och rätta den "
                                    "senaste versionen."))
        try:
            with transaction.atomic():
                row = ChildConcernReport.objects.create(
                    screening=screening, supersedes=current if supersedes_id is not None else None,
                    outcome=outcome, reported_on=reported_on if outcome == rules.MADE else None,
                    reason=reason, created_by=acting_user)
        except IntegrityError:  # a record or a correction made at the same moment
            raise ValidationError(_("Uppgiften har ändrats av någon annan. Läs in sidan igen och rätta den "
                                    "senaste versionen.")) from None
        _log(acting_user, CREATE, "child_concern_report", row.pk, screening.person_id,
             "Rättade uppgift om orosanmälan" if supersedes_id else "Registrerade uppgift om orosanmälan",
             new={"meeting": screening.meeting_id, "supersedes": supersedes_id})
    return row

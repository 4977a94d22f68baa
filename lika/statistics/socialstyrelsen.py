"""The monthly files to Socialstyrelsen's register of ekonomiskt bistånd (HSLF-FS 2015:30;
FACTS.md §4, docs/formats.md): the månadsfil (bilaga 1) and the avslutsfil (bilaga 2).

``register_households`` and ``exit_households`` read the case data;
``lika.core.socialstyrelsen_file`` checks and formats it without Django; ``report_write``
writes the checked file atomically and records one access-log row (month and counts,
never the persons).

Månadsfil — which households: every case with an application for the month whose latest
issued decision (one that no later issued decision supersedes) grants more than 0 kr, or
to which money for the month was paid.  The amount is what was **paid** for the month
(HSLF-FS 2015:30 3 §: the calendar month the support is for): the payment orders of the
decisions on the month's applications — the first decision and any ändringsbeslut, whose
orders pay only the difference (PaymentOffset) — in attested or exported runs, less those
the bank rejected or returned (a re-issued payment is its own order).  Direct payments
(e.g. rent to the landlord) count: they are the household's support.  This is the same
"utbetalt" as the statistics (lika/statistics/refresh.py).

The persons are those of the decision's calculation (the snapshot the decision was made
on, not today's memberships): **every adult** (role adult) and the children.  The
registerledare is the case's; should that person not be an adult of the decision, the
application's sökande is used.  The registerledare and, when he or she is one of a
couple (cohabiting), the partner are the parties (roll V); any other adult (an adult
child not in school, a relative, a lodger: roll O) is reported too, with own
försörjningshinder and labour-market measure, and does not change the hushållstyp.

Labour-market measures: the adult's plan activities in this case whose kind is a
municipal measure (``MEASURE_CODES``), that are ongoing or done, started on or before the
month's last day, and — when done — were followed up (ended) on or after its first day
(a done activity without a follow-up date counts in the month it started only).
"""

import hashlib
import os
import tempfile
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum

from lika.audit.services import EXPORT, access_log_write
from lika.cases.models import Application, Case, Decision, SupportObstacle
from lika.core.socialstyrelsen_file import (
    MAN,
    MEASURE_CODES,
    WOMAN,
    ExitHousehold,
    RegisterHousehold,
    RegisterPerson,
    exit_file,
    register_file,
)
from lika.households.models import LegalGender, Person
from lika.payments.models import FAILED, PaymentOrder, PaymentRun
from lika.plans.models import PlanActivity

GENDER_CODES = {LegalGender.FEMALE: WOMAN, LegalGender.MALE: MAN}
PAID_RUNS = (PaymentRun.Status.ATTESTED, PaymentRun.Status.EXPORTED)
MEASURE_STATUSES = (PlanActivity.Status.ONGOING, PlanActivity.Status.DONE)
MONTHLY, EXITS = "socialstyrelsen", "socialstyrelsen-avslut"


@dataclass(frozen=True)
class Written:
    path: Path
    households: int
    persons: int


def default_path(month: date, report: str = MONTHLY) -> Path:
    return Path(settings.BASE_DIR) / "var" / "reports" / f"{report}-{month:%Y-%m}.csv"


def current_decisions(month: date) -> list[Decision]:
    """The latest issued, not superseded decision of each application for ``month``."""
    superseded = Decision.objects.filter(supersedes=OuterRef("pk"), status=Decision.Status.ISSUED)
    rows = (Decision.objects
            .filter(status=Decision.Status.ISSUED, application__month=month.replace(day=1))
            .exclude(application__status=Application.Status.WITHDRAWN)
            .exclude(Exists(superseded))
            .select_related("application__case__unit__municipality", "calculation")
            .defer("calculation__result")
            .order_by("application_id", "decided_at", "id"))
    latest = {}
    for decision in rows:  # ordered: the last one seen per application is the latest
        latest[decision.application_id] = decision
    return list(latest.values())


def paid_by_case(month: date) -> dict[int, int]:
    """Öre paid for ``month`` per case: live orders (not rejected or returned) of attested or
    exported runs, for any decision on an application for the month."""
    rows = (PaymentOrder.objects
            .filter(decision__application__month=month.replace(day=1), run__status__in=PAID_RUNS)
            .exclude(status__in=FAILED)
            .values("decision__application__case_id").annotate(total=Sum("amount"))
            .values_list("decision__application__case_id", "total"))
    return {case_id: int(total or 0) for case_id, total in rows}


def _members(decision: Decision) -> tuple[list[int], list[int], list[int]]:
    """Every adult, the couple (two cohabiting adults, else none) and the children, from the
    calculation the decision was made on, in its member order."""
    calculation = decision.calculation
    members = list(zip(calculation.members, calculation.input["members"], strict=True))
    adults = [pid for pid, item in members if item["role"] == "adult"]
    couple = [pid for pid, item in members if item["role"] == "adult" and item.get("cohabiting")]
    children = [pid for pid, item in members if item["role"] == "child"]
    return adults, (couple if len(couple) == 2 else []), children


def _leader_and_parties(decision: Decision, adults: list[int], couple: list[int]) -> tuple[int | None, list[int]]:
    case, application = decision.application.case, decision.application
    if case.registerledare_id in adults:
        leader = case.registerledare_id
    elif application.applicant_id in adults:
        leader = application.applicant_id
    else:
        leader = adults[0] if adults else None
    parties = couple if leader in couple else ([leader] if leader is not None else [])
    return leader, parties


def _following(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


def _running(activity: tuple, first: date, last: date) -> bool:
    _case, _person, _kind, status, starts_on, follow_up_on = activity
    if starts_on is None or starts_on > last:
        return False
    if status == PlanActivity.Status.ONGOING:
        return True
    return (follow_up_on or starts_on) >= first


def measures_by_person(month: date, case_ids) -> dict[tuple[int, int], tuple[str, ...]]:
    """(case, person) -> the kinds of municipal measures running in ``month``."""
    first = month.replace(day=1)
    last = date.fromordinal(_following(first).toordinal() - 1)
    rows = (PlanActivity.objects
            .filter(plan__case__applications__month=first, kind__in=list(MEASURE_CODES),
                    status__in=MEASURE_STATUSES, starts_on__lte=last)
            .values_list("plan__case_id", "plan__person_id", "kind", "status", "starts_on", "follow_up_on")
            .distinct())
    found = defaultdict(set)
    for activity in rows:
        if activity[0] in case_ids and _running(activity, first, last):
            found[(activity[0], activity[1])].add(activity[2])
    return {key: tuple(sorted(kinds)) for key, kinds in found.items()}


def register_households(month: date) -> list[RegisterHousehold]:
    """The households granted or paid support for ``month``, ordered by case.  Five queries
    however many households there are; no address is ever read."""
    month = month.replace(day=1)
    by_case = defaultdict(list)
    for decision in current_decisions(month):
        by_case[decision.application.case_id].append(decision)
    paid = paid_by_case(month)
    chosen = []
    for case_id in sorted(by_case):
        granted = sum(d.granted_amount for d in by_case[case_id])
        if granted <= 0 and paid.get(case_id, 0) <= 0:
            continue
        base = max(by_case[case_id], key=lambda d: (d.granted_amount > 0, d.application_id))
        chosen.append((base, paid.get(case_id, 0)))
    # Supersets read with plain queries (no long IN lists): every försörjningshinder of the
    # month's applications, number and kön of everyone in those households, the measures.
    obstacles = {(a, p): c for a, p, c in SupportObstacle.objects.filter(application__month=month)
                 .values_list("application_id", "person_id", "category")}
    persons = {pid: (number, gender) for pid, number, gender in
               Person.objects.filter(memberships__household__case__applications__month=month)
               .values_list("id", "identity_number", "legal_gender").distinct()}
    measures = measures_by_person(month, set(by_case))
    return [_household(base, amount, obstacles, persons, measures) for base, amount in chosen]


def _household(base: Decision, paid: int, obstacles: dict, persons: dict, measures: dict) -> RegisterHousehold:
    application, case = base.application, base.application.case
    adults, couple, children = _members(base)
    leader, parties = _leader_and_parties(base, adults, couple)

    def row(pid, adult):
        number, gender = persons[pid]
        return RegisterPerson(identity_number=number, gender=GENDER_CODES.get(gender, gender), adult=adult,
                              registerledare=pid == leader, party=pid in parties or not adult,
                              obstacle=obstacles.get((application.pk, pid), "") if adult else "",
                              measures=measures.get((case.pk, pid), ()) if adult else ())

    return RegisterHousehold(
        label=case.reference, municipality=case.unit.municipality.code, paid=paid,
        persons=tuple([row(pid, True) for pid in adults] + [row(pid, False) for pid in children]))


def exit_households(month: date) -> list[ExitHousehold]:
    """The households whose case was closed in ``month`` after support had been granted,
    ordered by case: the adults of the last decision that granted support (its month is
    ``last_month``) and the case's reason for closing.  A case closed without ever being
    granted support has left nothing and is not reported."""
    first = month.replace(day=1)
    closed = Case.objects.filter(status=Case.Status.CLOSED, closed_on__gte=first, closed_on__lt=_following(first))
    superseded = Decision.objects.filter(supersedes=OuterRef("pk"), status=Decision.Status.ISSUED)
    decisions = (Decision.objects
                 .filter(status=Decision.Status.ISSUED, granted_amount__gt=0, application__case__in=closed)
                 .exclude(application__status=Application.Status.WITHDRAWN)
                 .exclude(Exists(superseded))
                 .select_related("application__case__unit__municipality", "calculation")
                 .defer("calculation__result")
                 .order_by("application__month", "application_id", "decided_at", "id"))
    last = {}
    for decision in decisions:  # ordered: the last one per case is the latest month's
        last[decision.application.case_id] = decision
    persons = {pid: (number, gender) for pid, number, gender in
               Person.objects.filter(memberships__household__case__in=closed)
               .values_list("id", "identity_number", "legal_gender").distinct()}
    households = []
    for case_id in sorted(last):
        decision = last[case_id]
        case = decision.application.case
        adults, couple, _children = _members(decision)
        leader, parties = _leader_and_parties(decision, adults, couple)
        rows = []
        for pid in adults:
            number, gender = persons[pid]
            rows.append(RegisterPerson(identity_number=number, gender=GENDER_CODES.get(gender, gender), adult=True,
                                       registerledare=pid == leader, party=pid in parties))
        households.append(ExitHousehold(label=case.reference, municipality=case.unit.municipality.code,
                                        last_month=decision.application.month, reason=case.close_reason,
                                        persons=tuple(rows)))
    return households


def report_text(report: str, month: date):
    """The checked file of ``report`` (MONTHLY or EXITS) for ``month``."""
    month = month.replace(day=1)
    if report == EXITS:
        return exit_file(month.year, month.month, exit_households(month))
    return register_file(month.year, month.month, register_households(month))


def report_write(*, month: date, path: Path | None = None, acting_user=None, report: str = MONTHLY) -> Written:
    """Check the month's file, write it to a temporary file next to ``path`` (mode 0600)
    and rename it into place, with one access-log row.  Without ``path``: the default
    under var/reports/, whose folder is made if missing.  ``RegisterFileError``: refused,
    nothing written; ``OSError``: nothing left behind."""
    month = month.replace(day=1)
    if path is None:
        path = default_path(month, report)
        path.parent.mkdir(parents=True, exist_ok=True)
    path = Path(path)
    checked = report_text(report, month)
    data = checked.text.encode("utf-8")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with transaction.atomic():
            access_log_write(
                actor=acting_user, action=EXPORT,
                object_type="socialstyrelsen_exits" if report == EXITS else "socialstyrelsen_report",
                object_id=f"{month:%Y-%m}",
                summary=(f"{'Avslutsfil' if report == EXITS else 'Månadsfil'} till Socialstyrelsen {month:%Y-%m}: "
                         f"{checked.persons} personer i {checked.households} hushåll"),
                new={"month": f"{month:%Y-%m}", "households": checked.households, "persons": checked.persons,
                     "file": path.name, "sha256": hashlib.sha256(data).hexdigest()})
            os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return Written(path=path, households=checked.households, persons=checked.persons)

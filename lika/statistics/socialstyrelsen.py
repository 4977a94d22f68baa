"""The monthly file to Socialstyrelsen's register of ekonomiskt bistånd: who was granted
support for a calendar month (FACTS.md §4, docs/formats.md).

``register_households`` reads the case data; ``lika.core.socialstyrelsen_file`` checks
and formats it without Django; ``report_write`` writes the checked file atomically and
records one access-log row (month and counts, never the persons).

Which households: every application for the month whose latest issued decision (one
that no later issued decision supersedes) grants more than 0 kr.  Several such applications
in one case the same month are one household: their amounts are added, and the persons
and försörjningshinder come from the latest of them.  The persons are those of that
decision's calculation (the snapshot the decision was made on, not today's
memberships): the adults who are parties (the couple, or the single adult) and the
children.  The registerledare is the case's; should that person not be among the
adults of the decision, the application's sökande is used.
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
from django.db.models import Exists, OuterRef

from lika.audit.services import EXPORT, access_log_write
from lika.cases.models import Application, Decision, SupportObstacle
from lika.core.socialstyrelsen_file import (
    MAN,
    WOMAN,
    RegisterHousehold,
    RegisterPerson,
    register_file,
)
from lika.households.models import LegalGender, Person

GENDER_CODES = {LegalGender.FEMALE: WOMAN, LegalGender.MALE: MAN}


@dataclass(frozen=True)
class Written:
    path: Path
    households: int
    persons: int


def default_path(month: date) -> Path:
    return Path(settings.BASE_DIR) / "var" / "reports" / f"socialstyrelsen-{month:%Y-%m}.csv"


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


def _parties_and_children(decision: Decision) -> tuple[list[int], list[int]]:
    """The adults who are parties (the couple, else the first adult) and the children,
    from the calculation the decision was made on, in its member order."""
    calculation = decision.calculation
    members = list(zip(calculation.members, calculation.input["members"], strict=True))
    adults = [pid for pid, item in members if item["role"] == "adult"]
    couple = [pid for pid, item in members if item["role"] == "adult" and item.get("cohabiting")]
    children = [pid for pid, item in members if item["role"] == "child"]
    return (couple if len(couple) == 2 else adults[:1]), children


def register_households(month: date) -> list[RegisterHousehold]:
    """The households granted support for ``month``, ordered by case.  Three queries
    however many households there are; no address is ever read."""
    month = month.replace(day=1)
    by_case = defaultdict(list)
    for decision in current_decisions(month):
        by_case[decision.application.case_id].append(decision)
    chosen = []
    for case_id in sorted(by_case):
        granted = sum(d.granted_amount for d in by_case[case_id])
        if granted <= 0:
            continue
        base = max((d for d in by_case[case_id] if d.granted_amount > 0), key=lambda d: d.application_id)
        chosen.append((base, granted))
    # Supersets read with two plain queries (no long IN lists): every försörjningshinder of
    # the month's applications, and number and kön of everyone in those households.
    obstacles = {(a, p): c for a, p, c in SupportObstacle.objects.filter(application__month=month)
                 .values_list("application_id", "person_id", "category")}
    persons = {pid: (number, gender) for pid, number, gender in
               Person.objects.filter(memberships__household__case__applications__month=month)
               .values_list("id", "identity_number", "legal_gender").distinct()}
    return [_household(base, granted, obstacles, persons) for base, granted in chosen]


def _household(base: Decision, granted: int, obstacles: dict, persons: dict) -> RegisterHousehold:
    application, case = base.application, base.application.case
    adults, children = _parties_and_children(base)
    if case.registerledare_id in adults:
        leader = case.registerledare_id
    elif application.applicant_id in adults:
        leader = application.applicant_id
    else:
        leader = adults[0] if adults else None

    def row(pid, adult):
        number, gender = persons[pid]
        return RegisterPerson(identity_number=number, gender=GENDER_CODES.get(gender, gender), adult=adult,
                              registerledare=pid == leader,
                              obstacle=obstacles.get((application.pk, pid), "") if adult else "")

    return RegisterHousehold(
        label=case.reference, municipality=case.unit.municipality.code, granted=granted,
        persons=tuple([row(pid, True) for pid in adults] + [row(pid, False) for pid in children]))


def report_write(*, month: date, path: Path | None = None, acting_user=None) -> Written:
    """Check the month's file, write it to a temporary file next to ``path`` (mode 0600)
    and rename it into place, with one access-log row.  Without ``path``: the default
    under var/reports/, whose folder is made if missing.  ``RegisterFileError``: refused,
    nothing written; ``OSError``: nothing left behind."""
    month = month.replace(day=1)
    if path is None:
        path = default_path(month)
        path.parent.mkdir(parents=True, exist_ok=True)
    path = Path(path)
    checked = register_file(month.year, month.month, register_households(month))
    data = checked.text.encode("utf-8")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with transaction.atomic():
            access_log_write(
                actor=acting_user, action=EXPORT, object_type="socialstyrelsen_report",
                object_id=f"{month:%Y-%m}",
                summary=(f"Månadsfil till Socialstyrelsen {month:%Y-%m}: {checked.persons} personer "
                         f"i {checked.households} hushåll"),
                new={"month": f"{month:%Y-%m}", "households": checked.households, "persons": checked.persons,
                     "file": path.name, "sha256": hashlib.sha256(data).hexdigest()})
            os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return Written(path=path, households=checked.households, persons=checked.persons)

"""An attendance file uploaded through the API (issue 18): the same steps as
``lika grants-attendance-import`` (lika/grants/management/commands/grants_attendance_import.py)
— the whole file parsed by ``lika.core.attendance.parse_attendance`` first, one calendar
year, no overlap with an application already made, one import per association at a time,
then ``lika.grants.services.application_submit`` (or ``activity_grant_compute`` for a dry
run) — with the faults as data instead of lines on standard error."""

import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from lika.commands import Busy, one_process_at_a_time
from lika.core.attendance import parse_attendance
from lika.core.limits import MAX_ATTENDANCE_EXPORT, InputLimitError, check_size
from lika.grants import services
from lika.grants.models import Programme


@dataclass
class Refused(Exception):
    detail: str
    code: str = "invalid_file"
    lines: list = field(default_factory=list)  # [(line number, message)]


def import_attendance(*, client, upload, programme_name: str, dry_run: bool) -> dict:
    association = client.association
    if association is None or not association.active:
        raise Refused("Systemet är inte kopplat till någon aktiv förening.", code="no_association")
    programme = Programme.objects.filter(name=programme_name.strip()).first()
    if programme is None:
        raise Refused("Inget bidragsprogram har det namnet.", code="unknown_programme")
    if programme.kind != Programme.Kind.ACTIVITY:
        raise Refused(f"{programme.name} är inget aktivitetsbidrag; en närvarofil hör till ett aktivitetsbidrag.",
                      code="not_activity_grant")
    try:
        check_size(upload.size, MAX_ATTENDANCE_EXPORT)
        upload.seek(0)
        parsed = parse_attendance(io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline=""))
    except InputLimitError as exc:
        raise Refused(f"Filen kan inte läsas: {exc}.") from None
    except UnicodeDecodeError:
        raise Refused("Filen är inte UTF-8-text.") from None
    except ValueError as exc:  # e.g. a NUL character: csv refuses it
        raise Refused(f"Filen kan inte läsas: {exc}.") from None
    if parsed.errors:
        raise Refused(f"{len(parsed.errors)} fel i filen; ingenting sparat.",
                      lines=[(line, " ".join(str(message).split())) for line, message in parsed.errors])
    occasions = parsed.occasions
    if not occasions:
        raise Refused("Filen har inga sammankomster; ingenting sparat.")
    years = sorted({o.date.year for o in occasions})
    if len(years) > 1:
        raise Refused(f"Filen ska gälla ett kalenderår; sammankomsterna spänner över {years[0]}–{years[-1]} "
                      "(dela filen per år); ingenting sparat.")
    first, last = occasions[0].date, occasions[-1].date
    try:
        with one_process_at_a_time(f"grants-attendance-import:{association.pk}"):
            earlier = services.overlapping_application(association=association, programme=programme,
                                                       first=first, last=last)
            if earlier is not None:
                raise Refused(f"Ansökan {earlier.pk} ({earlier.period_from}–{earlier.period_to}) gäller redan "
                              f"sammankomster i perioden {first}–{last}; ingenting sparat.", code="overlap")
            if dry_run:
                result = services.activity_grant_compute(association=association, programme=programme,
                                                         occasions=occasions)
                snapshot, number = services.snapshot(result, []), None
            else:
                application = services.application_submit(acting_user=client.user, association_id=association.pk,
                                                           programme=programme, occasions=occasions)
                snapshot, number = application.result, application.pk
    except Busy:
        raise Refused("En annan inläsning för föreningen pågår: försök igen om en stund.", code="busy") from None
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages) + "; ingenting sparat.") from None
    except (PermissionDenied, Http404):
        raise Refused("Systemet får inte ansöka för föreningen.", code="forbidden") from None
    return {"application_id": number, "total": snapshot["total"], "cap_applied": snapshot["cap_applied"],
            "occasions": snapshot["occasions"]}

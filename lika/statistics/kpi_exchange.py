"""Key figures in and out: the municipality's own KPIs as a Kolada-like file
(``lika kpi export``) and other municipalities' files into :class:`ImportedKpiValue`
(``lika kpi import``), to compare municipalities (docs/kpi.md).

The file format is ``lika.core.kolada``; this module only maps a statistics
:class:`~lika.statistics.report.Report` to records and records to rows.  Exported values
are the report's values as the exports write them (``decimal_of``): counts as integers,
kronor in kronor with two decimals, percent 0–100 and days with one decimal.  A cell hidden
by small-cell protection is written as status ``..`` without value or count, so a file
never holds more than the statistics page shows.

Importing is all or nothing: a file that cannot be read or breaks the format raises
:class:`KpiImportError` (one Swedish line) and nothing is written.  Otherwise, for each
(municipality, period) in the file, the earlier values are deleted and the file's values
stored, in one transaction with one access-log row.  A file of our own municipality is
accepted (an earlier export, say), but the comparison page always shows our live figures
for our own code, never the imported copy.
"""

import hashlib
import os
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lika.accounts.models import Municipality
from lika.audit.services import CREATE, EXPORT, access_log_write
from lika.core.disclosure import SUPPRESSED
from lika.core.kolada import (
    GENDERS,
    SUPPRESSED_STATUS,
    KpiFile,
    KpiFormatError,
    KpiRecord,
    KpiValue,
    dumps_csv,
    dumps_json,
    loads_csv,
    loads_json,
)
from lika.core.limits import MAX_KPI_FILE, InputLimitError, check_size, check_text, shown
from lika.core.periods import MONTH, YEAR, Period

from . import figures
from .models import ImportedKpiValue
from .report import Report, decimal_of

FORMATS = ("json", "csv")
STORED_PLACES = Decimal("0.000001")  # ImportedKpiValue.value keeps six decimals
STATUS_LENGTH = ImportedKpiValue._meta.get_field("status").max_length
NAME_LENGTH = ImportedKpiValue._meta.get_field("municipality_name").max_length
SOURCE_LENGTH = ImportedKpiValue._meta.get_field("source_file").max_length


class KpiImportError(ValueError):
    """A KPI file that cannot be imported; the message says why, on one Swedish line."""


@dataclass(frozen=True)
class ImportResult:
    municipality: str | None  # the code every value has, None when the file holds several
    name: str
    records: int
    values: int


# --- export --------------------------------------------------------------------------------

def _count(counts, index: int) -> int | None:
    if counts is None:
        return None
    count = counts[index]
    if count is None or count is SUPPRESSED:
        return None
    return int(count)


def records_from_report(report: Report) -> list[KpiRecord]:
    """One record per row that names a KPI, in the report's order.  A hidden cell becomes
    a suppressed value, an empty cell is left out, a row with only empty cells is skipped."""
    period = report.period
    if period.kind not in (YEAR, MONTH):
        raise ValueError(f"en KPI-fil gäller ett år eller en månad, inte perioden {period.code}")
    records, seen = [], set()
    for figure in report.figures:
        for table in figure.tables:
            for row in table.rows:
                if not row.kpi:
                    continue
                if row.kpi in seen:
                    raise ValueError(f"nyckeltalet {row.kpi} förekommer på två rader i rapporten")
                seen.add(row.kpi)
                values = []
                for index, gender in enumerate(GENDERS):
                    cell = row.cells[index]
                    if cell is SUPPRESSED:
                        values.append(KpiValue.suppressed(gender))
                    elif cell is not None:
                        values.append(KpiValue(gender, _count(row.counts, index), decimal_of(cell, row.kind)))
                if values:
                    records.append(KpiRecord(row.kpi, report.municipality_code, period.code, tuple(values)))
    return records


def default_path(code: str, year: int, fmt: str) -> Path:
    return Path(settings.BASE_DIR) / "var" / "kpi" / f"kpi-{code}-{year}.{fmt}"


def _own_report(year: int) -> Report:
    return figures.build_report(period=Period.of_year(year), unit=None)


def export_year(*, year: int, fmt: str, path: Path | None = None, acting_user=None) -> Path:
    """Write the municipality's key figures for ``year`` (the whole municipality) as a
    ``fmt`` file: to a temporary file next to ``path`` (mode 0600 like every file Lika
    writes; publishing the open data is the operator's deliberate step), renamed into
    place with one access-log row.  Without ``path``:
    ``var/kpi/kpi-<kommunkod>-<år>.<fmt>``, whose folder is made if missing."""
    if fmt not in FORMATS:
        raise ValueError(f"okänt format {fmt!r}: välj json eller csv")
    report = _own_report(year)
    records = records_from_report(report)
    if fmt == "json":
        text = dumps_json(records, municipality_name=report.municipality_name if records else None)
    else:
        text = dumps_csv(records)
    data = text.encode("utf-8")
    if path is None:
        path = default_path(report.municipality_code, year, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
    path = Path(path)
    values = sum(len(record.values) for record in records)
    hidden = sum(value.status == SUPPRESSED_STATUS for record in records for value in record.values)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with transaction.atomic():
            access_log_write(
                actor=acting_user, action=EXPORT, object_type="kpi_export", object_id=str(year),
                summary=f"Nyckeltal {year} ({fmt}): {len(records)} nyckeltal, {values} värden, {hidden} skyddade",
                new={"year": year, "format": fmt, "records": len(records), "values": values,
                     "suppressed": hidden, "file": path.name, "sha256": hashlib.sha256(data).hexdigest()})
            os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


# --- import --------------------------------------------------------------------------------

def _read_error(path: Path, exc: OSError) -> KpiImportError:
    if isinstance(exc, FileNotFoundError):
        reason = "filen finns inte"
    elif isinstance(exc, IsADirectoryError):
        reason = "det är en katalog"
    elif isinstance(exc, PermissionError):
        reason = "behörighet saknas"
    else:
        reason = exc.strerror or type(exc).__name__
    return KpiImportError(f"kan inte läsa {path}: {reason}")


def read_kpi_file(path) -> KpiFile:
    """The file's records, JSON or CSV by its content (JSON begins with ``{``)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:  # the size is checked before the file is read
            check_size(os.fstat(handle.fileno()).st_size, MAX_KPI_FILE)
            data = handle.read(MAX_KPI_FILE + 1)
        check_size(len(data), MAX_KPI_FILE)
    except OSError as exc:
        raise _read_error(path, exc) from None
    except InputLimitError as exc:
        raise KpiImportError(f"kan inte läsa {path}: {exc}") from None
    try:
        text = check_text(data.decode("utf-8").removeprefix("\ufeff"), what="filen")
    except UnicodeDecodeError:
        raise KpiImportError(f"kan inte läsa {path}: filen är inte UTF-8") from None
    except InputLimitError as exc:
        raise KpiImportError(f"kan inte läsa {path}: {exc}") from None
    try:
        if text.lstrip().startswith("{"):
            return loads_json(text)
        records = loads_csv(text)
    except KpiFormatError as exc:
        raise KpiImportError(f"{path.name}: {exc}") from None
    codes = {record.municipality for record in records}
    return KpiFile(codes.pop() if len(codes) == 1 else None, None, records)


def _known_names(codes) -> dict[str, str]:
    """Names for municipality codes a CSV file (which has none) brings: from earlier
    imports, else from our own municipality."""
    names = dict(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
    earlier = (ImportedKpiValue.objects.filter(municipality__in=codes).exclude(municipality_name="")
               .values_list("municipality", "municipality_name").order_by("-imported_at"))
    for code, name in earlier:
        names.setdefault(code, name)
    return names


def _stored_value(value: Decimal | None) -> Decimal | None:
    if value is None or value.as_tuple().exponent >= -6:
        return value
    return value.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def _rows(kpi_file: KpiFile, source_file: str, now) -> list[ImportedKpiValue]:
    codes = sorted({record.municipality for record in kpi_file.records})
    names = {code: kpi_file.municipality_name for code in codes} if kpi_file.municipality_name else _known_names(codes)
    rows = []
    for record in kpi_file.records:
        for value in record.values:
            if len(value.status) > STATUS_LENGTH:
                raise KpiImportError(f"{source_file}: kpi {record.kpi}, kommun {record.municipality}, period "
                                     f"{record.period}: status {shown(value.status)} är längre än {STATUS_LENGTH} tecken")
            rows.append(ImportedKpiValue(
                kpi=record.kpi, municipality=record.municipality,
                municipality_name=(names.get(record.municipality) or "")[:NAME_LENGTH],
                period=record.period, gender=value.gender, count=value.count, value=_stored_value(value.value),
                status=value.status, source_file=source_file[:SOURCE_LENGTH], imported_at=now))
    return rows


def store_kpi_file(kpi_file: KpiFile, *, source_file: str, acting_user=None) -> ImportResult:
    """Replace the stored values of every (municipality, period) the file covers with the
    file's, in one transaction with one access-log row.  What ``import_file`` and the demo
    peers (``lika.statistics.peers``) both use."""
    if not kpi_file.records:
        raise KpiImportError(f"{source_file}: filen innehåller inga nyckeltal")
    rows = _rows(kpi_file, source_file, timezone.now())
    periods: dict[str, set[str]] = {}
    for record in kpi_file.records:
        periods.setdefault(record.municipality, set()).add(record.period)
    codes = sorted(periods)
    municipality = codes[0] if len(codes) == 1 else None
    name = rows[0].municipality_name if municipality else ""
    with transaction.atomic():
        replaced = 0
        for code in codes:
            replaced += ImportedKpiValue.objects.filter(municipality=code, period__in=periods[code]).delete()[0]
        ImportedKpiValue.objects.bulk_create(rows, batch_size=500)
        access_log_write(
            actor=acting_user, action=CREATE, object_type="kpi_import", object_id=municipality or "",
            summary=(f"Nyckeltal inlästa från {source_file}: {len(rows)} värden för "
                     f"{len(codes)} {'kommun' if len(codes) == 1 else 'kommuner'}")[:300],
            new={"file": source_file[:SOURCE_LENGTH], "municipalities": len(codes), "records": len(kpi_file.records),
                 "values": len(rows), "replaced": replaced})
    return ImportResult(municipality=municipality, name=name, records=len(kpi_file.records), values=len(rows))


def import_file(path, *, acting_user=None) -> ImportResult:
    """Read a ``lika-kpi`` JSON or CSV file and store its values (see the module
    docstring); :class:`KpiImportError` and nothing written when it cannot be."""
    path = Path(path)
    return store_kpi_file(read_kpi_file(path), source_file=path.name, acting_user=acting_user)

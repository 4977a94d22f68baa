"""Key figures in and out: the municipality's own KPIs as a Kolada-like file
(``lika kpi export``) and other municipalities' files into :class:`ImportedKpiValue`
(``lika kpi import``), to compare municipalities (docs/kpi.md).

The file format is ``lika.core.kolada``; this module only maps a statistics
:class:`~lika.statistics.report.Report` to records and records to rows.  Exported values
are the report's values as the exports write them (``decimal_of``): counts as integers,
kronor in kronor with two decimals, percent 0–100 and days with one decimal.  A cell hidden
by small-cell protection is written as status ``..`` without value or count, so a file
never holds more than the statistics page shows.

Importing reads Lika's own files and pages of Kolada's API (``values`` documents as
``/v2/data/…`` or ``/v3/data/…`` return them, several pages or a directory of them, and
Kolada's municipality list for names).  It is all or nothing: a file that cannot be read
or breaks the format raises :class:`KpiImportError` (one Swedish line) and nothing is
written.  Otherwise, for each (municipality, period) in a Lika file, or each (kpi,
municipality, period) on the Kolada pages, the earlier values are deleted and the file's
values stored, in one transaction with one access-log row per file or set of pages.  A file of our own municipality is
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
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lika.accounts.models import Municipality
from lika.audit.services import CREATE, EXPORT, access_log_write
from lika.core.disclosure import SUPPRESSED
from lika.core.kolada import (
    GENDERS,
    SUPPRESSED_STATUS,
    KoladaDocument,
    KpiFile,
    KpiFormatError,
    KpiRecord,
    KpiValue,
    dumps_csv,
    dumps_json,
    kolada_document,
    loads_csv,
    loads_document,
)
from lika.core.limits import MAX_KPI_FILE, InputLimitError, check_size, check_text, shown
from lika.core.periods import MONTH, YEAR, Period

from . import figures
from .models import ImportedKpiValue
from .municipality_names import municipality_names
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
    municipalities: int = 1
    pages: int = 0  # Kolada API pages behind the result (0: a lika-kpi file)
    skipped: str = ""  # what of a Kolada page was not imported, in Swedish


# --- export --------------------------------------------------------------------------------

def records_from_report(report: Report) -> list[KpiRecord]:
    """One record per row that names a KPI, in the report's order.  A hidden cell becomes
    a suppressed value, an empty cell is left out, a row with only empty cells is skipped.
    ``count`` is Kolada's: 1, the one municipality behind each shown value."""
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
                        values.append(KpiValue(gender, 1, decimal_of(cell, row.kind)))
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


def read_kpi_file(path) -> KpiFile | KoladaDocument:
    """The file's content: a ``lika-kpi`` file (JSON or CSV, told apart by the content:
    JSON begins with ``{``) or a page of Kolada's API (JSON with ``values`` and no
    ``format``)."""
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
            return loads_document(text)
        records = loads_csv(text)
    except KpiFormatError as exc:
        raise KpiImportError(f"{path.name}: {exc}") from None
    codes = {record.municipality for record in records}
    return KpiFile(codes.pop() if len(codes) == 1 else None, None, records)


def expand_paths(names) -> list[Path]:
    """The files to import: a directory stands for its ``*.json`` files (not its
    subdirectories), in name order — Kolada's pages saved side by side."""
    paths = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(child for child in path.iterdir() if child.suffix.lower() == ".json" and child.is_file())
            if not found:
                raise KpiImportError(f"kan inte läsa {path}: katalogen har inga .json-filer")
            paths.extend(found)
        else:
            paths.append(path)
    return paths


# --- Kolada's pages ---------------------------------------------------------------------

def _page_of(url: str, name: str) -> tuple[tuple, int]:
    """The query a paging link belongs to (the link without ``page``) and its page number."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    pages = [value for key, value in query if key == "page"]
    if len(pages) != 1 or not pages[0].isdigit() or int(pages[0]) < 1:
        raise KpiImportError(f"{name}: sidlänken {shown(url[:120])} har inget sidnummer (page=N)")
    rest = tuple(sorted((key, value) for key, value in query if key != "page"))
    return (parts.path.rstrip("/"), rest), int(pages[0])


def check_pages(pages: list[tuple[str, KoladaDocument]]) -> None:
    """Every page of a query that Kolada split into pages is there, once: a page's number
    follows from its ``previous``/``next`` links (a page without either is a whole
    answer); for each query the pages must be 1 … n, and page n has no ``next`` link."""
    queries: dict[tuple, dict[int, str]] = {}
    for name, page in pages:
        if page.next_url is None and page.previous_url is None:
            continue
        found = []
        if page.previous_url is not None:
            query, number = _page_of(page.previous_url, name)
            found.append((query, number + 1))
        if page.next_url is not None:
            query, number = _page_of(page.next_url, name)
            if number < 2:
                raise KpiImportError(f"{name}: next-länken pekar på sida {number}")
            found.append((query, number - 1))
        if len({item for item in found}) != 1:
            raise KpiImportError(f"{name}: previous- och next-länkarna hör inte till samma sida")
        query, number = found[0]
        numbers = queries.setdefault(query, {})
        if number in numbers:
            raise KpiImportError(f"{name}: sida {number} finns redan i {numbers[number]}")
        numbers[number] = name
    by_number = {name: page for name, page in pages}
    for numbers in queries.values():
        last = max(numbers)
        missing = [n for n in range(1, last + 1) if n not in numbers]
        if by_number[numbers[last]].next_url is not None:
            missing.append(last + 1)
        if missing:
            raise KpiImportError(f"sidorna från Kolada är inte alla med: sida {', '.join(map(str, missing))} "
                                 f"saknas (läs in alla sidor som next_page/next_url pekar på)")


def _known_names(codes, given: dict[str, str] | None = None) -> dict[str, str]:
    """Names for municipality codes: the ones the import itself brings (a Lika file's
    name, Kolada's municipality list), then SCB's list shipped with Lika, then earlier
    imports, then our own municipality."""
    names = {code: name for code, name in (given or {}).items() if code in codes and name}
    shipped = municipality_names()
    for code in codes:
        if code not in names and code in shipped:
            names[code] = shipped[code]
    rest = [code for code in codes if code not in names]
    if rest:
        earlier = (ImportedKpiValue.objects.filter(municipality__in=rest).exclude(municipality_name="")
                   .values_list("municipality", "municipality_name").order_by("-imported_at"))
        for code, name in earlier:
            names.setdefault(code, name)
        for code, name in Municipality.objects.filter(code__in=rest).values_list("code", "name"):
            names.setdefault(code, name)
    return names


def _stored_value(value: Decimal | None) -> Decimal | None:
    if value is None or value.as_tuple().exponent >= -6:
        return value
    return value.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def _rows(records, names: dict[str, str], source_file: str, now) -> list[ImportedKpiValue]:
    rows = []
    for record in records:
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
    codes = sorted({record.municipality for record in kpi_file.records})
    given = {code: kpi_file.municipality_name for code in codes} if kpi_file.municipality_name else {}
    rows = _rows(kpi_file.records, _known_names(codes, given), source_file, timezone.now())
    periods: dict[str, set[str]] = {}
    for record in kpi_file.records:
        periods.setdefault(record.municipality, set()).add(record.period)
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


def _skipped_text(pages: list[KoladaDocument]) -> str:
    """What the pages held that was not imported, in Swedish: ``kommungrupper 1, tomma värden 2``."""
    counts = ((sum(p.groups for p in pages), "kommungrupper"), (sum(p.regions for p in pages), "regioner eller riket"),
              (sum(p.deleted for p in pages), "borttagna värden"), (sum(p.empty for p in pages), "tomma värden"))
    return ", ".join(f"{what} {number}" for number, what in counts if number)


def store_kolada_pages(pages: list[tuple[str, KoladaDocument]], *, acting_user=None) -> ImportResult:
    """Kolada's pages as one import: the data pages' values replace, for every (kpi,
    municipality, period) the pages speak about, what was stored before; the municipality
    lists among them give names.  One transaction, one access-log row."""
    check_pages(pages)
    data = [(name, page) for name, page in pages if page.kind == "data"]
    if not data:
        raise KpiImportError("bara Koladas kommunlista lästes: läs in den tillsammans med sidorna med värden")
    records, keys, seen = [], set(), {}
    for name, page in data:
        for record in page.records:
            if record.key in seen:
                raise KpiImportError(f"{name}: kpi {record.kpi}, kommun {record.municipality}, period "
                                     f"{record.period} finns redan i {seen[record.key]}")
            seen[record.key] = name
        records.extend(page.records)
        keys |= page.keys
    if not keys:
        skipped = _skipped_text([page for _name, page in data])
        raise KpiImportError(f"{data[0][0]}: sidorna innehåller inga värden för enskilda kommuner"
                             + (f" (bara {skipped})" if skipped else ""))
    given = {}
    for _name, page in pages:
        given.update(page.names)
    codes = sorted({code for _kpi, code, _period in keys})
    source = data[0][0] if len(data) == 1 else f"{data[0][0]} m.fl. ({len(data)} sidor)"
    rows = _rows(records, _known_names(codes, given), source, timezone.now())
    by_place: dict[tuple[str, str], set[str]] = {}
    for kpi, code, period in keys:
        by_place.setdefault((code, period), set()).add(kpi)
    skipped = _skipped_text([page for _name, page in data])
    with transaction.atomic():
        replaced = 0
        for (code, period), kpis in sorted(by_place.items()):
            replaced += ImportedKpiValue.objects.filter(municipality=code, period=period, kpi__in=kpis).delete()[0]
        ImportedKpiValue.objects.bulk_create(rows, batch_size=500)
        access_log_write(
            actor=acting_user, action=CREATE, object_type="kpi_import", object_id="kolada",
            summary=(f"Nyckeltal från Kolada inlästa från {source}: {len(rows)} värden för {len(codes)} "
                     f"{'kommun' if len(codes) == 1 else 'kommuner'}")[:300],
            new={"file": source[:SOURCE_LENGTH], "pages": len(data), "municipalities": len(codes),
                 "records": len(records), "values": len(rows), "replaced": replaced, "skipped": skipped})
    municipality = codes[0] if len(codes) == 1 else None
    name = (rows[0].municipality_name if rows else "") if municipality else ""
    return ImportResult(municipality=municipality, name=name, records=len(records), values=len(rows),
                        municipalities=len(codes), pages=len(data), skipped=skipped)


def import_files(names, *, acting_user=None) -> list[ImportResult]:
    """Read every file (a directory: its ``*.json`` files) before anything is written,
    then store them in one transaction: each Lika file on its own, all Kolada pages
    together (:func:`store_kolada_pages`).  :class:`KpiImportError` and nothing written
    when any file cannot be imported."""
    paths = expand_paths(names)
    if not paths:
        raise KpiImportError("ange filen: lika kpi import FIL [FIL …]")
    read = [(path, read_kpi_file(path)) for path in paths]
    kolada = [(path.name, content) for path, content in read if isinstance(content, KoladaDocument)]
    results = []
    with transaction.atomic():
        for path, content in read:
            if isinstance(content, KpiFile):
                results.append(store_kpi_file(content, source_file=path.name, acting_user=acting_user))
        if kolada:
            results.append(store_kolada_pages(kolada, acting_user=acting_user))
    return results


def import_file(path, *, acting_user=None) -> ImportResult:
    """Read one file (a ``lika-kpi`` file or a complete answer of Kolada's API) and store
    its values (see the module docstring); :class:`KpiImportError` and nothing written
    when it cannot be."""
    (result,) = import_files([path], acting_user=acting_user)
    return result


EXAMPLE = Path(__file__).resolve().parent / "data" / "kolada-exempel"


def load_kolada_example(*, year: int, acting_user=None) -> ImportResult:
    """The demo's example of Kolada's API (``data/kolada-exempel``: written by hand, every
    value made up, see its README) imported for ``year`` instead of its own 2023, so that
    the demo's comparison page has Kolada tables for a year the demo has figures for.  The
    source file is named ``EXEMPELDATA …`` on the page."""
    import json

    pages = []
    for path in sorted(EXAMPLE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        for item in data.get("values", []):
            if "period" in item:
                item["period"] = year
        pages.append((f"EXEMPELDATA {path.name}", kolada_document(data)))
    return store_kolada_pages(pages, acting_user=acting_user)

"""KPI values in Kolada's shape, as JSON and as CSV, to compare municipalities.

Kolada (SKR's municipal KPI database) gives one *data object* per KPI, municipality and
period, with up to three values: kvinnor ``K``, män ``M`` and totalt ``T``
(the domain facts, FACTS.md §4).  :class:`KpiRecord` is that object, :class:`KpiValue` one of its
values.

Values
------
``value`` is a ``Decimal`` (never a float) or ``None``; ``count`` keeps **Kolada's
meaning**: the number of municipalities behind the value, which is 1 for one municipality
(Kolada's API documentation, github.com/Hypergene/kolada: "'count' will only differ from 1
when the municipality is a group").  A record here is always one municipality, so
``count`` is 1 or ``None``; it is never a number of people (Lika's version 1 files wrote
the people there, which a Kolada reader would take for municipalities).  ``status`` is
``""`` for an ordinary value; a
non-empty status says why the value is missing or qualified.  Lika writes ``".."`` for a
value hidden by small-cell protection (lika.core.disclosure) and then both ``value`` and
``count`` are ``None``; other statuses (such as Kolada's own) are kept as they are.
A missing value must have a status.  Numbers are limited to ±10¹⁵.

A record has at least one value and at most one per gender; the KPI id is 1–40
characters ``A–Z a–z 0–9 _ . -``; the municipality a four-digit code (``"0684"``); the
period a year (``"2025"``) or a month (``"2025-05"``) code.  A file may not hold the same
(kpi, municipality, period) twice.

JSON (``format: "lika-kpi"``, version 2)
----------------------------------------
::

    {
      "format": "lika-kpi",
      "version": 2,
      "municipality": "0684",
      "municipality_name": "Vetlanda",
      "values": [
        {"kpi": "N31807", "municipality": "0684", "period": "2025",
         "values": [{"gender": "K", "count": 1, "status": "", "value": 2.7}, …]}
      ]
    }

``municipality`` is the code every record shares, or ``null`` when the file holds several
municipalities (or none); ``municipality_name`` may only be given with a municipality.
Reading is strict: unknown keys, repeated keys, wrong types, ``NaN``/``Infinity`` and a
``version`` other than 1 or 2 are errors.  Version 1 (before Kolada's meaning of ``count``
was kept) is still read: its counts were numbers of people and are dropped.
``count`` and ``status`` may be left out of a value (``null`` and ``""``); ``municipality``
and ``municipality_name`` out of the file.  A period may be a JSON number when it is a
year, as Kolada writes it; Lika writes text.  Errors are :class:`KpiFormatError` with one
Swedish line that starts with where: ``values[2].values[0]: …``.

CSV
---
UTF-8, ``;`` between fields, CRLF line ends, one line per value, header
``kpi;municipality;period;gender;count;value;status``.  Values are written with a
**decimal comma** (``2,7``, what Swedish spreadsheets expect with ``;``), without
thousands separators or exponent; a decimal point is accepted when reading.  An empty
``count`` or ``value`` is ``None``; an empty ``status`` is ``""``.  A leading byte-order
mark is accepted (``dumps_csv(…, bom=True)`` writes one for Excel).  Lines of the same
(kpi, municipality, period) form one record, in the order they first appear.  Errors
start with the line: ``rad 4: …``.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import limits
from .limits import InputLimitError, shown
from .periods import MONTH, YEAR, PeriodError, parse_period

FORMAT, VERSION = "lika-kpi", 2
READ_VERSIONS = (1, 2)  # version 1: ``count`` was a number of people; dropped when read
GENDERS = ("K", "M", "T")
SUPPRESSED_STATUS = ".."
CSV_HEADER = ("kpi", "municipality", "period", "gender", "count", "value", "status")
LIMIT = 10**15

_KPI = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
_MUNICIPALITY = re.compile(r"[0-9]{4}")
_CSV_COUNT = re.compile(r"[0-9]{1,15}")
_CSV_VALUE = re.compile(r"-?[0-9]{1,15}(?:[.,][0-9]{1,20})?")


class KpiFormatError(ValueError):
    """KPI data that breaks the format; the message says where and why, on one line."""


def _line(text, what: str) -> str:
    if not isinstance(text, str) or not text.isprintable():
        raise KpiFormatError(f"{what} ska vara text på en rad, inte {shown(text)}")
    return text


@dataclass(frozen=True, slots=True)
class KpiValue:
    gender: str
    count: int | None = None
    value: Decimal | None = None
    status: str = ""

    def __post_init__(self):
        if self.gender not in GENDERS:
            raise KpiFormatError(f"gender ska vara K, M eller T, inte {shown(self.gender)}")
        if self.count is not None and (isinstance(self.count, bool) or not isinstance(self.count, int)
                                       or not 0 <= self.count < LIMIT):
            raise KpiFormatError(f"count ska vara ett heltal 0 eller större (eller saknas), inte {shown(self.count)}")
        if self.count is not None and self.count != 1:
            raise KpiFormatError(f"count ska vara 1 eller saknas, inte {self.count}: count är som i Kolada antalet "
                                 "kommuner bakom värdet (1 för en kommun), inte antalet personer")
        value = self.value
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
            object.__setattr__(self, "value", value)
        # copy_abs, not abs(): abs() rounds to the context and overflows on 1e999999999
        if value is not None and (not isinstance(value, Decimal) or not value.is_finite()
                                  or value.copy_abs() >= LIMIT):
            raise KpiFormatError(f"value ska vara ett decimaltal (inte flyttal) eller saknas, inte {shown(value)}")
        _line(self.status, "status")
        if value is None and not self.status:
            raise KpiFormatError("value saknas men status säger inte varför")
        if self.status == SUPPRESSED_STATUS and (value is not None or self.count is not None):
            raise KpiFormatError("ett skyddat värde (status '..') får inte ha value eller count")

    @classmethod
    def suppressed(cls, gender: str) -> "KpiValue":
        """A value hidden by small-cell protection: no count, no value, status ``..``."""
        return cls(gender, None, None, SUPPRESSED_STATUS)


def _period(period) -> str:
    if not isinstance(period, str):
        raise KpiFormatError(f"period ska vara text, inte {shown(period)}")
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise KpiFormatError(f"period: {exc}") from None
    if parsed.kind not in (YEAR, MONTH) or parsed.code != period:
        raise KpiFormatError(f"period ska vara ett år (2025) eller en månad (2025-05), inte {shown(period)}")
    return period


def _check_key(kpi, municipality, period) -> None:
    if not isinstance(kpi, str) or not _KPI.fullmatch(kpi):
        raise KpiFormatError(f"kpi ska vara 1–40 tecken A–Z, 0–9, _ . -, inte {shown(kpi)}")
    if not isinstance(municipality, str) or not _MUNICIPALITY.fullmatch(municipality):
        raise KpiFormatError(f"municipality ska vara en kommunkod med fyra siffror, inte {shown(municipality)}")
    _period(period)


@dataclass(frozen=True, slots=True)
class KpiRecord:
    kpi: str
    municipality: str
    period: str
    values: tuple[KpiValue, ...]

    def __post_init__(self):
        _check_key(self.kpi, self.municipality, self.period)
        if not isinstance(self.values, tuple | list) or not self.values:
            raise KpiFormatError("values ska vara en lista med minst ett värde")
        object.__setattr__(self, "values", tuple(self.values))
        genders = []
        for value in self.values:
            if not isinstance(value, KpiValue):
                raise KpiFormatError(f"values ska innehålla KpiValue, inte {shown(value)}")
            if value.gender in genders:
                raise KpiFormatError(f"kön {value.gender} förekommer två gånger")
            genders.append(value.gender)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kpi, self.municipality, self.period)

    def value_of(self, gender: str) -> KpiValue | None:
        return next((value for value in self.values if value.gender == gender), None)


@dataclass(frozen=True, slots=True)
class KpiFile:
    municipality: str | None
    municipality_name: str | None
    records: tuple[KpiRecord, ...]


def _describe(key) -> str:
    return f"kpi {key[0]}, kommun {key[1]}, period {key[2]}"


def _checked(records) -> tuple[KpiRecord, ...]:
    records = tuple(records)
    seen = set()
    for index, record in enumerate(records):
        if not isinstance(record, KpiRecord):
            raise KpiFormatError(f"values[{index}]: ska vara en KpiRecord, inte {shown(record)}")
        if record.key in seen:
            raise KpiFormatError(f"values[{index}]: {_describe(record.key)} förekommer två gånger")
        seen.add(record.key)
    return records


def _common_municipality(records) -> str | None:
    codes = {record.municipality for record in records}
    return codes.pop() if len(codes) == 1 else None


# --- JSON -----------------------------------------------------------------------------

def _number(value: Decimal) -> str:
    return format(value, "f")


def _encode(obj, level: int = 0) -> str:
    """JSON text with exact Decimal numbers; an object of plain values goes on one line."""
    inner, outer = "  " * (level + 1), "  " * level
    if isinstance(obj, dict):
        items = [f"{json.dumps(key)}: {_encode(value, level + 1)}" for key, value in obj.items()]
        if not any(isinstance(value, dict | list) for value in obj.values()):
            return "{" + ", ".join(items) + "}"
        return "{\n" + ",\n".join(inner + item for item in items) + "\n" + outer + "}"
    if isinstance(obj, list):
        items = [inner + _encode(item, level + 1) for item in obj]
        return "[\n" + ",\n".join(items) + "\n" + outer + "]" if items else "[]"
    if isinstance(obj, Decimal):
        return _number(obj)
    return json.dumps(obj, ensure_ascii=False)


def dumps_json(records, *, municipality_name: str | None = None) -> str:
    """The records as a ``lika-kpi`` JSON document (see the module docstring)."""
    records = _checked(records)
    municipality = _common_municipality(records)
    if municipality_name is not None:
        _line(municipality_name, "municipality_name")
        if municipality is None:
            raise KpiFormatError("municipality_name kan bara anges när alla värden gäller samma kommun")
    document = {
        "format": FORMAT, "version": VERSION, "municipality": municipality,
        "municipality_name": municipality_name,
        "values": [{"kpi": r.kpi, "municipality": r.municipality, "period": r.period,
                    "values": [{"gender": v.gender, "count": v.count, "status": v.status, "value": v.value}
                               for v in r.values]} for r in records],
    }
    return _encode(document) + "\n"


def _object(obj, where: str, allowed: tuple, required: tuple) -> dict:
    if not isinstance(obj, dict):
        raise KpiFormatError(f"{where}: ska vara ett objekt")
    for key in obj:
        if key not in allowed:
            raise KpiFormatError(f"{where}: okänd nyckel {shown(key)}")
    for key in required:
        if key not in obj:
            raise KpiFormatError(f"{where}: {shown(key)} saknas")
    return obj


def _list(obj, where: str) -> list:
    if not isinstance(obj, list):
        raise KpiFormatError(f"{where}: ska vara en lista")
    return obj


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise KpiFormatError(f"nyckeln {shown(key)} förekommer två gånger i samma objekt")
        result[key] = value
    return result


def _no_constants(name):
    raise KpiFormatError(f"{name} är inget tal")


def _json_value(obj, where: str, *, people: bool = False) -> KpiValue:
    _object(obj, where, ("gender", "count", "status", "value"), ("gender", "value"))
    count, value = obj.get("count"), obj["value"]
    if people and (count is None or (isinstance(count, int) and not isinstance(count, bool) and count >= 0)):
        count = None  # version 1: a number of people, not Kolada's count
    if isinstance(count, Decimal):
        raise KpiFormatError(f"{where}: count ska vara ett heltal, inte {count}")
    if isinstance(value, bool):
        raise KpiFormatError(f"{where}: value ska vara ett tal, inte {shown(value)}")
    try:
        return KpiValue(obj["gender"], count, value, obj.get("status", ""))
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None


def _json_record(obj, where: str, *, people: bool = False) -> KpiRecord:
    _object(obj, where, ("kpi", "municipality", "period", "values"), ("kpi", "municipality", "period", "values"))
    period = obj["period"]
    if isinstance(period, int) and not isinstance(period, bool) and 1 <= period <= 9999:
        period = f"{period:04d}"  # Kolada writes a year as a number
    values = tuple(_json_value(item, f"{where}.values[{index}]", people=people)
                   for index, item in enumerate(_list(obj["values"], f"{where}.values")))
    try:
        return KpiRecord(obj["kpi"], obj["municipality"], period, values)
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None


def _parse(text: str):
    if not isinstance(text, str):
        raise KpiFormatError("JSON-dokumentet ska vara text")
    try:
        return limits.loads_json(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicate_keys)
    except KpiFormatError as exc:
        raise KpiFormatError(f"JSON: {exc}") from None
    except InputLimitError as exc:
        raise KpiFormatError(str(exc)) from None


def loads_json(text: str) -> KpiFile:
    """Read a ``lika-kpi`` JSON document, strictly (see the module docstring)."""
    return _lika_document(_parse(text))


def _lika_document(data) -> KpiFile:
    _object(data, "dokumentet", ("format", "version", "municipality", "municipality_name", "values"),
            ("format", "version", "values"))
    if data["format"] != FORMAT:
        raise KpiFormatError(f"format: ska vara {FORMAT!r}, inte {shown(data['format'])}")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version not in READ_VERSIONS:
        raise KpiFormatError(f"version: {shown(version)} stöds inte (bara 1 och {VERSION})")
    municipality, name = data.get("municipality"), data.get("municipality_name")
    if municipality is not None and (not isinstance(municipality, str) or not _MUNICIPALITY.fullmatch(municipality)):
        raise KpiFormatError(f"municipality: ska vara en kommunkod med fyra siffror eller null, inte {shown(municipality)}")
    if name is not None:
        try:
            _line(name, "municipality_name")
        except KpiFormatError as exc:
            raise KpiFormatError(f"municipality_name: {exc}") from None
        if municipality is None:
            raise KpiFormatError("municipality_name: får bara anges tillsammans med municipality")
    records = tuple(_json_record(item, f"values[{index}]", people=version == 1)
                    for index, item in enumerate(_list(data["values"], "values")))
    for index, record in enumerate(records):
        if municipality is not None and record.municipality != municipality:
            raise KpiFormatError(f"values[{index}].municipality: {shown(record.municipality)}, "
                                 f"men filen gäller kommun {shown(municipality)}")
    return KpiFile(municipality, name, _checked(records))


# --- Kolada's API -----------------------------------------------------------------------

@dataclass(frozen=True)
class KoladaDocument:
    """One page of Kolada's API as saved from ``/v2/data/…`` or ``/v3/data/…`` (``kind``
    ``"data"``), or its municipality list ``/v2/municipality`` (``"municipality"``).

    ``records`` are the data objects of single municipalities, with the values that carry
    a number or a status; ``keys`` every (kpi, municipality, period) the page speaks about,
    also those whose values were all deleted or empty (an import replaces exactly these).
    Data objects of municipality groups (ids ``G…``: Kolada's unweighted averages) and of
    regions or the whole country (codes ``00xx``) are skipped and counted.  ``names`` maps a
    municipality code to its name (municipality list).  ``next_url``/``previous_url`` are
    the paging links (v2 ``next_page``/``previous_page``, v3 ``next_url``/``previous_url``)."""

    kind: str
    records: tuple[KpiRecord, ...] = ()
    keys: frozenset = frozenset()
    names: dict = field(default_factory=dict)
    groups: int = 0
    regions: int = 0
    deleted: int = 0
    empty: int = 0
    next_url: str | None = None
    previous_url: str | None = None


KOLADA_TOP = {"values", "count", "next_page", "previous_page", "next_url", "previous_url"}
KOLADA_RECORD = ("kpi", "municipality", "period", "values")
KOLADA_VALUE = ("gender", "count", "status", "value", "isdeleted", "is_deleted")
_GROUP = re.compile(r"G[0-9A-Za-z]{1,20}")


def is_kolada_document(data) -> bool:
    """A JSON object as Kolada's API writes it: ``values`` and no ``format`` (Lika's own)."""
    return isinstance(data, dict) and "values" in data and "format" not in data


def _url(data, *names) -> str | None:
    found = [data[name] for name in names if data.get(name) not in (None, "")]
    for url in found:
        if not isinstance(url, str) or not url.isprintable() or len(url) > 2000:
            raise KpiFormatError(f"{'/'.join(names)}: ska vara en adress (text) eller saknas, inte {shown(url)}")
    if len(set(found)) > 1:
        raise KpiFormatError(f"{' och '.join(names)} pekar på olika sidor")
    return found[0] if found else None


def _kolada_period(period, where: str) -> str:
    if isinstance(period, int) and not isinstance(period, bool) and 1000 <= period <= 9999:
        return f"{period:04d}"
    if isinstance(period, str) and re.fullmatch(r"[0-9]{4}", period):
        return period
    raise KpiFormatError(f"{where}.period: ska vara ett år (2023), inte {shown(period)}")


def _kolada_value(obj, where: str, document: dict) -> KpiValue | None:
    _object(obj, where, KOLADA_VALUE, ("gender",))
    deleted = obj.get("isdeleted", obj.get("is_deleted", False))
    if deleted not in (True, False, 0, 1):
        raise KpiFormatError(f"{where}.isdeleted: ska vara true eller false, inte {shown(deleted)}")
    if deleted:
        document["deleted"] += 1
        return None
    value, count, status = obj.get("value"), obj.get("count"), obj.get("status")
    status = "" if status is None else status
    if isinstance(value, bool) or (value is not None and not isinstance(value, int | Decimal)):
        raise KpiFormatError(f"{where}.value: ska vara ett tal eller null, inte {shown(value)}")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        raise KpiFormatError(f"{where}.count: ska vara ett heltal, inte {shown(count)}")
    if value is None and count == 0:
        count = None  # nothing behind a missing value
    if value is None and not status:
        document["empty"] += 1
        return None
    try:
        return KpiValue(obj["gender"], count, value, status)
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None


def _kolada_record(obj, where: str, document: dict) -> KpiRecord | None:
    if isinstance(obj, dict) and "ou" in obj:
        raise KpiFormatError(f"{where}: enhetsdata (ou) läses inte in, bara kommuners värden "
                             "(hämta /data/ i stället för /oudata/ från Kolada)")
    _object(obj, where, KOLADA_RECORD, KOLADA_RECORD)
    code = obj["municipality"]
    if isinstance(code, str) and _GROUP.fullmatch(code):
        document["groups"] += 1  # a municipality group: an unweighted average, not a municipality
        return None
    if isinstance(code, str) and _MUNICIPALITY.fullmatch(code) and code.startswith("00"):
        document["regions"] += 1  # a region (0001–0025) or the whole country (0000)
        return None
    period = _kolada_period(obj["period"], where)
    try:
        _check_key(obj["kpi"], code, period)
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None
    key = (obj["kpi"], code, period)
    if key in document["keys"]:
        raise KpiFormatError(f"{where}: {_describe(key)} förekommer två gånger")
    document["keys"].add(key)
    values = tuple(value for index, item in enumerate(_list(obj["values"], f"{where}.values"))
                   if (value := _kolada_value(item, f"{where}.values[{index}]", document)) is not None)
    if not values:
        return None
    try:
        return KpiRecord(obj["kpi"], code, period, values)
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None


def _kolada_municipality(obj, where: str, names: dict) -> None:
    _object(obj, where, ("id", "title", "type"), ("id", "title"))
    code, title, kind = obj["id"], obj["title"], obj.get("type", "K")
    if kind not in ("K", "L"):
        raise KpiFormatError(f"{where}.type: ska vara K (kommun) eller L (region), inte {shown(kind)}")
    try:
        _line(title, "title")
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None
    if kind == "L" or (isinstance(code, str) and code.startswith("00")):
        return  # a region: Lika compares municipalities
    if not isinstance(code, str) or not _MUNICIPALITY.fullmatch(code):
        raise KpiFormatError(f"{where}.id: ska vara en kommunkod med fyra siffror, inte {shown(code)}")
    if code in names:
        raise KpiFormatError(f"{where}.id: kommun {code} förekommer två gånger")
    names[code] = title


def kolada_document(data) -> KoladaDocument:
    """A page of Kolada's API (already parsed JSON), checked: see :class:`KoladaDocument`.
    Unknown keys at the top level are ignored (an API may add some); inside a data object
    or a value they are errors, as are wrong types, a repeated (kpi, municipality, period),
    ``count`` other than the number of data objects on the page, ``ou`` data (an
    organisational unit, not a municipality) and a value ``count`` other than 1."""
    if not is_kolada_document(data):
        raise KpiFormatError("dokumentet: ska vara ett JSON-objekt med values, som Koladas API skriver det")
    items = _list(data["values"], "values")
    count = data.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        raise KpiFormatError(f"count: ska vara ett heltal, inte {shown(count)}")
    if count is not None and count != len(items):
        raise KpiFormatError(f"count: sidan säger {count} poster men values har {len(items)} (är filen avklippt?)")
    next_url = _url(data, "next_page", "next_url")
    previous_url = _url(data, "previous_page", "previous_url")
    first = items[0] if items else None
    if isinstance(first, dict) and "kpi" not in first and "ou" not in first and {"id", "title"} <= set(first):
        names: dict[str, str] = {}
        for index, item in enumerate(items):
            _kolada_municipality(item, f"values[{index}]", names)
        return KoladaDocument("municipality", names=names, next_url=next_url, previous_url=previous_url)
    document = {"keys": set(), "groups": 0, "regions": 0, "deleted": 0, "empty": 0}
    records = tuple(record for index, item in enumerate(items)
                    if (record := _kolada_record(item, f"values[{index}]", document)) is not None)
    return KoladaDocument("data", _checked(records), frozenset(document["keys"]), {}, document["groups"],
                          document["regions"], document["deleted"], document["empty"], next_url, previous_url)


def loads_document(text: str) -> KpiFile | KoladaDocument:
    """A JSON document as Lika's ``lika-kpi`` file (it has ``format``) or as a page of
    Kolada's API (``values`` without ``format``)."""
    data = _parse(text)
    return kolada_document(data) if is_kolada_document(data) else _lika_document(data)


# --- CSV ------------------------------------------------------------------------------

def dumps_csv(records, *, bom: bool = False) -> str:
    """The records as semicolon-separated lines with a decimal comma (module docstring)."""
    records = _checked(records)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in records:
        for v in r.values:
            writer.writerow([r.kpi, r.municipality, r.period, v.gender, "" if v.count is None else v.count,
                             "" if v.value is None else _number(v.value).replace(".", ","), v.status])
    return ("\ufeff" if bom else "") + out.getvalue()


def _csv_value(row: list[str], where: str) -> KpiValue:
    _, _, _, gender, count, value, status = row
    if count and not _CSV_COUNT.fullmatch(count):
        raise KpiFormatError(f"{where}: count ska vara ett heltal med högst 15 siffror, inte {shown(count)}")
    if value and not _CSV_VALUE.fullmatch(value):
        raise KpiFormatError(f"{where}: value ska vara ett tal som 12,5 (högst 15 siffror före decimaltecknet), "
                             f"inte {shown(value)}")
    try:
        return KpiValue(gender, int(count) if count else None,
                        Decimal(value.replace(",", ".")) if value else None, status)
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None


def loads_csv(text: str) -> tuple[KpiRecord, ...]:
    """Read the CSV written by :func:`dumps_csv` (module docstring)."""
    if not isinstance(text, str):
        raise KpiFormatError("CSV-filen ska vara text")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";", strict=True)
    groups: dict[tuple[str, str, str], list[KpiValue]] = {}
    lines: dict[tuple[str, str, str, str], int] = {}
    try:
        header = next(reader, None)
        if header is None or tuple(header) != CSV_HEADER:
            raise KpiFormatError(f"rad 1: rubrikraden ska vara {';'.join(CSV_HEADER)}")
        for row in reader:
            where = f"rad {reader.line_num}"
            if not row:
                continue
            if len(row) != len(CSV_HEADER):
                raise KpiFormatError(f"{where}: ska ha {len(CSV_HEADER)} fält, har {len(row)}")
            kpi, municipality, period = row[:3]
            try:
                _check_key(kpi, municipality, period)
            except KpiFormatError as exc:
                raise KpiFormatError(f"{where}: {exc}") from None
            value = _csv_value(row, where)
            key = (kpi, municipality, period)
            if (*key, value.gender) in lines:
                raise KpiFormatError(f"{where}: {_describe(key)}, kön {value.gender} finns redan på "
                                     f"rad {lines[(*key, value.gender)]}")
            lines[(*key, value.gender)] = reader.line_num
            groups.setdefault(key, []).append(value)
    except csv.Error as exc:
        raise KpiFormatError(f"rad {reader.line_num}: trasig CSV ({exc})") from None
    return tuple(KpiRecord(*key, tuple(values)) for key, values in groups.items())

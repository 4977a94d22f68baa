"""KPI values in Kolada's shape, as JSON and as CSV, to compare municipalities.

Kolada (SKR's municipal KPI database) gives one *data object* per KPI, municipality and
period, with up to three values: kvinnor ``K``, män ``M`` and totalt ``T``
(the domain facts, FACTS.md §4).  :class:`KpiRecord` is that object, :class:`KpiValue` one of its
values.

Values
------
``value`` is a ``Decimal`` (never a float) or ``None``; ``count`` the number of people
behind it, an ``int`` or ``None``.  ``status`` is ``""`` for an ordinary value; a
non-empty status says why the value is missing or qualified.  Lika writes ``".."`` for a
value hidden by small-cell protection (lika.core.disclosure) and then both ``value`` and
``count`` are ``None``; other statuses (such as Kolada's own) are kept as they are.
A missing value must have a status.  Numbers are limited to ±10¹⁵.

A record has at least one value and at most one per gender; the KPI id is 1–40
characters ``A–Z a–z 0–9 _ . -``; the municipality a four-digit code (``"0684"``); the
period a year (``"2025"``) or a month (``"2025-05"``) code.  A file may not hold the same
(kpi, municipality, period) twice.

JSON (``format: "lika-kpi"``, version 1)
----------------------------------------
::

    {
      "format": "lika-kpi",
      "version": 1,
      "municipality": "0684",
      "municipality_name": "Vetlanda",
      "values": [
        {"kpi": "N31807", "municipality": "0684", "period": "2025",
         "values": [{"gender": "K", "count": 120, "status": "", "value": 2.7}, …]}
      ]
    }

``municipality`` is the code every record shares, or ``null`` when the file holds several
municipalities (or none); ``municipality_name`` may only be given with a municipality.
Reading is strict: unknown keys, repeated keys, wrong types, ``NaN``/``Infinity`` and a
``version`` other than 1 are errors (a later version of the format changes ``version``).
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
from dataclasses import dataclass
from decimal import Decimal

from . import limits
from .limits import InputLimitError, shown
from .periods import MONTH, YEAR, PeriodError, parse_period

FORMAT, VERSION = "lika-kpi", 1
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


def _json_value(obj, where: str) -> KpiValue:
    _object(obj, where, ("gender", "count", "status", "value"), ("gender", "value"))
    count, value = obj.get("count"), obj["value"]
    if isinstance(count, Decimal):
        raise KpiFormatError(f"{where}: count ska vara ett heltal, inte {count}")
    if isinstance(value, bool):
        raise KpiFormatError(f"{where}: value ska vara ett tal, inte {shown(value)}")
    try:
        return KpiValue(obj["gender"], count, value, obj.get("status", ""))
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None


def _json_record(obj, where: str) -> KpiRecord:
    _object(obj, where, ("kpi", "municipality", "period", "values"), ("kpi", "municipality", "period", "values"))
    period = obj["period"]
    if isinstance(period, int) and not isinstance(period, bool) and 1 <= period <= 9999:
        period = f"{period:04d}"  # Kolada writes a year as a number
    values = tuple(_json_value(item, f"{where}.values[{index}]")
                   for index, item in enumerate(_list(obj["values"], f"{where}.values")))
    try:
        return KpiRecord(obj["kpi"], obj["municipality"], period, values)
    except KpiFormatError as exc:
        raise KpiFormatError(f"{where}: {exc}") from None


def loads_json(text: str) -> KpiFile:
    """Read a ``lika-kpi`` JSON document, strictly (see the module docstring)."""
    if not isinstance(text, str):
        raise KpiFormatError("JSON-dokumentet ska vara text")
    try:
        data = limits.loads_json(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicate_keys)
    except KpiFormatError as exc:
        raise KpiFormatError(f"JSON: {exc}") from None
    except InputLimitError as exc:
        raise KpiFormatError(str(exc)) from None
    _object(data, "dokumentet", ("format", "version", "municipality", "municipality_name", "values"),
            ("format", "version", "values"))
    if data["format"] != FORMAT:
        raise KpiFormatError(f"format: ska vara {FORMAT!r}, inte {shown(data['format'])}")
    version = data["version"]
    if isinstance(version, bool) or version != VERSION or not isinstance(version, int):
        raise KpiFormatError(f"version: {shown(version)} stöds inte (bara {VERSION})")
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
    records = tuple(_json_record(item, f"values[{index}]") for index, item in enumerate(_list(data["values"], "values")))
    for index, record in enumerate(records):
        if municipality is not None and record.municipality != municipality:
            raise KpiFormatError(f"values[{index}].municipality: {shown(record.municipality)}, "
                                 f"men filen gäller kommun {shown(municipality)}")
    return KpiFile(municipality, name, _checked(records))


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

"""Riksnorm tables: the national norm for försörjningsstöd, one table a year.

A table is parsed from a plain dict (the shipped data files under
``lika/norms/data/`` and the database rows use the same shape, amounts in
kronor).  Each cell is either confirmed by the table's source or an estimate;
a table's ``status`` is ``verified`` (from the förordning) or ``provisional``.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

from .money import MoneyError, to_ore

VERIFIED = "verified"
PROVISIONAL = "provisional"
STATUSES = (VERIFIED, PROVISIONAL)

# Age bands for children and school youth, in the order of the förordning.
AGE_BANDS = ("0", "1-2", "3", "4-6", "7-10", "11-14", "15-18", "19-20")
# Bands with a lower amount when the child eats lunch at preschool/school.
LUNCH_BANDS = ("0", "1-2", "3", "4-6")
HOUSEHOLD_SIZES = tuple(str(n) for n in range(1, 8))
ADULT_KINDS = ("single", "cohabiting")

SECTIONS = {
    "personal": AGE_BANDS,
    "personal_without_lunch": LUNCH_BANDS,
    "adults": ADULT_KINDS,
    "household": HOUSEHOLD_SIZES,
}


class NormTableError(ValueError):
    """A norm table that is incomplete or inconsistent."""


def _band_of(age: int) -> str:
    for band in AGE_BANDS:
        low, _, high = band.partition("-")
        if int(low) <= age <= int(high or low):
            return band
    raise AssertionError("unreachable")  # pragma: no cover


# The band of every age 0–20.
BAND_BY_AGE = {age: _band_of(age) for age in range(21)}


def age_band(age: int) -> str:
    """The riksnorm age band of a child of ``age`` whole years (0–20)."""
    if age < 0 or age > 20:
        raise ValueError(f"ålder {age} har inget åldersintervall i riksnormen")
    return BAND_BY_AGE[age]


@dataclass(frozen=True)
class NormTable:
    """One year's riksnorm, amounts in öre."""

    year: int
    status: str
    source: str
    cells: MappingProxyType  # "section.key" -> öre
    estimated: frozenset = field(default_factory=frozenset)
    version: int = 1
    notes: str = ""

    def amount(self, cell: str) -> int:
        return self.cells[cell]

    def is_estimated(self, cell: str) -> bool:
        return (self.status == PROVISIONAL and not self.estimated) or cell in self.estimated

    def household_common(self, size: int) -> tuple[int, list[str]]:
        """Common household costs for ``size`` persons, and the cells used.

        Beyond seven persons each further person adds the difference between
        the seven- and the six-person amounts.
        """
        if size < 1:
            raise ValueError("hushållet måste ha minst en person")
        if size <= 7:
            cell = f"household.{size}"
            return self.cells[cell], [cell]
        seven, six = self.cells["household.7"], self.cells["household.6"]
        return seven + (size - 7) * (seven - six), ["household.7", "household.6"]

    def as_dict(self) -> dict:
        """The data-file shape (kronor), the inverse of :func:`parse_norm_table`."""
        out = {"year": self.year, "status": self.status, "source": self.source}
        for section, keys in SECTIONS.items():
            out[section] = {k: _kronor_value(self.cells[f"{section}.{k}"]) for k in keys}
        out["estimated"] = sorted(self.estimated)
        out["notes"] = self.notes
        return out


def _kronor_value(ore: int):
    return ore // 100 if ore % 100 == 0 else f"{ore // 100}.{ore % 100:02d}"


def parse_norm_table(data: dict, *, version: int = 1) -> NormTable:
    """Build a :class:`NormTable` from the data-file dict, checking every cell."""
    if not isinstance(data, dict):
        raise NormTableError("normtabellen måste vara ett JSON-objekt")
    try:
        year = int(data["year"])
    except (KeyError, TypeError, ValueError, OverflowError):
        raise NormTableError("normtabellen saknar giltigt år (year)") from None
    if not 1990 <= year <= 2200:
        raise NormTableError(f"år {year} är orimligt för en riksnorm")
    status = data.get("status")
    if status not in STATUSES:
        raise NormTableError(f"status måste vara {' eller '.join(STATUSES)}, inte {status!r}")
    source = str(data.get("source") or "").strip()
    if not source:
        raise NormTableError("normtabellen måste ange sin källa (source)")
    cells = {}
    for section, keys in SECTIONS.items():
        values = data.get(section)
        if not isinstance(values, dict):
            raise NormTableError(f"avsnittet {section!r} saknas")
        unknown = set(values) - set(keys)
        if unknown:
            raise NormTableError(f"okända nycklar i {section!r}: {', '.join(sorted(unknown))}")
        for key in keys:
            if key not in values:
                raise NormTableError(f"{section}.{key} saknas")
            try:
                ore = to_ore(values[key])
            except MoneyError as exc:
                raise NormTableError(f"{section}.{key}: {exc}") from None
            if ore <= 0:
                raise NormTableError(f"{section}.{key} måste vara större än noll")
            cells[f"{section}.{key}"] = ore
    for band in LUNCH_BANDS:
        if cells[f"personal_without_lunch.{band}"] > cells[f"personal.{band}"]:
            raise NormTableError(
                f"beloppet utan lunch för {band} år kan inte vara större än med lunch"
            )
    sizes = [cells[f"household.{n}"] for n in HOUSEHOLD_SIZES]
    if sizes != sorted(sizes):
        raise NormTableError("de gemensamma hushållskostnaderna ska öka med hushållets storlek")
    estimated = data.get("estimated") or []
    if not isinstance(estimated, list) or any(not isinstance(c, str) or c not in cells for c in estimated):
        raise NormTableError("estimated måste vara en lista med cellnamn, t.ex. 'personal.0'")
    return NormTable(
        year=year,
        status=status,
        source=source,
        cells=MappingProxyType(cells),
        estimated=frozenset(estimated),
        version=version,
        notes=str(data.get("notes") or ""),
    )

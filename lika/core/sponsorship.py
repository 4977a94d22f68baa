"""Sponsorship reach (sponsring): the gender-equality assessment's expected participants
beside what the association reports it reached, per legal gender and age band.  Pure:
counts in, a :class:`ReachComparison` out (docs/grants.md, "Sponsring").

The age bands are Lika's register bands (:data:`REGISTER_BANDS`, also used for the
association's membership counts): they nest inside the usual grant age ranges (7–20, 7–25),
so a criterion such as "at least 10 members 7–20 years" can be read from them.  This is
Lika's choice, not a rule of any source.

Gender is legal gender: ``"F"`` (kvinna/flicka), ``"M"`` (man/pojke) and ``""`` (not known).
The shares are each gender's share of **all** counted participants, unknown included, so
that the three shares sum to 100 %.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

FEMALE, MALE, UNKNOWN = "F", "M", ""
GENDERS = (FEMALE, MALE, UNKNOWN)
REGISTER_BANDS = ("0-6", "7-12", "13-16", "17-20", "21-25", "26-64", "65-")
MAX_COUNT = 1_000_000  # participants in one cell: far above any association (a sanity bound)


class ReachError(ValueError):
    """Counts that cannot be stored as given; the message (Swedish) says why."""


def band_range(band: str) -> tuple[int, int | None]:
    """``"7-12"`` → ``(7, 12)``; ``"65-"`` → ``(65, None)`` (no upper end)."""
    low, dash, high = band.partition("-")
    if not dash or not low.isdigit() or (high and not high.isdigit()):
        raise ReachError(f"åldersintervallet {band!r} ska skrivas som \"7-12\" eller \"65-\"")
    return int(low), int(high) if high else None


def band_label(band: str) -> str:
    """``"7-12"`` → ``"7–12 år"``, ``"65-"`` → ``"65 år och äldre"``."""
    low, high = band_range(band)
    return f"{low} år och äldre" if high is None else f"{low}–{high} år"


def check_counts(counts: Mapping, *, bands=REGISTER_BANDS, require_some: bool = False) -> dict:
    """The counts as ``{(gender, band): int}`` with every cell present (missing = 0).
    Refuses an unknown gender or band, a count that is not a whole number 0–1 000 000, and,
    with ``require_some``, all zeros (an assessment must expect someone)."""
    checked = {(g, b): 0 for g in GENDERS for b in bands}
    for key, value in counts.items():
        if key not in checked:
            gender, band = key
            raise ReachError(f"okänt kön {gender!r} eller åldersintervall {band!r}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            raise ReachError(f"antalet ska vara ett heltal 0–{MAX_COUNT}, inte {value!r}")
        checked[key] = value
    if require_some and not any(checked.values()):
        raise ReachError("ange hur många deltagare verksamheten väntas nå, minst en")
    return checked


def share(part: int, whole: int) -> Fraction | None:
    return None if whole == 0 else Fraction(part, whole)


@dataclass(frozen=True)
class ReachRow:
    band: str
    expected: tuple  # per gender in GENDERS order
    actual: tuple | None  # None: nothing reported yet


@dataclass(frozen=True)
class ReachComparison:
    rows: tuple  # ReachRow per band, in band order
    expected_total: tuple  # per gender
    actual_total: tuple | None
    expected_share: tuple  # Fraction | None per gender, of all expected
    actual_share: tuple | None

    @property
    def reported(self) -> bool:
        return self.actual_total is not None


def _totals(counts, bands):
    return tuple(sum(counts[(g, b)] for b in bands) for g in GENDERS)


def compare_reach(expected: Mapping, actual: Mapping | None, *, bands=REGISTER_BANDS) -> ReachComparison:
    """Expected and (when reported) actual participants per band and gender, the totals per
    gender and each gender's share of all participants."""
    expected = check_counts(expected, bands=bands)
    actual = None if actual is None else check_counts(actual, bands=bands)
    rows = tuple(ReachRow(b, tuple(expected[(g, b)] for g in GENDERS),
                          None if actual is None else tuple(actual[(g, b)] for g in GENDERS)) for b in bands)
    expected_total = _totals(expected, bands)
    actual_total = None if actual is None else _totals(actual, bands)
    expected_share = tuple(share(n, sum(expected_total)) for n in expected_total)
    actual_share = None if actual_total is None else tuple(share(n, sum(actual_total)) for n in actual_total)
    return ReachComparison(rows, expected_total, actual_total, expected_share, actual_share)

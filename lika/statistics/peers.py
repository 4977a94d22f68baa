"""Fictional peer municipalities for the demo's comparison page.

``seed_peers`` makes three made-up municipalities (codes 99xx, which no Swedish
municipality has) whose key figures are our own, perturbed deterministically: a size
factor per peer, a tilt between women and men (Norrbacka gives women a smaller share,
Västerlunda a larger one, Sjöby about the same) and a little noise per value.  ``count``
is Kolada's (one municipality) and is kept as it is.  What a
real file would satisfy stays true: a count total is still women + men, a percentage
stays within 0–100 (and parts of a whole still add up), a hidden value stays hidden and
nothing hidden becomes shown.  They are stored exactly as an imported file would be
(``kpi_exchange.store_kpi_file``).
"""

import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from lika.core.kolada import KpiFile, KpiRecord, KpiValue

from . import figures
from .kpi_exchange import store_kpi_file

SMALL = 5  # a shown count is never made smaller than this (nor than itself)
ONE_DECIMAL, TWO_DECIMALS = Decimal("0.1"), Decimal("0.01")


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    size: tuple[float, float]  # range of the factor on counts and totals
    tilt: tuple[float, float]  # range of the women-vs-men shift (a fraction; on percentages × 50 points)


PEERS = (
    Peer("9901", "Norrbacka", (0.55, 0.75), (-0.08, -0.04)),
    Peer("9902", "Västerlunda", (1.2, 1.6), (0.03, 0.06)),
    Peer("9903", "Sjöby", (0.85, 1.05), (-0.01, 0.01)),
)


def _fraction(rng: random.Random, low: float, high: float) -> Fraction:
    """A random factor in [low, high] to three decimals, exact from here on."""
    return Fraction(round(rng.uniform(low, high) * 1000), 1000)


def _round(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _decimal(value: Fraction, places: Decimal) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


def _split(numbers: dict, factors: dict) -> dict:
    """Scale whole numbers (counts) by gender, keeping T = K + M when it held: a total with
    one part unknown gets that part from the total, so it stays consistent too."""
    k, m, t = numbers.get("K"), numbers.get("M"), numbers.get("T")
    out = {}
    for gender in ("K", "M"):
        if numbers.get(gender) is not None:
            n = numbers[gender]
            out[gender] = max(_round(n * factors[gender]), min(n, SMALL))
    if t is None:
        return out
    parts_known = k is not None and m is not None
    if parts_known and t == k + m:
        out["T"] = out["K"] + out["M"]
    elif not parts_known and (k is not None or m is not None) and t >= (k if k is not None else m):
        shown = "K" if k is not None else "M"
        hidden = "M" if shown == "K" else "K"
        rest = t - numbers[shown]
        out["T"] = out[shown] + max(_round(rest * factors[hidden]), min(rest, SMALL))
    else:
        out["T"] = max(_round(t * factors["T"]), min(t, SMALL))
    return out


def _percent(values: dict, counts: dict, shift: Fraction, noise) -> dict:
    """Percentages 0–100: a share of a whole (K + M = T) moves between women and men;
    rates per gender move apart and the total follows as their weighted mean."""
    k, m, t = values.get("K"), values.get("M"), values.get("T")

    def clamp(x, low=Fraction(0), high=Fraction(100)):
        return min(max(x, low), high)

    out = {}
    if k is not None and m is not None and t is not None and abs(k + m - t) <= Fraction(1, 10):
        out["K"] = clamp(Fraction(_round((k + shift + noise()) * 10), 10), high=t)
        out["M"] = t - out["K"]
        out["T"] = t
        return out
    if k is not None:
        out["K"] = clamp(k + shift + noise())
    if m is not None:
        out["M"] = clamp(m - shift + noise())
    if t is not None:
        if "K" in out and "M" in out:
            ck, cm = counts.get("K"), counts.get("M")
            if ck is not None and cm is not None and ck + cm > 0:
                out["T"] = (out["K"] * ck + out["M"] * cm) / (ck + cm)
            else:
                out["T"] = clamp(t + (out["K"] - k + out["M"] - m) / 2,
                                 min(out["K"], out["M"]), max(out["K"], out["M"]))
        elif 0 < t < 100:
            out["T"] = clamp(t + noise())
        else:
            out["T"] = t  # 0 or 100 %: most likely the whole (its parts hidden); kept
    return out


def _amounts(values: dict, counts: dict, factors: dict, places: Decimal) -> dict:
    """Kronor, days and other amounts: scaled by gender (and rounded to ``places``); a total
    that was the sum stays the sum, one that was an average stays the average (weighted by
    the counts)."""
    k, m, t = values.get("K"), values.get("M"), values.get("T")
    out = {gender: Fraction(_decimal(values[gender] * factors[gender], places))
           for gender in ("K", "M") if values.get(gender) is not None}
    if t is None:
        return out
    ck, cm = counts.get("K"), counts.get("M")
    if k is not None and m is not None and t == k + m:
        out["T"] = out["K"] + out["M"]
    elif k is not None and m is not None and ck is not None and cm is not None and ck + cm > 0:
        out["T"] = (out["K"] * ck + out["M"] * cm) / (ck + cm)
    else:
        out["T"] = t * factors["T"]
    return out


def peer_record(record: KpiRecord, kind: str | None, peer: Peer, size: Fraction, tilt: Fraction,
                rng: random.Random) -> KpiRecord:
    """``record`` as ``peer`` might have it (see the module docstring)."""
    def noisy(base):
        return base * _fraction(rng, 0.97, 1.03)

    factors = {"K": noisy(size * (1 + tilt)), "M": noisy(size * (1 - tilt)), "T": noisy(size)}
    shown = {v.gender: v for v in record.values if v.status != ".." and v.value is not None}
    counts: dict = {}  # a record's count is Kolada's (1 municipality): no people to weigh by
    numbers = {g: Fraction(v.value) for g, v in shown.items()}
    if kind == "count":
        new = {g: Fraction(n) for g, n in _split({g: int(x) for g, x in numbers.items()}, factors).items()}
        places = Decimal(1)
    elif kind == "percent":
        new = _percent(numbers, counts, tilt * 50, lambda: _fraction(rng, -0.8, 0.8))
        places = ONE_DECIMAL
    else:
        places = TWO_DECIMALS if kind == "kronor" else ONE_DECIMAL
        new = _amounts(numbers, counts, factors, places)
    values = []
    for value in record.values:
        gender = value.gender
        if gender not in shown:
            values.append(value)  # hidden or missing stays so
            continue
        number = _decimal(new[gender], places) if gender in new else None
        values.append(KpiValue(gender, value.count if number is not None else None, number, value.status))
    return KpiRecord(record.kpi, peer.code, record.period, tuple(values))


def peer_files(*, seed: int, years: list[int], own: dict[int, list[KpiRecord]],
               kinds: dict[str, str]) -> list[KpiFile]:
    """One file per peer with the perturbed ``own`` records of ``years``; ``kinds`` maps
    a KPI id to its kind (count, kronor, percent, days).  The same seed gives the same files."""
    rng = random.Random(seed)
    files = []
    for peer in PEERS:
        size, tilt = _fraction(rng, *peer.size), _fraction(rng, *peer.tilt)
        records = [peer_record(record, kinds.get(record.kpi), peer, size, tilt, rng)
                   for year in sorted(set(years)) for record in own.get(year, ())]
        files.append(KpiFile(peer.code, peer.name, tuple(records)))
    return files


def seed_peers(*, seed: int, years: list[int], own: dict[int, list[KpiRecord]]) -> int:
    """Store the three demo peers' values for ``years`` (replacing earlier ones) through
    the import's own code path; the number of values stored."""
    kinds = {kpi: kind for kpi, (_title, kind) in figures.KPI_CATALOGUE.items()}
    stored = 0
    for kpi_file in peer_files(seed=seed, years=years, own=own, kinds=kinds):
        if kpi_file.records:
            stored += store_kpi_file(kpi_file, source_file="demo").values
    return stored

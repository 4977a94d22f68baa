"""The 3R analysis of grants to associations: Representation, Resurser, Realia.

The 3R method (JämKom project, Svenska Kommunförbundet, late 1990s; in JämStöds praktika,
SOU 2007:15; Jämställdhetsmyndigheten, "3R-metoden") maps an activity by gender:

* **R1 Representation** — how many women and men, girls and boys, at every level
  (participants, leaders, board members);
* **R2 Resurser** — how money, time and premises are split between them;
* **R3 Realia** — *why* it looks like that, and what to do: the analyst's written text.
  Realia is prose kept with the report by the Django part; nothing is computed for it here.

This module is pure (standard library only, no clock, no I/O).  It takes plain aggregates
(:class:`Aggregate`: one group — a programme, or any grouping the caller chooses — optionally
one association, one year, one legal gender, one age band) and returns frozen dataclasses.  Money is ``int`` öre, shares and rates are
exact ``Fraction``; nothing is a float.  See docs/grants-analysis.md for the formulas.

Gender is legal gender: ``"K"`` (kvinna/flicka), ``"M"`` (man/pojke) and ``"U"`` (unknown,
e.g. a participant reported without personnummer or gender).  Unknown is **kept apart**:
it is counted in the totals of money and people but not in the shares, which are the
women's and the men's shares of the people (or money) whose gender is known.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from . import disclosure
from .money import prorate

WOMEN, MEN, UNKNOWN = "K", "M", "U"
KNOWN = (WOMEN, MEN)
ALL_GENDERS = (WOMEN, MEN, UNKNOWN)
ADULT_FROM_AGE = 18
DEFAULT_GAP_THRESHOLD = Fraction(10)
"""Percentage points: the municipality's choice (a 40/60 band around an even split is
10 points either side of 50 %)."""


class ThreeRError(ValueError):
    """Aggregates that cannot be analysed as given; the message says why."""


def _count(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ThreeRError(f"{what} ska vara ett heltal ≥ 0, inte {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One cell of input: a group (a programme), a year, a legal gender, an age band and
    optionally an association.  ``money_ore`` is the money granted to the people of this cell (attributed by
    the caller, e.g. with :func:`attribute`); ``premises_hours`` may be a ``Fraction``."""

    group: str
    year: int
    gender: str
    age_band: str
    participants: int = 0
    occasions: int = 0  # deltagartillfällen
    leaders: int = 0
    board_members: int = 0
    money_ore: int = 0
    premises_hours: int | Fraction = 0
    association: str = ""  # "" for figures of the group as a whole

    def __post_init__(self):
        if self.gender not in ALL_GENDERS:
            raise ThreeRError(f"okänt kön {self.gender!r}: ska vara K, M eller U")
        for name in ("participants", "occasions", "leaders", "board_members", "money_ore"):
            _count(getattr(self, name), name)
        if isinstance(self.premises_hours, bool) or not isinstance(self.premises_hours, int | Fraction) \
                or self.premises_hours < 0:
            raise ThreeRError(f"premises_hours ska vara ett heltal eller Fraction ≥ 0, inte {self.premises_hours!r}")


def band_is_adult(label: str) -> bool:
    """An age band ``"7-12"``, ``"13-20"``, ``"26+"`` or ``"26-"`` is adult when its lowest
    age is at least 18; a band that straddles 18 counts as children (girls and boys)."""
    text = label.strip().replace("–", "-")
    low = text.split("-")[0].rstrip("+").strip()
    if not low.isdigit():
        raise ThreeRError(f"åldersbandet {label!r} ska börja med en ålder, t.ex. 7-12 eller 26+")
    return int(low) >= ADULT_FROM_AGE


# --- by gender --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ByGender:
    """An additive figure (people, öre, hours) split by gender, unknown kept apart."""

    women: int | Fraction = 0
    men: int | Fraction = 0
    unknown: int | Fraction = 0

    @property
    def known(self):
        return self.women + self.men

    @property
    def total(self):
        return self.women + self.men + self.unknown

    def get(self, gender: str):
        return {WOMEN: self.women, MEN: self.men, UNKNOWN: self.unknown}[gender]

    def share(self, gender: str) -> Fraction | None:
        """The share of ``gender`` (K or M) of the known-gender total; ``None`` when that is 0."""
        if gender not in KNOWN:
            raise ThreeRError("andelar räknas för K och M; okänt kön hålls utanför")
        return Fraction(self.get(gender)) / self.known if self.known else None

    def __add__(self, other: "ByGender") -> "ByGender":
        return ByGender(self.women + other.women, self.men + other.men, self.unknown + other.unknown)

    def __sub__(self, other: "ByGender") -> "ByGender":
        return ByGender(self.women - other.women, self.men - other.men, self.unknown - other.unknown)


def _by_gender(rows: Iterable[Aggregate], attribute: str) -> ByGender:
    sums = dict.fromkeys(ALL_GENDERS, 0)
    for row in rows:
        sums[row.gender] += getattr(row, attribute)
    return ByGender(sums[WOMEN], sums[MEN], sums[UNKNOWN])


# --- R1 Representation ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Representation:
    group: str
    year: int
    participants: ByGender
    leaders: ByGender
    board_members: ByGender
    participants_by_band: tuple[tuple[str, ByGender], ...]
    leaders_by_band: tuple[tuple[str, ByGender], ...]


# --- R2 Resurser ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PerHead:
    """Money per participant and per deltagartillfälle for one category (girls, boys,
    women, men) as exact öre; ``None`` where the divisor is 0."""

    money_ore: int
    participants: int
    occasions: int

    @property
    def per_participant(self) -> Fraction | None:
        return Fraction(self.money_ore, self.participants) if self.participants else None

    @property
    def per_occasion(self) -> Fraction | None:
        return Fraction(self.money_ore, self.occasions) if self.occasions else None


@dataclass(frozen=True, slots=True)
class Resources:
    group: str
    year: int
    money_ore: ByGender
    occasions: ByGender
    premises_hours: ByGender
    girls: PerHead
    boys: PerHead
    women: PerHead
    men: PerHead
    money_share: Mapping[str, Fraction | None]  # K, M of known-gender money
    participant_share: Mapping[str, Fraction | None]  # K, M of known-gender participants
    gap_points: Mapping[str, Fraction | None]  # (money share − participant share) × 100
    threshold_points: Fraction
    flagged: bool  # |gap| > threshold for either gender

    def over_threshold(self, gender: str) -> bool:
        gap = self.gap_points[gender]
        return gap is not None and abs(gap) > self.threshold_points


@dataclass(frozen=True, slots=True)
class ThreeR:
    """R1 and R2 of one group and year (R3, Realia, is the analyst's text)."""

    representation: Representation
    resources: Resources
    association: str | None = None  # None: every association of the group


def _per_head(rows, gender, adult, is_adult) -> PerHead:
    chosen = [r for r in rows if r.gender == gender and is_adult(r.age_band) == adult]
    return PerHead(sum(r.money_ore for r in chosen), sum(r.participants for r in chosen),
                   sum(r.occasions for r in chosen))


def _bands(rows, attribute) -> tuple[tuple[str, ByGender], ...]:
    order = list(dict.fromkeys(r.age_band for r in rows))
    return tuple((band, _by_gender([r for r in rows if r.age_band == band], attribute)) for band in order)


def _select(rows, group, year, association):
    return [r for r in rows if r.group == group and r.year == year
            and (association is None or r.association == association)]


def analyse(rows: Iterable[Aggregate], *, group: str, year: int, association: str | None = None,
            threshold_points: Fraction | int = DEFAULT_GAP_THRESHOLD,
            is_adult: Callable[[str], bool] = band_is_adult) -> ThreeR:
    """The 3R figures (R1, R2) of ``group`` in ``year`` from the aggregates (rows of other
    groups or years are ignored); with ``association`` only that association's rows, else
    all rows of the group summed — a person active in two associations then counts twice,
    so give either programme-level rows (association ``""``) or association rows, not both.
    Age bands keep the order of their first appearance."""
    if isinstance(threshold_points, bool) or not isinstance(threshold_points, int | Fraction) or threshold_points < 0:
        raise ThreeRError(f"tröskeln ska vara procentenheter ≥ 0 (heltal eller Fraction), inte {threshold_points!r}")
    rows = _select(rows, group, year, association)
    participants = _by_gender(rows, "participants")
    representation = Representation(
        group, year, participants, _by_gender(rows, "leaders"), _by_gender(rows, "board_members"),
        _bands(rows, "participants"), _bands(rows, "leaders"))
    money = _by_gender(rows, "money_ore")
    money_share = {g: money.share(g) for g in KNOWN}
    participant_share = {g: participants.share(g) for g in KNOWN}
    gap = {g: None if money_share[g] is None or participant_share[g] is None
           else (money_share[g] - participant_share[g]) * 100 for g in KNOWN}
    threshold = Fraction(threshold_points)
    resources = Resources(
        group, year, money, _by_gender(rows, "occasions"), _by_gender(rows, "premises_hours"),
        girls=_per_head(rows, WOMEN, False, is_adult), boys=_per_head(rows, MEN, False, is_adult),
        women=_per_head(rows, WOMEN, True, is_adult), men=_per_head(rows, MEN, True, is_adult),
        money_share=money_share, participant_share=participant_share, gap_points=gap,
        threshold_points=threshold,
        flagged=any(v is not None and abs(v) > threshold for v in gap.values()))
    return ThreeR(representation, resources, association)


def analyse_all(rows: Iterable[Aggregate], **options) -> dict[tuple[str, int, str], ThreeR]:
    """:func:`analyse` for every ``(group, year, association)`` in ``rows``."""
    rows = list(rows)
    keys = dict.fromkeys((r.group, r.year, r.association) for r in rows)
    return {(g, y, a): analyse(rows, group=g, year=y, association=a, **options) for g, y, a in keys}


def whole_ore(amount: Fraction | None) -> int | None:
    """An exact öre figure (e.g. kronor per participant) rounded to whole öre, half up, with
    :func:`lika.core.money.prorate` (the one rounding rule of Lika); for display only."""
    if amount is None:
        return None
    return prorate(amount.numerator, 1, amount.denominator)


def percent(share: Fraction | None, decimals: int = 1) -> Fraction | None:
    """A share as percent, rounded half up to ``decimals`` places (exact Fraction)."""
    if share is None:
        return None
    scale = 10**decimals
    value = share * 100 * scale
    return Fraction(prorate(value.numerator, 1, value.denominator), scale)


# --- comparison with the population and with earlier years ------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """Participants per inhabitant of the same ages, per gender and age band."""

    by_band: tuple[tuple[str, Mapping[str, Fraction | None]], ...]
    overall: Mapping[str, Fraction | None]  # K, M over the bands where the gender's population > 0


def coverage(participants: Mapping[tuple[str, str], int],
             population: Mapping[tuple[str, str], int]) -> Coverage:
    """Coverage rate = participants ÷ population, per ``(gender, age band)`` (K and M; the
    population register has no unknown gender, so unknown participants are left out).
    The overall rate per gender sums only the bands where that gender's population is not 0."""
    bands = list(dict.fromkeys(band for (_, band) in population))
    by_band = []
    for band in bands:
        rates = {}
        for g in KNOWN:
            pop = _count(population.get((g, band), 0), "befolkningen")
            rates[g] = Fraction(_count(participants.get((g, band), 0), "deltagarna"), pop) if pop else None
        by_band.append((band, rates))
    overall = {}
    for g in KNOWN:
        counted = [band for band in bands if population.get((g, band), 0)]
        pop = sum(population[(g, band)] for band in counted)
        part = sum(participants.get((g, band), 0) for band in counted)
        overall[g] = Fraction(part, pop) if pop else None
    return Coverage(tuple(by_band), overall)


@dataclass(frozen=True, slots=True)
class YearChange:
    """The later year minus the earlier: counts and öre as differences, shares and gaps in
    percentage points (``None`` where either year has no share)."""

    earlier: int
    later: int
    participants: ByGender
    occasions: ByGender
    money_ore: ByGender
    money_share_points: Mapping[str, Fraction | None]
    participant_share_points: Mapping[str, Fraction | None]
    gap_points: Mapping[str, Fraction | None]


def _diff_points(later, earlier, scale=100):
    return {g: None if later[g] is None or earlier[g] is None else (later[g] - earlier[g]) * scale for g in KNOWN}


def year_over_year(reports: Iterable[ThreeR]) -> tuple[YearChange, ...]:
    """The changes between consecutive reports of one group, ordered by year."""
    reports = sorted(reports, key=lambda r: r.resources.year)
    if len({(r.resources.group, r.association) for r in reports}) > 1:
        raise ThreeRError("jämförelsen över år gäller en grupp i taget")
    if len({r.resources.year for r in reports}) < len(reports):
        raise ThreeRError("ett år förekommer två gånger i jämförelsen")
    out = []
    for before, after in zip(reports, reports[1:], strict=False):
        b, a = before.resources, after.resources
        out.append(YearChange(
            b.year, a.year,
            after.representation.participants - before.representation.participants,
            a.occasions - b.occasions, a.money_ore - b.money_ore,
            _diff_points(a.money_share, b.money_share),
            _diff_points(a.participant_share, b.participant_share),
            _diff_points(a.gap_points, b.gap_points, 1)))
    return tuple(out)


# --- small counts: the shape lika.core.disclosure protects -------------------------------


@dataclass(frozen=True, slots=True)
class ProtectedThreeR:
    """The 3R tables with small counts hidden (:data:`lika.core.disclosure.SUPPRESSED`).

    ``participants`` (by age band, with a total row) is protected by
    :func:`lika.core.disclosure.protect`; ``money_ore``, ``occasions`` and
    ``premises_hours`` (whole hours, rounded down) are hidden exactly where the participant
    count is (:func:`~lika.core.disclosure.protect_amounts`).  ``leaders`` (by age band)
    and ``board_members`` (one row) are protected on their own.  The unknown-gender counts
    stand apart (they are in no published total) and are hidden under the threshold.
    """

    participants: disclosure.ProtectedTable
    money_ore: disclosure.ProtectedTable
    occasions: disclosure.ProtectedTable
    premises_hours: disclosure.ProtectedTable
    leaders: disclosure.ProtectedTable
    board_members: disclosure.ProtectedTable
    unknown: Mapping[str, disclosure.Cell] = field(default_factory=dict)

    def money_share(self, gender: str):
        """The share of the money of ``gender`` (K or M), hidden when a count behind it is."""
        total = self.participants.total
        return disclosure.share(self.money_ore.cell(disclosure.TOTAL_LABEL, gender),
                                self.money_ore.cell(disclosure.TOTAL_LABEL, "T"),
                                guards=(total.women, total.men))

    def participant_share(self, gender: str):
        return disclosure.share(self.participants.cell(disclosure.TOTAL_LABEL, gender),
                                self.participants.cell(disclosure.TOTAL_LABEL, "T"))


def disclosure_rows(bands: Iterable[tuple[str, ByGender]], *, whole: bool = False) -> list[tuple[str, int, int]]:
    """``(label, women, men)`` rows for :func:`lika.core.disclosure.protect`; ``whole``
    rounds fractional figures (hours) down to whole numbers."""
    def value(x):
        return int(x // 1) if whole else x
    return [(band, value(counts.women), value(counts.men)) for band, counts in bands]


def protect_report(rows: Iterable[Aggregate], report: ThreeR, *,
                   threshold: int = disclosure.DEFAULT_THRESHOLD) -> ProtectedThreeR:
    """The tables of ``report`` (from the same ``rows``) with small counts protected."""
    rep = report.representation
    rows = _select(rows, rep.group, rep.year, report.association)
    people = disclosure.protect(disclosure_rows(rep.participants_by_band), threshold=threshold)
    bands = [band for band, _ in rep.participants_by_band]

    def amounts(attribute, whole=False):
        per_band = [(band, _by_gender([r for r in rows if r.age_band == band], attribute)) for band in bands]
        return disclosure.protect_amounts(people, disclosure_rows(per_band, whole=whole))

    board = rep.board_members
    unknown = {}
    for name, value in (("participants", rep.participants.unknown), ("leaders", rep.leaders.unknown),
                        ("board_members", board.unknown)):
        unknown[name] = disclosure.SUPPRESSED if 1 <= value < threshold else value
    return ProtectedThreeR(
        participants=people, money_ore=amounts("money_ore"), occasions=amounts("occasions"),
        premises_hours=amounts("premises_hours", whole=True),
        leaders=disclosure.protect(disclosure_rows(rep.leaders_by_band), threshold=threshold),
        board_members=disclosure.protect([("Styrelse", board.women, board.men)], threshold=threshold,
                                         total_row=False),
        unknown=unknown)


# --- money attributed to people ------------------------------------------------------------


def attribute(amount_ore: int, weights: Mapping) -> dict:
    """Split ``amount_ore`` over ``weights`` (key → int ≥ 0) in proportion, in whole öre
    that add up exactly to the amount: each key gets the floor of its exact share, and the
    öre left over go one each to the largest remainders (ties: the order of ``weights``).
    With all weights 0 the amount cannot be split and every key gets 0 unless the amount
    is 0 — then ``ThreeRError``."""
    _count(amount_ore, "beloppet")
    keys = list(weights)
    total = sum(_count(weights[k], "vikten") for k in keys)
    if total == 0:
        if amount_ore:
            raise ThreeRError("beloppet kan inte fördelas: alla vikter är 0")
        return dict.fromkeys(keys, 0)
    floors = {k: amount_ore * weights[k] // total for k in keys}
    left = amount_ore - sum(floors.values())
    by_remainder = sorted(keys, key=lambda k: (-(amount_ore * weights[k] % total), keys.index(k)))
    for k in by_remainder[:left]:
        floors[k] += 1
    return floors


# --- what-if ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counted:
    """Last year's counted occasions of one association, gender and age band."""

    association: str
    gender: str
    age_band: str
    occasions: int  # deltagartillfällen
    meetings: int = 0  # sammankomster

    def __post_init__(self):
        if self.gender not in ALL_GENDERS:
            raise ThreeRError(f"okänt kön {self.gender!r}: ska vara K, M eller U")
        _count(self.occasions, "deltagartillfällen")
        _count(self.meetings, "sammankomster")


@dataclass(frozen=True, slots=True)
class Rules:
    """Activity-grant rates in öre: per deltagartillfälle and per sammankomst, keyed by
    ``(age band, gender)`` — use :func:`same_for_all` for a rate that does not depend on
    gender — and an optional cap per association and year.  A missing key is rate 0."""

    per_occasion: Mapping[tuple[str, str], int]
    per_meeting: Mapping[tuple[str, str], int] = field(default_factory=dict)
    cap_ore: int | None = None

    def __post_init__(self):
        for rates in (self.per_occasion, self.per_meeting):
            for value in rates.values():
                _count(value, "en taxa i öre")
        if self.cap_ore is not None:
            _count(self.cap_ore, "taket i öre")


def same_for_all(rates: Mapping[str, int]) -> dict[tuple[str, str], int]:
    """``{age band: öre}`` → the same rate for every gender (K, M and unknown)."""
    return {(band, g): ore for band, ore in rates.items() for g in ALL_GENDERS}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The money of one set of rules: per association (after the cap) and per gender."""

    by_association: Mapping[str, ByGender]
    money_ore: ByGender
    capped: tuple[str, ...]  # associations whose sum was cut to the cap

    @property
    def cost_ore(self) -> int:
        return self.money_ore.total

    def within_band(self, low: Fraction) -> bool | None:
        """Whether each of K and M has at least ``low`` (e.g. 2/5 for 40/60) of the money."""
        shares = [self.money_ore.share(g) for g in KNOWN]
        return None if shares[0] is None else all(s >= low for s in shares)


@dataclass(frozen=True, slots=True)
class WhatIf:
    today: Outcome
    proposed: Outcome
    band_low: Fraction
    # the factor on the proposed rates of the gender with less money that would bring it to
    # ``band_low`` of the known-gender money, computed from the proposed outcome: exact when
    # no cap binds (a binding cap dampens the effect); 1 when already within the band,
    # None when that gender has no money at all (no factor helps)
    band_factor: Fraction | None
    band_gender: str | None

    @property
    def cost_change_ore(self) -> int:
        return self.proposed.cost_ore - self.today.cost_ore


def grant(counted: Iterable[Counted], rules: Rules) -> Outcome:
    """The money ``rules`` give the counted occasions: rate × deltagartillfällen + rate ×
    sammankomster per cell, exact in öre; an association whose sum exceeds the cap gets
    the cap, split over its cells by :func:`attribute` (in proportion to what each cell
    would have had; whole öre, largest remainder)."""
    cells: dict[str, dict[tuple[str, str], int]] = {}
    for c in counted:
        key = (c.gender, c.age_band)
        amount = (c.occasions * rules.per_occasion.get((c.age_band, c.gender), 0)
                  + c.meetings * rules.per_meeting.get((c.age_band, c.gender), 0))
        bucket = cells.setdefault(c.association, {})
        bucket[key] = bucket.get(key, 0) + amount
    by_association, capped = {}, []
    for association, amounts in cells.items():
        if rules.cap_ore is not None and sum(amounts.values()) > rules.cap_ore:
            amounts = attribute(rules.cap_ore, amounts)
            capped.append(association)
        sums = dict.fromkeys(ALL_GENDERS, 0)
        for (gender, _), amount in amounts.items():
            sums[gender] += amount
        by_association[association] = ByGender(sums[WOMEN], sums[MEN], sums[UNKNOWN])
    total = ByGender()
    for money in by_association.values():
        total = total + money
    return Outcome(by_association, total, tuple(capped))


def what_if(counted: Iterable[Counted], today: Rules, proposed: Rules, *,
            band_low: Fraction = Fraction(2, 5)) -> WhatIf:
    """Today's rules and the proposed rules applied to the same counted occasions, side by
    side.  ``band_low`` is the municipality's band target (2/5: the 40/60 band)."""
    counted = list(counted)
    if isinstance(band_low, bool | float) or not isinstance(band_low, int | Fraction) \
            or not Fraction(0) <= band_low <= Fraction(1, 2):
        raise ThreeRError("bandets nedre gräns ska ligga mellan 0 och 1/2")
    now, then = grant(counted, today), grant(counted, proposed)
    money = then.money_ore
    factor = gender = None
    if money.known:
        gender = WOMEN if money.women <= money.men else MEN
        less, more = money.get(gender), money.get(MEN if gender == WOMEN else WOMEN)
        if less:
            # k·less / (k·less + more) ≥ low  ⇔  k ≥ low·more / ((1 − low)·less)
            factor = max(Fraction(1), band_low * more / ((1 - band_low) * less))
    return WhatIf(now, then, band_low, factor, gender)

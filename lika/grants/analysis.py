"""Selectors of the 3R analysis (docs/grants-analysis.md, "In Lika"): the stored counts of
the applications turned into ``lika.core.three_r.Aggregate`` rows per programme and year of
one grant giver.  Reads only; the pages are in ``views_analysis``.

Each figure comes from one aggregated query (GROUP BY programme, year, gender, age band),
never a Python loop over the counts:

* participants, leaders, deltagartillfällen and money from ``ApplicationCount`` of the
  applications that are not withdrawn (a participant in two associations, or in two
  applications of one association, counts once per application: the clubs' participant ids
  are their own, so no person can be followed across them);
* board members from ``BoardMember`` of the associations that applied to the programme that
  year, in the bands ``0-17`` and ``18+`` (age by birth year; unknown birth year counts as
  ``18+``, an assumption: most boards are adults);
* premises hours from ``GrantApplication.premises_hours`` (premises grants), split over the
  association's members of that year by gender and age band (``MembershipCount``) in whole
  hundredths of an hour; an association without member counts puts its hours under unknown
  gender.
"""

from collections import defaultdict
from fractions import Fraction

from django.db import connection
from django.db.models import BigIntegerField, Case, F, Sum, Value, When

from lika.core import three_r

from .models import ApplicationCount, BoardMember, GrantApplication, MembershipCount, Programme

GENDER = {"F": three_r.WOMEN, "M": three_r.MEN, "": three_r.UNKNOWN}
BOARD_CHILD, BOARD_ADULT = "0-17", "18+"
UNKNOWN_BAND = "okänd ålder"


def money_by_cell():
    """The money attributed to one cell (programme, year, gender, age band), as an
    aggregate over ``ApplicationCount`` rows: what reaches the cell's people.

    * **Decided** applications: the **granted** amount, attributed to the cells in
      proportion to what each cell earned — ``cell amount × granted ÷ applied``, rounded
      down to whole öre per cell (so a cell gets at most one öre less than its exact share;
      a refused application gives 0).
    * **Not yet decided**: ``ApplicationCount.amount``, what the rules engine computed for
      the cell's deltagartillfällen at submission (after the cap).

    The rate per sammankomst itself is in no cell, so the cells add up to the money for the
    participants, not the application's whole total.  Change the attribution here only."""
    decided = F("amount") * F("application__decision__amount") / F("application__decision__applied_amount")
    return Sum(Case(
        When(application__decision__isnull=True, then=F("amount")),
        When(application__decision__applied_amount=0, then=Value(0)),
        default=decided, output_field=BigIntegerField()))


def _low(band: str) -> int:
    try:
        return int(band.replace("–", "-").split("-")[0].rstrip("+").strip())
    except ValueError:
        return 10**6  # labels that are no age range go last


def is_adult(band: str) -> bool:
    """``three_r.band_is_adult``; a label that is no age range (free text in a member
    count) counts as children, which only matters for rows that have participants."""
    try:
        return three_r.band_is_adult(band)
    except three_r.ThreeRError:
        return False


def _live():
    return GrantApplication.objects.exclude(status=GrantApplication.Status.WITHDRAWN)


def _applications(giver, years, programme=None):
    """The giver's applications in ``years`` that are not withdrawn (one programme or all)."""
    apps = _live().filter(programme__giver=giver, year__in=list(years))
    return apps if programme is None else apps.filter(programme=programme)


def activity_rows(giver, years, programme=None) -> list[three_r.Aggregate]:
    """Participants, leaders, deltagartillfällen and money per programme, year, gender and
    age band: one query."""
    cells = (ApplicationCount.objects
             .filter(application__programme__giver=giver, application__year__in=list(years))
             .exclude(application__status=GrantApplication.Status.WITHDRAWN))
    if programme is not None:
        cells = cells.filter(application__programme=programme)
    cells = (cells.values("application__programme__name", "application__year", "gender", "age_band")
             .annotate(n_participants=Sum("participants"), n_occasions=Sum("participations"),
                       n_leaders=Sum("leaders"), money=money_by_cell())
             .order_by())
    return [three_r.Aggregate(c["application__programme__name"], c["application__year"], GENDER[c["gender"]],
                              c["age_band"], participants=c["n_participants"], occasions=c["n_occasions"],
                              leaders=c["n_leaders"], money_ore=c["money"]) for c in cells]


def board_rows(giver, years, programme=None) -> list[three_r.Aggregate]:
    """Board members (of that year) of the associations that applied, by programme: one
    query.  The applications are first reduced to distinct (association, year, programme),
    so that two applications of one association (two half-years) count its board once
    without a COUNT(DISTINCT) over the join; SQL by hand for that derived table."""
    applied = (_applications(giver, years, programme)
               .values("association_id", "year", "programme_id").distinct().order_by())
    sub_sql, params = applied.query.sql_with_params()
    board, programmes = BoardMember._meta.db_table, Programme._meta.db_table
    sql = (f"SELECT p.name, b.year, b.gender, CASE WHEN b.birth_year IS NOT NULL AND b.year < b.birth_year + 18 "
           f"THEN 0 ELSE 1 END AS band, COUNT(*) FROM {board} b "
           f"JOIN ({sub_sql}) a ON a.association_id = b.association_id AND a.year = b.year "
           f"JOIN {programmes} p ON p.id = a.programme_id GROUP BY p.name, b.year, b.gender, band")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [three_r.Aggregate(name, year, GENDER[gender], BOARD_ADULT if band else BOARD_CHILD, board_members=n)
            for name, year, gender, band, n in found]


def premises_rows(giver, years, programme=None) -> list[three_r.Aggregate]:
    """Premises hours by gender and age band: each application's hours (two decimals) split
    over the association's members that year with ``three_r.attribute`` in hundredths of an
    hour (whole hundredths that add up to the application's hours; largest remainder).
    Two queries; the loop is over the premises applications and their member counts, not
    over attendance."""
    hours = list(_applications(giver, years, programme)
                 .filter(programme__kind=Programme.Kind.PREMISES, premises_hours__isnull=False)
                 .values("programme__name", "year", "association_id")
                 .annotate(hours=Sum("premises_hours")).order_by())
    members = defaultdict(list)
    for m in (MembershipCount.objects
              .filter(association_id__in={h["association_id"] for h in hours}, year__in=list(years))
              .values_list("association_id", "year", "gender", "age_band", "count")):
        members[(m[0], m[1])].append(m)
    cells = defaultdict(int)  # hundredths of an hour
    for h in hours:
        centi = int(h["hours"] * 100)
        counts = {(GENDER[g], band): n for _a, _y, g, band, n in members.get((h["association_id"], h["year"]), [])}
        if not any(counts.values()):
            cells[(h["programme__name"], h["year"], three_r.UNKNOWN, UNKNOWN_BAND)] += centi
            continue
        for (gender, band), share in three_r.attribute(centi, counts).items():
            cells[(h["programme__name"], h["year"], gender, band)] += share
    return [three_r.Aggregate(p, y, g, b, premises_hours=Fraction(v, 100)) for (p, y, g, b), v in cells.items()]


def unattributed_money(giver, years, programme=None) -> dict[tuple[str, int], int]:
    """Öre applied for in operating, project and premises grants, which have no counts by
    gender: in the programme's total but in no gender's money.  One query."""
    rows = (_applications(giver, years, programme).exclude(programme__kind=Programme.Kind.ACTIVITY)
            .values("programme__name", "year").annotate(money=Sum("total")).order_by())
    return {(r["programme__name"], r["year"]): r["money"] for r in rows}


def aggregates(giver, years, programme=None, *, detail_years=None) -> list[three_r.Aggregate]:
    """Every ``Aggregate`` of the giver's programmes (or one) in ``years`` (programme-level
    rows, ``association=""``), bands ordered by their lowest age.  Board members and
    premises hours only for ``detail_years`` (default: all): the comparison with earlier
    years uses participants and money only."""
    detail_years = list(years) if detail_years is None else list(detail_years)
    rows = [*activity_rows(giver, years, programme), *board_rows(giver, detail_years, programme),
            *premises_rows(giver, detail_years, programme)]
    return sorted(rows, key=lambda r: (r.group, r.year, _low(r.age_band), r.age_band,
                                       three_r.ALL_GENDERS.index(r.gender)))


def reports(rows, threshold_points=three_r.DEFAULT_GAP_THRESHOLD) -> dict[tuple[str, int], three_r.ThreeR]:
    """``three_r.analyse`` per (programme, year) of the rows."""
    return {(group, year): three_r.analyse(rows, group=group, year=year, threshold_points=threshold_points,
                                           is_adult=is_adult)
            for group, year in dict.fromkeys((r.group, r.year) for r in rows)}


def band_ages(band: str) -> tuple[int, int | None] | None:
    """``"7-12"`` → (7, 12), ``"26+"`` → (26, None); ``None`` for a label that is no ages."""
    text = band.strip().replace("–", "-")
    try:
        if text.endswith("+"):
            return int(text[:-1]), None
        low, _, high = text.partition("-")
        return int(low), int(high or low)
    except ValueError:
        return None


def population_year(year) -> int | None:
    """The population year used for a report year: the same year, else the latest before."""
    from .analysis_models import PopulationCount

    return (PopulationCount.objects.filter(year__lte=year).order_by("-year")
            .values_list("year", flat=True).first())


def population_by_band(year, bands) -> dict[tuple[str, str], int]:
    """Inhabitants of ``year`` per (K/M, band): the stored rows that lie wholly within the
    band are summed; a band that a stored row only partly covers gets no figure (it cannot
    be told), nor does a band without rows.  One query."""
    from .analysis_models import PopulationCount

    stored = list(PopulationCount.objects.filter(year=year).values_list("gender", "age_low", "age_high", "count"))
    out = {}
    for band in bands:
        ages = band_ages(band)
        if ages is None:
            continue
        low, high = ages
        for gender in ("F", "M"):
            total, partial, found = 0, False, False
            for g, a, b, n in stored:
                if g != gender:
                    continue
                inside = a >= low and (high is None or (b is not None and b <= high))
                touches = (b is None or b >= low) and (high is None or a <= high)
                if inside:
                    total, found = total + n, True
                elif touches:
                    partial = True
            if found and not partial:
                out[(GENDER[gender], band)] = total
    return out


def realia(programme, year):
    """The latest Realia version of the programme and year, or ``None``."""
    return programme.realia.filter(year=year).select_related("author").order_by("-version").first()


def realia_versions(programme, year):
    return list(programme.realia.filter(year=year).select_related("author").order_by("-version"))


# --- what-if --------------------------------------------------------------------------------

MEETING_BAND = "sammankomst"  # the Counted row that carries an association's sammankomster


def counted_occasions(programme, year) -> list[three_r.Counted]:
    """Last year's counted deltagartillfällen per association, gender and age band (one
    query over the counts) and each association's counted sammankomster (read from the
    applications' snapshots; sammankomster have no gender, so they are one row of unknown
    gender in the band ``sammankomst``)."""
    apps = _live().filter(programme=programme, year=year)
    cells = (ApplicationCount.objects.filter(application__in=apps)
             .values("application__association_id", "gender", "age_band")
             .annotate(occasions=Sum("participations")).order_by())
    out = [three_r.Counted(str(c["application__association_id"]), GENDER[c["gender"]], c["age_band"],
                           c["occasions"]) for c in cells if c["occasions"]]
    meetings = defaultdict(int)
    for association, result in apps.values_list("association_id", "result"):
        meetings[association] += sum(1 for o in (result or {}).get("occasions", []) if o.get("counted"))
    out += [three_r.Counted(str(a), three_r.UNKNOWN, MEETING_BAND, 0, n) for a, n in meetings.items() if n]
    return out


def rules_of(version) -> three_r.Rules:
    """A ``lika.core.grants.RuleVersion`` as the what-if's ``three_r.Rules``."""
    return three_r.Rules(
        per_occasion={(band, GENDER[g]): ore for (band, g), ore in version.participant_rates.items()},
        per_meeting={(MEETING_BAND, three_r.UNKNOWN): version.occasion_rate},
        cap_ore=version.cap_per_year)

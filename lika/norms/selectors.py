from django.db.models import Max

from lika.core.norms import NormTable, parse_norm_table

from .models import NormTableVersion


def norm_table_current(year: int) -> NormTableVersion | None:
    return NormTableVersion.objects.filter(year=year).order_by("-version").first()


def norm_table_for_year(year: int) -> NormTable | None:
    """The version in force for ``year`` as a core value, or None."""
    row = norm_table_current(year)
    return None if row is None else norm_table_value(row)


def norm_table_value(row: NormTableVersion) -> NormTable:
    return parse_norm_table(row.data, version=row.version)


def norm_tables_current() -> list[NormTableVersion]:
    """The version in force of every year, newest year first (one query)."""
    latest = NormTableVersion.objects.values("year").annotate(v=Max("version"))
    wanted = {(row["year"], row["v"]) for row in latest}
    rows = NormTableVersion.objects.select_related("created_by").order_by("-year", "-version")
    return [row for row in rows if (row.year, row.version) in wanted]


def norm_table_versions(year: int):
    return NormTableVersion.objects.filter(year=year).select_related("created_by").order_by("-version")


def norm_years() -> list[int]:
    """The years that have a norm table (any version), oldest first: the months of these
    years can be calculated."""
    return sorted(NormTableVersion.objects.values_list("year", flat=True).distinct())


def year_ranges(years) -> list[tuple[int, int]]:
    """[2017, 2018, 2019, 2021] → [(2017, 2019), (2021, 2021)]."""
    out = []
    for year in sorted(set(years)):
        if out and out[-1][1] == year - 1:
            out[-1] = (out[-1][0], year)
        else:
            out.append((year, year))
    return out

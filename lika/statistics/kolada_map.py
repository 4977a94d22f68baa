"""Kolada's key figures that Lika knows, and the Lika figure that measures (nearly) the
same thing for our own municipality (docs/kpi.md, "Kolada's key figures and Lika's").

Every id and title here was checked against Kolada's own material or copies of its KPI
metadata (sources in docs/kpi.md); a key figure whose id could not be verified is not
listed (it is still shown, under its id, when a file brings it).  Kolada's titles are
Kolada's names and stay in Swedish in every language.

``lika`` names the row of Lika's statistics report (its KPI id in ``figures.KPI_CATALOGUE``)
whose cells, divided by the inhabitants (Kolada's ``N01951`` for our municipality and the
year, from an imported file), give Lika's own figure.  ``difference`` says how the two
definitions differ; the page shows it beside the figures.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

POPULATION = "N01951"  # Invånare totalt, antal (the 31 December population, SCB)


@dataclass(frozen=True)
class KoladaKpi:
    kpi: str
    title: str
    kind: str  # how a value is written: "percent" (0–100), "kronor", "count", "days" (one decimal)
    lika: str | None = None  # the report row (by its Lika KPI id) behind our own figure
    difference: object = ""  # lazy Swedish text: how Lika's figure differs from Kolada's


KOLADA_KPIS = {
    "N31807": KoladaKpi(
        "N31807", "Invånare som någon gång under året erhållit ekonomiskt bistånd, andel (%)", "percent",
        lika="LIKA_PAID_RECIPIENTS",
        difference=gettext_lazy(
            "Kolada räknar alla invånare i hushåll som fått ekonomiskt bistånd under året, barn inräknade "
            "(Socialstyrelsens register), delat med invånarna den 31 december. Lika räknar de vuxna som fått "
            "en utbetalning från Lika under året, delat med samma invånarantal: Likas andel blir därför lägre "
            "och bistånd som betalats utanför Lika saknas.")),
    "N31001": KoladaKpi(
        "N31001", "Kostnad ekonomiskt bistånd, kr/inv", "kronor",
        lika="LIKA_PAID_KRONOR",
        difference=gettext_lazy(
            "Kolada redovisar kommunens bruttokostnad för ekonomiskt bistånd enligt räkenskapssammandraget "
            "(SCB), med utredningskostnader men utan försörjningsstöd till flyktinghushåll, per invånare den "
            "31 december. Lika visar det bistånd som Lika har betalat ut under året per invånare, utan "
            "kostnader för handläggning."),
    ),
    POPULATION: KoladaKpi(POPULATION, "Invånare totalt, antal", "count"),
}


def kolada_kpi(kpi: str) -> KoladaKpi:
    """What Lika knows of a Kolada id; an unknown one is shown under its id with one decimal."""
    return KOLADA_KPIS.get(kpi) or KoladaKpi(kpi, kpi, "days")

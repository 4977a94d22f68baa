"""The grants figures in the statistics report of the whole municipality, the KPI export
and the comparison page (figures of tests/grants/analysis_data.py worked out by hand)."""

from decimal import Decimal

import pytest

from lika.core.periods import Period
from lika.statistics import figures
from lika.statistics.kpi_exchange import records_from_report
from lika.statistics.views_comparison import comparison_for_year
from tests.grants import analysis_data


@pytest.fixture
def data(municipality, admin_user):
    return analysis_data.build(admin_user)


def _values(records):
    return {(r.kpi, v.gender): v.value for r in records if r.kpi.startswith("LIKA_GRANTS") for v in r.values}


def test_the_kpi_export_holds_the_grants_shares(data):
    report = figures.build_report(period=Period.of_year(2026), unit=None)
    values = _values(records_from_report(report))
    # 10 girls and 20 boys 7-12; money 2 000 and 3 200 kr (the withdrawn application left out)
    assert values[("LIKA_GRANTS_PARTICIPANTS_CHILDREN", "K")] == 10
    assert values[("LIKA_GRANTS_PARTICIPANTS_CHILDREN", "M")] == 20
    assert values[("LIKA_GRANTS_PARTICIPANT_SHARE_CHILDREN", "K")] == Decimal("33.3")
    assert values[("LIKA_GRANTS_MONEY_SHARE_CHILDREN", "K")] == Decimal("38.5")
    assert values[("LIKA_GRANTS_MONEY_SHARE_CHILDREN", "M")] == Decimal("61.5")
    # no adult participants: counts 0, shares undefined and left out
    assert values[("LIKA_GRANTS_PARTICIPANTS_ADULTS", "T")] == 0
    assert ("LIKA_GRANTS_MONEY_SHARE_ADULTS", "K") not in values
    grants = report.figure("grants")
    assert [t.caption for t in grants.tables][2:] == ["Kultur- och fritidsnämnden: under 18 år",
                                                      "Kultur- och fritidsnämnden: 18 år och äldre"]


def test_a_month_report_has_no_grants_figure(data):
    report = figures.build_report(period=Period.of_month(2026, 3), unit=None)
    with pytest.raises(KeyError):
        report.figure("grants")


def test_small_counts_are_hidden_in_the_export(admin_user, municipality):
    from lika.grants.models import ApplicationCount

    analysis_data.build(admin_user)
    ApplicationCount.objects.filter(gender="F", age_band="7-12", application__year=2026).update(participants=2)
    values = _values(records_from_report(figures.build_report(period=Period.of_year(2026), unit=None)))
    assert values[("LIKA_GRANTS_PARTICIPANTS_CHILDREN", "K")] is None  # status ..
    assert values[("LIKA_GRANTS_MONEY_SHARE_CHILDREN", "K")] is None


def test_the_comparison_page_shows_them_beside_a_peer(data):
    from lika.statistics.peers import seed_peers

    report = figures.build_report(period=Period.of_year(2026), unit=None)
    seed_peers(seed=1, years=[2026], own={2026: records_from_report(report)})
    kpis = {k.kpi for k in comparison_for_year(2026).kpis}
    assert "LIKA_GRANTS_MONEY_SHARE_CHILDREN" in kpis


def test_the_statistics_exports_carry_the_grants_figure(data):
    from lika.statistics.exports import report_csv, report_pdf_html, report_xlsx

    report = figures.build_report(period=Period.of_year(2026), unit=None)
    csv_text = report_csv(report).decode("utf-8-sig")
    assert "Alla bidragsgivare: under 18 år" in csv_text and ";grants;" in csv_text
    assert report_xlsx(report)[:2] == b"PK"
    assert "Föreningsbidrag: deltagare och pengar efter kön" in report_pdf_html(report)

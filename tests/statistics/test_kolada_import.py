"""Pages of Kolada's API into the comparison (issue #14): the saved example answer in
``lika/statistics/data/kolada-exempel`` (written by hand in Kolada's documented format,
made-up values, the fictional municipality 9999 Exempelby and four real codes) imports
with ``lika kpi import`` and appears on the comparison page with every municipality, our
own first, Kolada's value beside Lika's own figure.  Runs on SQLite and PostgreSQL."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import lika.statistics
from lika.audit.models import AccessLogEntry
from lika.statistics import figures
from lika.statistics.kpi_exchange import KpiImportError, import_file, import_files
from lika.statistics.models import ImportedKpiValue
from tests.statistics.test_kpi_exchange import make_report, own_rows

EXAMPLE = Path(lika.statistics.__file__).resolve().parent / "data" / "kolada-exempel"
NBSP = "\u00a0"
URL = reverse("statistics_comparison")


@pytest.fixture
def own_report(monkeypatch):
    monkeypatch.setattr(figures, "build_report", lambda *, period, unit=None, threshold=None:
                        make_report(own_rows(), period=period))


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "kolada"
    shutil.copytree(EXAMPLE, folder)
    return folder


def kpi(*args):
    out = StringIO()
    call_command("kpi", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def stored():
    return sorted((v.kpi, v.municipality, v.municipality_name, v.period, v.gender, v.count, v.value, v.status)
                  for v in ImportedKpiValue.objects.all())


def page(values, **top):
    return json.dumps({"count": len(values), "values": values, **top})


def test_the_example_pages_import_and_show_every_municipality(client, stina, municipality, own_report, pages):
    out = kpi("import", str(pages), "--user", "stina")  # a directory: its three .json files
    assert out == ("17 värden för 5 kommuner från Kolada inlästa (2 sidor); hoppade över "
                   "kommungrupper 1, regioner eller riket 1, tomma värden 1.\n")
    rows = stored()
    assert ("N31807", "9999", "Exempelby", "2023", "K", 1, pytest.approx(3.9), "") in [
        (k, c, n, p, g, cnt, float(v), s) for k, c, n, p, g, cnt, v, s in rows if v is not None]
    names = {code: name for _k, code, name, *_rest in rows}
    assert names == {"9999": "Exempelby", "0180": "Stockholm", "0188": "Norrtälje", "1280": "Malmö",
                     "2584": "Kiruna"}, "the municipality list, then SCB's codes"
    assert {count for *_r, count, _v, _s in rows} == {1, None}, "Kolada's count: one municipality"
    kiruna_k = next(r for r in rows if r[1] == "2584" and r[4] == "K")
    assert (kiruna_k[5], kiruna_k[6], kiruna_k[7]) == (None, None, "Saknas")
    assert not any(r[1] == "0188" and r[4] == "M" for r in rows), "an empty value is not stored"
    (log,) = AccessLogEntry.objects.filter(object_type="kpi_import")
    assert log.actor == stina and log.new_values["pages"] == 2 and log.new_values["values"] == 17

    client.force_login(stina)
    response = client.get(URL, {"ar": "2023"})
    assert response.status_code == 200
    data = response.context["comparison"]
    assert data.municipalities == 4 and [item.kpi for item in data.kolada] == ["N01951", "N31807"]
    share = data.kolada[1]
    assert share.title == "Invånare som någon gång under året erhållit ekonomiskt bistånd, andel (%)"
    assert [(row.code, row.own, row.lika) for row in share.rows] == [
        ("9999", True, False), ("9999", True, True),  # ours: Kolada's value, then Lika's own figure
        ("2584", False, False), ("1280", False, False), ("0188", False, False), ("0180", False, False)]
    pct = f"{NBSP}%"
    assert share.rows[0].texts == (f"3,9{pct}", f"4,4{pct}", f"4,2{pct}")
    assert share.rows[0].spread == f"−0,5{NBSP}procentenheter"
    # Lika: people paid 120 / 95 / 215 (the report) per inhabitants 6 010 / 6 190 / 12 200 (N01951)
    # = 1,997 % / 1,535 % / 1,762 %
    assert share.rows[1].texts == (f"2,0{pct}", f"1,5{pct}", f"1,8{pct}")
    assert share.rows[1].spread == f"+0,5{NBSP}procentenheter"
    assert share.rows[2].texts == ("–", f"2,2{pct}", f"2,4{pct}") and share.rows[2].name == "Kiruna"
    assert share.rows[4].texts == (f"3,1{pct}", "–", f"3,4{pct}")
    assert share.difference.startswith("Kolada räknar alla invånare") and not share.population_missing
    population = data.kolada[0]
    assert population.rows[0].texts == (f"6{NBSP}010", f"6{NBSP}190", f"12{NBSP}200")
    assert [row.lika for row in population.rows] == [False], "no Lika figure for the population"
    html = response.content.decode()
    assert "<strong>Exempelby kommun</strong> (vår kommun) enligt Lika" in html
    assert "Nyckeltal från Kolada" in html and "Källa: Kolada" in html and "(Kolada N31807)" in html
    assert 'class="own lika"' in html and "Stockholm" in html and "Malmö" in html


def test_a_page_missing_is_refused_and_nothing_is_imported(municipality, pages):
    for args, message in [
        ([pages / "sida-1.json"], "sida 2 saknas"),
        ([pages / "sida-2.json"], "sida 1 saknas"),
        ([pages / "sida-1.json", pages / "sida-1.json"], "sida 1 finns redan i sida-1.json"),
        ([pages / "kommuner.json"], "bara Koladas kommunlista"),
    ]:
        with pytest.raises(CommandError) as error:
            kpi("import", *map(str, args))
        assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)
    assert not ImportedKpiValue.objects.exists() and not AccessLogEntry.objects.filter(object_type="kpi_import")


@pytest.mark.parametrize(("document", "message"), [
    (page([{"kpi": "N15033", "ou": "V15E144001301", "period": 2023, "values": []}]), "enhetsdata (ou)"),
    (page([{"kpi": "N31807", "municipality": "1280", "period": 2023,
            "values": [{"count": 3, "gender": "T", "status": "", "value": 1}]}]), "count ska vara 1"),
    (page([{"kpi": "N31807", "municipality": "G1", "period": 2023,
            "values": [{"count": 3, "gender": "T", "status": "", "value": 1}]}]), "bara kommungrupper 1"),
    (json.dumps({"count": 5, "values": []}), "count: sidan säger 5 poster men values har 0"),
    (page([{"kpi": "N31807", "municipality": "1280", "period": 2023,
            "values": [{"count": 1, "gender": "T", "status": "mycket lång status", "value": 1}]}]), "längre än 10"),
    (page([], next_page="http://api.kolada.se/v2/data/kpi/N31807/year/2023"), "har inget sidnummer"),
])
def test_bad_kolada_pages_exit_2_with_one_line(municipality, tmp_path, document, message):
    path = tmp_path / "kolada.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        kpi("import", str(path))
    assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)
    assert not ImportedKpiValue.objects.exists()


def test_a_new_page_replaces_only_its_own_key_figures(municipality, pages, tmp_path):
    import_files([pages])
    update = tmp_path / "uppdatering.json"  # Kolada v3, with from_date: a revised and a deleted value
    update.write_text(page([{"kpi": "N31807", "municipality": "0180", "period": "2023", "values": [
        {"count": 1, "gender": "T", "status": "", "value": 3.0, "isdeleted": False},
        {"gender": "K", "count": 1, "status": "", "value": None, "isdeleted": True}]}], next_url=None))
    result = import_file(update)
    assert (result.municipality, result.name, result.values, result.pages) == ("0180", "Stockholm", 1, 1)
    stockholm = [r[4:7] for r in stored() if r[1] == "0180"]
    assert [(g, c, float(v)) for g, c, v in stockholm] == [("T", 1, 3.0)], "K deleted, M gone with the key"
    assert len([r for r in stored() if r[0] == "N01951"]) == 3, "other key figures are kept"
    assert len(stored()) == 17 - 3 + 1


def test_lika_files_of_version_1_lose_their_counts_of_people(db, tmp_path):
    path = tmp_path / "gammal.json"
    path.write_text(json.dumps({"format": "lika-kpi", "version": 1, "municipality": "0685",
                                "municipality_name": "Vetlanda", "values": [
                                    {"kpi": "LIKA_PAID_RECIPIENTS", "municipality": "0685", "period": "2025",
                                     "values": [{"gender": "T", "count": 215, "status": "", "value": 215}]}]}))
    import_file(path)
    assert [(v.count, v.value) for v in ImportedKpiValue.objects.all()] == [(None, 215)]


def test_the_database_keeps_kolada_s_count(db):
    row = {"kpi": "N31807", "municipality": "1280", "period": "2023", "gender": "T", "value": 1,
           "imported_at": timezone.now()}
    ImportedKpiValue.objects.create(count=1, **row)
    ImportedKpiValue.objects.create(count=None, **{**row, "gender": "K"})
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportedKpiValue.objects.create(count=215, **{**row, "gender": "M"})  # people, not municipalities


def test_an_empty_directory_is_an_error(db, tmp_path):
    (tmp_path / "tom").mkdir()
    with pytest.raises(KpiImportError, match="katalogen har inga .json-filer"):
        import_files([tmp_path / "tom"])

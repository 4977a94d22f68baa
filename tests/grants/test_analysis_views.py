"""The 3R pages and their writes (Realia, population, what-if) on SQLite and PostgreSQL,
with the figures of tests/grants/analysis_data.py worked out by hand."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.grants import analysis, analysis_services
from lika.grants.analysis_models import PopulationCount, RealiaText
from lika.grants.models import ProgrammeRuleVersion
from tests.grants import analysis_data
from tests.grants.helpers import RULES, upload

NBSP = "\u00a0"

POPULATION = """"Folkmängden efter region, ålder, kön och år"

"region","ålder","kön","2025","2026"
"0188 Norrtälje","7 år","män",5,5
"0188 Norrtälje","7 år","kvinnor",5,5
{rows}"0188 Norrtälje","totalt ålder","kvinnor",1000,1000
"""


def population_file():
    rows = ""
    for age in range(8, 13):
        rows += f'"0188 Norrtälje","{age} år","män",{5 if age < 12 else 15},{5 if age < 12 else 15}\n'
        rows += f'"0188 Norrtälje","{age} år","kvinnor",5,5\n'
    return POPULATION.format(rows=rows)


@pytest.fixture
def data(admin_user):
    giver, activity, premises = analysis_data.build(admin_user)
    ProgrammeRuleVersion.objects.create(programme=activity, valid_from="2025-01-01",
                                        rules={**RULES, "valid_from": "2025-01-01"}, created_by=admin_user)
    return giver, activity, premises


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode().replace(NBSP, " "))


def test_the_giver_page_shows_shares_per_programme(client, stina, data):
    giver, activity, _premises = data
    client.force_login(stina)
    page = _text(client.get(reverse("three_r_giver", kwargs={"giver_id": giver.pk, "year": 2026})))
    # girls: 1/3 of the participants, 5/13 of the money, +5.1 points; boys the opposite
    assert "33,3 %" in page and "38,5 %" in page and "+5,1" in page and "−5,1" in page
    assert "<svg" in page and 'role="img"' in page


def test_the_programme_page_worked_out_by_hand(client, stina, data):
    giver, activity, _premises = data
    client.force_login(stina)
    url = reverse("three_r_programme", kwargs={"giver_id": giver.pk, "year": 2026, "programme_id": activity.pk})
    page = _text(client.get(url))
    assert "200 kr" in page and "160 kr" in page  # per participant, girls and boys
    assert "10 kr" in page and "8 kr" in page  # per deltagartillfälle
    assert "2 000 kr" in page and "3 200 kr" in page
    assert "Ingen folkmängd är inlagd" in page
    # earlier years: 2025 girls 25 % of people and money (gap ±0), 2026 gap +5.1; 20 -> 30 people
    history = page[page.index("Kvinnor och flickor per år"):]
    assert re.search(r"2025</th><td class=\"num\">25,0 %</td><td class=\"num\">25,0 %</td><td class=\"num\">±0,0", history)
    assert re.search(r"2026</th>.*?\+5,1</td><td class=\"num\">\+5,1</td><td class=\"num\">30</td>"
                     r"<td class=\"num\">\+10</td>", history)
    assert AccessLogEntry.objects.filter(object_type="grants.three_r_report", action="read").count() == 1


def test_small_counts_are_hidden(client, stina, admin_user, data):
    giver, activity, _premises = data
    client.force_login(stina)
    # 2025: 5 girls and 15 boys are shown; the leaders 2026 (1 woman, 2 men) are hidden
    url = reverse("three_r_programme", kwargs={"giver_id": giver.pk, "year": 2026, "programme_id": activity.pk})
    page = client.get(url).content.decode()
    leaders = page[page.index("Ledare per åldersintervall"):page.index("Styrelseledamöter")]
    assert "..</abbr>" in leaders and ">1<" not in leaders and ">2<" not in leaders


def test_realia_is_versioned_logged_and_shown_next_year(client, stina, data):
    giver, activity, _premises = data
    client.force_login(stina)
    url = reverse("three_r_programme", kwargs={"giver_id": giver.pk, "year": 2025, "programme_id": activity.pk})
    response = client.post(url, {"action": "realia", "why": "Fler pojklag.", "measures": "Starta tjejlag.",
                                 "based_on": 0})
    assert response.status_code == 302
    client.post(url, {"action": "realia", "why": "Fler pojklag, och tiderna.", "measures": "", "based_on": 1})
    assert list(RealiaText.objects.values_list("version", "why")) == [(1, "Fler pojklag."),
                                                                     (2, "Fler pojklag, och tiderna.")]
    assert AccessLogEntry.objects.filter(object_type="grants.realiatext").count() == 2
    # someone still on version 1 does not overwrite version 2
    stale = client.post(url, {"action": "realia", "why": "Annan text", "measures": "", "based_on": 1})
    assert "Någon har sparat en nyare version" in stale.content.decode()
    assert RealiaText.objects.count() == 2
    next_year = reverse("three_r_programme", kwargs={"giver_id": giver.pk, "year": 2026, "programme_id": activity.pk})
    page = client.get(next_year).content.decode()
    assert "Förra årets Realia (2025)" in page and "Fler pojklag, och tiderna." in page


def test_realia_rows_never_change(stina, data):
    _giver, activity, _premises = data
    text = analysis_services.realia_save(acting_user=stina, programme=activity, year=2026, why="Varför",
                                         measures="", based_on=0)
    with pytest.raises(ValidationError):
        text.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        RealiaText.objects.filter(pk=text.pk).update(why="ändrad")
    with pytest.raises(IntegrityError), transaction.atomic():
        RealiaText.objects.filter(pk=text.pk).delete()


def test_only_analysts_and_administrators_write(alice, data):
    _giver, activity, _premises = data
    with pytest.raises(PermissionDenied):
        analysis_services.realia_save(acting_user=alice, programme=activity, year=2026, why="x", measures="",
                                      based_on=0)


def test_population_import_and_coverage(client, stina, data):
    giver, activity, _premises = data
    client.force_login(stina)
    response = client.post(reverse("three_r_population"),
                           {"action": "import", "file-file": upload(population_file(), "be0101.csv")})
    assert response.status_code == 302
    assert PopulationCount.objects.filter(year=2026).count() == 12  # 6 ages × 2 genders; the total row skipped
    # 7-12 in 2026: 30 girls, 40 boys; participants 10 girls, 20 boys -> 33.3 % and 50.0 %
    assert analysis.population_by_band(2026, ["7-12", "13-25"]) == {("K", "7-12"): 30, ("M", "7-12"): 40}
    url = reverse("three_r_programme", kwargs={"giver_id": giver.pk, "year": 2026, "programme_id": activity.pk})
    page = _text(client.get(url))
    coverage = page[page.index("Andel av befolkningen i samma åldrar"):]
    assert "33,3 %" in coverage and "50,0 %" in coverage
    assert AccessLogEntry.objects.filter(object_type="grants.populationcount").count() == 1


def test_a_bad_population_file_is_reported_by_line_and_saves_nothing(client, stina):
    client.force_login(stina)
    bad = population_file().replace('"8 år","män",5', '"8 år","män",..').replace('"9 år","kvinnor"', '"9 år","okänt"')
    page = client.post(reverse("three_r_population"), {"action": "import", "file-file": upload(bad, "b.csv")})
    text = page.content.decode()
    assert "Rad 6" in text and "Rad 9" in text
    assert PopulationCount.objects.count() == 0


def test_population_entered_by_hand_may_not_overlap(client, stina):
    client.force_login(stina)
    form = {"action": "enter", "entry-year": 2026, "entry-gender": "F", "entry-age_low": 7, "entry-age_high": 12,
            "entry-count": 30, "entry-source": "SCB"}
    assert client.post(reverse("three_r_population"), form).status_code == 302
    overlapping = client.post(reverse("three_r_population"), {**form, "entry-age_low": 10, "entry-age_high": 15})
    assert "överlappar" in overlapping.content.decode()
    assert PopulationCount.objects.count() == 1


def test_what_if_a_higher_rate_for_girls(client, stina, data):
    """The rules of tests/grants/helpers.py: 7-12 F 10 kr, M 8 kr, 30 kr per sammankomst.
    The 2026 applications were stored with 10 kr per deltagartillfälle for both (fictional
    counts), so today's rules give 200 × 10 = 2 000 kr to girls and 400 × 8 = 3 200 kr to
    boys (no sammankomster in the counts).  Proposed 7-12 F 14 kr: girls 2 800 kr,
    cost +800 kr; girls' share 2 800 / 6 000 = 46.7 %."""
    giver, activity, _premises = data
    client.force_login(stina)
    url = reverse("three_r_what_if", kwargs={"giver_id": giver.pk, "year": 2026, "programme_id": activity.pk})
    form = _text(client.get(url))
    assert 'name="rate_7-12_K" value="10"' in form and 'name="rate_7-12_M" value="8"' in form
    params = {"meeting_rate": "30", "cap": "", "band_low": "40", "rate_7-12_K": "14", "rate_7-12_M": "8",
              "rate_7-12_U": "8", "rate_13-25_K": "6", "rate_13-25_M": "6", "rate_13-25_U": "6"}
    page = _text(client.post(url, params))
    assert "2 000,00 kr" in page and "2 800,00 kr" in page and "3 200,00 kr" in page
    assert "Förändring av kostnaden: 800,00 kr" in page
    assert "46,7 %" in page
    bad = _text(client.post(url, {**params, "rate_7-12_K": "tio", "cap": "-5"}))
    assert "ange ett belopp i kronor" in bad and "får inte vara negativt" in bad


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_analysts_saving_realia_at_once_never_overwrite_each_other(admin_user, stina):
    """Both start from version 0 and press save together: the programme's row lock makes
    the second see the first's version 1, so it is refused with the Swedish message and
    exactly one version exists (without the lock both would compute version 1 and one
    would fail on the unique constraint instead of a message)."""
    from tests.threads import race

    _giver, activity, _premises = analysis_data.build(admin_user)

    def save(text):
        return lambda: analysis_services.realia_save(acting_user=stina, programme=activity, year=2026, why=text,
                                                     measures="", based_on=0)

    results = race(save("Först"), save("Samtidigt"), expected=(ValidationError,))
    saved = [r for r in results if isinstance(r, RealiaText)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1
    assert "Någon har sparat en nyare version" in refused[0].messages[0]
    assert RealiaText.objects.count() == 1


def test_a_year_out_of_range_is_not_found(client, stina, data):
    giver, activity, _premises = data
    client.force_login(stina)
    assert client.get(reverse("three_r_giver", kwargs={"giver_id": giver.pk, "year": 99999})).status_code == 404
    assert client.get(reverse("three_r_what_if", kwargs={"giver_id": giver.pk, "year": 0,
                                                         "programme_id": activity.pk})).status_code == 404

"""The statistics page and its exports: who may see them, the choice of period and unit,
bad input, and that nothing personal is shown."""

from datetime import date

import pytest
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.statistics import refresh
from lika.statistics.models import Refresh
from tests.conftest import PASSWORD
from tests.payments.test_run import month_of_decisions  # noqa: F401 (a fixture)
from tests.statistics.test_figures import paid_month  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
URL = "/statistik/"


def _client(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("who, status", [("alice", 403), ("petra", 403), ("stina", 200), ("bob", 200),
                                         ("admin_user", 200)])
def test_who_may_see_the_statistics(client, request, who, status):
    user = request.getfixturevalue(who)
    assert _client(client, user).get(URL).status_code == status
    assert client.get(reverse("statistics_export", kwargs={"fmt": "csv"}) + "?typ=year&ar=2026").status_code \
        == (status if status == 403 else 200)


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_shows_every_figure_with_tables_and_charts(client, stina, paid_month):  # noqa: F811
    response = _client(client, stina).get(URL, {"typ": "month", "ar": "2026", "manad": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    for title in ("Utbetalt bistånd", "Par: delad utbetalning och undantag", "Registerledare och sökande",
                  "Egen plan och aktiviteter", "Möten: enskilda och gemensamma", "Försörjningshinder",
                  "Långvarigt bistånd", "Avslut till egen försörjning"):
        assert title in html
    assert html.count("<svg") >= 5 and 'role="img"' in html
    assert ">..</abbr>" in html  # small counts hidden
    # no person: not a name, not a personnummer
    from lika.households.models import Person
    for person in Person.objects.all():
        assert person.identity_number not in html and person.last_name not in html
    entry = AccessLogEntry.objects.filter(object_type="statistics").latest("id")
    assert entry.actor == stina and "2026-12" in entry.summary and entry.person_id is None


@pytest.mark.parametrize("query, message", [
    ({"typ": "month", "ar": "2026"}, "Fyll i månad"),
    ({"typ": "custom", "ar": "2026", "fran": "2026-05", "till": "2026-04"}, "före början"),
    ({"typ": "custom", "ar": "2026", "fran": "2026-05-01", "till": "2026-05-15"}, "Ange en hel månad som ÅÅÅÅ-MM"),
    ({"typ": "custom", "ar": "2026", "fran": "maj", "till": "2026-06"}, "Ange en hel månad som ÅÅÅÅ-MM"),
    ({"typ": "year", "ar": "1999"}, ""),
    ({"typ": "nonsense", "ar": "2026"}, ""),
    ({"typ": "year", "ar": "2026", "enhet": "999999"}, "Välj ett giltigt alternativ"),
    ({"typ": "year", "ar": "2026", "enhet": "norr"}, "Välj ett giltigt alternativ"),
])
def test_a_bad_choice_gets_a_swedish_message(client, stina, query, message):
    response = _client(client, stina).get(URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and message in html
    export = client.get(reverse("statistics_export", kwargs={"fmt": "xlsx"}), query)
    assert export.status_code == 400 and "Ogiltigt urval" in export.content.decode()


def test_unknown_export_format_is_404(client, stina):
    assert _client(client, stina).get("/statistik/export.doc?typ=year&ar=2026").status_code == 404


@pytest.mark.parametrize("fmt, start", [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_exports_download(client, stina, paid_month, fmt, start):  # noqa: F811
    response = _client(client, stina).get(reverse("statistics_export", kwargs={"fmt": fmt}),
                                          {"typ": "quarter", "ar": "2026", "kvartal": "4"})
    assert response.status_code == 200 and response.content.startswith(start)
    assert "statistik-9999-2026-Q4" in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(object_type="statistics", action="export").exists()


def test_refresh_button_refreshes_the_years_of_the_period(client, stina, paid_month):  # noqa: F811
    _client(client, stina).get(URL, {"typ": "year", "ar": "2026"})
    before = Refresh.objects.get(year=2026).refreshed_at
    response = client.post(URL, {"typ": "year", "ar": "2026"})
    assert response.status_code == 302 and "ar=2026" in response["Location"]
    assert Refresh.objects.get(year=2026).refreshed_at > before


def test_unit_choice_limits_the_figures(client, stina, unit_b, paid_month):  # noqa: F811
    response = _client(client, stina).get(URL, {"typ": "month", "ar": "2026", "manad": "12",
                                                 "enhet": unit_b.pk})
    assert response.status_code == 200
    assert f"{unit_b.name}, december 2026" in response.content.decode()
    assert date(2026, 12, 1)  # the month exists in the demo of the fixture


def test_refresh_command(paid_month, capsys):  # noqa: F811
    from django.core.management import call_command

    call_command("statistics", "refresh")
    assert "2026: uppdaterat" in capsys.readouterr().out
    assert Refresh.objects.filter(year=2026).exists()


@pytest.mark.parametrize("args, message", [([], "ange vad som ska göras"),
                                           (["refresh", "--year", "20x6"], "--year ska vara ett årtal")])
def test_refresh_command_bad_input_exits_2(db, args, message):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "lika", "statistics", *args], capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_export_is_rendered_once_per_content(client, stina, paid_month, monkeypatch):  # noqa: F811
    from lika.statistics import views

    calls = []
    real = views.FORMATS["pdf"]
    monkeypatch.setitem(views.FORMATS, "pdf", (real[0], lambda report: calls.append(report) or b"%PDF-x"))
    _client(client, stina)
    url = reverse("statistics_export", kwargs={"fmt": "pdf"})
    for _ in range(2):
        assert client.get(url, {"typ": "month", "ar": "2026", "manad": "12"}).content == b"%PDF-x"
    assert len(calls) == 1  # the same figures: the cached file
    client.get(url, {"typ": "month", "ar": "2026", "manad": "11"})
    assert len(calls) == 2  # other figures: rendered
    refresh.refresh_year(2026)  # a new refresh time is new content
    client.get(url, {"typ": "month", "ar": "2026", "manad": "12"})
    assert len(calls) == 3


def test_the_page_draws_its_charts_once_per_content_and_language(client, stina, paid_month, monkeypatch):  # noqa: F811
    from lika.statistics import views

    drawn = []
    real = views.chart_svg
    monkeypatch.setattr(views, "chart_svg", lambda chart, key: drawn.append(key) or real(chart, key))
    _client(client, stina)
    url = reverse("statistics")
    query = {"typ": "month", "ar": "2026", "manad": "12"}
    first = client.get(url, query).content.decode()
    charts = len(drawn)
    assert charts > 0 and first.count("<svg") >= charts  # drawn, and not escaped on the way
    second = client.get(url, query).content.decode()
    assert len(drawn) == charts and second.count("<svg") == first.count("<svg")  # from the cache
    client.get(url, {**query, "manad": "11"})
    assert len(drawn) == 2 * charts  # other figures: drawn
    client.cookies["django_language"] = "en"
    client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
    assert len(drawn) == 3 * charts  # the same figures in English: drawn in English


def test_the_page_reads_the_municipality_once(client, stina, paid_month, settings):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LIKA_MUNICIPALITY_NAME = ""
    _client(client, stina)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(URL, {"typ": "year", "ar": "2026"}).content.decode()
    assert '<span class="muni">Exempelby kommun</span>' in html
    assert sum('FROM "accounts_municipality"' in q["sql"] for q in queries.captured_queries) == 1

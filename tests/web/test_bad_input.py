"""Query parameters are outside input: a NUL character or an over-long value gets a Swedish
400 page before any view reads it (``lika.web.parameters``), on every page; other values get
the page or the form's own message, never a 500 (docs/security.md, "Bad input and faults").

Reproduced: ``/arenden/?q=%00`` was a 500 on PostgreSQL (a NUL cannot be compared)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.core.limits import MAX_PARAMETER_LENGTH

pytestmark = pytest.mark.django_db
DB_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# (page, who may see it, the parameters it reads)
PAGES = [
    ("case_list", "alice", ["q", "status", "mine", "handlaggare", "att_gora", "sortering", "sida"]),
    ("access_log", "bob", ["identity_number", "username", "action", "date_from", "date_to", "page"]),
    ("statistics", "stina", ["typ", "ar", "manad", "tertial", "kvartal", "fran", "till", "enhet"]),
    ("statistics_comparison", "stina", ["ar"]),
    ("payment_runs", "petra", ["sida"]),
]


@pytest.fixture
def users(alice, bob, stina, petra):
    return {"alice": alice, "bob": bob, "stina": stina, "petra": petra}


def test_a_nul_in_the_case_search_is_a_400_with_a_swedish_line(client, alice):
    client.force_login(alice)
    logged = AccessLogEntry.objects.count()
    response = client.get("/arenden/?q=%00")
    assert response.status_code == 400
    assert "otillåtet tecken (NUL)" in response.content.decode()
    assert AccessLogEntry.objects.count() == logged, "refused before the view searched (and logged)"


@pytest.mark.parametrize(("page", "user", "names"), PAGES)
def test_nul_and_over_long_parameters_are_refused_on_every_page(client, users, page, user, names):
    client.force_login(users[user])
    url = reverse(page)
    for name in names:
        nul = client.get(url, {name: "ab\x00c"})
        assert nul.status_code == 400 and "NUL" in nul.content.decode(), (page, name)
        long = client.get(url, {name: "x" * (MAX_PARAMETER_LENGTH + 1)})
        assert long.status_code == 400 and "för lång" in long.content.decode(), (page, name)
    assert client.get(url, {"x\x00": "1"}).status_code == 400
    assert client.get(url, {f"p{i}": "1" for i in range(60)}).status_code == 400


parameter_values = st.one_of(
    st.text(max_size=30),
    st.text(max_size=MAX_PARAMETER_LENGTH + 20),
    st.from_regex(r"[0-9-]{0,12}", fullmatch=True),
    st.sampled_from(["\x00", "open", "closed", "1", "2026", "2026-13-40", "9" * 5000, "19850303-4129", "%00"]),
)


@DB_SETTINGS
@given(index=st.integers(0, len(PAGES) - 1), values=st.lists(parameter_values, min_size=1, max_size=8))
def test_generated_parameters_never_give_a_500(client, users, index, values):
    page, user, names = PAGES[index]
    client.force_login(users[user])
    query = dict(zip(names, values, strict=False))
    response = client.get(reverse(page), query)
    bad = any("\x00" in value or len(value) > MAX_PARAMETER_LENGTH for value in query.values())
    if bad:
        assert response.status_code == 400 and "Sidan kunde inte visas" in response.content.decode()
    else:  # the page, or the page with its form's message (the statistics page answers 400 then)
        assert response.status_code in (200, 400), (page, query, response.status_code)
        assert "Sidan kunde inte visas" not in response.content.decode()

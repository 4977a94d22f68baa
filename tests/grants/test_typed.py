"""Typed-in sammankomster: the association's form, errors per sammankomst, the same preview
and submit as a file."""

import pytest
from django.urls import reverse

from lika.grants.models import GrantApplication
from tests.grants.test_services import setup  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _url(club, programme, year=2026):
    return reverse("grants_apply_typed", kwargs={"association_id": club.pk}) + f"?programme={programme.pk}&year={year}"


def _row(i, date="", group="", minutes="", leader=False, **counts):
    data = {f"rows-{i}-date": date, f"rows-{i}-group": group, f"rows-{i}-minutes": minutes}
    if leader:
        data[f"rows-{i}-leader"] = "on"
    data.update({f"rows-{i}-{k}": v for k, v in counts.items()})
    return data


def _post(client, club, programme, action, *rows, total=2):
    data = {"action": action, "rows-TOTAL_FORMS": str(total), "rows-INITIAL_FORMS": "0"}
    for row in rows:
        data.update(row)
    return client.post(_url(club, programme), data)


def test_the_form_has_a_count_per_band_and_gender(client, setup):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    page = client.get(_url(club, programme)).content.decode()
    assert "7-12 år, flickor/kvinnor" in page and "13-25 år, pojkar/män" in page
    assert page.count("<legend>Sammankomst ") == 5


def test_a_year_without_rules_is_refused(client, setup):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    assert "Programmet har inga regler för 2020." in client.get(_url(club, programme, 2020)).content.decode()


def test_preview_then_submit_stores_what_a_file_would(client, setup):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    # 2 girls 7-12 (10 kr), 1 boy (8 kr), leader, 60 min: 30 + 28 = 58 kr; the second too short.
    response = _post(client, club, programme, "preview",
                     _row(0, "2026-03-01", "F10", "60", True, n_0_F="2", n_0_M="1"),
                     _row(1, "2026-03-08", "F10", "45", True, n_0_F="2", n_0_M="1"))
    page = response.content.decode()
    assert "Bidrag 2026: 58,00" in page and "45 minuter, minst 60 krävs" in page
    token = response.context["submit"].initial["token"]
    client.post(reverse("grants_apply", kwargs={"association_id": club.pk}),
                {"action": "submit", "submit-programme": programme.pk, "submit-token": token})
    application = GrantApplication.objects.get()
    assert application.total == 5800 and application.counts.get(gender="F", age_band="7-12").participations == 2


def test_errors_name_the_sammankomst_and_nothing_is_stored(client, setup):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    page = _post(client, club, programme, "preview", _row(0, "2026-03-01", "F10", "60", True, n_0_F="3"),
                 _row(1, "2026-03-08", "", "", True, n_0_F="-2")).content.decode()
    assert "Sammankomst 2" in page and "Skicka in ansökan" not in page
    page = _post(client, club, programme, "preview", _row(0, "2026-03-01", "F10", "60", True, n_0_F="3"),
                 _row(1, "2026-03-08", "", "60", True, n_0_F="2")).content.decode()
    assert "Sammankomst 2: grupp saknas" in page
    page = _post(client, club, programme, "preview", _row(0, "2025-12-01", "F10", "60", True, n_0_F="3")).content.decode()
    assert "Alla sammankomster ska vara under 2026." in page
    assert not GrantApplication.objects.exists()


def test_more_rows_keeps_what_was_typed(client, setup):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    page = _post(client, club, programme, "more", _row(0, "2026-03-01", "F10", "60", True, n_0_F="3")).content.decode()
    assert page.count("<legend>Sammankomst ") == 7
    assert 'value="F10"' in page


def test_another_associations_form_is_not_found(client, setup):  # noqa: F811
    club, other, programme, user = setup
    client.force_login(user)
    assert client.get(_url(other, programme)).status_code == 404

"""The person-level file tool (statistik ur egen fil): who may use it, CSV and Excel, bad
lines reported in Swedish, protected tables and exports, and that nothing of the uploaded
persons is stored (no new row in any model except the access log)."""

import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lika.audit.models import AccessLogEntry
from tests.conftest import PASSWORD
from tests.core.test_gender_table import pnr

pytestmark = pytest.mark.django_db
URL = reverse("person_table")


def _rows():
    """Norr: 6 women, 7 men; Syd: 2 women, 8 men (personnummer), timmar 3 for women, 2 for men."""
    rows, serial = [["Personnummer", "Område", "Timmar"]], 0
    for area, women, men in (("Norr", 6, 7), ("Syd", 2, 8)):
        for male, number in ((False, women), (True, men)):
            for _ in range(number):
                serial += 1
                rows.append([pnr("850505", serial, male), area, "2" if male else "3"])
    return rows


def _csv(rows, sep=";", bom=True) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(sep.join(row) for row in rows) + "\n").encode()


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append([int(v) if v.isdigit() and len(v) < 5 else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model is not AccessLogEntry and not model._meta.proxy}


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def _run(client, name, body, **choices):
    response = client.post(URL, {"steg": "kolumner", "fil": SimpleUploadedFile(name, body)})
    assert response.status_code == 302, response.content.decode()[:2000]
    data = {"steg": "tabell", "fil": SimpleUploadedFile(name, body), "kolumn_kon": "personnummer",
            "konskalla": "personnummer", "dimension1": "område", "dimension2": "", "matt": "timmar",
            "period": "2026"}
    data.update(choices)
    return client.post(URL, data)


@pytest.mark.parametrize("who, status", [("alice", 403), ("bob", 403), ("petra", 403), ("stina", 200),
                                         ("admin_user", 200)])
def test_who_may_use_the_tool(client, request, who, status):
    _login(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == status
    assert client.get(reverse("person_table_export", kwargs={"fmt": "xlsx"})).status_code \
        == (403 if status == 403 else 400)


@pytest.mark.parametrize("name, body", [("fil.csv", _csv(_rows())), ("fil.csv", _csv(_rows(), ",", False)),
                                        ("fil.xlsx", _xlsx(_rows()))])
def test_csv_and_excel_give_the_protected_table_and_nothing_is_stored(client, stina, name, body):
    _login(client, stina)
    before, log_before = _counts(), AccessLogEntry.objects.count()
    response = _run(client, name, body)
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "Syd" in page and "Norr" in page and "<svg" in page
    # Syd women (2) hidden; Totalt 23 rows, sum of timmar 8*3 + 15*2 = 54
    assert ">23<" in page and ">54<" in page and "..</abbr>" in page
    for pid in ["850505"]:
        assert pid not in page  # no personnummer on the page
    assert _counts() == before  # nothing but the access log row
    entries = AccessLogEntry.objects.order_by("-id")[: AccessLogEntry.objects.count() - log_before]
    summary = " ".join(entry.summary for entry in entries)
    assert name in summary and "23 rader" in summary and "område" in summary and "850505" not in summary
    xlsx = client.get(reverse("person_table_export", kwargs={"fmt": "xlsx"}))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    values = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 23 in values and 54 in values and ".." in values and 2 not in values
    pdf = client.get(reverse("person_table_export", kwargs={"fmt": "pdf"}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _counts() == before


def test_bad_lines_are_reported_by_line_and_nothing_kept(client, stina):
    rows = _rows()
    rows[3][0] = "19850505-0000"
    rows[5][2] = "tre"
    _login(client, stina)
    before = _counts()
    response = _run(client, "fel.csv", _csv(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rad 4" in page and "kontrollsiffra" in page and "Rad 6" in page and "heltal" in page
    assert "<svg" not in page
    assert _counts() == before


def test_gender_column_and_count(client, stina):
    rows = [["kön", "skola"]] + [["K", "A"]] * 6 + [["man", "A"]] * 5
    _login(client, stina)
    response = _run(client, "kon.csv", _csv(rows), kolumn_kon="kön", konskalla="kön", dimension1="skola",
                    matt="__rader__")
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert ">11<" in page and ">6<" in page


def test_not_a_file_we_can_read(client, stina):
    _login(client, stina)
    response = client.post(URL, {"steg": "kolumner", "fil": SimpleUploadedFile("x.csv", b"\xff\xfe\x00a")})
    assert response.status_code == 400 and "UTF-8" in response.content.decode()
    response = client.post(URL, {"steg": "kolumner", "fil": SimpleUploadedFile("x.xlsx", b"PK\x03\x04trasig")})
    assert response.status_code == 400 and "Excelfilen" in response.content.decode()


def test_too_large_a_file_is_refused(client, stina, monkeypatch):
    from lika.statistics import persontable

    monkeypatch.setattr(persontable, "MAX_PERSON_FILE", 100)
    _login(client, stina)
    response = client.post(URL, {"steg": "kolumner", "fil": SimpleUploadedFile("stor.csv", _csv(_rows()))})
    assert response.status_code == 400 and "större än 100 byte" in response.content.decode()


def test_events_show_distinct_persons(client, stina):
    one = pnr("700101", 1, False)
    rows = [["personnummer", "besök"]] + [[one, "1"]] * 7 + [[pnr("710101", n, True), "1"] for n in range(6)]
    _login(client, stina)
    response = _run(client, "besok.csv", _csv(rows), dimension1="", matt="besök")
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "Antal personer" in page
    stored = client.session["persontable_result"]
    # one woman with seven visits: hidden, in persons, rows and the sum alike
    assert stored["persons"][0] == ["Alla", "..", "..", 7]
    assert stored["counts"][0] == ["Alla", "..", "..", 13]
    assert stored["sums"][0] == ["Alla", "..", "..", 13]


def test_a_large_upload_spooled_to_disk_is_deleted_at_once(client, stina, settings, tmp_path):
    # every upload goes to a temporary file here; none may be left when the answer comes
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    _login(client, stina)
    assert _run(client, "fil.csv", _csv(_rows())).status_code == 302
    assert list(tmp_path.iterdir()) == []


def test_a_label_from_the_file_is_never_a_formula_in_the_csv(client, stina):
    rows = [["kön", "grupp"]] + [["K", "=1+1"]] * 6 + [["M", "=1+1"]] * 6
    _login(client, stina)
    assert _run(client, "f.csv", _csv(rows), kolumn_kon="kön", konskalla="kön", dimension1="grupp",
                matt="__rader__").status_code == 302
    body = client.get(reverse("person_table_export", kwargs={"fmt": "csv"})).content.decode("utf-8-sig")
    assert ";'=1+1;" in body and ";=1+1;" not in body
    book = load_workbook(io.BytesIO(client.get(reverse("person_table_export", kwargs={"fmt": "xlsx"})).content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells) and any(cell.value == "=1+1" for cell in cells)

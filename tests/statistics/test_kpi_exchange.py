"""Comparing municipalities: the own key figures as a Kolada-like file (`lika kpi export`),
other municipalities' files into the database (`lika kpi import`), the demo peers and the
comparison page."""

import json
import stat
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.core.disclosure import SUPPRESSED
from lika.core.kolada import KpiRecord, KpiValue, dumps_csv, dumps_json, loads_csv, loads_json
from lika.core.periods import Period, parse_period
from lika.statistics import figures, kpi_exchange, peers, views_comparison
from lika.statistics.kpi_exchange import KpiImportError, import_file, records_from_report
from lika.statistics.models import ImportedKpiValue
from lika.statistics.report import Figure, Report, Row, Table
from tests.payments.test_run import month_of_decisions  # noqa: F401 (a fixture)
from tests.statistics.test_figures import paid_month  # noqa: F401 (a fixture)

NBSP = "\u00a0"
YEAR = 2025
D = Decimal


def make_report(rows, *, period=None, code="9999", name="Exempelby kommun"):
    period = period or Period.of_year(YEAR)
    return Report(municipality_code=code, municipality_name=name, period=period, unit_name="Hela kommunen",
                  threshold=5, figures=(Figure("f", "Figur", "Vad som räknas.", (Table("Tabell", tuple(rows)),)),),
                  generated_at=datetime(2026, 1, 15, tzinfo=UTC))


def own_rows():
    """A report's KPI rows of every kind, with a hidden and an empty cell."""
    return [
        Row("Personer", "count", (120, 95, 215), counts=(120, 95, 215), kpi="LIKA_PAID_RECIPIENTS"),
        Row("Utbetalt", "kronor", (1234550, 1000000, 2234550), counts=(120, 95, 215), kpi="LIKA_PAID_KRONOR"),
        Row("Andel", "percent", (Fraction(483, 1000), Fraction(517, 1000), Fraction(1)), kpi="LIKA_PAID_SHARE_WOMEN"),
        Row("Undantag", "count", (SUPPRESSED, 7, SUPPRESSED), counts=(SUPPRESSED, 7, SUPPRESSED),
            kpi="LIKA_EXCEPTIONS"),
        Row("Dagar", "days", (Fraction(25, 2), None, None), counts=(10, 0, 10), kpi="LIKA_PROCESSING_DAYS"),
        Row("Utan nyckeltal", "count", (1, 2, 3)),
    ]


@pytest.fixture
def own_report(monkeypatch):
    """``build_report`` gives the hand-built report above, for any year."""
    calls = []

    def build_report(*, period, unit=None, threshold=None):
        calls.append((period, unit))
        return make_report(own_rows(), period=period)

    monkeypatch.setattr(figures, "build_report", build_report)
    return calls


# --- records_from_report --------------------------------------------------------------------

@pytest.mark.parametrize(("row", "expected"), [
    (Row("a", "count", (12, 30, 42), counts=(12, 30, 42), kpi="N1"),
     [KpiValue("K", 1, D(12)), KpiValue("M", 1, D(30)), KpiValue("T", 1, D(42))]),
    (Row("b", "kronor", (123456, 0, 123456), counts=(3, 0, 3), kpi="N2"),
     [KpiValue("K", 1, D("1234.56")), KpiValue("M", 1, D("0.00")), KpiValue("T", 1, D("1234.56"))]),
    (Row("c", "percent", (Fraction(1, 3), Fraction(2, 3), Fraction(1, 2))),  # no kpi: skipped
     None),
    (Row("c", "percent", (Fraction(1, 3), Fraction(2, 3), Fraction(1, 2)), kpi="N3"),
     [KpiValue("K", 1, D("33.3")), KpiValue("M", 1, D("66.7")), KpiValue("T", 1, D("50.0"))]),
    (Row("d", "count", (SUPPRESSED, 7, SUPPRESSED), counts=(SUPPRESSED, 7, SUPPRESSED), kpi="N4"),
     [KpiValue.suppressed("K"), KpiValue("M", 1, D(7)), KpiValue.suppressed("T")]),
    (Row("e", "days", (None, Fraction(5, 2), None), counts=(0, 4, 4), kpi="N5"),
     [KpiValue("M", 1, D("2.5"))]),
    (Row("f", "percent", (Fraction(1, 2), SUPPRESSED, None), counts=(8, SUPPRESSED, None), kpi="N6"),
     [KpiValue("K", 1, D("50.0")), KpiValue.suppressed("M")]),
    (Row("g", "count", (None, None, None), kpi="N7"), None),  # nothing to say: skipped
])
def test_records_from_report(row, expected):
    records = records_from_report(make_report([row]))
    if expected is None:
        assert records == []
    else:
        assert records == [KpiRecord(row.kpi, "9999", "2025", tuple(expected))]


def test_records_keep_the_report_order_and_take_a_month_period():
    report = make_report(own_rows(), period=parse_period("2025-05"))
    records = records_from_report(report)
    assert [r.kpi for r in records] == ["LIKA_PAID_RECIPIENTS", "LIKA_PAID_KRONOR", "LIKA_PAID_SHARE_WOMEN",
                                        "LIKA_EXCEPTIONS", "LIKA_PROCESSING_DAYS"]
    assert {r.period for r in records} == {"2025-05"}


@pytest.mark.parametrize("code", ["2025-Q2", "2025-T1", "2025-01-01..2025-03-31"])
def test_only_a_year_or_a_month_can_be_exported(code):
    with pytest.raises(ValueError, match="ett år eller en månad"):
        records_from_report(make_report(own_rows(), period=parse_period(code)))


# --- export and import ----------------------------------------------------------------------

def stored():
    return sorted((v.kpi, v.municipality, v.period, v.gender, v.count, v.value, v.status)
                  for v in ImportedKpiValue.objects.all())


def as_rows(records):
    return sorted((r.kpi, r.municipality, r.period, v.gender, v.count, v.value, v.status)
                  for r in records for v in r.values)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_round_trip(own_report, municipality, stina, tmp_path, fmt):
    target = tmp_path / f"kpi.{fmt}"
    written = kpi_exchange.export_year(year=YEAR, fmt=fmt, path=target, acting_user=stina)
    assert written == target and own_report == [(Period.of_year(YEAR), None)]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "made by mkstemp, readable by Lika's user only"
    assert [p.name for p in tmp_path.iterdir()] == [f"kpi.{fmt}"], "no temporary file left"
    text = target.read_text(encoding="utf-8")
    records = loads_json(text).records if fmt == "json" else loads_csv(text)
    assert list(records) == records_from_report(make_report(own_rows()))
    (entry,) = AccessLogEntry.objects.filter(object_type="kpi_export")
    assert entry.action == "export" and entry.actor == stina and entry.object_id == "2025"
    assert entry.new_values["records"] == 5 and entry.new_values["values"] == 13
    assert entry.new_values["suppressed"] == 2

    assert not ImportedKpiValue.objects.exists()  # the other municipality's empty database
    result = import_file(target, acting_user=stina)
    assert (result.municipality, result.records, result.values) == ("9999", 5, 13)
    assert result.name == "Exempelby kommun"  # CSV has no name: ours, known by the code
    assert stored() == as_rows(records)
    assert set(ImportedKpiValue.objects.values_list("source_file", flat=True)) == {f"kpi.{fmt}"}
    (log,) = AccessLogEntry.objects.filter(object_type="kpi_import")
    assert log.action == "create" and log.new_values["values"] == 13 and log.person_id is None


def test_the_default_file_is_under_var_kpi(own_report, municipality, tmp_path, settings):
    settings.BASE_DIR = tmp_path
    path = kpi_exchange.export_year(year=YEAR, fmt="csv", path=None)
    assert path == tmp_path / "var" / "kpi" / "kpi-9999-2025.csv" and path.exists()
    assert AccessLogEntry.objects.get(object_type="kpi_export").actor_name == "system"


def test_export_and_import_with_the_real_report(paid_month, tmp_path):  # noqa: F811
    path = kpi_exchange.export_year(year=2026, fmt="json", path=tmp_path / "own.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["municipality"] == "9999" and document["values"]
    assert {record["kpi"] for record in document["values"]} <= set(figures.KPI_CATALOGUE)
    result = import_file(path)
    assert result.values == sum(len(record["values"]) for record in document["values"])


def peer_file(tmp_path, records, *, name="Vetlanda", fmt="json", file_name=None):
    path = tmp_path / (file_name or f"peer.{fmt}")
    text = dumps_json(records, municipality_name=name) if fmt == "json" else dumps_csv(records, bom=True)
    path.write_text(text, encoding="utf-8")
    return path


def rec(kpi, values, *, code="0685", period="2025"):
    return KpiRecord(kpi, code, period, tuple(values))


def test_import_replaces_the_same_municipality_and_period_only(db, tmp_path):
    first = [rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(10))]),
             rec("LIKA_EXCEPTIONS", [KpiValue("T", 1, D(5))]),
             rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(1))], period="2024")]
    import_file(peer_file(tmp_path, first, file_name="a.json"))
    import_file(peer_file(tmp_path, [rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(9))], code="0686")],
                          name="Eksjö", file_name="b.json"))
    again = [rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(12)), KpiValue("M", 1, D(3))])]
    result = import_file(peer_file(tmp_path, again, fmt="csv"))
    assert (result.municipality, result.name, result.values) == ("0685", "Vetlanda", 2)  # the earlier name
    assert stored() == sorted([
        ("LIKA_PAID_RECIPIENTS", "0685", "2024", "K", 1, D(1), ""),  # another period: kept
        ("LIKA_PAID_RECIPIENTS", "0685", "2025", "K", 1, D(12), ""),
        ("LIKA_PAID_RECIPIENTS", "0685", "2025", "M", 1, D(3), ""),
        ("LIKA_PAID_RECIPIENTS", "0686", "2025", "K", 1, D(9), ""),  # another municipality: kept
    ])  # LIKA_EXCEPTIONS of 0684 2025 is gone with the rest of that file


BAD_FILES = [
    ("broken.json", b'{"format": "lika-kpi", "version": 1, "values": [', "ogiltig JSON"),
    ("wrong.json", json.dumps({"format": "lika-kpi", "version": 3, "values": []}).encode(), "version"),
    ("value.json", json.dumps({"format": "lika-kpi", "version": 1, "values": [
        {"kpi": "N1", "municipality": "0685", "period": "2025", "values": [{"gender": "K", "value": 1}]},
        {"kpi": "N2", "municipality": "0685", "period": "2025", "values": [{"gender": "X", "value": 1}]}]}).encode(),
     "values[1].values[0]"),
    ("bad.csv", b"kpi;municipality;period;gender;count;value;status\r\nN1;0684;2025;K;;12,5;\r\n"
                b"N1;0684;2025;M;;tolv;\r\n", "rad 3"),
    ("latin1.csv", "kpi;municipality;period;gender;count;value;status\r\nN1;0684;2025;K;;1;Ö\r\n".encode("latin-1"),
     "inte UTF-8"),
    ("empty.json", json.dumps({"format": "lika-kpi", "version": 1, "values": []}).encode(), "inga nyckeltal"),
    ("status.csv", "kpi;municipality;period;gender;count;value;status\r\nN1;0684;2025;K;;;allt för lång status\r\n".encode(),
     "längre än 10 tecken"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_file_imports_nothing(db, tmp_path, name, data, message):
    import_file(peer_file(tmp_path, [rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(10))])]))
    before, logs = stored(), AccessLogEntry.objects.count()
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(KpiImportError) as error:
        import_file(path)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert stored() == before and AccessLogEntry.objects.count() == logs


def test_a_missing_file_or_a_folder_is_an_import_error(db, tmp_path):
    with pytest.raises(KpiImportError, match="filen finns inte"):
        import_file(tmp_path / "saknas.json")
    with pytest.raises(KpiImportError, match="katalog"):
        import_file(tmp_path)


def test_values_are_stored_with_six_decimals(db, tmp_path):
    import_file(peer_file(tmp_path, [rec("N1", [KpiValue("K", None, D("1.23456789"))])]))
    assert ImportedKpiValue.objects.get().value == D("1.234568")


# --- the command ----------------------------------------------------------------------------

def kpi(*args):
    out, err = StringIO(), StringIO()
    call_command("kpi", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_exports_and_imports(own_report, municipality, stina, tmp_path):
    target = tmp_path / "own.csv"
    out, _err = kpi("export", "--year", "2025", "--format", "csv", "--output", str(target), "--user", "stina")
    assert out == f"Skrev {target}: nyckeltal för 2025.\n"
    assert AccessLogEntry.objects.get(object_type="kpi_export").actor == stina
    first = peer_file(tmp_path, [rec("N1", [KpiValue("K", 1, D(10)), KpiValue("M", 1, D(9))])])
    second = peer_file(tmp_path, [rec("N1", [KpiValue("T", 1, D(4))], code="0686")], name="Eksjö",
                       file_name="eksjo.json")
    out, _err = kpi("import", str(first), str(second), "--user", "stina")
    assert out == "2 värden från Vetlanda (0685) inlästa.\n1 värden från Eksjö (0686) inlästa.\n"
    out, _err = kpi("import", str(target))
    assert out == "13 värden från Exempelby kommun (9999) inlästa.\n"


@pytest.mark.parametrize(("args", "message"), [
    (["export"], "ange --year"),
    (["export", "--year", "1800"], "--year ska vara ett år mellan 1990 och"),
    (["export", "--year", "tjugo"], "--year ska vara ett år"),
    (["export", "--year", "2999"], "--year ska vara ett år"),
    (["export", "--year", "2025", "--format", "xlsx"], "--format ska vara json eller csv"),
    (["export", "--year", "2025", "--output", "{tmp}"], "är en katalog"),
    (["export", "--year", "2025", "--output", "{tmp}/saknas/k.json"], "finns inte"),
    (["export", "--year", "2025", "--user", "nobody"], "finns inte"),
    (["export", "fil.json", "--year", "2025"], "export tar inga filnamn"),
    (["import"], "ange filen"),
    (["import", "{tmp}/saknas.json"], "filen finns inte"),
    (["import", "{good}", "--year", "2025"], "hör till export"),
    (["import", "{good}", "{bad}"], "ingenting inläst"),
    (["import", "{good}", "--user", "nobody"], "finns inte"),
    (["jamfor"], "okänd åtgärd"),
    ([], "ange åtgärden"),
])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(own_report, municipality, tmp_path, args, message):
    good = peer_file(tmp_path, [rec("N1", [KpiValue("K", 1, D(10))])])
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)).replace("{good}", str(good)).replace("{bad}", str(bad)) for a in args]
    with pytest.raises(CommandError) as error:
        kpi(*args)
    assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "peer.json"]
    assert not ImportedKpiValue.objects.exists()
    assert not AccessLogEntry.objects.filter(object_type__startswith="kpi_").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["import", "{tmp}/saknas.json"], "filen finns inte"),
    (["import", "{bad}"], "ogiltig JSON"),
    (["export", "--year", "1800"], "--year ska vara ett år"),
    (["export"], "ange --year"),
])
def test_the_console_command_exits_2_with_one_line(tmp_path, args, message):
    """A real process, no database needed: no traceback, one line on stderr."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "lika-kpi",', encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)).replace("{bad}", str(bad)) for a in args]
    env = {"LIKA_SQLITE_PATH": str(tmp_path / "x.sqlite3"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "lika", "kpi", *args], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and message in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


# --- demo peers -----------------------------------------------------------------------------

KINDS = {kpi: kind for kpi, (_title, kind) in figures.KPI_CATALOGUE.items()}


@st.composite
def count_record(draw, kpi):
    k, m = draw(st.integers(0, 5000)), draw(st.integers(0, 5000))
    hidden = draw(st.sampled_from([(), ("K", "T"), ("M", "T"), ("K", "M"), ("K", "M", "T")]))
    values = [KpiValue.suppressed(g) if g in hidden else KpiValue(g, 1, D(n))
              for g, n in zip("KMT", (k, m, k + m), strict=True)]
    return KpiRecord(kpi, "9999", "2025", tuple(values))


@st.composite
def percent_record(draw, kpi):
    ck, cm = draw(st.integers(0, 900)), draw(st.integers(0, 900))
    tenths = st.integers(0, 1000).map(lambda n: D(n) / 10)
    if draw(st.booleans()):  # parts of a whole
        k = draw(tenths)
        triple = (k, D(100) - k, D(100))
    else:  # a rate per gender
        triple = (draw(tenths), draw(tenths), draw(tenths))
    hidden = draw(st.sampled_from([(), ("K", "T"), ("M",)]))
    values = [KpiValue.suppressed(g) if g in hidden else KpiValue(g, 1 if c else None, v)
              for g, c, v in zip("KMT", (ck, cm, ck + cm), triple, strict=True)]
    return KpiRecord(kpi, "9999", "2025", tuple(values))


@st.composite
def own_records(draw):
    records = [draw(count_record("LIKA_PAID_RECIPIENTS")), draw(count_record("LIKA_EXCEPTIONS")),
               draw(percent_record("LIKA_PAID_SHARE_WOMEN")), draw(percent_record("LIKA_PLAN_30_SHARE"))]
    kronor = draw(st.integers(0, 10**9))
    records.append(KpiRecord("LIKA_PAID_KRONOR", "9999", "2025", (
        KpiValue("K", 1, D(kronor) / 100), KpiValue("M", 1, D(kronor) / 50), KpiValue("T", 1, D(kronor) * 3 / 100))))
    if draw(st.booleans()):  # an average instead of a sum
        records[-1] = KpiRecord("LIKA_PAID_KRONOR", "9999", "2025", (
            KpiValue("K", 1, D(kronor) / 100), KpiValue("M", 1, D(kronor) / 50), KpiValue("T", 1, D(kronor) / 57)))
    return records


def _number(record, gender, field="value"):
    value = record.value_of(gender)
    return None if value is None or value.status == ".." else getattr(value, field)


@hypothesis_settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), own=own_records())
def test_peers_stay_consistent(seed, own):
    files = peers.peer_files(seed=seed, years=[YEAR], own={YEAR: own}, kinds=KINDS)
    assert [(f.municipality, f.municipality_name) for f in files] == [
        ("9901", "Norrbacka"), ("9902", "Västerlunda"), ("9903", "Sjöby")]
    for kpi_file in files:
        assert len(kpi_file.records) == len(own)
        for mine, theirs in zip(own, kpi_file.records, strict=True):
            assert (theirs.kpi, theirs.period, theirs.municipality) == (mine.kpi, mine.period, kpi_file.municipality)
            assert [v.gender for v in theirs.values] == [v.gender for v in mine.values]
            assert [v.status for v in theirs.values] == [v.status for v in mine.values], "hidden stays hidden"
            kind = KINDS[mine.kpi]
            k, m, t = (_number(theirs, g) for g in "KMT")
            if kind == "count" and None not in (k, m, t):
                assert k + m == t
            assert all(v.count in (None, 1) for v in theirs.values), "Kolada's count: one municipality"
            if kind == "kronor":
                k, m, t = (_number(mine, g) for g in "KMT")
                if k + m == t:
                    assert _number(theirs, "K") + _number(theirs, "M") == _number(theirs, "T"), "a sum stays a sum"
            if kind == "percent":
                shown = [v.value for v in theirs.values if v.value is not None]
                assert all(0 <= v <= 100 for v in shown)
                k, m, t = (_number(theirs, g) for g in "KMT")
                if None not in (k, m, t) and _number(mine, "K") + _number(mine, "M") == _number(mine, "T"):
                    assert k + m == t, "parts of a whole still add up"


def test_peers_are_deterministic_and_tilted():
    own = records_from_report(make_report(own_rows()))
    first = peers.peer_files(seed=7, years=[YEAR], own={YEAR: own}, kinds=KINDS)
    assert first == peers.peer_files(seed=7, years=[YEAR], own={YEAR: own}, kinds=KINDS)
    assert first != peers.peer_files(seed=8, years=[YEAR], own={YEAR: own}, kinds=KINDS)
    share = {f.municipality: next(r for r in f.records if r.kpi == "LIKA_PAID_SHARE_WOMEN").value_of("K").value
             for f in first}
    assert share["9901"] < D("48.3") < share["9902"], "Norrbacka gives women less, Västerlunda more"
    whole = rec("LIKA_PAID_SHARE_WOMEN", [KpiValue.suppressed("K"), KpiValue.suppressed("M"),
                                          KpiValue("T", None, D("100.0"))], code="9999")
    for kpi_file in peers.peer_files(seed=7, years=[YEAR], own={YEAR: [whole]}, kinds=KINDS):
        assert kpi_file.records[0].values == whole.values, "a whole with hidden parts stays 100 %"


def test_seed_peers_stores_through_the_import(db, municipality):
    own = {2024: records_from_report(make_report(own_rows(), period=Period.of_year(2024))),
           YEAR: records_from_report(make_report(own_rows()))}
    stored_values = peers.seed_peers(seed=3, years=[2024, YEAR, 2026], own=own)
    assert stored_values == 3 * 2 * 13 == ImportedKpiValue.objects.count()
    assert set(ImportedKpiValue.objects.values_list("municipality", "municipality_name")) == {
        ("9901", "Norrbacka"), ("9902", "Västerlunda"), ("9903", "Sjöby")}
    assert peers.seed_peers(seed=3, years=[2024, YEAR], own=own) == stored_values  # replaced, not added
    assert ImportedKpiValue.objects.count() == stored_values
    assert AccessLogEntry.objects.filter(object_type="kpi_import", actor_name="system").count() == 6


# --- the comparison page ----------------------------------------------------------------------

URL = reverse("statistics_comparison")


@pytest.fixture
def peer_values(db, tmp_path):
    import_file(peer_file(tmp_path, [
        rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(40)), KpiValue("M", 1, D(52)), KpiValue("T", 1, D(92))]),
        rec("LIKA_PAID_SHARE_WOMEN", [KpiValue("K", None, D("52.5")), KpiValue("M", None, D("47.5")),
                                      KpiValue("T", None, D(100))]),
        rec("LIKA_PAID_KRONOR", [KpiValue.suppressed("K"), KpiValue("M", 1, D("500000.40")),
                                 KpiValue.suppressed("T")]),
    ]))
    import_file(peer_file(tmp_path, [rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(999))], code="9999")],
                          name="Vår gamla export", file_name="own.json"))


def test_a_case_worker_is_refused(client, alice, peer_values):
    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert not AccessLogEntry.objects.filter(object_type="statistics_comparison").exists()


def test_anonymous_is_sent_to_login_and_post_is_not_allowed(client, stina, peer_values):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(stina)
    assert client.post(URL).status_code == 405


def test_the_analyst_sees_our_figures_first_and_the_imported_ones(client, stina, own_report, peer_values):
    client.force_login(stina)
    response = client.get(URL, {"ar": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Jämförelse med andra kommuner</h1>" in html
    assert '<label for="id_ar">År</label>' in html and '<option value="2025" selected>2025</option>' in html
    data = response.context["comparison"]
    paid = next(item for item in data.kpis if item.kpi == "LIKA_PAID_RECIPIENTS")
    assert [(row.code, row.own) for row in paid.rows] == [("9999", True), ("0685", False)]
    assert paid.rows[0].texts == ("120", "95", "215") and paid.rows[0].spread == "+25"
    assert paid.rows[1].texts == ("40", "52", "92") and paid.rows[1].spread == "−12"
    assert "999" not in "".join(paid.rows[0].texts), "our own imported copy is never shown"
    share = next(item for item in data.kpis if item.kpi == "LIKA_PAID_SHARE_WOMEN")
    assert share.rows[0].texts == (f"48,3{NBSP}%", f"51,7{NBSP}%", f"100,0{NBSP}%")
    assert share.rows[0].spread == f"−3,4{NBSP}procentenheter"
    assert share.rows[1].spread == f"+5,0{NBSP}procentenheter"
    kronor = next(item for item in data.kpis if item.kpi == "LIKA_PAID_KRONOR")
    assert kronor.rows[0].texts == (f"12{NBSP}346{NBSP}kr", f"10{NBSP}000{NBSP}kr", f"22{NBSP}346{NBSP}kr")
    assert kronor.rows[0].spread == f"+2{NBSP}346{NBSP}kr", "the difference of the numbers as shown"
    assert kronor.rows[1].texts == ("..", f"500{NBSP}000{NBSP}kr", "..") and kronor.rows[1].spread == ".."
    exceptions = next(item for item in data.kpis if item.kpi == "LIKA_EXCEPTIONS")
    assert exceptions.rows[0].texts == ("..", "7", "..") and exceptions.rows[1].texts == ("–", "–", "–")
    assert exceptions.rows[1].spread == "–"
    assert "Exempelby kommun</strong> (vår kommun)" in html and "Vetlanda" in html
    assert '<th scope="col" class="num">Skillnad kvinnor–män</th>' in html
    assert '<td class="num">..</td>' in html and 'role="img"' in html
    assert [item.kpi for item in data.kpis] == [  # the catalogue's order; figures nobody has are left out
        kpi for kpi in figures.KPI_CATALOGUE if kpi in {"LIKA_PAID_RECIPIENTS", "LIKA_PAID_KRONOR",
                                                        "LIKA_PAID_SHARE_WOMEN", "LIKA_EXCEPTIONS",
                                                        "LIKA_PROCESSING_DAYS"}]
    days = next(item for item in data.kpis if item.kpi == "LIKA_PROCESSING_DAYS")
    assert days.rows[0].texts == ("12,5", "–", "–") and days.rows[1].texts == ("–", "–", "–")
    (entry,) = AccessLogEntry.objects.filter(object_type="statistics_comparison")
    assert entry.action == "read" and entry.actor == stina and entry.object_id == "2025"
    assert "1 kommuner" in entry.summary and entry.person_id is None


def test_the_comparison_reads_a_fixed_number_of_queries(own_report, municipality, peer_values, tmp_path,
                                                      django_assert_num_queries):
    for code in ("0686", "0687", "0688"):
        import_file(peer_file(tmp_path, [rec("LIKA_PAID_RECIPIENTS", [KpiValue("K", 1, D(5))], code=code)],
                              name=f"Kommun {code}", file_name=f"{code}.json"))
    with django_assert_num_queries(2):  # our municipality, the imported values (the report is patched)
        data = views_comparison.comparison_for_year(2025)
    assert data.municipalities == 4


def test_the_latest_imported_year_is_the_default(client, bob, own_report, peer_values):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["year"] == 2025
    assert own_report == [(Period.of_year(2025), None)]


def test_a_year_without_imported_values_shows_how_to_import(client, admin_user, own_report, peer_values):
    client.force_login(admin_user)
    year = datetime.now().year
    response = client.get(URL, {"ar": str(year)})
    html = response.content.decode()
    assert response.status_code == 200 and "<code>lika kpi import FIL</code>" in html
    assert '<a href="?ar=2025">2025</a>' in html and own_report == [], "nothing computed for nothing to compare"


def test_an_unknown_year_is_an_error_on_the_form(client, stina, own_report, peer_values):
    client.force_login(stina)
    response = client.get(URL, {"ar": "1901"})
    assert response.status_code == 200 and response.context["year"] == 2025
    assert 'class="error-summary"' in response.content.decode()


def test_the_page_with_the_real_report_and_the_demo_peers(client, stina, paid_month):  # noqa: F811
    report = figures.build_report(period=Period.of_year(2026))
    assert peers.seed_peers(seed=1, years=[2026], own={2026: records_from_report(report)}) > 0
    client.force_login(stina)
    response = client.get(URL, {"ar": "2026"})
    assert response.status_code == 200
    data = response.context["comparison"]
    assert data.municipalities == 3
    assert all(len(item.rows) == 4 and item.rows[0].own for item in data.kpis)


def test_an_exported_file_shows_up_in_a_second_database(paid_month, tmp_path):  # noqa: F811
    """Export from this database, import with the command into a second, freshly migrated
    one (another municipality), and find our figures in its comparison."""
    import json
    import os
    import subprocess
    import sys

    from lika.statistics.kpi_exchange import export_year

    path = export_year(year=2026, fmt="json", path=tmp_path / "kpi-9999-2026.json")
    exported = json.loads(path.read_text(encoding="utf-8"))
    env = {**os.environ, "LIKA_SQLITE_PATH": str(tmp_path / "second.sqlite3")}
    env.pop("DATABASE_URL", None)

    def lika(*args):
        result = subprocess.run([sys.executable, "-m", "lika", *args], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    lika("migrate", "--no-input", "-v", "0")
    lika("create-unit", "mitt", "Försörjningsstöd", "--municipality-code", "0180",
         "--municipality-name", "Andra kommunen")
    assert "inlästa" in lika("kpi", "import", str(path))
    shown = json.loads(lika("shell", "-c", (
        "import json; from lika.statistics.views_comparison import comparison_for_year as c; "
        "r = c(2026); print(json.dumps({k.kpi: [[row.code, list(row.texts)] for row in k.rows] for k in r.kpis}))"
    )).strip().splitlines()[-1])
    ours = {record["kpi"]: record for record in exported["values"]}
    assert "LIKA_PAID_RECIPIENTS" in shown and ours
    for rows in shown.values():
        codes = [code for code, _texts in rows]
        assert codes[0] == "0180" and "9999" in codes  # theirs first, ours from the file
    recipients = dict((code, texts) for code, texts in shown["LIKA_PAID_RECIPIENTS"])["9999"]
    total = next(v for v in ours["LIKA_PAID_RECIPIENTS"]["values"] if v["gender"] == "T")
    assert recipients[2] == str(total["value"]) if total["status"] == "" else recipients[2] == ".."

"""KPI exchange in Kolada's shape (lika.core.kolada): JSON and CSV."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core.kolada import (
    CSV_HEADER,
    KoladaDocument,
    KpiFile,
    KpiFormatError,
    KpiRecord,
    KpiValue,
    _encode,
    dumps_csv,
    dumps_json,
    loads_csv,
    loads_document,
    loads_json,
)

N31807 = KpiRecord("N31807", "0684", "2025", (
    KpiValue("K", 1, Decimal("2.7")),
    KpiValue("M", None, None, ".."),
    KpiValue("T", 1, Decimal("5.10")),
))
MONTHLY = KpiRecord("LIKA-HH", "0684", "2025-05", (KpiValue.suppressed("T"),))


def document(values, **top):
    return json.dumps({"format": "lika-kpi", "version": 2, **top, "values": values})


def record(**changes):
    base = {"kpi": "N31807", "municipality": "0684", "period": "2025",
            "values": [{"gender": "T", "count": 1, "status": "", "value": 1.5}]}
    return {**base, **changes}


def value(**changes):
    return record(values=[{"gender": "T", "count": 1, "status": "", "value": 1.5, **changes}])


# --- the values ------------------------------------------------------------------------

def test_value_conventions():
    assert KpiValue("T", 1, 7).value == Decimal(7)  # an int is exact: kept as Decimal
    assert KpiValue.suppressed("K") == KpiValue("K", None, None, "..")
    assert N31807.value_of("K").count == 1 and N31807.value_of("X") is None
    assert N31807.key == ("N31807", "0684", "2025")
    assert KpiRecord("N31807", "0684", "2025", [KpiValue("T", 1, 1)]).values == (KpiValue("T", 1, 1),)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: KpiValue("X", 1, Decimal(1)), "gender ska vara K, M eller T"),
        (lambda: KpiValue("T", -1, Decimal(1)), "count"),
        (lambda: KpiValue("T", True, Decimal(1)), "count"),
        (lambda: KpiValue("T", 1, 1.5), "inte flyttal"),
        (lambda: KpiValue("T", 1, Decimal("NaN")), "decimaltal"),
        (lambda: KpiValue("T", 1, Decimal("1E+15")), "decimaltal"),
        (lambda: KpiValue("T", 1, None), "status säger inte varför"),
        (lambda: KpiValue("T", 1, None, ".."), "skyddat värde"),
        (lambda: KpiValue("T", 2, Decimal(1)), "count ska vara 1 eller saknas, inte 2: count är som i Kolada"),
        (lambda: KpiValue("T", 0, Decimal(1)), "count ska vara 1 eller saknas"),
        (lambda: KpiValue("T", None, Decimal(3), ".."), "skyddat värde"),
        (lambda: KpiValue("T", 1, Decimal(1), "två\nrader"), "status ska vara text på en rad"),
        (lambda: KpiRecord("", "0684", "2025", (KpiValue("T", 1, 1),)), "kpi ska vara"),
        (lambda: KpiRecord("N 1", "0684", "2025", (KpiValue("T", 1, 1),)), "kpi ska vara"),
        (lambda: KpiRecord("N1", "684", "2025", (KpiValue("T", 1, 1),)), "fyra siffror"),
        (lambda: KpiRecord("N1", "٠٦٨٤", "2025", (KpiValue("T", 1, 1),)), "fyra siffror"),
        (lambda: KpiRecord("N1", "0684", "2025-T1", (KpiValue("T", 1, 1),)), "ett år"),
        (lambda: KpiRecord("N1", "0684", "2025-13", (KpiValue("T", 1, 1),)), "månad 13"),
        (lambda: KpiRecord("N1", "0684", " 2025", (KpiValue("T", 1, 1),)), "ett år"),
        (lambda: KpiRecord("N1", "0684", 2025, (KpiValue("T", 1, 1),)), "period ska vara text"),
        (lambda: KpiRecord("N1", "0684", "2025", ()), "minst ett värde"),
        (lambda: KpiRecord("N1", "0684", "2025", ("T",)), "KpiValue"),
        (lambda: KpiRecord("N1", "0684", "2025", (KpiValue("T", 1, 1), KpiValue("T", 1, 2))), "två gånger"),
    ],
)
def test_invalid_values_and_records_cannot_be_built(build, message):
    with pytest.raises(KpiFormatError, match=message):
        build()


# --- JSON ------------------------------------------------------------------------------

def test_json_document_shape():
    text = dumps_json([N31807, MONTHLY], municipality_name="Vetlanda")
    data = json.loads(text)
    assert data["format"] == "lika-kpi" and data["version"] == 2
    assert (data["municipality"], data["municipality_name"]) == ("0684", "Vetlanda")
    assert data["values"][0] == {"kpi": "N31807", "municipality": "0684", "period": "2025", "values": [
        {"gender": "K", "count": 1, "status": "", "value": 2.7},
        {"gender": "M", "count": None, "status": "..", "value": None},
        {"gender": "T", "count": 1, "status": "", "value": 5.1}]}
    assert '"value": 5.10}' in text  # exact Decimal text, no float rounding
    assert loads_json(text) == KpiFile("0684", "Vetlanda", (N31807, MONTHLY))


def test_json_with_several_municipalities_has_no_file_municipality():
    other = KpiRecord("N31807", "0685", "2025", (KpiValue("T", 1, Decimal("3.3")),))
    assert loads_json(dumps_json([N31807, other])) == KpiFile(None, None, (N31807, other))
    assert loads_json(dumps_json([])) == KpiFile(None, None, ())
    with pytest.raises(KpiFormatError, match="samma kommun"):
        dumps_json([N31807, other], municipality_name="Vetlanda")


def test_json_reads_kolada_conventions():
    text = document([record(period=2025, values=[{"gender": "T", "value": 73.0}, {"gender": "K", "value": 5}])])
    (read,) = loads_json(text).records
    assert read.period == "2025"
    assert read.values == (KpiValue("T", None, Decimal("73.0"), ""), KpiValue("K", None, Decimal(5), ""))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "ogiltig JSON"),
        ('{"format": "lika-kpi", "format": "lika-kpi", "version": 1, "values": []}', "två gånger"),
        ('{"format": "lika-kpi", "version": 1, "values": [], "x": NaN}', "NaN är inget tal"),
        ("[]", "dokumentet: ska vara ett objekt"),
        (json.dumps({"format": "lika-kpi", "values": []}), "'version' saknas"),
        (json.dumps({"format": "kolada", "version": 1, "values": []}), "format: ska vara 'lika-kpi'"),
        (json.dumps({"format": "lika-kpi", "version": 3, "values": []}), "version: 3 stöds inte"),
        (json.dumps({"format": "lika-kpi", "version": True, "values": []}), "version: True stöds inte"),
        (document([value(count=12)]), r"values\[0\].values\[0\]: count ska vara 1 eller saknas, inte 12"),
        ('{"format": "lika-kpi", "version": 1.0, "values": []}', "stöds inte"),
        (document([], extra=1), "dokumentet: okänd nyckel 'extra'"),
        (document({}), "values: ska vara en lista"),
        (document([], municipality=684), "municipality: ska vara en kommunkod"),
        (document([], municipality_name="Vetlanda"), "municipality_name: får bara anges"),
        (document([], municipality="0684", municipality_name=["Vetlanda"]), "municipality_name: "),
        (document([record()], municipality="0685"), r"values\[0\].municipality: '0684', men filen gäller"),
        (document(["N31807"]), r"values\[0\]: ska vara ett objekt"),
        (document([record(note="x")]), r"values\[0\]: okänd nyckel 'note'"),
        (document([{"kpi": "N31807"}]), r"values\[0\]: 'municipality' saknas"),
        (document([record(), record(kpi="N1"), record()]), r"values\[2\]: kpi N31807, kommun 0684, period 2025 förekommer två gånger"),
        (document([record(municipality="684")]), r"values\[0\]: municipality ska vara en kommunkod"),
        (document([record(municipality=684)]), r"values\[0\]: municipality ska vara"),
        (document([record(period="2025-T1")]), r"values\[0\]: period ska vara ett år"),
        (document([record(period="2025-13")]), r"values\[0\]: period: '2025-13': månad 13"),
        (document([record(period=2025.0)]), r"values\[0\]: period ska vara text"),
        (document([record(kpi=31807)]), r"values\[0\]: kpi ska vara"),
        (document([record(values=[])]), r"values\[0\]: values ska vara en lista med minst ett värde"),
        (document([record(values={})]), r"values\[0\].values: ska vara en lista"),
        (document([value(gender="F")]), r"values\[0\].values\[0\]: gender ska vara K, M eller T, inte 'F'"),
        (document([value(count=12.0)]), r"values\[0\].values\[0\]: count ska vara ett heltal"),
        (document([value(count="12")]), r"values\[0\].values\[0\]: count ska vara"),
        (document([value(count=-1)]), r"values\[0\].values\[0\]: count ska vara"),
        (document([value(value="1,5")]), r"values\[0\].values\[0\]: value ska vara"),
        (document([value(value=True)]), r"values\[0\].values\[0\]: value ska vara ett tal"),
        (document([value(value=None)]), r"values\[0\].values\[0\]: value saknas"),
        (document([value(value=None, status="..")]), r"values\[0\].values\[0\]: ett skyddat värde"),
        (document([value(status=None)]), r"values\[0\].values\[0\]: status ska vara text"),
        (document([value(sex="K")]), r"values\[0\].values\[0\]: okänd nyckel 'sex'"),
        (document([record(values=[{"count": 1, "value": 1}])]), r"values\[0\].values\[0\]: 'gender' saknas"),
        (document([record(values=[{"gender": "K", "value": 1}, {"gender": "K", "value": 2}])]),
         r"values\[0\]: kön K förekommer två gånger"),
        ("[" * 100_000 + "]" * 100_000, "nästlad i fler än 20 nivåer"),
    ],
)
def test_json_is_read_strictly(text, message):
    with pytest.raises(KpiFormatError, match=message) as info:
        loads_json(text)
    assert "\n" not in str(info.value)


def test_json_refuses_non_text_and_bad_records_to_write():
    with pytest.raises(KpiFormatError):
        loads_json(b"{}")
    with pytest.raises(KpiFormatError, match="KpiRecord"):
        dumps_json([{"kpi": "N31807"}])
    with pytest.raises(KpiFormatError, match="två gånger"):
        dumps_json([N31807, N31807])
    with pytest.raises(KpiFormatError, match="municipality_name"):
        dumps_json([N31807], municipality_name="Vet\nlanda")


# --- CSV -------------------------------------------------------------------------------

def test_csv_shape():
    assert dumps_csv([N31807, MONTHLY]).split("\r\n") == [
        "kpi;municipality;period;gender;count;value;status",
        "N31807;0684;2025;K;1;2,7;",
        "N31807;0684;2025;M;;;..",
        "N31807;0684;2025;T;1;5,10;",
        "LIKA-HH;0684;2025-05;T;;;..",
        "",
    ]
    assert dumps_csv([], bom=True) == "\ufeffkpi;municipality;period;gender;count;value;status\r\n"


def test_csv_quotes_a_status_with_a_semicolon():
    odd = KpiRecord("N1", "0684", "2025", (KpiValue("T", None, None, 'a;b "c"'),))
    text = dumps_csv([odd])
    assert text.splitlines()[1] == 'N1;0684;2025;T;;;"a;b ""c"""'
    assert loads_csv(text) == (odd,)


def test_csv_reading_accepts_a_bom_a_decimal_point_blank_lines_and_scattered_lines():
    text = ("\ufeffkpi;municipality;period;gender;count;value;status\n"
            "N1;0684;2025;K;1;1.5;\n\n"
            "N2;0684;2025;T;;-0,25;prel\n"
            "N1;0684;2025;M;;2;\n")
    assert loads_csv(text) == (
        KpiRecord("N1", "0684", "2025", (KpiValue("K", 1, Decimal("1.5")), KpiValue("M", None, Decimal(2)))),
        KpiRecord("N2", "0684", "2025", (KpiValue("T", None, Decimal("-0.25"), "prel"),)),
    )


HEADER = ";".join(CSV_HEADER) + "\r\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "rad 1: rubrikraden ska vara"),
        ("kpi,municipality,period,gender,count,value,status\r\n", "rad 1: rubrikraden"),
        (HEADER + "N1;0684;2025;K;3;1,5\r\n", "rad 2: ska ha 7 fält, har 6"),
        (HEADER + "N1;684;2025;K;3;1,5;\r\n", "rad 2: municipality ska vara en kommunkod"),
        (HEADER + "N1;0684;2025-Q1;K;3;1,5;\r\n", "rad 2: period ska vara"),
        (HEADER + "N1;0684;2025;X;3;1,5;\r\n", "rad 2: gender ska vara"),
        (HEADER + "N1;0684;2025;K;3,0;1,5;\r\n", "rad 2: count ska vara ett heltal"),
        (HEADER + "N1;0684;2025;K;-3;1,5;\r\n", "rad 2: count ska vara ett heltal"),
        (HEADER + "N1;0684;2025;K;3;1 500,5;\r\n", "rad 2: value ska vara ett tal"),
        (HEADER + "N1;0684;2025;K;3;1.500,5;\r\n", "rad 2: value ska vara ett tal"),
        (HEADER + "N1;0684;2025;K;3;1e5;\r\n", "rad 2: value ska vara ett tal"),
        (HEADER + "N1;0684;2025;K;1;;\r\n", "rad 2: value saknas"),
        (HEADER + "N1;0684;2025;K;1;;..\r\n", "rad 2: ett skyddat värde"),
        (HEADER + "N1;0684;2025;K;3;1,5;\r\n", "rad 2: count ska vara 1 eller saknas, inte 3"),
        (HEADER + "N1;0684;2025;K;1;1;\r\nN1;0684;2025;K;1;2;\r\n",
         "rad 3: kpi N1, kommun 0684, period 2025, kön K finns redan på rad 2"),
        (HEADER + 'N1;0684;2025;K;3;1;"a"b\r\n', "rad 2: trasig CSV"),
    ],
)
def test_csv_is_read_strictly(text, message):
    with pytest.raises(KpiFormatError, match=message):
        loads_csv(text)


# --- round trips -----------------------------------------------------------------------

kpis = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,9}", fullmatch=True)
municipalities = st.from_regex(r"[0-9]{4}", fullmatch=True)
periods = st.one_of(
    st.integers(1, 9999).map(lambda y: f"{y:04d}"),
    st.tuples(st.integers(1, 9999), st.integers(1, 12)).map(lambda ym: f"{ym[0]:04d}-{ym[1]:02d}"),
)
# at most 20 decimals: a number in a file is at most 40 characters (lika.core.limits)
decimals = st.integers(0, 20).flatmap(lambda places: st.decimals(
    min_value=-(10**15) + 1, max_value=10**15 - 1, allow_nan=False, allow_infinity=False, places=places))
statuses = st.text(st.characters(categories=["L", "M", "N", "P", "S"], include_characters=" "), max_size=12)


@st.composite
def kpi_values(draw, gender):
    if draw(st.booleans()):
        return KpiValue.suppressed(gender)
    value = draw(st.one_of(st.none(), decimals))
    status = draw(statuses)
    if value is None and not status:
        status = "saknas"
    if status == "..":
        return KpiValue.suppressed(gender)
    return KpiValue(gender, draw(st.one_of(st.none(), st.just(1))), value, status)


@st.composite
def records(draw):
    keys = draw(st.lists(st.tuples(kpis, municipalities, periods), max_size=6, unique=True))
    out = []
    for key in keys:
        genders = draw(st.lists(st.sampled_from(["K", "M", "T"]), min_size=1, max_size=3, unique=True))
        out.append(KpiRecord(*key, tuple(draw(kpi_values(gender)) for gender in genders)))
    return out


@settings(max_examples=200, deadline=None)
@given(records(), st.one_of(st.none(), statuses))
def test_json_round_trip(recs, name):
    municipality = recs[0].municipality if recs and len({r.municipality for r in recs}) == 1 else None
    if municipality is None or not name:
        name = None
    assert loads_json(dumps_json(recs, municipality_name=name)) == KpiFile(municipality, name, tuple(recs))


@settings(max_examples=200, deadline=None)
@given(records(), st.booleans())
def test_csv_round_trip(recs, bom):
    assert loads_csv(dumps_csv(recs, bom=bom)) == tuple(recs)


@settings(max_examples=100, deadline=None)
@given(records())
def test_json_and_csv_carry_the_same_records(recs):
    assert loads_json(dumps_json(recs)).records == loads_csv(dumps_csv(recs))


# --- Lika's version 1 files -------------------------------------------------------------

def test_version_1_counts_were_people_and_are_dropped():
    text = json.dumps({"format": "lika-kpi", "version": 1, "values": [
        record(values=[{"gender": "K", "count": 120, "status": "", "value": 2.7},
                       {"gender": "T", "count": None, "status": "..", "value": None}])]})
    (read,) = loads_json(text).records
    assert read.values == (KpiValue("K", None, Decimal("2.7")), KpiValue.suppressed("T"))


# --- pages of Kolada's API ------------------------------------------------------------------

def kolada(values, **top):
    return json.dumps({"count": len(values), "values": values, **top})


def data(code="1280", kpi="N31807", period=2023, values=None):
    return {"kpi": kpi, "municipality": code, "period": period,
            "values": values if values is not None else [{"count": 1, "gender": "T", "status": "", "value": 7.1}]}


def test_a_kolada_v2_page():
    page = loads_document(kolada([
        data("9999", values=[{"count": 1, "gender": "K", "status": "", "value": 3.9},
                             {"count": 1, "gender": "M", "status": "", "value": 4.4},
                             {"count": 1, "gender": "T", "status": "", "value": 4.2}]),
        data("G140397", values=[{"count": 7, "gender": "T", "status": "", "value": 4.0}]),  # a group
        data("0000"), data("0001"),  # the country, a region
        data("0188", values=[{"count": 0, "gender": "M", "status": "", "value": None},  # empty
                             {"count": 0, "gender": "K", "status": "Saknas", "value": None},
                             {"count": 1, "gender": "T", "status": "", "value": 3.4}]),
        data("2584", values=[{"count": 0, "gender": "T", "status": "", "value": None}]),  # nothing known
    ], next_page="http://api.kolada.se/v2/data/kpi/N31807/year/2023?page=2&per_page=6"))
    assert isinstance(page, KoladaDocument) and page.kind == "data"
    assert [(r.municipality, r.period, r.values) for r in page.records] == [
        ("9999", "2023", (KpiValue("K", 1, Decimal("3.9")), KpiValue("M", 1, Decimal("4.4")),
                          KpiValue("T", 1, Decimal("4.2")))),
        ("0188", "2023", (KpiValue("K", None, None, "Saknas"), KpiValue("T", 1, Decimal("3.4")))),
    ]
    assert page.keys == {("N31807", "9999", "2023"), ("N31807", "0188", "2023"), ("N31807", "2584", "2023")}
    assert (page.groups, page.regions, page.deleted, page.empty) == (1, 2, 0, 2)
    assert page.next_url.endswith("page=2&per_page=6") and page.previous_url is None


def test_a_kolada_v3_page_with_deleted_values_and_a_municipality_list():
    page = loads_document(kolada([
        data("0180", period="2024", values=[{"count": 1, "gender": "T", "status": "", "value": 3.1, "isdeleted": False},
                                            {"gender": "K", "value": None, "isdeleted": True}])],
        next_url=None, previous_url="https://api.kolada.se/v3/data/kpi/N31807/year/2024?page=1&per_page=1"))
    assert [(r.municipality, r.period, r.values) for r in page.records] == [
        ("0180", "2024", (KpiValue("T", 1, Decimal("3.1")),))]
    assert page.deleted == 1 and page.previous_url.endswith("page=1&per_page=1")
    names = loads_document(kolada([{"id": "9999", "title": "Exempelby", "type": "K"},
                                   {"id": "0001", "title": "Region Stockholm", "type": "L"}]))
    assert (names.kind, names.names, names.records) == ("municipality", {"9999": "Exempelby"}, ())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (json.dumps({"count": 2, "values": [data()]}), "count: sidan säger 2 poster men values har 1"),
        (json.dumps({"count": "1", "values": [data()]}), "count: ska vara ett heltal"),
        (kolada([data(), data()]), r"values\[1\]: kpi N31807, kommun 1280, period 2023 förekommer två gånger"),
        (kolada([{"kpi": "N15033", "ou": "V15E144001301", "period": 2023, "values": []}]), r"values\[0\]: enhetsdata \(ou\)"),
        (kolada([data(period="2023-05")]), r"values\[0\].period: ska vara ett år"),
        (kolada([data(period=23)]), r"values\[0\].period: ska vara ett år"),
        (kolada([data(code="123")]), r"values\[0\]: municipality ska vara en kommunkod"),
        (kolada([{**data(), "title": "x"}]), r"values\[0\]: okänd nyckel 'title'"),
        (kolada([data(values=[{"count": 3, "gender": "T", "status": "", "value": 1}])]),
         r"values\[0\].values\[0\]: count ska vara 1 eller saknas, inte 3: count är som i Kolada antalet kommuner"),
        (kolada([data(values=[{"count": 1, "gender": "T", "status": "", "value": "1,5"}])]),
         r"values\[0\].values\[0\].value: ska vara ett tal eller null"),
        (kolada([data(values=[{"count": 1.0, "gender": "T", "status": "", "value": 1}])]),
         r"values\[0\].values\[0\].count: ska vara ett heltal"),
        (kolada([data(values=[{"gender": "F", "value": 1}])]), r"values\[0\].values\[0\]: gender ska vara K, M eller T"),
        (kolada([data(values=[{"gender": "T", "value": 1, "isdeleted": "ja"}])]), r"isdeleted: ska vara true"),
        (kolada([data(values=[{"gender": "T", "value": 1, "unit": "%"}])]), r"okänd nyckel 'unit'"),
        (kolada([data()], next_page=5), "next_page/next_url: ska vara en adress"),
        (kolada([data()], next_page="a?page=2", next_url="a?page=3"), "pekar på olika sidor"),
        (kolada([{"id": "123", "title": "X", "type": "K"}]), r"values\[0\].id: ska vara en kommunkod"),
        (kolada([{"id": "0180", "title": "X", "type": "Q"}]), r"values\[0\].type: ska vara K"),
    ],
)
def test_kolada_pages_are_read_strictly(text, message):
    with pytest.raises(KpiFormatError, match=message) as info:
        loads_document(text)
    assert "\n" not in str(info.value)


def test_a_lika_file_is_still_a_lika_file():
    assert loads_document(dumps_json([N31807])) == KpiFile("0684", None, (N31807,))


@st.composite
def kolada_pages(draw):
    """Records of single municipalities as Kolada's API writes them, with groups and regions
    mixed in (which are skipped)."""
    keys = draw(st.lists(st.tuples(kpis, st.from_regex(r"(0[1-9]|1[0-9]|2[0-5])[0-9]{2}", fullmatch=True),
                                   st.integers(1990, 2030)), max_size=6, unique=True))
    objects, expected = [], []
    for kpi, code, year in keys:
        genders = draw(st.lists(st.sampled_from(["K", "M", "T"]), min_size=1, max_size=3, unique=True))
        values = [(gender, draw(st.one_of(decimals, st.just(None)))) for gender in genders]
        objects.append({"kpi": kpi, "municipality": code, "period": year, "values": [
            {"count": 0 if value is None else 1, "gender": gender, "status": "", "value": value}
            for gender, value in values]})
        shown = tuple(KpiValue(gender, 1, value) for gender, value in values if value is not None)
        if shown:
            expected.append(KpiRecord(kpi, code, f"{year:04d}", shown))
        if draw(st.booleans()):
            objects.append({"kpi": kpi, "municipality": "G" + code, "period": year,
                            "values": [{"count": 5, "gender": "T", "status": "", "value": 1}]})
    return objects, expected


@settings(max_examples=150, deadline=None)
@given(kolada_pages())
def test_a_kolada_page_gives_its_municipalities_values_exactly(case):
    objects, expected = case
    text = "{" + f'"count": {len(objects)}, "values": [' + ", ".join(
        _encode(obj) for obj in objects) + "]}"
    page = loads_document(text)
    assert list(page.records) == expected
    assert page.groups == sum(obj["municipality"].startswith("G") for obj in objects)

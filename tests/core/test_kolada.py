"""KPI exchange in Kolada's shape (lika.core.kolada): JSON and CSV."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core.kolada import (
    CSV_HEADER,
    KpiFile,
    KpiFormatError,
    KpiRecord,
    KpiValue,
    dumps_csv,
    dumps_json,
    loads_csv,
    loads_json,
)

N31807 = KpiRecord("N31807", "0684", "2025", (
    KpiValue("K", 120, Decimal("2.7")),
    KpiValue("M", None, None, ".."),
    KpiValue("T", 250, Decimal("5.10")),
))
MONTHLY = KpiRecord("LIKA-HH", "0684", "2025-05", (KpiValue.suppressed("T"),))


def document(values, **top):
    return json.dumps({"format": "lika-kpi", "version": 1, **top, "values": values})


def record(**changes):
    base = {"kpi": "N31807", "municipality": "0684", "period": "2025",
            "values": [{"gender": "T", "count": 12, "status": "", "value": 1.5}]}
    return {**base, **changes}


def value(**changes):
    return record(values=[{"gender": "T", "count": 12, "status": "", "value": 1.5, **changes}])


# --- the values ------------------------------------------------------------------------

def test_value_conventions():
    assert KpiValue("T", 3, 7).value == Decimal(7)  # an int is exact: kept as Decimal
    assert KpiValue.suppressed("K") == KpiValue("K", None, None, "..")
    assert N31807.value_of("K").count == 120 and N31807.value_of("X") is None
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
        (lambda: KpiValue("T", 3, None, ".."), "skyddat värde"),
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
        (lambda: KpiRecord("N1", "0684", "2025", (KpiValue("T", 1, 1), KpiValue("T", 2, 2))), "två gånger"),
    ],
)
def test_invalid_values_and_records_cannot_be_built(build, message):
    with pytest.raises(KpiFormatError, match=message):
        build()


# --- JSON ------------------------------------------------------------------------------

def test_json_document_shape():
    text = dumps_json([N31807, MONTHLY], municipality_name="Vetlanda")
    data = json.loads(text)
    assert data["format"] == "lika-kpi" and data["version"] == 1
    assert (data["municipality"], data["municipality_name"]) == ("0684", "Vetlanda")
    assert data["values"][0] == {"kpi": "N31807", "municipality": "0684", "period": "2025", "values": [
        {"gender": "K", "count": 120, "status": "", "value": 2.7},
        {"gender": "M", "count": None, "status": "..", "value": None},
        {"gender": "T", "count": 250, "status": "", "value": 5.1}]}
    assert '"value": 5.10}' in text  # exact Decimal text, no float rounding
    assert loads_json(text) == KpiFile("0684", "Vetlanda", (N31807, MONTHLY))


def test_json_with_several_municipalities_has_no_file_municipality():
    other = KpiRecord("N31807", "0685", "2025", (KpiValue("T", 40, Decimal("3.3")),))
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
        (json.dumps({"format": "lika-kpi", "version": 2, "values": []}), "version: 2 stöds inte"),
        (json.dumps({"format": "lika-kpi", "version": True, "values": []}), "version: True stöds inte"),
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
        "N31807;0684;2025;K;120;2,7;",
        "N31807;0684;2025;M;;;..",
        "N31807;0684;2025;T;250;5,10;",
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
            "N1;0684;2025;K;3;1.5;\n\n"
            "N2;0684;2025;T;;-0,25;prel\n"
            "N1;0684;2025;M;4;2;\n")
    assert loads_csv(text) == (
        KpiRecord("N1", "0684", "2025", (KpiValue("K", 3, Decimal("1.5")), KpiValue("M", 4, Decimal(2)))),
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
        (HEADER + "N1;0684;2025;K;3;;\r\n", "rad 2: value saknas"),
        (HEADER + "N1;0684;2025;K;3;;..\r\n", "rad 2: ett skyddat värde"),
        (HEADER + "N1;0684;2025;K;3;1;\r\nN1;0684;2025;K;4;2;\r\n",
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
    return KpiValue(gender, draw(st.one_of(st.none(), st.integers(0, 10**9))), value, status)


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

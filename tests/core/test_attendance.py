"""The attendance CSV: a good file, every kind of bad line with its line number, BOM,
both separators, personnummer → birth year and legal gender.  All data fictional."""

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.core.attendance import parse_attendance, personnummer_facts
from lika.core.grants import FEMALE, MALE, UNKNOWN, Occasion, Participant, calculate_activity_grant
from lika.core.grants import parse_programme as parse_rules

HEADER = "datum;grupp;deltagare;födelseår;personnummer;kön;ledare;minuter"
GOOD = [
    HEADER,
    "2027-03-01;P10;a1;2017;;K;;60",
    "2027-03-01;P10;a2;2016;;M;nej;60",
    "2027-03-01;P10;a3;;20160315-1240;;;60",  # personnummer: girl born 2016
    "2027-03-01;P10;L1;1990;;M;ja;60",
    "2027-03-02;F12;a1;2017;;K;;90",
    "2027-03-02;F12;a1;2017;;K;;90",  # the same girl twice: counted once
]


def parse(lines, **kwargs):
    return parse_attendance(io.StringIO("\n".join(lines) + "\n"), **kwargs)


def test_good_file():
    result = parse(GOOD)
    assert result.ok and result.errors == () and result.rows == 6
    first, second = result.occasions
    assert first == Occasion(
        date(2027, 3, 1),
        "P10",
        60,
        (
            Participant("a1", 2017, FEMALE),
            Participant("a2", 2016, MALE),
            Participant("a3", 2016, FEMALE),
            Participant("L1", 1990, MALE, True),
        ),
    )
    assert second == Occasion(date(2027, 3, 2), "F12", 90, (Participant("a1", 2017, FEMALE),))


def test_bom_comma_quotes_and_column_order():
    text = "\ufeffMinuter,Deltagare,Datum,Grupp,Födelseår\r\n60,x,2027-03-01,\"Flickor, 10 år\",2017\r\n"
    result = parse_attendance(io.StringIO(text, newline=""))
    assert result.ok
    (occasion,) = result.occasions
    assert occasion.group == "Flickor, 10 år"
    assert occasion.participants == (Participant("x", 2017, UNKNOWN),)


def test_bom_in_a_binary_file_opened_as_utf8(tmp_path):
    path = tmp_path / "narvaro.csv"
    path.write_bytes(("\n".join(GOOD) + "\n").encode("utf-8-sig"))
    with path.open(encoding="utf-8", newline="") as handle:  # the BOM left in on purpose
        assert parse_attendance(handle).ok


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "narvaro.csv"
    path.write_bytes(("\n".join(GOOD[:3] + ["2027-03-01;Pojkar 10 år;a9;2017;;M;;60", "2027-03-01;Flickor 12 år;a9;2017;;M;;60"] + GOOD[3:]) + "\n").encode("cp1252").replace(b"Flickor", "Flickår".encode("cp1252")))
    with path.open(encoding="utf-8", newline="") as handle:
        result = parse_attendance(handle)
    assert result.occasions == ()
    assert result.errors[-1][1] == "filen är inte UTF-8; spara den som UTF-8 och läs in den igen"


def test_semicolon_and_comma_give_the_same_occasions():
    assert parse(GOOD).occasions == parse([line.replace(";", ",") for line in GOOD]).occasions


BAD = [
    ("2027-02-30;P10;a9;2017;;K;;60", "datum '2027-02-30' ska skrivas ÅÅÅÅ-MM-DD"),
    ("2027-03-01;;a9;2017;;K;;60", "grupp saknas"),
    ("2027-03-01;P10;;2017;;K;;60", "deltagare saknas"),
    ("2027-03-01;P10;a9;17;;K;;60", "födelseår '17' ska vara fyra siffror, t.ex. 2015"),
    ("2027-03-01;P10;a9;2030;;K;;60", "födelseår 2030 ligger efter sammankomstens datum"),
    ("2027-03-01;P10;a9;;;K;;60", "födelseår eller personnummer saknas"),
    ("2027-03-01;P10;a9;;20160315-1241;;;60", "personnumret har fel kontrollsiffra"),
    ("2027-03-01;P10;a9;;2016-0315;;;60", "personnumret ska ha 10 eller 12 siffror, t.ex. 20150315-1234"),
    ("2027-03-01;P10;a9;2015;20160315-1240;;;60", "födelseår 2015 stämmer inte med personnumret"),
    ("2027-03-01;P10;a9;2017;;Q;;60", "kön 'q' ska vara K, M eller tomt"),
    ("2027-03-01;P10;a9;2017;;K;kanske;60", "ledare 'kanske' ska vara ja eller nej"),
    ("2027-03-01;P10;a9;2017;;K;;sextio", "minuter 'sextio' ska vara ett heltal 1–1440"),
    ("2027-03-01;P10;a9;2017;;K;;0", "minuter '0' ska vara ett heltal 1–1440"),
    ("2027-03-01;P10;a9;2017;;K;60", "raden har 7 fält, rubrikraden har 8"),
    ("2027-03-01;P10;a1;2018;;K;;60", "deltagare 'a1' har annat födelseår eller kön än på rad 2"),
    ("2027-03-01;P10;a9;2017;;K;;45", "minuter 45 skiljer sig från rad 2 för samma sammankomst"),
    ("2027-03-01;P10;a9;2017;;K;;6" + "0" * 300, "ett fält är längre än 200 tecken"),
]


@pytest.mark.parametrize("line,message", BAD, ids=[m for _, m in BAD])
def test_each_bad_line_is_reported_with_its_number(line, message):
    result = parse(GOOD[:5] + [line] + GOOD[5:])
    assert result.occasions == ()
    assert result.errors == ((6, message),)


def test_all_errors_of_the_whole_file_are_reported():
    lines = GOOD[:3] + [BAD[0][0], GOOD[3], BAD[1][0], BAD[11][0], GOOD[4]]
    result = parse(lines)
    assert result.occasions == ()
    assert result.errors == ((4, BAD[0][1]), (6, BAD[1][1]), (7, BAD[11][1]))


def test_one_line_with_several_problems():
    result = parse([HEADER, "igår;;;;;Q;kanske;x"])
    assert [n for n, _ in result.errors] == [2] * 7


def test_error_list_is_bounded_but_the_whole_file_is_checked():
    result = parse([HEADER] + ["2027-03-01;P10;a9;;;K;;60"] * 50 + ["2027-03-01;P10;a9;17;;K;;60"], max_errors=5)
    assert len(result.errors) == 6
    assert result.errors[-1] == (52, "… och 46 fel till")


@pytest.mark.parametrize(
    "header,message",
    [
        ("datum;grupp;deltagare;födelseår", "kolumnen minuter saknas"),
        ("datum;grupp;deltagare;minuter", "kolumnen födelseår eller personnummer saknas"),
        ("datum;grupp;deltagare;födelseår;minutter", "kolumnen minuter saknas"),
        ("datum;grupp;grupp;deltagare;födelseår;minuter", "kolumnen grupp finns två gånger"),
    ],
)
def test_bad_header(header, message):
    result = parse([header, "2027-03-01;P10;a9;2017;60"])
    assert result.occasions == ()
    assert (1, message) in result.errors


def test_other_columns_are_ignored():
    result = parse(["namn;datum;grupp;deltagare;födelseår;minuter", "Fiktiva Flicka;2027-03-01;P10;a9;2017;60"])
    assert result.ok and result.occasions[0].participants == (Participant("a9", 2017, UNKNOWN),)


def test_empty_files():
    assert parse_attendance(io.StringIO("")).errors == ((1, "filen är tom"),)
    assert parse([HEADER]).errors == ((1, "filen har inga rader efter rubrikraden"),)


def test_blank_lines_are_skipped():
    assert parse(GOOD[:3] + [""] + GOOD[3:]).ok


def test_broken_quoting_is_a_line_error():
    result = parse([HEADER, '2027-03-01;"P10"x;a9;2017;;K;;60'] + GOOD[1:])
    assert result.errors[0][0] == 2 and "CSV" in result.errors[0][1]


# fictional numbers with a correct check digit
@pytest.mark.parametrize(
    "number,on,facts",
    [
        ("20160315-1240", date(2027, 1, 1), (2016, FEMALE)),
        ("201603151232", date(2027, 1, 1), (2016, MALE)),
        ("160315-1232", date(2027, 1, 1), (2016, MALE)),
        ("090101-9877", date(2027, 1, 1), (2009, MALE)),
        ("090101-9885", date(2027, 1, 1), (2009, FEMALE)),
        ("090101+9885", date(2027, 1, 1), (1909, FEMALE)),
        ("150761-2347", date(2027, 1, 1), (2015, FEMALE)),  # samordningsnummer (day 61 = 1)
        ("160315-1232", date(2016, 3, 1), (1916, MALE)),  # not yet born in 2016: a century earlier
    ],
)
def test_personnummer_gives_birth_year_and_legal_gender(number, on, facts):
    assert personnummer_facts(number, on) == facts


@pytest.mark.parametrize(
    "number,message",
    [
        ("201603151232", "personnumret anger en födelse efter sammankomsten"),
        ("201613151230", "personnumret innehåller inget giltigt födelsedatum"),
        ("16031512", "personnumret ska ha 10 eller 12 siffror, t.ex. 20150315-1234"),
    ],
)
def test_bad_personnummer(number, message):
    from lika.core.attendance import _RowError

    with pytest.raises(_RowError, match=message):
        personnummer_facts(number, date(2016, 3, 1))


def test_stated_gender_wins_over_the_personnummer_digit():
    result = parse([HEADER, "2027-03-01;P10;a9;;20160315-1240;M;;60"])
    assert result.occasions[0].participants == (Participant("a9", 2016, MALE),)


def test_file_to_grant():
    rules = parse_rules(
        {
            "name": "Aktivitetsstöd",
            "versions": [
                {
                    "valid_from": "2027-01-01",
                    "source": "fiktivt beslut",
                    "age_min": 7,
                    "age_max": 25,
                    "occasion_rate": 30,
                    "participant_rates": {"7-25": 8},
                    "min_participants": 3,
                    "min_minutes": 60,
                }
            ],
        }
    )
    result = calculate_activity_grant(rules, parse(GOOD).occasions)
    assert [o.counted for o in result.occasions] == [True, False]
    assert result.occasions[1].reasons == ("1 deltagare i åldern 7–25 år, minst 3 krävs", "ingen ledare närvarande")
    assert result.total == 3000 + 3 * 800


rows = st.lists(
    st.tuples(
        st.sampled_from(["2027-03-01", "2027-03-02"]),
        st.sampled_from(["A", "B"]),
        st.integers(0, 9),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(rows, st.randoms(use_true_random=False))
def test_order_of_rows_and_repeated_rows_do_not_change_the_occasions(data, rnd):
    def line(day, group, n, leader):
        # birth year and gender fixed per participant; minutes fixed per occasion
        return f"{day};{group};p{n};{2010 + n};;{'KM'[n % 2]};{'ja' if leader else ''};{60 if group == 'A' else 90}"

    lines = [line(*row) for row in data]
    shuffled = lines + [rnd.choice(lines) for _ in range(5)]
    rnd.shuffle(shuffled)
    one, two = parse([HEADER] + lines), parse([HEADER] + shuffled)
    assert one.ok and two.ok

    def canonical(result):
        out = {}
        for o in result.occasions:
            out[(o.date, o.group, o.minutes)] = {p.id: p for p in o.participants}
        return out

    # a participant flagged leader on any of her rows of an occasion is a leader there,
    # whatever the order of the rows
    assert canonical(one) == canonical(two)

"""The population file: inhabitants by age, legal gender and year in the shape of SCB's CSV
export of table BE0101N1 ("Folkmängden efter region, ålder, kön och år", Statistikdatabasen).
Pure: lines of text in, rows or a list of (line number, Swedish message) out — never both.

Accepted (docs/formats.md, "Folkmängd"):

* title lines before the header are skipped (SCB writes the table's name and a blank line);
  the header is the first row whose first field is ``region``;
* ``,``, ``;`` or tab between fields (chosen from the header row), fields may be quoted;
* columns ``region``, ``ålder``, ``kön`` and either one column per year (a header holding a
  four-digit year, e.g. ``2024`` or ``Folkmängd 2024``) or a column ``år`` and one value
  column (``folkmängd``, ``antal`` or ``värde``);
* ``ålder``: ``7 år``, ``7``, ``100+ år`` (100 and older); ``kön``: ``kvinnor``/``män``
  (or SCB's codes ``2``/``1``); rows for ``totalt`` (all ages or both genders) are skipped,
  being sums of the other rows;
* one region per file; counts whole numbers ≥ 0 (``..``, SCB's mark for a missing value,
  is an error on its line).
"""

import csv
import re
from dataclasses import dataclass

from .limits import shown

FEMALE, MALE = "F", "M"
GENDERS = {"kvinnor": FEMALE, "kvinna": FEMALE, "k": FEMALE, "2": FEMALE,
           "män": MALE, "man": MALE, "m": MALE, "1": MALE}
VALUE_COLUMNS = ("folkmängd", "antal", "värde")
MAX_ERRORS = 200
MAX_AGE = 130
YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
AGE = re.compile(r"^(\d{1,3})(\+?)(?:\s*år)?$")


@dataclass(frozen=True)
class PopulationRow:
    year: int
    gender: str  # F or M
    age_low: int
    age_high: int | None  # None: and older
    count: int


@dataclass(frozen=True)
class PopulationFile:
    rows: tuple[PopulationRow, ...]  # empty when there are errors
    errors: tuple[tuple[int, str], ...]
    region: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def _age(text: str):
    text = text.strip().lower()
    if text.startswith("totalt") or text in ("samtliga", "alla åldrar"):
        return "total"
    match = AGE.match(text)
    if not match or int(match.group(1)) > MAX_AGE:
        return None
    low = int(match.group(1))
    return (low, None) if match.group(2) else (low, low)


def parse_population(lines) -> PopulationFile:
    """Read the file; ``lines`` is any iterable of text lines (e.g. an open text file)."""
    errors: list[tuple[int, str]] = []
    rows: list[PopulationRow] = []
    header = None
    seen: dict[tuple, int] = {}
    region = None

    def error(line, message):
        errors.append((line, message))

    reader = None
    lines = iter(lines)
    number = 0
    for raw in lines:
        number += 1
        first = raw.lstrip("\ufeff").strip()
        if not first:
            continue
        delimiter = max((";", ",", "\t"), key=first.count)
        fields = next(csv.reader([first], delimiter=delimiter))
        if fields and fields[0].strip().lower() == "region":
            header = [f.strip().lower() for f in fields]
            reader = csv.reader(lines, delimiter=delimiter)
            break
    if header is None:
        return PopulationFile((), ((0, "filen saknar rubrikraden (region, ålder, kön, år …)"),))
    for name in ("ålder", "kön"):
        if name not in header:
            return PopulationFile((), ((number, f"kolumnen {name!r} saknas i rubrikraden"),))
    age_col, gender_col = header.index("ålder"), header.index("kön")
    if "år" in header:
        values = [i for i, h in enumerate(header) if h in VALUE_COLUMNS]
        if len(values) != 1:
            return PopulationFile((), ((number, "med kolumnen 'år' ska filen ha en värdekolumn: folkmängd, antal "
                                                "eller värde"),))
        year_col, value_cols = header.index("år"), {values[0]: None}
    else:
        year_col = None
        value_cols = {i: int(YEAR.search(h).group(1)) for i, h in enumerate(header)
                      if i not in (0, age_col, gender_col) and YEAR.search(h)}
        if not value_cols:
            return PopulationFile((), ((number, "rubrikraden har ingen kolumn för ett år (t.ex. 2024)"),))
    for fields in reader:
        number += 1
        if not any(f.strip() for f in fields):
            continue
        if len(errors) >= MAX_ERRORS:
            continue
        if len(fields) < len(header):
            error(number, f"raden har {len(fields)} fält, rubrikraden {len(header)}")
            continue
        here = fields[0].strip()
        if region is None:
            region = here
        elif here != region:
            error(number, f"filen ska gälla en region; raden gäller {shown(here)}, tidigare rader {shown(region)}")
            continue
        gender_text = fields[gender_col].strip().lower()
        if gender_text.startswith("totalt") or gender_text == "båda könen":
            continue
        gender = GENDERS.get(gender_text)
        if gender is None:
            error(number, f"okänt kön {shown(fields[gender_col])}: ska vara kvinnor eller män")
            continue
        age = _age(fields[age_col])
        if age == "total":
            continue
        if age is None:
            error(number, f"okänd ålder {shown(fields[age_col])}: ska vara t.ex. 7 år eller 100+ år")
            continue
        for col, year in value_cols.items():
            if year is None:
                text = fields[year_col].strip()
                if not (text.isdigit() and len(text) == 4):
                    error(number, f"året {shown(text)} ska vara fyra siffror")
                    continue
                year = int(text)
            value = fields[col].strip().replace(" ", "").replace("\u00a0", "")
            if not value.isdigit():
                error(number, f"antalet {shown(fields[col])} för {year} ska vara ett heltal ≥ 0")
                continue
            key = (year, gender, age)
            if key in seen:
                error(number, f"{year}, {gender_text}, {fields[age_col].strip()} finns redan på rad {seen[key]}")
                continue
            seen[key] = number
            rows.append(PopulationRow(year, gender, age[0], age[1], int(value)))
    if len(errors) >= MAX_ERRORS:
        errors.append((0, f"fler än {MAX_ERRORS} fel; de första visas"))
    if not errors and not rows:
        errors.append((number, "filen har inga rader med folkmängd"))
    return PopulationFile(() if errors else tuple(rows), tuple(errors), region or "")

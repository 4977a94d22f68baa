"""Names of Sweden's municipalities by kommunkod, from the shipped copy of SCB's code list
(``data/kommunkoder.csv``; its header names the source).  Used for the comparison page
when an imported file (Kolada's data pages have no names) does not name a municipality."""

from functools import cache
from pathlib import Path

LIST = Path(__file__).resolve().parent / "data" / "kommunkoder.csv"


@cache
def municipality_names() -> dict[str, str]:
    names = {}
    for line in LIST.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line == "kod;namn":
            continue
        code, name = line.split(";", 1)
        names[code] = name
    return names

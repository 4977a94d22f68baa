"""The riksnorm data files shipped with Lika (one JSON file a year, see docs/formats.md)."""

import json
from functools import cache
from pathlib import Path

from lika.core.norms import NormTable, parse_norm_table

DATA_DIR = Path(__file__).resolve().parent / "data"


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("riksnorm-*.json"))


def read_table_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@cache
def shipped_tables() -> dict[int, NormTable]:
    """Every shipped table by year, parsed and checked."""
    tables = {}
    for path in shipped_files():
        table = parse_norm_table(read_table_file(path))
        tables[table.year] = table
    return tables

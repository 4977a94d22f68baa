"""lika.core imports the standard library only (the import-linter contract covers Django
and the other lika packages; this covers every third-party package)."""

import ast
import sys
from pathlib import Path

import lika.core

CORE = Path(lika.core.__file__).parent


def test_core_imports_only_the_standard_library_and_itself():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_core_reads_no_clock():
    text = "\n".join(p.read_text(encoding="utf-8") for p in CORE.rglob("*.py"))
    for forbidden in ("date.today(", "datetime.now(", "time.time(", "open("):
        assert forbidden not in text


def test_the_import_contract_names_every_other_lika_package():
    import tomllib

    root = CORE.parent
    config = tomllib.loads((root.parent / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["source_modules"] == ["lika.core"]]
    packages = {f"lika.{p.name}" for p in root.iterdir() if (p / "__init__.py").exists()} - {"lika.core"}
    packages |= {f"lika.{p.stem}" for p in root.glob("*.py") if not p.stem.startswith("__")}
    assert packages <= set(contract["forbidden_modules"])
    assert {"django"} <= set(contract["forbidden_modules"])

"""Issue 18: pyproject.toml declares Lika's direct runtime dependencies with ranges and
requirements.txt pins exact versions (what `make`, CI and the Containerfile install): every
declared dependency is pinned at a version inside its range, with the same extras; every
line of requirements.txt is an exact pin; and every third-party package Lika's code imports
is declared.  (That `pip install .` into a fresh venv gives a working `lika check` was tried
by hand: docs/operations.md, "Installing from the package".)"""

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def pinned():
    out = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"requirements.txt pins exactly: {line}"
        out[canonicalize_name(requirement.name)] = (specs[0].version, requirement.extras)
    return out


def test_every_declared_dependency_is_pinned_inside_its_range():
    pins = pinned()
    requirements = declared()
    assert requirements, "pyproject.toml declares the runtime dependencies"
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is declared but not pinned in requirements.txt"
        version, extras = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), \
            f"{requirement.name}=={version} (requirements.txt) is outside {requirement.specifier} (pyproject.toml)"
        assert requirement.extras == extras, f"{requirement.name}: extras {requirement.extras} vs {extras}"
        assert str(requirement.specifier), f"{requirement.name} has a range"
    assert len({canonicalize_name(r.name) for r in requirements}) == len(requirements), "declared once"


def test_every_third_party_import_of_lika_is_declared():
    names = {canonicalize_name(r.name) for r in declared()}
    distributions = packages_distributions()
    imported = set()
    for path in (ROOT / "lika").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "lika"}
    missing = {}
    for module in sorted(third_party):
        dists = {canonicalize_name(d) for d in distributions.get(module, [])}
        assert dists, f"{module}: imported by lika but not installed"
        if not dists & names:
            missing[module] = sorted(dists)
    assert missing == {}, f"imported but not declared in pyproject.toml: {missing}"

"""environment.yml (conda) must list the same packages and bounds as pyproject.toml (pip).

Conda cannot run on the project's machines, so this test is what keeps the two in step.
"""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from analysis.paths import PROJECT_ROOT

# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "playwright-python": "playwright"}
CONDA_ONLY = {"python", "pip"}


def pyproject_requirements() -> dict[str, SpecifierSet]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines.extend(extra)
    requirements = [Requirement(line) for line in lines]
    return {r.name.lower(): r.specifier for r in requirements}


def conda_environment() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))


def conda_requirements() -> dict[str, SpecifierSet]:
    found = {}
    for entry in conda_environment()["dependencies"]:
        if not isinstance(entry, str):
            continue
        name, spec = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", entry).groups()
        if name in CONDA_ONLY:
            continue
        found[CONDA_TO_PYPI.get(name, name).lower()] = SpecifierSet(spec)
    return found


def test_same_packages_in_both_files() -> None:
    pip, conda = pyproject_requirements(), conda_requirements()
    assert sorted(set(pip) - set(conda)) == [], "missing from environment.yml"
    assert sorted(set(conda) - set(pip)) == [], "missing from pyproject.toml"


def test_same_version_bounds_in_both_files() -> None:
    pip, conda = pyproject_requirements(), conda_requirements()
    differing = {
        name: (str(pip[name]), str(conda[name])) for name in pip if pip[name] != conda.get(name)
    }
    assert differing == {}


def test_conda_uses_conda_forge_and_installs_the_project() -> None:
    environment = conda_environment()
    assert environment["channels"] == ["conda-forge", "nodefaults"]
    pip_entries = [e for e in environment["dependencies"] if isinstance(e, dict)]
    assert pip_entries == [{"pip": ["-e ."]}]
    assert "pip" in environment["dependencies"]


def test_conda_python_satisfies_requires_python() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    python = next(
        e
        for e in conda_environment()["dependencies"]
        if isinstance(e, str) and e.startswith("python=")
    )
    assert SpecifierSet(project["requires-python"]).contains(python.removeprefix("python=") + ".0")

"""requirements.txt and pyproject.toml's [project] metadata say the same thing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"#\s*(?:Runtime|Extra: (?P<extra>[a-z-]+))\b")
RUNTIME = "runtime"
SELF = "vnnews-archiver"


def pinned_sections() -> dict[str, dict[str, Requirement]]:
    """requirements.txt's pins by section ("runtime" or an extra's name)."""
    sections: dict[str, dict[str, Requirement]] = {}
    current: str | None = None
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        found = SECTION.match(line)
        if found:
            current = found["extra"] or RUNTIME
            sections[current] = {}
        elif line.strip() and not line.startswith("#"):
            assert current is not None, f"a pin before any section: {line}"
            requirement = Requirement(line)
            sections[current][canonicalize_name(requirement.name)] = requirement
    return sections


def declared_sections() -> dict[str, dict[str, Requirement]]:
    """pyproject.toml's dependencies and extras, by the same section names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    groups = {RUNTIME: project["dependencies"], **project["optional-dependencies"]}
    return {
        name: {
            canonicalize_name(req.name): req
            for req in map(Requirement, values)
            if canonicalize_name(req.name) != SELF
        }
        for name, values in groups.items()
    }


def test_the_same_sections_and_packages() -> None:
    pinned, declared = pinned_sections(), declared_sections()
    assert set(pinned) == set(declared) == {RUNTIME, "postgres", "redis", "dev"}
    for name, requirements in declared.items():
        assert set(pinned[name]) == set(requirements), name


def test_every_pin_is_exact_and_allowed_by_the_metadata() -> None:
    declared = declared_sections()
    for name, pins in pinned_sections().items():
        for package, pin in pins.items():
            (spec,) = pin.specifier
            assert spec.operator == "==", f"{pin} is not a pin"
            allowed = declared[name][package]
            assert allowed.specifier.contains(spec.version), f"{pin} outside {allowed}"
            assert pin.extras == allowed.extras, package


def test_dev_extra_brings_the_service_extras() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    selves = [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    (own,) = [r for r in selves if canonicalize_name(r.name) == SELF]
    assert own.extras == {"postgres", "redis"}
    assert project["scripts"] == {"vnnews": "crawler.cli:main"}

"""requirements.lock pins what CI installs (`make install`): it must keep up with
pyproject.toml, so a fresh machine installs what CI tested."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]


def pins(text: str) -> dict[str, str]:
    """{canonical name: version} of every `name==version` line of a lock file."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def drift(requirements: list[Requirement], pinned: dict[str, str]) -> list[str]:
    """What the lock lacks: a declared dependency not pinned, or pinned outside its range."""
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in pinned:
            problems.append(f"{requirement.name} is not pinned")
        elif not requirement.specifier.contains(pinned[name], prereleases=True):
            problems.append(f"{requirement.name}=={pinned[name]} is outside {requirement}")
    return problems


@pytest.fixture(scope="module")
def lock_text():
    return (ROOT / "requirements.lock").read_text(encoding="utf-8")


def test_every_dependency_of_pyproject_is_pinned_within_its_range(lock_text):
    assert drift(declared(), pins(lock_text)) == []


def test_the_check_sees_a_missing_pin_and_a_pin_out_of_range():
    requirements = [Requirement("Django>=5.2,<5.3"), Requirement("celery[redis]>=5.4")]
    assert drift(requirements, {"django": "5.2.8", "celery": "5.5.3"}) == []
    assert drift(requirements, {"django": "5.3.0", "celery": "5.5.3"}) == [
        "Django==5.3.0 is outside Django<5.3,>=5.2"
    ]
    assert drift(requirements, {"django": "5.2.8"}) == ["celery is not pinned"]


def test_every_pin_carries_hashes_so_pip_installs_only_the_tested_files(lock_text):
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock_text)
    pinned = [block for block in blocks if PIN.match(block)]
    assert len(pinned) == len(pins(lock_text)) > len(declared())
    assert [b.split()[0] for b in pinned if "--hash=sha256:" not in b] == []


def test_the_environment_running_the_tests_has_the_locked_versions(lock_text):
    """What these tests run on is what the lock would install (CI installs from it)."""
    different = {}
    for name, pinned in pins(lock_text).items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            different[name] = (pinned, installed)
    assert different == {}

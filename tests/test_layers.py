"""The features stand in layers, in the order of FEATURES: none imports one above it, and the shared base below them
all imports none, at the top of a module or inside a function alike. What a lower feature needs to know of a higher
one reaches it through its own signals and registries, which the higher one fills in its init_app."""

from __future__ import annotations

import ast
from pathlib import Path

from jcm import FEATURES

PACKAGE = Path(__file__).resolve().parent.parent / "jcm"
# What every feature may use, and which imports no feature.
BASE = {"jcm.api", "jcm.backup", "jcm.bilingual", "jcm.collation", "jcm.config", "jcm.content", "jcm.errors", "jcm.extensions",
        "jcm.fields", "jcm.fonts", "jcm.forms", "jcm.guard", "jcm.i18n", "jcm.labels", "jcm.mail", "jcm.models", "jcm.permissions",
        "jcm.records", "jcm.text", "jcm.versions", "jcm.web", "jcm.zones"}
# The application, which puts the features together: it may import any of them.
APPLICATION = {"jcm", "jcm.cli", "jcm.demo"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def part_of(name: str) -> str:
    """The feature, the base module or the application a module belongs to: jcm.actions.views → jcm.actions."""
    parts = name.split(".")
    return ".".join(parts[:2])


def layer(name: str) -> int:
    """0 for the base, 1… for the features in their order, past them all for the application."""
    owner = part_of(name)
    if owner in BASE:
        return 0
    if owner in FEATURES:
        return 1 + FEATURES.index(owner)
    assert name in APPLICATION, f"{name} is in no layer: add it to the base, a feature or the application"
    return len(FEATURES) + 1


def imported(name: str, source: str, known: set[str]) -> list[tuple[int, str]]:
    """(line, module) of every import of a module of the package, wherever it is in the source."""
    package = name if (PACKAGE.parent / Path(*name.split("."))).is_dir() else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:  # `from jcm.actions import services` imports the module jcm.actions.services
                found.append((node.lineno, f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base))
    return [(line, module) for line, module in found if module == "jcm" or module.startswith("jcm.")]


def upward_imports(name: str, source: str, known: set[str]) -> list[str]:
    mine = layer(name)
    return list(dict.fromkeys(
        f"{name}:{line} imports {module}" for line, module in imported(name, source, known)
        if part_of(module) != part_of(name) and layer(module) >= mine and mine <= len(FEATURES)
        and not (mine == 0 and layer(module) == 0)))


def test_no_feature_imports_one_above_it_and_the_base_imports_none():
    found = modules()
    problems = [problem for name, path in found.items()
                for problem in upward_imports(name, path.read_text("utf-8"), set(found))]
    assert not problems, "\n".join(problems)


def test_every_module_is_in_a_layer_and_every_feature_package_is_in_features():
    packages = {f"jcm.{path.parent.name}" for path in PACKAGE.glob("*/__init__.py")}
    assert packages - {"jcm.api"} == set(FEATURES)
    for name in modules():
        layer(name)


def test_the_check_sees_imports_inside_functions_relative_ones_and_the_base():
    known = set(modules())
    inside = "def show():\n    from jcm.actions import services\n    return services\n"
    assert upward_imports("jcm.meetings.views", inside, known) == [
        "jcm.meetings.views:2 imports jcm.actions.services"]
    relative = "from ..minutes.models import Minutes\n"
    assert upward_imports("jcm.actions.views", relative, known) == ["jcm.actions.views:1 imports jcm.minutes.models"]
    assert upward_imports("jcm.labels", "import jcm.mou.models\n", known) == ["jcm.labels:1 imports jcm.mou.models"]
    assert upward_imports("jcm.web", "from jcm import demo\n", known) == ["jcm.web:1 imports jcm.demo"]
    downward = "from jcm.accounts.models import User\nfrom jcm.meetings import services\nfrom jcm.web import actor\n"
    assert upward_imports("jcm.actions.views", downward, known) == []
    assert upward_imports("jcm.demo", "from jcm.verification import services\n", known) == []

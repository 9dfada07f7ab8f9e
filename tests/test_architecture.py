"""The layering the project promises: only adapters know the chat platforms."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_PACKAGES = ("slack_bolt", "slack_sdk", "microsoft_agents", "botbuilder")
NEUTRAL = ("commands", "scheduler", "storage")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", NEUTRAL)
def test_neutral_packages_never_import_platform_sdks(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in PLATFORM_PACKAGES
    ]
    assert offenders == []


@pytest.mark.parametrize("package", NEUTRAL)
def test_neutral_packages_never_import_the_adapters(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imports(path)
        if name == "bot" or name.startswith("bot.")
    ]
    assert offenders == []


# The layers point one way: bot -> scheduler -> commands -> storage.
LOWER_MAY_NOT_IMPORT = {
    "storage": ("commands", "scheduler", "bot"),
    "commands": ("scheduler", "bot"),
    "scheduler": ("bot",),
}


@pytest.mark.parametrize("package", sorted(LOWER_MAY_NOT_IMPORT))
def test_layers_point_one_way(package: str) -> None:
    forbidden = LOWER_MAY_NOT_IMPORT[package]
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in forbidden
    ]
    assert offenders == []

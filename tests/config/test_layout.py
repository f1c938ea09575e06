"""The apps' walls: imports point one way, from the pages down to the shared core, and each app
owns its URLs. Read from the source, so a new import across a wall fails here."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Each app, and the apps it may import (besides itself). config/ is the roof: it may import any.
MAY_IMPORT = {
    "core": set(),
    "stations": {"core"},
    "services.checkups": {"core", "stations"},
    "services.benefits": {"core", "stations"},
    "services.reports": {"core", "stations"},
    "services.alerts": {"core", "stations"},
    # the open-data feeds read the stations and the check-ups
    "services.hsds": {"core", "stations", "services.checkups"},
    # planning reads the occupations catalogue (benefits) to check who may come to its visits
    "services.planning": {"core", "stations", "services.checkups", "services.benefits"},
    "maps": {
        "core",
        "stations",
        "services.checkups",
        "services.benefits",
        "services.planning",
        "services.reports",
        "services.alerts",
    },
}


def app_of(module: str) -> str | None:
    """The app a dotted module name belongs to (the longest match), or None."""
    for app in sorted(MAY_IMPORT, key=len, reverse=True):
        if module == app or module.startswith(app + "."):
            return app
    return None


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(app: str):
    folder = ROOT / app.replace(".", "/")
    nested = [other for other in MAY_IMPORT if other.startswith(app + ".")]
    for path in sorted(folder.rglob("*.py")):
        inside_nested = any(path.is_relative_to(ROOT / n.replace(".", "/")) for n in nested)
        if "migrations" not in path.parts and not inside_nested:
            yield path


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = []
    for path in sources(app):
        for module in imports_of(path):
            other = app_of(module)
            if module.split(".")[0] == "config" or (
                other not in (None, app) and other not in MAY_IMPORT[app]
            ):
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_the_app_walls_are_checked_on_real_imports():
    """The check itself can fail: stations' selectors do import core."""
    modules = imports_of(ROOT / "stations" / "selectors.py")
    assert "core.nearest" in modules and app_of("core.nearest") == "core"


@pytest.mark.parametrize(
    "app",
    ["core", "stations", "services.checkups", "services.planning", "services.benefits", "maps"],
)
def test_each_app_owns_its_urls(app):
    urls = ROOT / app.replace(".", "/") / "urls.py"
    assert urls.exists()
    included = f'include("{app}.urls")'
    assert included in (ROOT / "config" / "urls.py").read_text(encoding="utf-8")


def test_no_module_is_named_services_inside_services():
    assert not (ROOT / "services" / "services.py").exists()

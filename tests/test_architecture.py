"""The house plan (docs/architecture.md), read from the code: imports point down the layer order
only, no module takes part in an import circle, pure modules import nothing from Django, and the
kinds of module keep to what they may import. The checks run on the import graph of the source
files (every import, also those inside functions), so a new arrow against the plan fails here
with the file and the import that drew it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# From the top down: a module may import its own layer and those below it.
LAYERS = [
    "config",
    "api",
    "desk",
    "capture",
    "surveys",
    "relationships",
    "accounts",
    "dataio",
    "core",
]
# Modules that compute from plain values: no Django, no database, only each other and stdlib.
PURE = {
    "relationships.scoring.model",
    "relationships.scoring.fitting",
    "relationships.gaps.model",
    "relationships.activity.feelings",
    "relationships.positioning.quadrant",
    "relationships.positioning.competition",
    "relationships.positioning.goals",
    "relationships.people.orgchart",
    "relationships.work.rules",
    "capture.messages",
    "capture.sentiment",
    "capture.mailboxes",
    "capture.threads",
    "capture.calendars",
    "desk.terms",
}
RELATIONSHIPS_PACKAGES = {"people", "activity", "scoring", "gaps", "positioning", "work"}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules(root: Path) -> dict[str, Path]:
    """Every module of the layered packages, migrations aside (they import what they must)."""
    found = {}
    for layer in LAYERS:
        for path in (root / layer).rglob("*.py") if (root / layer).is_dir() else ():
            if "migrations" not in path.parts:
                found[module_name(path, root)] = path
    return found


def imports_of(source: str, modules: set[str]) -> set[str]:
    """What a module's source imports: project modules by their full name (`from a import b`
    names a.b when that is a module), anything else by its top-level name."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules else node.module)
    return {name if name in modules else name.split(".")[0] for name in found}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = source_modules(root)
    names = set(modules)
    return {name: imports_of(path.read_text(), names) for name, path in modules.items()}


def layer_of(module: str) -> int | None:
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a layer above the importer's own."""
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if (level := layer_of(target)) is not None and level < layer_of(module)
    )


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def impure_imports(graph: dict[str, set[str]]) -> list[str]:
    """Pure modules importing Django or any project module that is not pure itself."""
    return sorted(
        f"{module} imports {target}"
        for module in PURE & set(graph)
        for target in graph[module]
        if target == "django" or (layer_of(target) is not None and target not in PURE)
    )


def kind(module: str) -> str:
    """The kind of a module: its last name (views, forms, services, models, tasks ...); a
    module inside a models package is a model module."""
    parts = module.split(".")
    return "models" if "models" in parts[:-1] else parts[-1]


def package_of(module: str) -> str | None:
    """The relationships package a module belongs to, if any."""
    parts = module.split(".")
    return parts[1] if parts[0] == "relationships" and len(parts) > 2 else None


FORBIDDEN = {  # a module of this kind never imports one of these kinds
    "models": {"services", "selectors", "views", "forms", "tasks"},
    "services": {"views", "forms"},
    "selectors": {"views"},
}


def misplaced_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports a module's kind may not make; another relationships package's views or forms;
    a task module imported outside Celery (work is queued by name through core.queue); config
    imported by a feature app."""
    found = []
    for module, targets in graph.items():
        for target in targets:
            if layer_of(target) is None:
                continue
            if kind(target) in FORBIDDEN.get(kind(module), ()):
                found.append(f"{module} ({kind(module)}) imports {target}")
            elif (
                package_of(target)
                and package_of(module)
                and package_of(target) != package_of(module)
                and kind(target) in {"views", "forms"}
            ):
                found.append(f"{module} imports another package's {kind(target)}: {target}")
            elif kind(target) == "tasks" and not module.startswith(("config.", "core.tasks")):
                found.append(f"{module} imports the task module {target}: queue by name")
            elif target.startswith("config") and not module.startswith("config"):
                found.append(f"{module} imports {target}: feature apps sit below config")
    return sorted(found)


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_no_import_points_up_the_layers(graph):
    assert upward_imports(graph) == []


def test_no_module_takes_part_in_an_import_circle(graph):
    assert import_circles(graph) == []


def test_pure_modules_import_no_django(graph):
    assert set(graph) >= PURE, "a pure module was moved or renamed: update PURE"
    assert impure_imports(graph) == []


def test_each_kind_of_module_imports_only_what_it_may(graph):
    assert misplaced_imports(graph) == []


def test_the_checks_catch_each_kind_of_wrong_arrow():
    """The checks themselves, on a small made-up graph with one fault of each kind."""
    wrong = {
        "accounts.views": {"surveys.selectors"},
        "relationships.scoring.model": {"django", "relationships.models"},
        "relationships.models.people": {"relationships.people.services"},
        "relationships.people.services": {"relationships.people.views"},
        "relationships.gaps.views": {"relationships.people.forms"},
        "surveys.services": {"relationships.tasks"},
        "core.a": {"core.b"},
        "core.b": {"core.a"},
    }
    assert upward_imports(wrong) == ["accounts.views imports surveys.selectors"]
    assert import_circles(wrong) == [["core.a", "core.b"]]
    assert impure_imports(wrong) == [
        "relationships.scoring.model imports django",
        "relationships.scoring.model imports relationships.models",
    ]
    assert misplaced_imports(wrong) == [
        "relationships.gaps.views imports another package's forms: relationships.people.forms",
        "relationships.models.people (models) imports relationships.people.services",
        "relationships.people.services (services) imports relationships.people.views",
        "surveys.services imports the task module relationships.tasks: queue by name",
    ]

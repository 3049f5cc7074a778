"""The house a newcomer reads: no import cycles among Vestka's modules, imports inside functions
included, and no product module much over 400 lines.

Imports are read from the source (``ast``), not by importing: an import inside a function counts as
much as one at the top, because it loops all the same the first time that function runs. Only an
``if TYPE_CHECKING:`` import is left out: it never runs. An edge goes to the module an import names
(``from a.b import c`` to ``a.b.c`` when that is a module, else to ``a.b``); the packages above it
are not counted, as Python finishes them first.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "feeds", "subscriptions")
MAX_LINES = 420  # "about 400"


def product_modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the product packages."""
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The product modules ``name`` imports anywhere in its source."""
    is_package = path.name == "__init__.py"
    out = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:  # ``import a.b.c`` names a.b.c; a.b.c.X is c's
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but the bodies of ``if TYPE_CHECKING:`` blocks."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test) in _TYPE_CHECKING:
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


_TYPE_CHECKING = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = product_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def test_no_import_cycles_even_inside_functions() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_loop_inside_a_function(tmp_path: Path) -> None:
    """The finder itself: a function-local import that closes a loop is one."""
    graph = {"a": {"b"}, "b": {"c"}, "c": set()}
    assert cycles(graph) == []
    module = tmp_path / "c.py"
    module.write_text("if TYPE_CHECKING:\n    from a import Thing\n", encoding="utf-8")
    graph["c"] = imports_of("c", module, {"a", "b", "c"})
    assert cycles(graph) == []  # types only: never runs
    module.write_text("def late():\n    from a import thing\n", encoding="utf-8")
    graph["c"] = imports_of("c", module, {"a", "b", "c"})
    assert cycles(graph) == [["a", "b", "c"]]


# Lower layers first; a module imports only from its own layer or the ones before it. The registry
# and the mention engine share one: the engine reads the registry's models, the registry's search
# the engine's name keys.
LAYERS = (
    ("feeds.storage",),
    ("feeds.fetching",),
    ("feeds.registry", "feeds.mentions"),
    ("feeds.watching",),
    ("subscriptions",),
    ("bot.ops",),
    ("bot.telegram",),
    ("bot.cli",),
    ("bot", "feeds"),  # the packages themselves (``python -m bot``)
)


def layer_of(module: str) -> int:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} is in no layer")


def test_the_layers_hold() -> None:
    """feeds/ (storage, fetching, registry and mentions, watching) -> subscriptions/ -> bot/ (ops,
    telegram, cli): nothing imports from a layer above its own."""
    upward = [
        f"{name} -> {target}"
        for name, targets in import_graph().items()
        for target in targets
        if layer_of(target) > layer_of(name)
    ]
    assert upward == []


def test_no_product_module_is_much_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in product_modules().values()
    }
    too_long = {p: n for p, n in sizes.items() if n > MAX_LINES}
    assert too_long == {}

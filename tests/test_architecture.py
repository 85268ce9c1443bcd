"""The package's structure: layers that import only downwards, no cycles, small modules, a light
``import deepcat``.

Every ``import`` statement of ``src/deepcat`` counts, those inside functions too, since a lazy
import is still a dependency. docs/architecture.md draws the layers this test enforces.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import deepcat

PACKAGE = Path(deepcat.__file__).parent
LAYERS = {
    "deepcat.__main__": 8,
    "deepcat.formatting": 0,
    "deepcat.signals": 0,
    "deepcat.core": 1,
    "deepcat.training": 2,
    "deepcat.data": 2,
    "deepcat.network": 3,
    "deepcat.plots": 3,
    "deepcat.sklearn": 4,
    "deepcat.course": 4,
    "deepcat.runs": 5,
    "deepcat.web": 6,
    "deepcat.cli": 7,
}
"""Each module may import modules of its own layer or of lower layers only."""
MAX_LINES = 400


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path, name):
    """The deepcat modules that the module ``name`` at ``path`` imports, anywhere in it."""
    found = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _graph():
    modules = _modules()
    return {
        name: sorted(m for m in _imports(path, name) if m in modules and m != name)
        for name, path in modules.items()
    }


def _layer(module):
    if module == "deepcat":
        return "deepcat", 4  # the package's front door re-exports core, training and network
    for prefix, layer in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return prefix, layer
    return None, None


def test_every_module_belongs_to_a_layer():
    unplaced = [name for name in _modules() if _layer(name)[0] is None]
    assert unplaced == []


def test_layers_import_only_downwards():
    wrong = []
    for module, imported in _graph().items():
        prefix, layer = _layer(module)
        if prefix is None:
            continue
        for target in imported:
            target_prefix, target_layer = _layer(target)
            if target_prefix is None:
                wrong.append(f"{module} imports {target}")
            elif target_layer > layer or (target_layer == layer and target_prefix != prefix):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_no_import_cycles():
    graph = _graph()
    # A package's __init__ re-exporting its own modules is not a cycle of concepts.
    edges = {m: [t for t in ts if not m.startswith(t + ".")] for m, ts in graph.items()}
    state, cycles = {}, []

    def visit(module, path):
        state[module] = "open"
        for target in edges.get(module, []):
            if state.get(target) == "open":
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(_modules()))
def test_modules_stay_small(name):
    lines = len(_modules()[name].read_text().splitlines())
    assert lines < MAX_LINES, f"{name} has {lines} lines"


def test_import_deepcat_loads_numpy_only():
    heavy = ["h5py", "matplotlib", "click", "sklearn", "PIL", "tqdm", "scipy", "joblib"]
    code = f"import sys, deepcat; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

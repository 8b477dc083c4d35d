"""The layout of helpers/: only ``helpers.setup()`` (and the CLI, inside helpers/local) reaches the local SageMaker,
and no helper module grows past what a learner reads in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HELPERS = REPO / "helpers"

# (module, function) pairs outside helpers/local that may import helpers.local. The rule: only helpers.setup()
# (context._setup_local) and the CLI (python -m helpers.local, inside the package) reach it.
ALLOWED_LOCAL_IMPORTS = {
    ("helpers/context.py", "_setup_local"),  # helpers.setup() in local mode
}

MAX_LINES = 300
# Helper modules (outside helpers/local) over MAX_LINES today: none. The list can only shrink: a module that gets
# under the limit must leave it (test_the_long_module_list_only_shrinks), and no new module may join it. A job's
# script splits like any other module: the job uploads its whole folder (source_dir), the siblings included.
LONG_MODULES: set[str] = set()


def _package(module: Path, root: Path) -> list[str]:
    """The dotted package a module belongs to, as a list: helpers/monitoring/jobs.py -> ["helpers", "monitoring"]."""
    return list(module.relative_to(root).parts[:-1])  # for helpers/__init__.py too: the package is helpers


def _imported(node: ast.Import | ast.ImportFrom, package: list[str]) -> list[str]:
    """The absolute module names an import statement names (``from . import local`` names ``helpers.local``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = package[: len(package) - node.level + 1] if node.level else []
    module = ".".join([*base, *([node.module] if node.module else [])])
    return [module] + [f"{module}.{alias.name}" for alias in node.names]


def local_imports(root: Path) -> list[tuple[str, str, int]]:
    """Every import of ``helpers.local`` from a module under ``root/helpers`` outside ``helpers/local``:
    (path relative to root, enclosing top-level function or "<module>", line)."""
    found = []
    for path in sorted((root / "helpers").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("helpers/local/"):
            continue
        tree = ast.parse(path.read_text(), filename=relative)
        package = _package(path, root)
        for top in tree.body:
            where = top.name if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) else "<module>"
            for node in ast.walk(top):
                if isinstance(node, ast.Import | ast.ImportFrom) and any(
                    name == "helpers.local" or name.startswith("helpers.local.") for name in _imported(node, package)
                ):
                    found.append((relative, where, node.lineno))
    return found


def test_only_setup_reaches_helpers_local():
    offending = [hit for hit in local_imports(REPO) if hit[:2] not in ALLOWED_LOCAL_IMPORTS]
    assert not offending, (
        "only helpers.setup() (context._setup_local) and the CLI may import helpers.local; these do: "
        f"{offending} (move the code into helpers/local, or reach it through setup())"
    )


def test_the_allowed_local_imports_are_all_still_there():
    """An allowance nobody uses any more goes, so the list can only shrink."""
    used = {hit[:2] for hit in local_imports(REPO)}
    assert ALLOWED_LOCAL_IMPORTS <= used, ALLOWED_LOCAL_IMPORTS - used


def test_the_checker_catches_every_way_of_writing_the_import(tmp_path):
    """A planted violation in each form fails the rule; the allowed function and helpers/local itself do not."""
    forms = [
        "from .local import server",
        "from . import local",
        "from .local.server import status",
        "import helpers.local",
        "import helpers.local.config as config",
        "from helpers import local",
        "from helpers.local import config",
    ]
    package = tmp_path / "helpers"
    (package / "local").mkdir(parents=True)
    (package / "sub").mkdir()
    (package / "__init__.py").write_text("")
    (package / "local" / "__init__.py").write_text("from . import config\nfrom helpers.local import server\n")
    (package / "planted.py").write_text("\n".join(forms) + "\n")
    (package / "sub" / "deep.py").write_text("def f():\n    from ..local import server\n\n\nfrom .. import local\n")
    (package / "context.py").write_text("def _setup_local():\n    from .local import client\n")
    (package / "fine.py").write_text("from . import locale_names\nfrom .localise import x\nimport helpers.localhost\n")
    hits = local_imports(tmp_path)
    assert [line for path, _, line in hits if path == "helpers/planted.py"] == list(range(1, len(forms) + 1))
    assert [(where, line) for path, where, line in hits if path == "helpers/sub/deep.py"] == [("f", 2), ("<module>", 5)]
    assert ("helpers/context.py", "_setup_local", 2) in hits
    assert not [hit for hit in hits if hit[0] in ("helpers/fine.py", "helpers/local/__init__.py")]
    assert {hit[:2] for hit in hits} - ALLOWED_LOCAL_IMPORTS, "the planted violations must not be allowed"


def _long_modules() -> dict[str, int]:
    lengths = {path.relative_to(REPO).as_posix(): len(path.read_text().splitlines()) for path in HELPERS.rglob("*.py")}
    return {name: n for name, n in lengths.items() if n > MAX_LINES and not name.startswith("helpers/local/")}


def test_no_new_helper_module_over_the_limit():
    new = {name: n for name, n in _long_modules().items() if name not in LONG_MODULES}
    assert not new, f"helper modules over {MAX_LINES} lines: {new} (one module per job: split it)"


def test_the_long_module_list_only_shrinks():
    stale = LONG_MODULES - set(_long_modules())
    assert not stale, f"now at most {MAX_LINES} lines (or gone): remove from LONG_MODULES: {sorted(stale)}"

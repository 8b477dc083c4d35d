"""Packaging: one set of pins for the venv and for SageMaker Studio."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_pins() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    return {_name(r): r.replace(" ", "") for r in data["project"]["dependencies"]}


def _environment_pins() -> dict[str, str]:
    pins, in_pip = {}, False
    for line in (REPO / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if stripped == "- pip:":
            in_pip = True
            continue
        if in_pip and stripped.startswith("- ") and not stripped.startswith("- -e"):
            requirement = stripped[2:].strip()
            pins[_name(requirement)] = requirement.replace(" ", "")
    return pins


def test_pyproject_and_environment_agree():
    pyproject, environment = _pyproject_pins(), _environment_pins()
    assert pyproject == environment, {
        name: (pyproject.get(name), environment.get(name))
        for name in set(pyproject) | set(environment)
        if pyproject.get(name) != environment.get(name)
    }


def test_required_pins():
    pins = _pyproject_pins()
    for requirement in [
        "sagemaker>=2.237,<3",
        "fmeval==1.2.3",
        "pyarrow>=21,<26",
        "transformers<5",
        "torch==2.13.0",
        "moto[server]==5.2.5",
        "pandas==2.2.3",
    ]:
        assert requirement in pins.values(), requirement


def test_environment_registers_the_kernel_name():
    assert "name: genai-builders" in (REPO / "environment.yml").read_text()
    assert "--name genai-builders" in (REPO / "Makefile").read_text()


def test_ci_runs_make_test():
    assert (REPO / ".ci" / "run").read_text().strip().endswith("make test")


def test_wheel_ships_the_helpers_but_not_the_test_harness(tmp_path):
    """The wheel holds the helpers package (with helpers.local and its data), never the pytest plugin: nothing in
    it imports pytest, and tests/harness.py stays in the repository."""
    import ast
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "helpers", source / "helpers", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run([*command, "-q", "-w", str(tmp_path / "dist")], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        modules = {name: archive.read(name).decode() for name in names if name.endswith(".py")}
    assert "helpers/__init__.py" in names and "helpers/local/server.py" in names
    assert {"helpers/monitoring_job/requirements.txt", "helpers/pipeline_jobs/requirements.txt"} <= set(names)  # jobs
    assert not [name for name in names if "harness" in name or name.startswith(("tests/", "conftest"))], names
    for name, text in modules.items():
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        }
        assert "pytest" not in imported, f"{name} imports pytest: test code belongs in tests/"

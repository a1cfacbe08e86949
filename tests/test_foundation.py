"""Foundation: dependency files agree, the CLI answers, public names exist, import stays cheap."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge name, where they differ
CONDA_NAME = {"pyyaml": "pyyaml"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    out = {}
    for r in reqs:
        name, spec = _split(r)
        out[CONDA_NAME.get(name, name)] = spec
    return out


def _environment_requirements() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
            continue
        name, spec = _split(dep)
        if name in {"python", "pip"}:
            continue
        conda[name] = spec
    return conda, pip


def test_environment_yml_mirrors_pyproject():
    py = _pyproject_requirements()
    conda, pip = _environment_requirements()
    assert conda == py, (
        "environment.yml and pyproject.toml disagree: "
        f"only in pyproject {sorted(set(py) - set(conda))}, "
        f"only in environment.yml {sorted(set(conda) - set(py))}, "
        f"different pins {sorted(k for k in set(py) & set(conda) if py[k] != conda[k])}"
    )
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = set(meta["optional-dependencies"])
    (editable,) = [p for p in pip if p.startswith("-e")]
    named = set(re.search(r"\[(.*)\]", editable).group(1).split(","))
    assert named == extras, f"environment.yml installs extras {named}, pyproject has {extras}"


def test_pyproject_pins_pandas_3():
    assert _pyproject_requirements()["pandas"] == ">=3"


@pytest.mark.parametrize(
    "argv",
    [
        ["greenstats", "--help"],
        [sys.executable, "-m", "greenstats", "--help"],
        ["greenstats", "run", "--help"],
        ["greenstats", "read", "--help"],
        ["greenstats", "ledger", "--help"],
        ["greenstats", "targets", "--help"],
    ],
)
def test_cli_help(argv):
    if argv[0] == "greenstats":
        argv = [str(Path(sys.executable).with_name("greenstats")), *argv[1:]]
    out = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: greenstats")


def test_cli_reports_errors_without_traceback(tmp_path):
    bad = tmp_path / "nope.xls"
    exe = str(Path(sys.executable).with_name("greenstats"))
    out = subprocess.run([exe, "read", str(bad)], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert "nope.xls" in out.stderr
    assert "Traceback" not in out.stderr


def test_public_names_resolve():
    import greenstats

    expected = {
        "read_yearbook",
        "read_yearbooks",
        "cell_ledger",
        "load_indicators",
        "load_targets",
        "to_panel",
        "assess",
        "assess_all",
        "Assessment",
        "run",
    }
    assert expected <= set(greenstats.__all__)
    for name in greenstats.__all__:
        assert getattr(greenstats, name) is not None, name
    with pytest.raises(AttributeError):
        greenstats.no_such_name  # noqa: B018


def test_import_is_lazy():
    code = (
        "import sys, greenstats; "
        "heavy = [m for m in ('statsmodels', 'matplotlib', 'papermill', 'scipy', 'seaborn') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import greenstats loaded {out.stdout.strip()}"


def test_make_alone_prints_menu():
    out = subprocess.run(["make", "-s"], capture_output=True, text=True, check=False, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    for target in ("report", "test", "lab"):
        assert f"make {target}" in out.stdout


def test_readme_quick_start_has_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.lstrip().startswith("# greenstats")
    tree_at = text.find("```")
    assert tree_at != -1 and "greenstats/" in text[tree_at : tree_at + 3000], (
        "the README opens with the annotated folder tree"
    )
    assert "make report" in text and "make test" in text


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_notebooks_committed_clean():
    books = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert books, "notebooks/ holds the report notebooks"
    for path in books:
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            assert not cell.get("outputs"), f"{path.name} committed with outputs"
            assert not cell.get("execution_count"), f"{path.name} committed with counts"
            src = "".join(cell["source"])
            assert not re.search(r"^\s*(def|class)\s", src, re.M), (
                f"{path.name} defines a function or class: move it into the package"
            )
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged parameters"


def test_all_matches_lazy_exports():
    import greenstats

    assert set(greenstats.__all__) - {"__version__"} == set(greenstats._EXPORTS)

"""The notebooks in examples/ run: every code cell, in order, in one namespace, from the
notebook's own folder (as Jupyter runs it), with a non-interactive matplotlib backend."""

from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", sorted(EXAMPLES.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_code_cell_runs(notebook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    matplotlib.use("Agg")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, f"{notebook.name} has no code"
    monkeypatch.chdir(notebook.parent)
    namespace: dict[str, object] = {"__name__": "__main__"}
    for number, cell in enumerate(code, start=1):
        source = "".join(cell["source"])
        assert not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()), (
            f"cell {number} of {notebook.name} uses IPython magics; keep the notebook plain Python"
        )
        exec(compile(source, f"{notebook.name}[{number}]", "exec"), namespace)
    assert os.getcwd() == str(notebook.parent)


def test_there_is_a_notebook() -> None:
    assert list(EXAMPLES.glob("*.ipynb"))

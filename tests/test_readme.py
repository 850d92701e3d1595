"""The README's two commands: CI (.ci/run) runs the test command exactly as the README gives it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands(text: str) -> list[str]:
    """The shell lines of the README's first code block, comments stripped."""
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README.md has no bash code block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_opens_with_the_run_and_test_commands() -> None:
    commands = _commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands == ["python3 dev.py run", "python3 dev.py test"]


def test_ci_runs_the_readme_s_test_command_as_written() -> None:
    test = _commands((ROOT / "README.md").read_text(encoding="utf-8"))[1]
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test in lines, f".ci/run must run {test!r}, as README.md gives it"

"""``izsim dashboard`` refuses bad input as every command does: a message, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from izsim.cli import app
from tests.conftest import SCENARIO_FILE

runner = CliRunner()


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("scenario: [1, 2\n", [], "is not valid YAML"),
        (None, ["--lang", "fr"], "must be vi or en"),
        (None, ["--port", "70000"], "65535"),
    ],
)
def test_bad_input_exits_2_without_a_traceback(
    tmp_path: Path, content: str | None, args: list[str], message: str
) -> None:
    scenario = SCENARIO_FILE
    if content is not None:
        scenario = tmp_path / "bad.yaml"
        scenario.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["dashboard", str(scenario), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_missing_scenario_is_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dashboard", str(tmp_path / "nothere.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_a_port_in_use_is_named() -> None:
    """Another program on the port: the command says so (exit 2), not the server's own error."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = runner.invoke(app, ["dashboard", str(SCENARIO_FILE), "--port", str(port)])
    assert result.exit_code == 2
    assert f"{port} is in use" in result.output and "Traceback" not in result.output

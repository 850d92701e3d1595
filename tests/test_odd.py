"""docs/ODD.md's tables are what the code gives (issue 11, point 5)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from izsim import odd
from izsim.patterns import shipped_patterns
from izsim.scenario.parameters import parameters

DOC = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


@pytest.fixture(scope="module")
def generated() -> list[odd.Table]:
    return odd.all_tables()


def test_the_documents_tables_are_the_codes(generated: list[odd.Table]) -> None:
    problems = odd.differences(DOC.read_text(encoding="utf-8"), generated)
    assert not problems, (
        "docs/ODD.md is stale (python -m izsim.odd --write docs/ODD.md):\n" + "\n".join(problems)
    )


def test_every_parameter_is_in_exactly_one_table(generated: list[odd.Table]) -> None:
    data = odd.inputs()
    names = [p.name for p in parameters(data.scenario, data.policy)]
    covered = Counter(name for t in generated for row in t.rows for name in row.covers)
    assert sorted(n for n in names if covered[n] == 0) == [], "parameters in no table"
    assert sorted(n for n, k in covered.items() if k > 1) == [], "parameters in two tables"
    assert set(covered) == set(names)


def test_every_shipped_provinces_parameter_has_a_table() -> None:
    data = odd.inputs()
    for scenario in data.provinces.values():
        for p in parameters(scenario, data.policy):
            assert odd.table_of(p.name) in odd.TITLES


def test_a_block_field_no_table_claims_is_refused() -> None:
    with pytest.raises(KeyError, match=r"agencies\.new_field"):
        odd.table_of("agencies.new_field")


def test_a_changed_row_is_named_with_its_table(generated: list[odd.Table]) -> None:
    text = odd.update(DOC.read_text(encoding="utf-8"), generated)
    table = next(t for t in generated if t.name == "wastewater")
    row = table.lines()[3]
    problems = odd.differences(text.replace(row, row.replace("|", "| 9", 2), 1), generated)
    assert len(problems) == 1
    assert problems[0].startswith("table wastewater, line 4:")
    assert row in problems[0]


def test_a_missing_row_and_a_missing_marker_are_named(generated: list[odd.Table]) -> None:
    text = odd.update(DOC.read_text(encoding="utf-8"), generated)
    lines = next(t for t in generated if t.name == "labour").lines()
    n, last = len(lines), lines[-1]
    assert odd.differences(text.replace(last + "\n", "", 1), generated) == [
        f"table labour: the code gives {n} lines, the document has {n - 1}; first unmatched: {last}"
    ]
    gone = text.replace("<!-- odd-table: streams -->", "", 1)
    assert any(
        "no <!-- odd-table: streams --> marker" in p for p in odd.differences(gone, generated)
    )


def test_long_sources_are_cut_at_a_word() -> None:
    text = "assumption: " + "word " * 60
    short = odd.short_source(text)
    assert short.endswith(" …")
    assert len(short) <= odd.SOURCE_CHARS + 2
    assert not short.startswith("assumption")
    assert odd.short_source("plan:tq_nq_2021 §I | x") == "plan:tq_nq_2021 §I \\| x"


def test_the_patterns_table_is_the_patterns_file(generated: list[odd.Table]) -> None:
    patterns = shipped_patterns().patterns
    table = next(t for t in generated if t.name == "patterns")
    assert [row.cells[0] for row in table.rows] == [f"`{p.id}`" for p in patterns]
    assert [row.cells[4] for row in table.rows] == [p.split for p in patterns]


def test_a_pattern_moved_to_the_other_split_fails_the_check(generated: list[odd.Table]) -> None:
    shipped = shipped_patterns()
    first = shipped.patterns[2]
    moved = first.model_copy(update={"split": "fit" if first.split == "test" else "test"})
    changed = shipped.model_copy(
        update={"patterns": [*shipped.patterns[:2], moved, *shipped.patterns[3:]]}
    )
    tables = [odd.pattern_list(changed) if t.name == "patterns" else t for t in generated]
    problems = odd.differences(DOC.read_text(encoding="utf-8"), tables)
    assert len(problems) == 1
    assert problems[0].startswith("table patterns, line 5:")
    assert f"`{first.id}`" in problems[0]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("missing.md", None, "no such file"),
        ("folder", "dir", "is a folder"),
        ("latin1.md", b"caf\xe9 <!-- odd-table: streams -->", "not UTF-8 text"),
    ],
)
@pytest.mark.parametrize("mode", ["--check", "--write"])
def test_a_bad_document_is_a_message_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    name: str,
    content: bytes | str | None,
    says: str,
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert odd.main([mode, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"python -m izsim.odd: error: {path}: ")
    assert says in err
    assert "Traceback" not in err
    if isinstance(content, bytes):
        assert path.read_bytes() == content  # --write wrote nothing


def test_an_unreadable_or_unwritable_document_is_a_message_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ODD.md"
    path.write_text(DOC.read_text(encoding="utf-8"), encoding="utf-8")

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    # (as root, chmod does not stop a read: the refusal is simulated)
    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_text", refused)
        assert odd.main(["--check", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"python -m izsim.odd: error: {path}: cannot be read: Permission denied\n"
    )
    with monkeypatch.context() as patch:
        patch.setattr(Path, "write_text", refused)
        assert odd.main(["--write", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"python -m izsim.odd: error: {path}: cannot be written: Permission denied\n"
    )


def test_outside_a_source_checkout_it_says_so_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(odd, "ROOT", tmp_path)  # as if installed: no scenarios/ beside src/
    assert odd.main(["--check", str(DOC)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"python -m izsim.odd: error: {tmp_path / 'scenarios'}")
    assert "source checkout" in err
    assert "Traceback" not in err
    with pytest.raises(odd.InputError, match="source checkout"):
        odd.inputs(tmp_path)


def test_the_command_line_checks_the_shipped_document() -> None:
    assert odd.main(["--check", str(DOC)]) == 0

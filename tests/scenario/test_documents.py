"""Plan documents: a target's quote is checked against its document's file, a paraphrase is
not, and every problem is a clear message with exit code 2."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from izsim.cli import app
from izsim.errors import InputError
from izsim.scenario import load_scenario
from izsim.scenario.documents import words
from tests.scenario.test_load_errors import GOOD_SCENARIO, write_yaml

runner = CliRunner()
PLAN = """NGHỊ QUYẾT về phát triển công nghiệp

**2.2. Mục tiêu cụ thể**
Giá trị sản xuất công nghiệp (tính theo giá so sánh 2010)
đạt trên   27.700 tỷ đồng; tỷ lệ lấp đầy bình quân trên 60%.
"""


def scenario_with_plan(folder: Path, quote: str, paraphrase: bool = False) -> Path:
    """The good scenario with one document of its own, a short plan beside it."""
    (folder / "plans").mkdir(parents=True, exist_ok=True)
    (folder / "plans" / "nq.txt").write_text(PLAN, encoding="utf-8")
    data = copy.deepcopy(GOOD_SCENARIO)
    data["scenario"]["documents"].append(
        {
            "id": "hd_nq_2021",
            "title": "Nghị quyết về phát triển công nghiệp",
            "number": "12-NQ/TU",
            "date": "2021-09-08",
            "file": "plans/nq.txt",
        }
    )
    data["targets"][0]["source"] = {
        "document": "hd_nq_2021",
        "section": "2.2",
        "quote": quote,
        **({"paraphrase": True} if paraphrase else {}),
    }
    return write_yaml(folder, data)


def test_a_quote_is_found_whatever_its_line_breaks_and_emphasis(tmp_path: Path) -> None:
    quote = "Mục tiêu cụ thể Giá trị sản xuất công nghiệp (tính theo giá so sánh 2010) đạt trên"
    spec = load_scenario(scenario_with_plan(tmp_path, quote + " 27.700 tỷ đồng"))
    document = spec.scenario.document("hd_nq_2021")
    assert document is not None and document.label() == "12-NQ/TU, 2021-09-08"
    assert "12-NQ/TU, 2021-09-08" in spec.scenario.plan_seeds  # what reports print


def test_a_quote_not_in_the_file_is_refused_with_where_it_departs(tmp_path: Path) -> None:
    path = scenario_with_plan(tmp_path, "Giá trị sản xuất công nghiệp đạt trên 30.000 tỷ đồng")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert problem.field == "targets[0].source.quote" and problem.line is not None
    assert "quote not found in 'plans/nq.txt'" in problem.message
    assert "first 6 words, then not 'đạt trên 30.000" in problem.message
    assert "paraphrase: true" in problem.message  # what to do with a figure from a table
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "quote not found" in result.output
    assert "Traceback" not in result.output


def test_a_paraphrase_is_not_checked(tmp_path: Path) -> None:
    spec = load_scenario(
        scenario_with_plan(tmp_path, "Bảng 3: sản lượng 2025 khoảng 30.000 tỷ", paraphrase=True)
    )
    assert spec.targets[0].source.paraphrase


def test_a_quote_is_not_checked_without_a_file(tmp_path: Path) -> None:
    data = copy.deepcopy(GOOD_SCENARIO)
    data["scenario"]["documents"].append({"id": "hd_nq_2021", "title": "Nghị quyết (PDF)"})
    data["targets"][0]["source"] = {"document": "hd_nq_2021", "section": "2.2", "quote": "x" * 9}
    path = write_yaml(tmp_path, data)
    assert load_scenario(path).scenario.document("hd_nq_2021") is not None


def test_words_ignore_formatting_only() -> None:
    assert words("**Giá  trị**\n sản xuất") == "Giá trị sản xuất"
    # a decomposed "ế" (e + combining marks) is the same letter as the composed one
    assert words("công nghie\u0323\u0302p") == words("công nghiệp")
    assert words("27.700") != words("27,700")


def test_a_scenario_of_the_older_form_still_loads_with_warnings(tmp_path: Path) -> None:
    """Results folders written before plan documents keep `plan_seeds` and seed-file citations
    in their inputs/ copy; `izsim report` must still read them."""
    import json

    from izsim.scenario.plausibility import scenario_warnings

    data = copy.deepcopy(GOOD_SCENARIO)
    document = data["scenario"].pop("documents")[0]
    seed = Path(document["file"]).name
    data["scenario"]["plan_seeds"] = [seed]
    # every citation of the document by its id becomes one by the seed file's name
    text = json.dumps(data, ensure_ascii=False).replace(document["id"], seed)
    path = write_yaml(tmp_path, json.loads(text))
    spec = load_scenario(path)
    assert [d.file for d in spec.scenario.documents] == [seed]
    said = " ".join(w.message for w in scenario_warnings(path, spec))
    assert "older form" in said and seed in said


BACKCAST = Path(__file__).resolve().parents[2] / "scenarios" / "backcast" / "typical_2016.yaml"


def test_a_scenario_without_targets_may_list_no_documents(tmp_path: Path) -> None:
    """A back-cast has no plan: with no targets it lists no documents and reports print an
    empty plan; with targets, at least one document is still required."""
    spec = load_scenario(BACKCAST)
    assert spec.scenario.documents == [] and spec.targets == []
    assert spec.scenario.plan_seeds == []
    data = yaml.safe_load(BACKCAST.read_text(encoding="utf-8"))
    data["targets"] = copy.deepcopy(GOOD_SCENARIO["targets"][:1])
    with pytest.raises(InputError) as caught:
        load_scenario(write_yaml(tmp_path, data))
    assert "at least 1 plan document when the scenario has targets" in str(caught.value)

"""``izsim report``: every file from saved results, nothing outside the HTML, both languages.

Building both reports in both languages takes about a minute, so those tests are marked slow
(CI runs them); the command-line test builds one small HTML report in the default suite.
"""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image
import pytest
from typer.testing import CliRunner

import izsim.model.model
from izsim.cli import app
from izsim.present.findings import findings
from izsim.present.report import FIGURES, write_report
from izsim.present.results import load_results

runner = CliRunner()


class _Refs(HTMLParser):
    """Every tag and every attribute that can point at another resource."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "action", "poster") and value:
                self.refs.append((tag, name, value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def built(
    run_folder: Path,
    compare_folder: Path,
    tmp_path_factory: pytest.TempPathFactory,
    no_simulation: pytest.MonkeyPatch,
) -> dict[str, tuple[Path, list[Path]]]:
    """Reports of the saved run and comparison, made with the model unable to run."""
    out = {}
    for name, folder in (("run", run_folder), ("compare", compare_folder)):
        copy = tmp_path_factory.mktemp("report") / name
        shutil.copytree(folder, copy)
        out[name] = (copy, write_report(copy))
    return out


@pytest.fixture(scope="module")
def no_simulation() -> Iterator[pytest.MonkeyPatch]:
    patch = pytest.MonkeyPatch()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report must not simulate")

    patch.setattr(izsim.model.model.IZModel, "__init__", refuse)
    yield patch
    patch.undo()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["run", "compare"])
def test_every_file_is_written_and_valid(kind: str, built: dict) -> None:
    folder, written = built[kind]
    results = load_results(folder)
    keys = [spec.key for spec in FIGURES if spec.applies(results)]
    assert len(keys) >= 8
    for lang in ("en", "vi"):
        for key in keys:
            png = folder / "figures" / f"{key}.{lang}.png"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
            image = matplotlib.image.imread(png)
            assert image.shape[0] > 500 and image.shape[1] > 1000, png
            assert image.std() > 0.01  # not blank
            svg = png.with_suffix(".svg")
            assert ET.parse(svg).getroot().tag.endswith("svg"), svg
        pdf = (folder / f"report.{lang}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(keys) + 1  # cover + figures
        assert (folder / f"report.{lang}.html").exists()
    assert {p.name for p in written} == {
        *(f"{k}.{lang}.{ext}" for k in keys for lang in ("en", "vi") for ext in ("png", "svg")),
        "report.en.html",
        "report.vi.html",
        "report.en.pdf",
        "report.vi.pdf",
    }
    assert not list(folder.rglob(".*.tmp"))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["run", "compare"])
def test_the_html_references_nothing_outside_itself(kind: str, built: dict) -> None:
    folder, _ = built[kind]
    for lang in ("en", "vi"):
        text = (folder / f"report.{lang}.html").read_text(encoding="utf-8")
        parser = _Refs()
        parser.feed(text)
        assert not {"script", "link", "iframe", "object", "embed"} & set(parser.tags)
        for tag, name, value in parser.refs:
            if tag == "img":
                assert value.startswith("data:image/png;base64,"), value[:40]
            else:
                assert name == "href" and value.startswith("#"), value
        assert "http://" not in text and "https://" not in text
        assert "url(" not in text and "@import" not in text and "@font-face" not in text
        contents = re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', text)
        assert len(contents) == len(set(contents)) > 5  # every entry can be told apart
        anchors = set(re.findall(r'id="([^"]+)"', text))
        assert {v[1:] for _, n, v in parser.refs if n == "href"} <= anchors


@pytest.mark.slow
def test_the_vietnamese_report_speaks_vietnamese(built: dict) -> None:
    folder, _ = built["compare"]
    vi = (folder / "report.vi.html").read_text(encoding="utf-8")
    en = (folder / "report.en.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi and '<html lang="en">' in en
    for words in ("Kết quả chính", "Kịch bản cơ sở (như hiện nay)", "Ưu tiên hạ tầng", "Mục tiêu"):
        assert words in vi
    assert "Tỷ trọng công nghiệp trong GRDP" in vi  # a catalogue label, diacritics intact
    assert "Industry share of GRDP" in en and "Tỷ trọng công nghiệp trong GRDP" not in en
    results = load_results(folder)
    for target in results.scenario.targets:
        assert target.source.quote in vi and target.source.quote in en  # the plan's words


@pytest.mark.slow
def test_the_findings_are_in_the_report(built: dict) -> None:
    folder, _ = built["compare"]
    results = load_results(folder)
    text = (folder / "report.en.html").read_text(encoding="utf-8")
    for line in findings(results, "en"):
        assert html.escape(line, quote=True) in text


def test_the_cli_writes_the_report_and_refuses_bad_input(run_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(run_folder, copy)
    result = runner.invoke(app, ["report", str(copy), "--lang", "vi", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert (copy / "report.vi.html").exists() and not (copy / "report.en.html").exists()
    assert not (copy / "figures").exists()
    for args, message in (
        (["report", str(copy), "--lang", "fr"], "'fr': use vi, en or both"),
        (["report", str(copy), "--format", "docx"], "'docx': use one or more of"),
        (["report", str(tmp_path / "nothing")], "is not a folder of izsim results"),
        (["report", str(tmp_path)], "holds neither a run"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert message in result.output, result.output
        assert "Traceback" not in result.output


def test_the_policy_paths_show_the_reference_and_the_two_that_end_highest(
    saved_compare,
) -> None:
    import numpy as np

    from izsim.present.report import leading_policies

    chosen = leading_policies(saved_compare, "industrial_output_bn_vnd")
    others = [p for p in saved_compare.policies if p != saved_compare.reference]
    ends = {
        p: np.median(saved_compare.series("industrial_output_bn_vnd", p)[:, -1]) for p in others
    }
    assert chosen[0] == saved_compare.reference
    assert chosen[1:] == sorted(others, key=lambda p: -ends[p])[:2]
    assert leading_policies(saved_compare, "industrial_output_bn_vnd", count=1) == chosen[:2]


@pytest.mark.slow
def test_the_scorecard_table_gives_each_probability_its_median_value(built: dict) -> None:
    from izsim.present.language import number, percent

    folder, _ = built["compare"]
    results = load_results(folder)
    text = (folder / "report.en.html").read_text(encoding="utf-8")
    card = results.scorecard[results.scorecard["status"] == "modelled"]
    for row in card.itertuples():
        cell = (
            f"{percent(row.probability, 'en')} ({percent(row.probability_low, 'en')}–"
            f"{percent(row.probability_high, 'en')})<br>median {number(row.median, 'en')}"
        )
        assert html.escape(cell, quote=True).replace("&lt;br&gt;", "<br>") in text, row.target

"""``izsim report``: figures, a self-contained HTML report per language and a PDF handout, all
from a saved run or comparison folder (nothing is simulated again).

```
DIR/figures/<figure>.<lang>.png   200 dpi      DIR/report.<lang>.html   figures embedded
DIR/figures/<figure>.<lang>.svg                DIR/report.<lang>.pdf    one figure a page
```
"""

from __future__ import annotations

import base64
import html
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

import izsim
from izsim.errors import InputError, Problem
from izsim.outputs import atomic_write, folder_lock
from izsim.present import fans, panel, policies, scorecard, spending, timeline, zone_kinds
from izsim.present.findings import findings
from izsim.present.language import (
    LANGS,
    Lang,
    number,
    percent,
    policy_label,
    word,
)
from izsim.present.marks import plan_clause, target_text, unit_suffix
from izsim.present.provenance import behavioural_assumptions, source_counts
from izsim.present.results import Results, load_results
from izsim.present.style import png_bytes, styled

FORMATS = ("html", "pdf", "png")


@dataclass(frozen=True)
class FigureSpec:
    """A figure of the report.

    Attributes:
        key: file stem (``figures/<key>.<lang>.png``).
        draw: builds the figure for results and a language.
        caption: what the figure shows, in each language.
        applies: whether it makes sense for these results.
        caption_run: the caption for a single run, where it differs.
    """

    key: str
    draw: Callable[[Results, Lang], Figure]
    caption: dict[str, str]
    applies: Callable[[Results], bool]
    caption_run: dict[str, str] | None = None
    title: dict[str, str] | None = None  # for the contents, when the figure's own is not unique

    def caption_for(self, results: Results, lang: Lang) -> str:
        """The caption that fits ``results`` (a comparison or a single run)."""
        if results.kind == "run" and self.caption_run is not None:
            return self.caption_run[lang]
        return self.caption[lang]


def _always(_: Results) -> bool:
    return True


def _several_policies(results: Results) -> bool:
    return results.kind == "compare" and len(results.policies) > 1


def _single_run(results: Results) -> bool:
    return results.kind == "run"


def _fan(indicator: str) -> FigureSpec:
    return FigureSpec(
        key=f"fan_{indicator}",
        draw=lambda r, lang: fans.fan_chart(r, indicator, lang=lang),
        caption={
            "en": "Median and the bands holding 50 % and 90 % of the runs of the reference"
            " policy; the plan's target (dashed) and deadline (dotted) in orange-red; observed"
            " values, where the reference data hold them, as black marks (filled: the province,"
            " hollow: the national pattern).",
            "vi": "Trung vị và các dải chứa 50 % và 90 % số lần chạy của gói chính sách tham"
            " chiếu; mục tiêu (nét đứt) và thời hạn (nét chấm) của quy hoạch màu đỏ cam; số liệu"
            " thực tế, nếu có trong dữ liệu tham chiếu, là các điểm đen (đặc: của tỉnh, rỗng:"
            " của cả nước).",
        },
        applies=_always,
        caption_run={
            "en": "The indicator in this run; the plan's target (dashed) and deadline (dotted)"
            " in orange-red; observed values, where the reference data hold them, as black"
            " marks (filled: the province, hollow: the national pattern).",
            "vi": "Chỉ tiêu trong lần chạy này; mục tiêu (nét đứt) và thời hạn (nét chấm) của"
            " quy hoạch màu đỏ cam; số liệu thực tế, nếu có trong dữ liệu tham chiếu, là các"
            " điểm đen (đặc: của tỉnh, rỗng: của cả nước).",
        },
    )


def leading_policies(results: Results, indicator: str, count: int = 2) -> list[str]:
    """The reference and the ``count`` other policies whose median ``indicator`` ends highest
    (a figure of six fans on one axes is unreadable)."""
    others = [p for p in results.policies if p != results.reference]
    ends = {p: float(np.nanmedian(results.series(indicator, p)[:, -1])) for p in others}
    return [results.reference, *sorted(others, key=lambda p: -ends[p])[:count]]


PATHS_INDICATOR = "industrial_output_bn_vnd"

FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        "scorecard",
        lambda r, lang: scorecard.scorecard_chart(r, lang=lang),
        {
            "en": "Each target of the plan against each policy: the share of runs that meet it"
            " by its deadline (a single run: met or missed).",
            "vi": "Từng mục tiêu của quy hoạch với từng gói chính sách: tỷ lệ số lần chạy đạt"
            " mục tiêu đúng hạn (một lần chạy: đạt hay không đạt).",
        },
        _always,
    ),
    FigureSpec(
        "panel",
        lambda r, lang: panel.run_panel(r, lang=lang),
        {
            "en": "The main indicators of this run, with the plan's targets.",
            "vi": "Các chỉ tiêu chính của lần chạy này, cùng các mục tiêu của quy hoạch.",
        },
        _single_run,
    ),
    FigureSpec(
        "policy_probabilities",
        lambda r, lang: policies.policy_probabilities(r, lang=lang),
        {
            "en": "Probability of meeting each target under each policy, with its 95 % Wilson"
            " interval.",
            "vi": "Xác suất đạt từng mục tiêu theo từng gói chính sách, với khoảng tin cậy"
            " Wilson 95 %.",
        },
        _several_policies,
    ),
    FigureSpec(
        "paired_differences",
        lambda r, lang: policies.paired_differences(r, lang=lang),
        {
            "en": "Change in the probability of meeting each target against the reference"
            " policy, from paired runs (the same random numbers), with 95 % intervals.",
            "vi": "Thay đổi xác suất đạt từng mục tiêu so với gói tham chiếu, từ các cặp lần"
            " chạy dùng chung số ngẫu nhiên, với khoảng tin cậy 95 %.",
        },
        policies.paired_differences_available,
    ),
    FigureSpec(
        "policy_paths",
        lambda r, lang: fans.fan_chart(
            r, PATHS_INDICATOR, lang=lang, policies=leading_policies(r, PATHS_INDICATOR)
        ),
        {
            "en": "Industrial output under the reference policy and the two packages that end"
            " highest: median and the bands holding 50 % and 90 % of each one's runs.",
            "vi": "Giá trị sản xuất công nghiệp theo gói tham chiếu và hai gói có kết quả cuối"
            " kỳ cao nhất: trung vị và các dải chứa 50 % và 90 % số lần chạy của mỗi gói.",
        },
        _several_policies,
        title={
            "en": "Industrial output: the reference and the two packages that end highest",
            "vi": "Giá trị sản xuất công nghiệp: gói tham chiếu và hai gói cao nhất cuối kỳ",
        },
    ),
    *(_fan(indicator) for indicator in fans.FAN_INDICATORS),
    FigureSpec(
        "by_zone_kind",
        lambda r, lang: zone_kinds.by_zone_kind(r, lang=lang),
        {
            "en": "Occupancy of operating zones and the share of operating zones with a"
            " compliant central wastewater plant, KCN and CCN apart.",
            "vi": "Tỷ lệ lấp đầy của các khu, cụm đang hoạt động và tỷ lệ có hệ thống xử lý"
            " nước thải tập trung đạt chuẩn, tách KCN và CCN.",
        },
        _always,
    ),
    FigureSpec(
        "zone_timeline",
        lambda r, lang: timeline.zone_timeline(r, lang=lang),
        {
            "en": "When each zone is established, cleared, built and put into operation, and"
            " its central wastewater plant (reference policy).",
            "vi": "Thời điểm từng khu, cụm được thành lập, giải phóng mặt bằng, xây dựng hạ"
            " tầng, đi vào hoạt động, và hệ thống xử lý nước thải tập trung (gói tham chiếu).",
        },
        _always,
    ),
    FigureSpec(
        "investment_by_source",
        lambda r, lang: spending.investment_by_source(r, lang=lang),
        {
            "en": "Zone-related investment by source, cumulative, against the plan's figures"
            " where it sets them.",
            "vi": "Vốn đầu tư liên quan đến khu, cụm theo nguồn, cộng dồn, so với số liệu của"
            " quy hoạch (nếu có).",
        },
        _always,
    ),
    FigureSpec(
        "cost_effectiveness",
        lambda r, lang: spending.cost_effectiveness_chart(r, lang=lang),
        {
            "en": "What each policy's extra public spending buys against the reference policy.",
            "vi": "Hiệu quả của khoản chi ngân sách tăng thêm của từng gói so với gói tham chiếu.",
        },
        spending.cost_effectiveness_available,
    ),
)


@dataclass
class Rendered:
    """One figure drawn for one language."""

    spec: FigureSpec
    lang: Lang
    figure: Figure
    png: bytes


def parse_langs(text: str) -> list[Lang]:
    """``vi``, ``en`` or ``both``; raises :class:`InputError` otherwise."""
    if text == "both":
        return list(LANGS)
    if text in LANGS:
        return [text]  # type: ignore[list-item]
    raise InputError([Problem("--lang", "", f"'{text}': use vi, en or both")])


def parse_formats(text: str) -> list[str]:
    """A comma-separated subset of html, pdf, png; raises :class:`InputError` otherwise."""
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError(
            [Problem("--format", "", f"'{text}': use one or more of {', '.join(FORMATS)}")]
        )
    return chosen


def render(results: Results, lang: Lang) -> list[Rendered]:
    """Every figure that applies to ``results``, drawn in ``lang``, with its PNG.

    Each figure's layout is solved once, for the PNG (:func:`~izsim.present.style.settle`);
    the SVG and the PDF page keep it rather than solve it again.
    """
    out = []
    for spec in FIGURES:
        if not spec.applies(results):
            continue
        figure = spec.draw(results, lang)
        out.append(Rendered(spec, lang, figure, png_bytes(figure)))
    return out


def write_report(
    folder: str | Path,
    *,
    langs: Sequence[Lang] = LANGS,
    formats: Sequence[str] = FORMATS,
    on_file: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Build the report of a saved run or comparison into its folder.

    Args:
        folder: the ``--out`` folder of ``izsim run`` or ``izsim compare``.
        langs: languages to write.
        formats: ``png`` (figures as PNG and SVG), ``html``, ``pdf``.
        on_file: called with each file written (progress).

    Returns:
        The files written.
    """
    results = load_results(folder)
    root = Path(folder)
    with folder_lock(root):  # a compare or another report writing here is refused
        return _write(results, root, langs, formats, on_file)


def _write(
    results: Results,
    root: Path,
    langs: Sequence[Lang],
    formats: Sequence[str],
    on_file: Callable[[Path], None] | None,
) -> list[Path]:
    written: list[Path] = []

    def wrote(path: Path) -> None:
        written.append(path)
        if on_file is not None:
            on_file(path)

    for lang in langs:
        drawn = render(results, lang)
        if "png" in formats:
            for item in drawn:
                png = root / "figures" / f"{item.spec.key}.{lang}.png"
                png.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(png, lambda p, data=item.png: p.write_bytes(data))
                wrote(png)
                svg = png.with_suffix(".svg")
                atomic_write(svg, lambda p, f=item.figure: _svg(f, p))
                wrote(svg)
        if "html" in formats:
            page = root / f"report.{lang}.html"
            text = html_report(results, drawn, lang)
            atomic_write(page, lambda p, t=text: p.write_text(t, encoding="utf-8"))
            wrote(page)
        if "pdf" in formats:
            pdf = root / f"report.{lang}.pdf"
            atomic_write(pdf, lambda p, d=drawn, lg=lang: pdf_report(results, d, lg, p))
            wrote(pdf)
    return written


def _svg(figure: Figure, path: Path) -> None:
    with styled():
        figure.savefig(path, format="svg", metadata={"Date": None})


# ---------------------------------------------------------------- words of the report
def _h(key: str, lang: Lang, **fields: object) -> str:
    """A heading or sentence of the report (``report`` in data/labels.yaml)."""
    return word(key, lang, group="report", **fields)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _subtitle(results: Results, lang: Lang) -> str:
    names = ", ".join(policy_label(p, lang, results.policy_names.get(p)) for p in results.policies)
    info = results.provenance()
    if results.kind == "compare":
        runs = (
            f"{info['replicates']} {word('replicates', lang)}, {word('seed', lang)} {info['seed']}"
        )
    else:
        runs = f"{word('one_run', lang)}, {word('seed', lang)} {info['seed']}"
    return f"{word('policies', lang)}: {names} · {runs}"


def _scorecard_rows(results: Results, lang: Lang) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the scorecard table: target, the plan's words, then one cell per
    policy (probability with its interval, or met/missed with the simulated value)."""
    names = [policy_label(p, lang, results.policy_names.get(p)) for p in results.policies]
    header = [_h("target", lang), _h("plan_words", lang), *names]
    card = results.scorecard
    rows = []
    for target in results.scenario.targets:
        cells = [target_text(target, lang), plan_clause(target.source, lang)]
        for policy in results.policies:
            if target.not_modelled is not None:
                cells.append(word("not_modelled", lang))
                continue
            if results.kind == "compare":
                row = card[(card["target"] == target.id) & (card["policy"] == policy)]
                if row.empty:
                    cells.append("–")
                    continue
                r = row.iloc[0]
                low, high = (percent(r[k], lang) for k in ("probability_low", "probability_high"))
                # the value beside its chance: 90 % met by a hair reads differently from a wide
                # margin
                unit = re.sub(r"\s*\([^)]*\)", "", unit_suffix(target, lang))
                median = f"{number(float(r['median']), lang)}{unit}"
                spread = f"{number(float(r['p05']), lang)}–{number(float(r['p95']), lang)}"
                cells.append(
                    f"{percent(r['probability'], lang)} ({low}–{high})\n"
                    f"{_h('median', lang)} {median} [{spread}]"
                )
            else:
                r = card[card["target"] == target.id].iloc[0]
                status = word(r["status"], lang) if r["status"] in ("met", "missed") else "–"
                cells.append(
                    f"{status}: {number(float(r['simulated']), lang)}{unit_suffix(target, lang)}"
                )
        rows.append(cells)
    return header, rows


CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1a1a1a;line-height:1.45;font-size:17px}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;
margin-top:2em}.meta{color:#444}figure{margin:2em 0}figure img{width:100%;height:auto;
border:1px solid #ddd}figcaption{color:#333;font-size:.95em;margin-top:.4em}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #ccc;
padding:.35em .5em;vertical-align:top;text-align:left}th{background:#f0f4f8}
td.num{text-align:right}.quote{color:#444;font-style:italic}
nav ul{columns:2}li{margin:.3em 0}details{margin:1em 0}summary{cursor:pointer;color:#0072B2}
.warn{background:#fff4e5;border-left:4px solid #E69F00;padding:.5em 1em}
@media print{figure{page-break-inside:avoid}}
"""


def html_report(results: Results, drawn: list[Rendered], lang: Lang) -> str:
    """The report as one HTML page with everything inside it (figures as data: URLs)."""
    province = results.scenario.scenario.name
    title = f"{province}: {_h('title', lang)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(_subtitle(results, lang))}</p>',
        f"<nav><h2>{_e(_h('contents', lang))}</h2><ul>",
        f'<li><a href="#findings">{_e(_h("findings", lang))}</a></li>',
        f'<li><a href="#scorecard">{_e(_h("scorecard", lang))}</a></li>',
        *(
            f'<li><a href="#fig-{item.spec.key}">{_e(_figure_title(item))}</a></li>'
            for item in drawn
        ),
        f'<li><a href="#provenance">{_e(_h("provenance", lang))}</a></li>',
        f'<li><a href="#assumptions">{_e(_h("assumptions", lang))}</a></li>',
        "</ul></nav>",
        f'<section id="findings"><h2>{_e(_h("findings", lang))}</h2>',
        f'<p class="meta">{_e(_h("findings_note", lang))}</p><ul>',
        *(f"<li>{_e(text)}</li>" for text in findings(results, lang)),
        "</ul></section>",
    ]
    header, rows = _scorecard_rows(results, lang)
    parts += [
        f'<section id="scorecard"><h2>{_e(_h("scorecard", lang))}</h2>',
        f'<p class="meta">{_e(_h("scorecard_note", lang))}</p>'
        if results.kind == "compare"
        else "",
        "<table><thead><tr>",
        *(f"<th>{_e(h)}</th>" for h in header),
        "</tr></thead><tbody>",
    ]
    for row in rows:
        cells = [f"<td>{_e(row[0])}</td>", f'<td class="quote">{_e(row[1])}</td>']
        # a cell's second line (the median value) goes under its probability
        cells += [
            '<td class="num">' + "<br>".join(_e(line) for line in c.split("\n")) + "</td>"
            for c in row[2:]
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></section>")
    parts.append(f'<section id="figures"><h2>{_e(_h("figures", lang))}</h2>')
    for item in drawn:
        data = base64.b64encode(item.png).decode("ascii")
        caption = item.spec.caption_for(results, lang)
        parts.append(
            f'<figure id="fig-{item.spec.key}"><img alt="{_e(_figure_title(item))}"'
            f' src="data:image/png;base64,{data}"><figcaption>{_e(caption)}</figcaption></figure>'
        )
    parts.append("</section>")
    parts += _provenance_html(results, lang)
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _figure_title(item: Rendered) -> str:
    if item.spec.title is not None:
        return item.spec.title[item.lang]
    titles = [item.figure.get_suptitle()]
    titles += [ax.get_title() or ax.get_title(loc="left") for ax in item.figure.axes[:1]]
    return next((t.split("\n")[0] for t in titles if t), item.spec.key)


def _provenance_html(results: Results, lang: Lang) -> list[str]:
    scenario = results.scenario
    counts = source_counts(scenario)
    info = results.provenance()
    manifest = results.manifest
    version = manifest.get("izsim_version") or manifest.get("config", {}).get("izsim_version")
    parts = [
        f'<section id="provenance"><h2>{_e(_h("provenance", lang))}</h2><ul>',
        f"<li>{_e(_h('plan', lang))}: {_e(', '.join(scenario.scenario.plan_seeds))}</li>",
        f"<li>{_e(_h('scenario_file', lang))}: {_e(scenario.scenario.id)} —"
        f" {_e(scenario.scenario.description)}</li>",
        f"<li>{_e(_h('runs', lang))}: {_e(_subtitle(results, lang))}</li>",
    ]
    if info["budget"]:
        parts.append(
            f"<li>{_e(_h('budget', lang))}: {_e(number(float(info['budget']), lang))}"
            f" {_e('bn VND/yr' if lang == 'en' else 'tỷ đồng/năm')}</li>"
        )
    parts.append(f"<li>{_e(_h('version', lang))}: {_e(version or izsim.__version__)}</li></ul>")
    parts += _scaling_html(results, lang)
    parts.append(f"<p>{_e(_h('sources_count', lang, total=sum(counts.values()), **counts))}</p>")
    # The command's warnings are English sentences; the Vietnamese findings say the main one
    # (how precise the probabilities are) in Vietnamese.
    warnings = (manifest.get("warnings") or []) if lang == "en" else []
    if warnings:
        parts.append(f'<div class="warn"><strong>{_e(_h("warnings", lang))}</strong><ul>')
        parts += [f"<li>{_e(w)}</li>" for w in warnings]
        parts.append("</ul></div>")
    parts.append("</section>")
    assumptions = behavioural_assumptions(scenario)
    parts += [
        f'<section id="assumptions"><h2>{_e(_h("assumptions", lang))}</h2>',
        f"<p>{_e(_h('assumptions_note', lang))}</p>",
        f"<details><summary>{_e(_h('show_assumptions', lang, n=len(assumptions)))}</summary>",
        "<table><thead><tr>",
        *(f"<th>{_e(_h(k, lang))}</th>" for k in ("block", "parameter", "value", "reason")),
        "</tr></thead><tbody>",
    ]
    for item in assumptions:
        parts.append(
            f"<tr><td>{_e(item.block)}</td><td><code>{_e(item.field)}</code></td>"
            f'<td class="num">{_e(number(item.value, lang))}</td><td>{_e(item.source)}</td></tr>'
        )
    parts += ["</tbody></table></details></section>"]
    return parts


def _scaling_html(results: Results, lang: Lang) -> list[str]:
    """How each package was scaled to the equal budget (a comparison with ``--budget``)."""
    scaled = [p for p in results.config.get("policies", []) if p.get("scaling")]
    if not scaled:
        return []
    parts = [
        f"<p>{_e(_h('scaling_note', lang))}</p>",
        "<table><thead><tr>",
        *(
            f"<th>{_e(_h(k, lang))}</th>"
            for k in ("package", "scale_factor", "spending_per_year", "levers_scaled")
        ),
        "</tr></thead><tbody>",
    ]
    for item in scaled:
        fit = item["scaling"]
        levers = []
        for name, lever in fit["levers"].items():
            stated = lever["stated_range"]
            span = (
                _h("no_range", lang)
                if stated is None
                else f"{number(stated[0], lang)}–{number(stated[1], lang)}"
            )
            text = (
                f"{name}: {number(lever['package'], lang)} → {number(lever['scaled'], lang)}"
                f" [{span}]" + (f", {_h('at_limit', lang)}" if lever["at_limit"] else "")
            )
            levers.append(f"<li><code>{_e(text)}</code></li>")
        spending = number(fit["spending_bn_vnd_per_year"], lang)
        if not fit["reached_budget"]:
            spending += f" ({_h('budget_short', lang)})"
        name = policy_label(item["id"], lang, results.policy_names.get(item["id"]))
        parts.append(
            f'<tr><td>{_e(name)}</td><td class="num">×{_e(number(fit["factor"], lang, 3))}</td>'
            f'<td class="num">{_e(spending)}</td><td><ul>{"".join(levers)}</ul></td></tr>'
        )
    parts.append("</tbody></table>")
    return parts


# ---------------------------------------------------------------- PDF handout
A4 = (8.27, 11.69)


def pdf_report(results: Results, drawn: list[Rendered], lang: Lang, path: Path) -> None:
    """A handout: a cover page with the findings, then one figure a page."""
    metadata = {"Creator": "izsim", "Producer": None, "CreationDate": None}
    with styled(), PdfPages(path, metadata=metadata) as pdf:
        pdf.savefig(_cover(results, lang))
        for item in drawn:
            pdf.savefig(item.figure)


def _cover(results: Results, lang: Lang) -> Figure:
    fig = Figure(figsize=A4)
    province = results.scenario.scenario.name
    y = 0.95
    fig.text(0.07, y, province, fontsize=22, fontweight="bold", va="top")
    y -= 0.04
    fig.text(0.07, y, _h("title", lang), fontsize=14, va="top")
    y -= 0.035
    plan = f"{_h('plan', lang)}: {', '.join(results.scenario.scenario.plan_seeds)}"
    for line in [*textwrap.wrap(_subtitle(results, lang), 95), plan]:
        fig.text(0.07, y, line, fontsize=9, color="#444444", va="top")
        y -= 0.018
    y -= 0.02
    fig.text(0.07, y, _h("findings", lang), fontsize=15, fontweight="bold", va="top")
    y -= 0.035
    caveat = textwrap.wrap(_h("assumptions_note", lang), 100)
    room = 0.04 + 0.016 * len(caveat) + 0.02  # the caveat always fits below the findings
    for item in findings(results, lang):
        lines = textwrap.wrap(item, 92)
        if y - 0.018 * len(lines) < room:
            break
        for i, line in enumerate(lines):
            fig.text(0.07, y, ("• " if i == 0 else "  ") + line, fontsize=10, va="top")
            y -= 0.018
        y -= 0.008
    y -= 0.01
    fig.text(0.07, y, _h("assumptions", lang), fontsize=11, fontweight="bold", va="top")
    y -= 0.022
    for line in caveat:
        fig.text(0.07, y, line, fontsize=9, color="#444444", va="top")
        y -= 0.016
    return fig

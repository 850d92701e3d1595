"""Figures of a sensitivity study, drawn from frames with known numbers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.patches import Rectangle

from izsim.present.sensitivity import (
    morris_chart,
    ranking_chart,
    ranking_matrix,
    short_names,
    sobol_chart,
    write_study_figures,
)
from tests.present.figure_text import VIETNAMESE, texts

FACTORS = [
    "zones[ccn_south_1+6].access_index",
    "investors.beta_access",
    "agencies.inspection.rate_per_year",
    "economy.existing_output_growth_pct",
    "zones[kcn_tan_dan].rent_usd_m2",
]


def morris_frame() -> pd.DataFrame:
    """μ* 5, 4, 3, 2, 1 for FACTORS in order (output a); reversed for output b."""
    rows = []
    for output, mu_stars in (("a", [5, 4, 3, 2, 1]), ("b", [1, 2, 3, 4, 10])):
        for factor, mu_star in zip(FACTORS, mu_stars, strict=True):
            rows += [
                (output, factor, "mu_star", float(mu_star), 0.1 * mu_star),
                (output, factor, "mu", -float(mu_star), math.nan),
                (output, factor, "sigma", 0.5 * mu_star, math.nan),
            ]
    return pd.DataFrame(rows, columns=["output", "factor", "index", "value", "conf"])


def sobol_frame() -> pd.DataFrame:
    """ST 0.1, 0.5, 0.3, 0.05, 0.2; S1 half of each."""
    rows = []
    for factor, st in zip(FACTORS, [0.1, 0.5, 0.3, 0.05, 0.2], strict=True):
        rows += [("a", factor, "S1", st / 2, 0.01), ("a", factor, "ST", st, 0.02)]
    return pd.DataFrame(rows, columns=["output", "factor", "index", "value", "conf"])


def test_morris_points_in_order_of_mu_star_and_the_top_numbered() -> None:
    fig = morris_chart(morris_frame(), "b", top=3)
    ax, panel = fig.axes[0], fig.axes[1]
    points = next(c for c in ax.collections if isinstance(c, PathCollection))
    assert np.allclose(points.get_offsets()[:, 0], [10, 4, 3, 2, 1])
    assert [t.get_text() for t in ax.texts if t.get_text().isdigit()] == ["1", "2", "3"]
    ranked = [t.get_text().strip() for t in panel.texts]
    names = short_names(FACTORS)
    assert ranked[1:7] == ["1", names[FACTORS[4]], "2", names[FACTORS[3]], "3", names[FACTORS[2]]]


def test_morris_has_the_guide_line_and_its_note_in_both_languages() -> None:
    en = texts(morris_chart(morris_frame(), "a"))
    vi = texts(morris_chart(morris_frame(), "a", lang="vi"))
    assert any("non-linearly" in t for t in en)
    assert any("Độ nhạy" in t for t in vi)
    assert any("Ảnh hưởng trung bình tuyệt đối (μ*)" in t for t in vi)
    assert any("Độ lệch chuẩn (σ)" in t for t in vi)
    assert any("phi tuyến" in t and "tương tác" in t for t in vi)
    assert any("khoảng tin cậy 95 %" in t for t in vi)


def test_sobol_bars_sorted_by_st_with_whiskers() -> None:
    fig = sobol_chart(sobol_frame(), "a", top=3)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 6
    assert np.allclose([b.get_width() for b in bars], [0.25, 0.15, 0.1, 0.5, 0.3, 0.2])
    names = short_names(FACTORS)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [names[FACTORS[1]], names[FACTORS[2]], names[FACTORS[4]]]
    bar_sets = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [len(c.errorbar.lines[2][0].get_segments()) for c in bar_sets] == [3, 3]
    assert any("0.57" in t for t in texts(fig))  # sum of S1 over all five: 1.15 / 2


def test_sobol_in_vietnamese() -> None:
    found = texts(sobol_chart(sobol_frame(), "a", lang="vi"))
    assert any("Chỉ số bậc nhất S1" in t for t in found)
    assert any("Chỉ số tổng ST" in t for t in found)
    assert any("0,57" in t for t in found)


def test_ranking_matrix_scales_each_output_to_its_largest() -> None:
    factors, matrix, index = ranking_matrix(morris_frame(), ["a", "b"], top=5)
    assert index == "mu_star"
    # both have a 1 somewhere; the tie goes to the larger mean (0.6 against 0.55)
    assert factors[:2] == [FACTORS[4], FACTORS[0]]
    assert np.allclose(matrix[0], [0.2, 1.0]) and np.allclose(matrix[1], [1.0, 0.1])
    fig = ranking_chart(morris_frame(), ["a", "b"], lang="vi", top=3)
    image = fig.axes[0].images[0].get_array()
    assert image.shape == (3, 2)
    assert "Tham số" in texts(fig)
    assert all(VIETNAMESE.search(t) for t in [fig.texts[0].get_text()])


def test_ranking_prefers_sobol_when_present() -> None:
    frame = pd.concat([morris_frame(), sobol_frame()])
    assert ranking_matrix(frame, ["a"], top=2)[2] == "ST"


@pytest.mark.parametrize(
    "names",
    [
        FACTORS,
        ["a.x.rate", "b.x.rate", "c.x.rate"],
        ["zones[a.b].x", "sites[a.b].x", "x"],
        ["p." + "q" * 60 + ".r_1", "p." + "q" * 60 + ".r_2", "z." + "q" * 60 + ".r_1"],
    ],
)
def test_short_names_never_collide(names: list[str]) -> None:
    shown = short_names(names)
    assert len(set(shown.values())) == len(set(names))
    assert shown.get("agencies.inspection.rate_per_year", "inspection.rate_per_year") == (
        "inspection.rate_per_year"
    )


def test_write_study_figures_writes_both_languages(tmp_path: Path) -> None:
    pd.concat([morris_frame(), sobol_frame()]).to_csv(tmp_path / "sensitivity.csv", index=False)
    pd.DataFrame({"output": ["a"], "text": ["ignored"]}).to_csv(tmp_path / "discovery.csv")
    paths = write_study_figures(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in paths}
    for lang in ("en", "vi"):
        assert f"figures/{lang}/morris_a.png" in names
        assert f"figures/{lang}/sobol_a.png" in names
        assert f"figures/{lang}/morris_b.png" in names
        assert f"figures/{lang}/ranking.png" in names
    assert len(paths) == 8
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)


@pytest.mark.parametrize(
    ("lang", "label", "held"),
    [
        ("en", "all other ranged numbers, together", "Every other ranged number varies too"),
        ("vi", "mọi số có khoảng còn lại, cùng nhau", "Mọi số có khoảng khác cũng thay đổi"),
    ],
)
def test_the_rest_group_is_named_in_words(lang: str, label: str, held: str) -> None:
    frame = sobol_frame()
    frame.loc[frame["factor"] == FACTORS[1], "factor"] = "rest"
    fig = sobol_chart(frame, "a", top=3, lang=lang)  # type: ignore[arg-type]
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == label
    assert any(held in " ".join(t.split()) for t in texts(fig))
    assert not any("written values" in t or "giá trị đã ghi" in t for t in texts(fig))

"""The calibration figure: its title, legend, source line and pattern rows never overlap,
with one pattern (a province's) as with seven."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from izsim.present.calibration import pattern_bands


def _table(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "pattern": f"pattern_{i}",
                "tolerance_low": 70.0,
                "tolerance_high": 80.0,
                "unit": "%",
                "cut_on": True,
                "uncut": False,
                **{
                    f"{k}_{q}": v
                    for k in ("prior", "calibrated")
                    for q, v in (("p5", 60.0), ("median", 75.0), ("p95", 90.0), ("mean", 74.0))
                },
            }
            for i in range(rows)
        ]
    )


@pytest.mark.parametrize("rows", [1, 7])
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_nothing_overlaps(rows: int, lang: str) -> None:
    fig = pattern_bands(_table(rows), lang, scenario="typical_2016", runs=1000)
    renderer = FigureCanvasAgg(fig).get_renderer()
    legend = next(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)
    boxes = {
        "legend": legend.get_window_extent(renderer),
        "title": fig._suptitle.get_window_extent(renderer),
        "source": fig.texts[-1].get_window_extent(renderer),
    }
    for i, ax in enumerate(a for a in fig.axes if a.axison):
        boxes[f"axis {i}"] = ax.get_window_extent(renderer)
        boxes[f"axis {i} title"] = ax.title.get_window_extent(renderer)
    page = fig.bbox
    for name, box in boxes.items():
        assert page.x0 <= box.x0 and box.x1 <= page.x1, name
        assert page.y0 <= box.y0 and box.y1 <= page.y1, name
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not boxes[a].overlaps(boxes[b]), (a, b)

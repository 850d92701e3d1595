"""Presentation: figures, reports and their words, read from saved results (never simulated).

One function per figure, each returning a :class:`matplotlib.figure.Figure`::

    from izsim.present import load_results, fan_chart

    results = load_results("results/tq-compare")
    fan_chart(results, "occupancy_rate", lang="vi").savefig("occupancy.png", dpi=200)

``write_report(folder)`` writes every figure (PNG and SVG), an HTML report per language and a
PDF handout into the folder, as ``izsim report`` does.
"""

from izsim.present.fans import FAN_INDICATORS, fan_chart
from izsim.present.findings import findings
from izsim.present.levers import lever_chart
from izsim.present.panel import run_panel
from izsim.present.policies import paired_differences, policy_probabilities
from izsim.present.report import write_report
from izsim.present.results import Results, load_results
from izsim.present.scorecard import scorecard_chart
from izsim.present.spending import cost_effectiveness_chart, investment_by_source
from izsim.present.timeline import zone_timeline
from izsim.present.zone_kinds import by_zone_kind

__all__ = [
    "FAN_INDICATORS",
    "Results",
    "by_zone_kind",
    "cost_effectiveness_chart",
    "fan_chart",
    "findings",
    "investment_by_source",
    "lever_chart",
    "load_results",
    "paired_differences",
    "policy_probabilities",
    "run_panel",
    "scorecard_chart",
    "write_report",
    "zone_timeline",
]

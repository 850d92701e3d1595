"""The report says how each package was scaled to an equal budget, in both languages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from izsim.present.report import _scaling_html


def _results(policies: list[dict[str, Any]]) -> Any:
    return SimpleNamespace(config={"policies": policies}, policy_names={})


SCALED = {
    "id": "admin_reform",
    "scale": 2.0,
    "scaling": {
        "factor": 2.0,
        "most_factor": 2.0,
        "spending_bn_vnd_per_year": 70.0,
        "reached_budget": False,
        "levers": {
            "approval_time_multiplier": {
                "package": 0.5,
                "scaled": 0.3,
                "limit": 0.3,
                "stated_range": [0.3, 0.8],
                "at_limit": True,
            },
            "promotion_bn_vnd_per_year": {
                "package": 20.0,
                "scaled": 30.0,
                "limit": None,
                "stated_range": None,
                "at_limit": False,
            },
        },
    },
}


def test_the_report_tables_each_package_s_factor_and_levers() -> None:
    html = "\n".join(_scaling_html(_results([{"id": "baseline", "scale": None}, SCALED]), "en"))
    assert "×2.000" in html
    assert "approval_time_multiplier: 0.5 → 0.3 [0.3–0.8], at its limit" in html
    assert "promotion_bn_vnd_per_year: 20 → 30 [no range stated]" in html
    assert "could not spend the budget" in html
    assert "baseline" not in html  # the reference is not scaled
    vi = "\n".join(_scaling_html(_results([SCALED]), "vi"))
    assert "chạm giới hạn" in vi and "không chi hết ngân sách" in vi and "×2,000" in vi


def test_no_table_without_a_budget() -> None:
    assert _scaling_html(_results([{"id": "baseline", "scale": None}]), "en") == []

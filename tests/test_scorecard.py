"""The scorecard: each target against a hand-filled indicator matrix."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.result import RunResult
from izsim.scenario import Policy, Scenario
from izsim.scenario.schema import Target
from izsim.scorecard import COLUMNS, scorecard, source_text, target_value_text

SEED = "004_3545e0099e19379d.txt"
SOURCE = {"seed": SEED, "section": "II.2.2", "quote": "đạt trên 27.700 tỷ đồng"}
DEC_2025 = 59  # row of 2025-12 when the run starts in 2021-01


def target(**fields: object) -> dict:
    base = {
        "id": "t",
        "indicator": "industrial_output_bn_vnd",
        "comparator": ">",
        "value": 27700,
        "deadline": "2025-12",
        "source": SOURCE,
    }
    return {**base, **fields}


TARGETS = [
    target(id="ipv_met", value=27700),
    target(id="occupancy_missed", indicator="occupancy_rate", value=60),
    target(id="wwtp_no_value", indicator="wwtp_compliance_ccn", comparator=">=", value=50),
    target(
        id="training_not_modelled",
        indicator="trained labour share",
        value=65,
        not_modelled="the model has no skills of workers",
    ),
    target(
        id="share_between",
        indicator="industry_share_grdp",
        comparator="between",
        value=[16.5, 17.5],
    ),
    target(id="jobs_at_most", indicator="jobs_industry", comparator="<=", value=120000),
    target(id="jobs_below", indicator="jobs_industry", comparator="<", value=120000),
    target(
        id="ipv_growth",
        indicator="industrial_output_bn_vnd",
        comparator=">=",
        value=10,
        deadline="2030-12",
        growth_since="2025-12",
    ),
]


@pytest.fixture(scope="module")
def result(scenario: Scenario, baseline: Policy) -> RunResult:
    data = scenario.model_dump(exclude_unset=True)
    data["targets"] = TARGETS
    small = Scenario.model_validate(data)
    values = np.full((small.months, len(INDICATOR_IDS)), np.nan)

    def put(name: str, row: int, value: float) -> None:
        values[row, INDICATOR_IDS.index(name)] = value

    put("industrial_output_bn_vnd", DEC_2025, 30000.1234567)
    put("industrial_output_bn_vnd", DEC_2025 - 1, 1.0)  # only the deadline month counts
    put("occupancy_rate", DEC_2025, 50.0)
    put("occupancy_rate", DEC_2025 + 1, 90.0)
    put("industry_share_grdp", DEC_2025, 17.5)  # the upper bound is inside "between"
    put("jobs_industry", DEC_2025, 120000.0)
    put("industrial_output_bn_vnd", 119, 30000.1234567 * 1.101**5)  # 10.1 %/yr, 2026–2030
    return RunResult(
        scenario=small,
        policy=baseline,
        seed=0,
        values=values,
        zones=pd.DataFrame(),
        events=pd.DataFrame(),
        zone_stages=np.zeros((small.months, 0), dtype=np.int8),
        zone_plants=np.zeros((small.months, 0), dtype=np.int8),
        wall_seconds=0.0,
    )


@pytest.fixture(scope="module")
def card(result: RunResult) -> pd.DataFrame:
    return scorecard(result).set_index("target")


def test_one_row_per_target_in_order_with_the_documented_columns(result: RunResult) -> None:
    table = scorecard(result)
    assert list(table.columns) == COLUMNS
    assert list(table["target"]) == [t["id"] for t in TARGETS]


def test_statuses(card: pd.DataFrame) -> None:
    assert card["status"].to_dict() == {
        "ipv_met": "met",
        "occupancy_missed": "missed",
        "wwtp_no_value": "no_value",
        "training_not_modelled": "not_modelled",
        "share_between": "met",
        "jobs_at_most": "met",
        "jobs_below": "missed",
        "ipv_growth": "met",
    }


def test_simulated_value_is_read_at_the_deadline_and_rounded(card: pd.DataFrame) -> None:
    assert card.loc["ipv_met", "simulated"] == 30000.123457
    assert card.loc["occupancy_missed", "simulated"] == 50.0
    assert card.loc["ipv_growth", "simulated"] == pytest.approx(10.1, abs=1e-6)
    assert math.isnan(card.loc["wwtp_no_value", "simulated"])
    assert math.isnan(card.loc["training_not_modelled", "simulated"])


def test_units_and_measures(card: pd.DataFrame) -> None:
    assert card.loc["ipv_met", "unit"] == "bn VND (2010 prices)"
    assert card.loc["occupancy_missed", "unit"] == "%"
    assert card.loc["ipv_growth", "unit"] == "%/yr"
    assert card.loc["training_not_modelled", "unit"] == ""
    assert card.loc["ipv_met", "measure"] == "level"
    assert card.loc["ipv_growth", "measure"] == "growth since 2025-12"


def test_target_columns_echo_the_target(card: pd.DataFrame) -> None:
    row = card.loc["share_between"]
    assert row["indicator"] == "industry_share_grdp"
    assert row["comparator"] == "between"
    assert row["target_value"] == "16.5–17.5"
    assert row["deadline"] == "2025-12"
    assert card.loc["ipv_met", "target_value"] == "27700"
    assert card.loc["ipv_met", "source"] == f'{SEED} §II.2.2: "đạt trên 27.700 tỷ đồng"'
    assert card.loc["training_not_modelled", "indicator"] == "trained labour share"


@pytest.mark.parametrize(
    ("value", "comparator", "text"),
    [
        (27700, ">", "27700"),
        (24.7, ">", "24.7"),
        (0.5, ">=", "0.5"),
        (138700, ">", "138700"),
        ((16.5, 17.5), "between", "16.5–17.5"),
        ((3, 5), "between", "3–5"),
    ],
)
def test_target_value_text(value: object, comparator: str, text: str) -> None:
    made = Target.model_validate(target(value=value, comparator=comparator))
    assert target_value_text(made) == text


def test_target_value_text_keeps_every_digit_of_large_values() -> None:
    made = Target.model_validate(target(value=1234567))
    assert target_value_text(made) == "1234567"


def test_source_text() -> None:
    made = Target.model_validate(target())
    assert source_text(made) == f'{SEED} §II.2.2: "đạt trên 27.700 tỷ đồng"'


def test_source_text_of_a_paraphrase() -> None:
    """A figure read from a table is not the plan's words: no quotation marks, and said so."""
    source = {"document": "hd_bc_2023", "section": "Bảng 2", "quote": "lấp đầy 65,66 %"}
    made = Target.model_validate(target(source={**source, "paraphrase": True}))
    assert source_text(made) == "hd_bc_2023 §Bảng 2 (paraphrase): lấp đầy 65,66 %"
    quoted = Target.model_validate(target(source=source))
    assert source_text(quoted) == 'hd_bc_2023 §Bảng 2: "lấp đầy 65,66 %"'

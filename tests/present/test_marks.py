"""Targets in words, and the plan's words cleaned for reading."""

from __future__ import annotations

from izsim.present.marks import NBSP, plan_clause, plan_words, target_text
from izsim.scenario import Scenario, load_scenario
from izsim.scenario.schema import TargetSource
from tests.conftest import ROOT


def test_plan_words_drop_markup_and_table_spacing() -> None:
    quote = "chiếm $39 \\div 40\\%$ và vốn <i>FDI</i>\t\tkhoảng  69,4"
    assert plan_words(quote) == "chiếm 39 ÷ 40% và vốn FDI khoảng 69,4"
    long = "một " * 60
    cut = plan_words(long, limit=40)
    assert len(cut) <= 40 and cut.endswith(" …")


def test_targets_in_words(scenario: Scenario) -> None:
    ipv = next(t for t in scenario.targets if t.id == "ipv_2025")
    assert target_text(ipv, "en") == (
        f"Industrial production value >{NBSP}27,700{NBSP}bn VND (2010 prices), by Dec 2025"
    )
    assert target_text(ipv, "vi", short=True) == (
        f"Giá trị sản xuất công nghiệp (SS2010) >{NBSP}27.700{NBSP}tỷ đồng, đến 2025"
    )
    kcn = next(t for t in scenario.targets if t.indicator == "new_zones_kcn")
    assert target_text(kcn, "en").startswith(f"New KCN since start ≥{NBSP}3, by")  # no "count"
    skipped = next(t for t in scenario.targets if t.not_modelled is not None)
    assert plan_words(skipped.source.quote) in target_text(skipped, "vi")  # the plan's words


def test_a_paraphrase_is_not_shown_as_the_plans_words() -> None:
    quoted = TargetSource(document="tq_nq_2021", section="II.2", quote="tăng bình quân 15%/năm")
    assert plan_clause(quoted, "en") == "“tăng bình quân 15%/năm” (tq_nq_2021, §II.2)"
    read = quoted.model_copy(update={"paraphrase": True})
    for lang, mark in (("en", "paraphrased"), ("vi", "diễn đạt lại")):
        text = plan_clause(read, lang)
        assert "“" not in text and mark in text and "tăng bình quân 15%/năm" in text


def test_growth_over_a_later_period_names_the_period() -> None:
    nghe_an = load_scenario(ROOT / "scenarios" / "nghe_an.yaml")
    later = next(t for t in nghe_an.targets if t.growth_since == "2025-12")
    text = target_text(later, "vi")
    assert "tăng trưởng bình quân 2026–2030" in text and "%/năm" in text


def test_the_source_line_names_only_the_policies_drawn(saved_compare) -> None:
    from izsim.present.fans import fan_chart
    from izsim.present.language import policy_label
    from tests.present.figure_text import texts

    fig = fan_chart(saved_compare, "jobs_industry", lang="en")
    (line,) = [t for t in texts(fig) if t.startswith("Source:")]
    flat = " ".join(line.split())
    assert f"Policy: {policy_label(saved_compare.reference, 'en')} ·" in flat
    for other in saved_compare.policies[1:]:
        assert policy_label(other, "en") not in flat
    assert "4 replicates, seed 2" in flat

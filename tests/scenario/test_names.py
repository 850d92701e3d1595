"""Zones are named in the figure's language: a zone or a group of candidate sites may give its
name in Vietnamese (`name_vi`), which figures and reports in Vietnamese show."""

from __future__ import annotations

import re

import pytest

from izsim.scenario import load_scenario
from tests.conftest import ROOT, SCENARIO_FILE

SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "scenarios" / "backcast").glob("*.yaml")
)

# English words the shipped names use; none of them is a Vietnamese syllable written without
# its marks ("an" is: Long Bình An), so a Vietnamese name never holds one.
ENGLISH = {
    "aggregate", "and", "area", "be", "built", "cluster", "district", "established",
    "existing", "expansion", "further", "group", "new", "north", "not", "of", "operating", "phase",
    "place", "placeholder", "plan", "planned", "plant", "resolution", "run", "site", "sites",
    "south", "stock", "the", "there", "university", "waiting", "western", "with", "without", "yet",
}  # fmt: skip


def test_a_zone_without_a_vietnamese_name_is_named_alike_in_both_languages() -> None:
    zone = load_scenario(SCENARIO_FILE).zones[0]
    plain = zone.model_copy(update={"name_vi": None})
    assert plain.name_in("vi") == plain.name_in("en") == zone.name
    named = zone.model_copy(update={"name_vi": "KCN thử"})
    assert (named.name_in("en"), named.name_in("vi")) == (zone.name, "KCN thử")


def test_candidate_sites_number_their_vietnamese_name_as_their_english() -> None:
    sites = load_scenario(SCENARIO_FILE).candidate_sites[0]
    named = sites.model_copy(update={"name_vi": "Địa điểm CCN"})
    specs = named.zone_specs()
    assert [s.name_in("vi") for s in specs] == [f"Địa điểm CCN {i + 1}" for i in range(len(specs))]
    assert [s.name_in("en") for s in specs] == [f"{sites.name} {i + 1}" for i in range(len(specs))]
    unnamed = sites.model_copy(update={"name_vi": None}).zone_specs()
    assert [s.name_in("vi") for s in unnamed] == [s.name for s in unnamed]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_zone_has_a_vietnamese_name(path) -> None:
    english = {
        zone.id: words
        for zone in load_scenario(path).all_zones
        if (words := ENGLISH & {w.lower() for w in re.findall(r"[A-Za-z]+", zone.name_in("vi"))})
    }
    assert not english, f"{path.name}: zones named in English in Vietnamese figures: {english}"

"""The dashboard's model side: stepping, lever changes from the next month, the log, reset,
and what the page draws."""

from __future__ import annotations

import html

import numpy as np
import pytest

from izsim.dashboard.session import Session, read_scenario_name
from izsim.dashboard.views import panel_png, scorecard_html, zones_html
from izsim.errors import InputError
from izsim.run import run
from tests.conftest import ROOT, SCENARIO_FILE


@pytest.fixture
def session() -> Session:
    return Session.open(SCENARIO_FILE)


def test_stepping_gives_the_run(session: Session) -> None:
    assert session.step(1) == 1
    assert session.step(12) == 12
    while session.step(12):
        pass
    assert session.finished
    whole = run(session.scenario, session.policy, session.seed)
    np.testing.assert_array_equal(whole.values, session.model.values)


def test_a_lever_before_the_start_is_the_run_made_with_it(session: Session) -> None:
    session.set_lever("wwtp_before_tenants", True)
    session.set_lever("rent_support_years", 3)  # a set-up lever: fine before the start
    assert session.log[-1].month == "2021-01"
    session.step(36)
    policy = session.policy.model_copy(update={"levers": session.levers})
    whole = run(session.scenario, policy, session.seed)
    np.testing.assert_array_equal(whole.values[:36], session.model.values[:36])


def test_a_lever_mid_run_applies_from_the_next_month_and_is_logged(session: Session) -> None:
    session.step(12)
    session.set_lever("promotion_bn_vnd_per_year", 300)
    entry = session.log[-1]
    assert (entry.action, entry.month) == ("lever", "2022-02")
    assert "promotion_bn_vnd_per_year: 10 → 300" in entry.text
    assert session.levers_changed == ["promotion_bn_vnd_per_year"]
    assert session.log_lines("vi")[-1] == "2022-02: đổi đòn bẩy – Xúc tiến đầu tư: 10 → 300"
    session.set_lever("wwtp_before_tenants", True)
    assert session.log_lines("en")[-1].endswith("Wastewater plant before tenants: off → on")


def test_refused_changes_leave_the_run_as_it_was(session: Session) -> None:
    session.step(3)
    before = session.levers
    with pytest.raises(InputError, match="only before the first month"):
        session.set_lever("approval_capacity_multiplier", 2.0)
    with pytest.raises(InputError, match="rent_support_years"):
        session.set_lever("rent_support_pct", 30)
    with pytest.raises(InputError):
        session.set_lever("inspection_multiplier", -1)
    assert session.levers is before
    assert session.model.lever_changes == []


def test_reset_keeps_the_levers_and_a_package_brings_its_own(session: Session) -> None:
    session.set_lever("revoke_stalled", True)
    session.step(5)
    session.reset(seed=7)
    assert (session.months_done, session.seed, session.levers.revoke_stalled) == (0, 7, True)
    session.reset(package="infrastructure_first")
    assert session.policy.id == "infrastructure_first"
    assert session.levers_changed == []
    with pytest.raises(InputError):
        session.reset(package="no_such_package")
    with pytest.raises(InputError):
        session.reset(seed=-1)


def test_bad_files_are_input_errors(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: [1, 2\n", encoding="utf-8")
    with pytest.raises(InputError):
        Session.open(bad)
    with pytest.raises(InputError):
        Session.open(SCENARIO_FILE, package="no_such_package")


def test_the_scorecard_is_pending_until_a_deadline(session: Session) -> None:
    rows = session.scorecard("en")
    assert {r.status for r in rows} <= {"pending", "not_modelled"}
    while session.step(12):
        pass
    statuses = {r.status for r in session.scorecard("en")}
    assert "pending" not in statuses
    assert statuses & {"met", "missed"}


def test_what_the_page_draws(session: Session) -> None:
    session.step(12)
    assert panel_png(session, "vi").startswith(b"\x89PNG")
    zones = zones_html(session, "vi")
    assert zones.count('class="izs-zone"') == len(session.scenario.all_zones)
    assert "lấp đầy" in zones
    named = [z for z in session.scenario.all_zones if z.name_vi is not None]
    assert named and all(html.escape(z.name_vi) in zones for z in named)  # cards in Vietnamese
    card = scorecard_html(session.scorecard("en"), "en")
    assert card.count('class="izs-score"') == len(session.scenario.targets)
    results = session.results()
    assert np.isnan(results.values[session.policy.id][0, 12:]).all()
    assert not np.isnan(results.values[session.policy.id][0, :12, 0]).any()


def test_provinces_and_packages_beside_the_scenario(session: Session) -> None:
    names = [read_scenario_name(p) for p in session.provinces()]
    assert "Tuyên Quang" in names
    assert "baseline" in session.packages()
    assert (ROOT / "scenarios" / "hung_yen.yaml") in session.provinces()

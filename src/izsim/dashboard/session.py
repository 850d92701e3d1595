"""The dashboard's model side: one live run that a workshop steps, changes and resets, with
its log; and what the page draws from it. Nothing here knows about the browser, so all of it
is tested without one (tests/dashboard/).

A session is a province (its scenario file), a policy package, a seed and the levers as the
room has set them. Before the first month is simulated a lever change simply makes the run
again under the new values (the same as a run made with them from the start); after it, the
change applies from the next month (:meth:`izsim.model.model.IZModel.change_levers`) and the
log records it with its month. Levers that size what a run builds at its start
(``SET_UP_LEVERS``) change only before the first month, or with a reset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from izsim.calendar import month_labels
from izsim.dashboard.controls import Control, changed_levers, controls
from izsim.errors import InputError, Problem
from izsim.indicators import INDICATOR_IDS
from izsim.model.model import SET_UP_LEVERS, IZModel
from izsim.present.language import Lang, number, word
from izsim.present.marks import target_text, unit_suffix
from izsim.present.results import Results
from izsim.result import RunResult, Table
from izsim.run import release
from izsim.scenario.load import find_policy, load_policy, load_scenario
from izsim.scenario.policy import Levers, Policy
from izsim.scenario.schema import Scenario
from izsim.scorecard import scorecard_table

LABELS = "dashboard"
"""The group of the page's words in labels.yaml."""


@dataclass(frozen=True)
class LogEntry:
    """A line of the session's log: what the room did, and from which month.

    Attributes:
        month: the month (``YYYY-MM``) the action takes effect from.
        action: ``start``, ``lever`` or ``reset``.
        text: what happened, in the model's words (lever names and values).
        lever: the lever changed (``lever`` entries), with its ``old`` and ``new`` values.
    """

    month: str
    action: str
    text: str
    lever: str = ""
    old: object = None
    new: object = None


@dataclass(frozen=True)
class ZoneView:
    """A zone as the province schematic shows it, at the current month."""

    key: str
    name: str
    kind: str
    region: str
    stage: str
    occupancy_pct: float
    plant: str
    dropped: bool


@dataclass(frozen=True)
class ScoreRow:
    """A plan target in the running scorecard.

    Attributes:
        target: the target's id.
        text: the target in words.
        status: ``met`` or ``missed`` (deadline reached), ``pending`` (not yet), or
            ``not_modelled``.
        value: the value at the deadline (met, missed) or the latest value of a level
            target (pending), with its unit; empty otherwise.
    """

    target: str
    text: str
    status: str
    value: str


@dataclass
class Session:
    """A live run for the room.

    Build one with :meth:`open`.

    Attributes:
        scenario_file: the province's scenario.
        scenario: the scenario read.
        package: the chosen package's file.
        policy: the package as read (its levers before the room changed any).
        seed: the run's seed.
        levers: the levers now in force.
        model: the running model.
        log: what the room did, in order.
    """

    scenario_file: Path
    scenario: Scenario
    package: Path
    policy: Policy
    seed: int
    levers: Levers
    model: IZModel
    log: list[LogEntry] = field(default_factory=list)

    @classmethod
    def open(cls, scenario_file: str | Path, package: str | None = None, seed: int = 1) -> Session:
        """A session of ``scenario_file`` under ``package`` (an id of ``policies/`` beside it,
        or a file; default the baseline) with ``seed``.

        Raises:
            InputError: the scenario or the package cannot be read or is invalid.
        """
        scenario_file = Path(scenario_file)
        if seed < 0:
            raise InputError([Problem("dashboard", "seed", f"must be 0 or more (got {seed})")])
        scenario = load_scenario(scenario_file)
        package_file = find_policy(package, scenario_file, option="package")
        policy = load_policy(package_file)
        session = cls(
            scenario_file=scenario_file,
            scenario=scenario,
            package=package_file,
            policy=policy,
            seed=seed,
            levers=policy.levers,
            model=IZModel(scenario, policy, seed),
        )
        session._note("start", f"{policy.id}, seed {seed}")
        return session

    # ------------------------------------------------------------------ what can be chosen
    def provinces(self) -> list[Path]:
        """The scenario files beside this one (the provinces the page offers)."""
        return sorted(self.scenario_file.parent.glob("*.yaml"))

    def packages(self) -> list[str]:
        """The ids of the policy packages beside the scenario (``policies/*.yaml``)."""
        return sorted(p.stem for p in (self.scenario_file.parent / "policies").glob("*.yaml"))

    def controls(self) -> list[Control]:
        """The lever controls, their sliders reaching what any package here asks for."""
        folder = self.scenario_file.parent / "policies"
        found = [self.policy.levers]
        for path in sorted(folder.glob("*.yaml")):
            try:
                found.append(load_policy(path).levers)
            except InputError:  # a broken package is reported when chosen, not here
                continue
        return controls(found)

    # ------------------------------------------------------------------ the run
    @property
    def months_done(self) -> int:
        """Months simulated so far."""
        return self.model.months_collected

    @property
    def started(self) -> bool:
        """Whether any month has been simulated (set-up levers are then fixed)."""
        return self.model.env.now > 0

    @property
    def finished(self) -> bool:
        """Whether the run reached the scenario's horizon."""
        return self.months_done >= self.scenario.months

    def month_label(self, index: int | None = None) -> str:
        """``YYYY-MM`` of month ``index`` (default: the last simulated; before any, the
        month before the start)."""
        index = self.months_done - 1 if index is None else index
        labels = month_labels(self.scenario.months + 1, self.scenario.scenario.start)
        if index < 0:
            year, month = (int(x) for x in self.scenario.scenario.start.split("-"))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            return f"{year:04d}-{month:02d}"
        return labels[min(index, len(labels) - 1)]

    def step(self, months: int = 1) -> int:
        """Simulate ``months`` more months (fewer at the horizon); returns how many."""
        return self.model.advance(months)

    def set_lever(self, name: str, value: object) -> None:
        """Set lever ``name`` to ``value`` from the next month (before the first month: from
        the start), and log it.

        Raises:
            InputError: the value or the combination it makes is invalid, or a set-up lever
                is changed mid-run; nothing changes then.
        """
        new = changed_levers(self.levers, name, value)
        if getattr(new, name) == getattr(self.levers, name):
            return
        old = getattr(self.levers, name)
        if not self.started:
            self._rebuild(new)
            self._note_lever(name, old, getattr(new, name), 0)
            return
        if name in SET_UP_LEVERS:
            raise InputError(
                [
                    Problem(
                        "dashboard",
                        name,
                        "sizes what the run builds at its start, so it changes only before the"
                        " first month: reset, then set it",
                    )
                ]
            )
        for change in self.model.change_levers(new):
            self._note_lever(change.lever, change.old, change.new, change.month)
        self.levers = new

    def reset(self, seed: int | None = None, package: str | None = None) -> None:
        """Start again from the first month, with ``seed`` (default: the same) and the levers
        as set, or ``package``'s levers when a package is chosen.

        Raises:
            InputError: the seed is negative, or the package cannot be read.
        """
        if seed is not None and seed < 0:
            raise InputError([Problem("dashboard", "seed", f"must be 0 or more (got {seed})")])
        if package is not None:
            path = find_policy(package, self.scenario_file, option="package")
            self.policy = load_policy(path)
            self.package = path
            self.levers = self.policy.levers
        self.seed = self.seed if seed is None else seed
        self._rebuild(self.levers)
        self._note("reset", f"{self.policy.id}, seed {self.seed}", 0)

    def _rebuild(self, levers: Levers) -> None:
        release(self.model)
        self.levers = levers
        policy = self.policy.model_copy(update={"levers": levers})
        self.model = IZModel(self.scenario, policy, self.seed)

    def _note(self, action: str, text: str, month: int | None = None) -> None:
        index = self.months_done if month is None else month
        self.log.append(LogEntry(self.month_label(index), action, text))

    def _note_lever(self, name: str, old: object, new: object, month: int) -> None:
        text = f"{name}: {_show(old)} → {_show(new)}"
        self.log.append(LogEntry(self.month_label(month), "lever", text, name, old, new))

    @property
    def levers_changed(self) -> list[str]:
        """The levers whose values differ from the package's."""
        return [
            name
            for name in Levers.model_fields
            if name not in ("source", "sources", "ranges")
            and getattr(self.levers, name) != getattr(self.policy.levers, name)
        ]

    # ------------------------------------------------------------------ what the room sees
    def results(self) -> Results:
        """The run so far as :class:`Results`, so the figures module draws it: the months
        not simulated yet are NaN (nothing drawn), the scorecard is at the current month."""
        model, months = self.model, self.scenario.months
        values = np.full((months, len(INDICATOR_IDS)), np.nan)
        done = self.months_done
        values[:done] = model.values[:done]
        policy = self.policy.id
        return Results(
            kind="run",
            folder=self.scenario_file.parent,
            scenario=self.scenario,
            policies=[policy],
            policy_names={policy: self.policy.name},
            reference=policy,
            months=month_labels(months, self.scenario.scenario.start),
            values={policy: values[None]},
            seeds={policy: [self.seed]},
            zone_stages={policy: model.zone_stages[None]},
            zone_plants={policy: model.zone_plants[None]},
            scorecard=pd.DataFrame(self._card().rows, columns=list(self._card().columns)),
            manifest={"seed": self.seed},
        )

    def _card(self) -> Table:
        values = np.full((self.scenario.months, len(INDICATOR_IDS)), np.nan)
        values[: self.months_done] = self.model.values[: self.months_done]
        empty = Table((), [])
        result = RunResult(
            scenario=self.scenario,
            policy=self.model.policy,
            seed=self.seed,
            values=values,
            zones=empty,
            events=empty,
            zone_stages=self.model.zone_stages,
            zone_plants=self.model.zone_plants,
            wall_seconds=0.0,
        )
        return scorecard_table(result)

    def scorecard(self, lang: Lang = "en") -> list[ScoreRow]:
        """The plan's targets at the current month: met or missed where the deadline has
        passed, pending (with the latest value of a level) where it has not."""
        card = self._card()
        rows = dict(zip(card.column("target"), card.rows, strict=True))
        status_at = card.columns.index("status")
        simulated_at = card.columns.index("simulated")
        now = self.month_label()
        found = []
        for target in self.scenario.targets:
            status = str(rows[target.id][status_at])
            value = ""
            if status in ("met", "missed") and target.deadline > now:
                status = "pending"  # (cannot happen: a later deadline has no value yet)
            if status == "no_value":
                status = "pending" if target.deadline > now else "no_value"
            if status in ("met", "missed"):
                value = _value(float(rows[target.id][simulated_at]), target, lang)
            elif status == "pending" and target.growth_since is None and self.months_done:
                latest = float(self.model.values[self.months_done - 1][_COLUMN[target.indicator]])
                value = _value(latest, target, lang)
            found.append(ScoreRow(target.id, target_text(target, lang), status, value))
        return found

    def zones(self, lang: Lang = "en") -> list[ZoneView]:
        """Every zone at the current month, in scenario order, named in ``lang``."""
        return [
            ZoneView(
                key=zone.key,
                name=zone.spec.name_in(lang),
                kind=zone.kind,
                region=zone.spec.region,
                stage=zone.stage,
                occupancy_pct=float(100 * zone.occupancy),
                plant=zone.plant_state,
                dropped=bool(zone.dropped),
            )
            for zone in self.model.zones
        ]

    def zones_by_region(self, lang: Lang = "en") -> dict[str, list[ZoneView]]:
        """:meth:`zones` grouped by region, regions in the order they first appear."""
        grouped: dict[str, list[ZoneView]] = {}
        for zone in self.zones(lang):
            grouped.setdefault(zone.region, []).append(zone)
        return grouped

    def log_lines(self, lang: Lang = "en") -> list[str]:
        """The log as lines for the page, newest last; a lever by its name in ``lang``
        (the room reads "Wastewater plant before tenants: off → on", not a field name)."""
        lines = []
        for entry in self.log:
            action = word("log_" + entry.action, lang, LABELS)
            text = entry.text
            if entry.lever:
                name = word(entry.lever, lang, "lever_fields")
                text = f"{name}: {_shown(entry.old, lang)} → {_shown(entry.new, lang)}"
            lines.append(f"{entry.month}: {action} – {text}")
        return lines


def read_scenario_name(path: Path) -> str:
    """The ``scenario.name`` a scenario file gives, read without validating the whole file
    (the province list shows every file beside the one opened; a broken one is reported when
    chosen).

    Raises:
        InputError: the file is not YAML.
    """
    from izsim.scenario.load import read_yaml

    data, _ = read_yaml(path)
    if isinstance(data, dict) and isinstance(data.get("scenario"), dict):
        name = data["scenario"].get("name")
        if isinstance(name, str) and name:
            return name
    return path.stem


_COLUMN = {name: i for i, name in enumerate(INDICATOR_IDS)}


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _shown(value: object, lang: Lang) -> str:
    """A lever's value for the room: on/off for a switch, a number in ``lang``'s style."""
    if isinstance(value, bool):
        return word("on" if value else "off", lang, LABELS)
    if isinstance(value, int | float):
        return number(float(value), lang)
    return "–" if value is None else str(value)


def _value(value: float, target: object, lang: Lang) -> str:
    if math.isnan(value):
        return "–"
    return f"{number(value, lang)}{unit_suffix(target, lang)}"  # type: ignore[arg-type]

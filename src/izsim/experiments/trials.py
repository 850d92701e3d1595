"""Trial values of a scenario's numbers for the experiment scripts' ``--set`` option.

A trial value is sourced as what it is (an assumption set by the script), so a varied scenario
is never mistaken for the shipped one, and the scenario's schema checks it like any number.
"""

from __future__ import annotations

from pydantic import ValidationError

from izsim.scenario.schema import Scenario


def with_trial_values(
    scenario: Scenario,
    settings: list[str],
    *,
    script: str,
    blocks: tuple[str, ...] | None = None,
) -> Scenario:
    """The scenario with ``block.field=number`` settings applied, sourced as trials.

    Args:
        scenario: the scenario to vary.
        settings: ``block.field=number`` strings, as given on the command line.
        script: the script setting them, named in the values' source.
        blocks: the blocks a setting may change (None: any block of the scenario).

    Raises:
        ValueError: a setting not of that form, or a value the schema refuses (the message
            names the setting).
    """
    if blocks is None:
        form = "<block>.<field>=<number>"
    else:
        names = " or ".join(blocks)
        form = (
            f"{'|'.join(blocks)}.<field>=<number>, <field> a number of the scenario's {names} block"
        )
    changes: dict[tuple[str, str], float] = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        block, _, field = name.partition(".")
        part = getattr(scenario, block, None) if blocks is None or block in blocks else None
        if part is None or field == "sources" or not hasattr(part, field):
            raise ValueError(f"--set '{setting}': write {form}")
        try:
            changes[(block, field)] = float(value)
        except ValueError:
            raise ValueError(f"--set '{setting}': '{value}' is not a number") from None
    if not changes:
        return scenario
    try:
        return scenario.varied(changes, source=f"assumption: a trial value set by {script} --set")
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ValueError(f"--set {' '.join(settings)}: {problems}") from None

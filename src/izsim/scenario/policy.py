"""Policy packages: the levers a province can pull, and what they cost.

A policy is a set of lever values. Defaults mean "nothing beyond current practice"; a package
file names only the levers it changes. Money levers are annual amounts from the provincial
budget; the budget can never go below zero, so a lever asks and the budget grants what it has.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from izsim.scenario.base import NonNegative, Pct, Positive, Slug, Sourced, Strict


class Levers(Sourced):
    """Every policy lever, with its default (current practice).

    A lever's number needs a source like any scenario number: the plan clause that calls for it
    (``plan:``) or the reason for its level (``assumption:``).
    """

    # Incentives (xúc tiến đầu tư, ưu đãi)
    promotion_bn_vnd_per_year: NonNegative = Field(
        default=0, description="Investment promotion (xúc tiến đầu tư) spending."
    )
    promotion_targeted_pct: Pct = Field(
        default=0,
        description="Share of the promotion money aimed at the target audience (the prospects"
        " of `promotion_target_origin` in the sectors `promotion_target_supported_sectors`"
        " allows): it reaches them as if spent on everyone in proportion to their share of"
        " prospects, and reaches no one else.",
    )
    promotion_target_origin: Literal["any", "fdi", "domestic"] = Field(
        default="any",
        description="Origin of the target audience of targeted promotion: `fdi` (foreign"
        " investors), `domestic`, or `any`.",
    )
    promotion_target_supported_sectors: bool = Field(
        default=False,
        description="The target audience of targeted promotion is limited to sectors marked"
        " `supported` (supporting industry and high tech).",
    )
    rent_support_pct: Pct = Field(
        default=0,
        description="Share of a new tenant's annual rent (the lease payment over the lease"
        " term's years) the budget rebates each year for rent_support_years years.",
    )
    supported_sector_rent_support_pct: Pct = Field(
        default=0, description="Extra rent support for supporting-industry and high-tech tenants."
    )
    rent_support_years: int | None = Field(
        default=None,
        ge=1,
        le=10,
        description="Years a qualifying tenant receives the annual rent rebate, from its choice"
        " of site; a promise made is paid in later years before new spending. Required (with"
        " its source) when rent support is set.",
    )
    rent_support_bn_vnd_per_year: NonNegative = Field(
        default=0,
        description="Annual appropriation for rent rebates: new tenants are offered support"
        " only while it exceeds the rebates already promised for each year of the new promise"
        " (no appropriation, no support).",
    )
    credit_access_stall_reduction_pct: Pct = Field(
        default=0, description="Cut in the share of projects that stall (credit guarantee funds)."
    )
    credit_access_bn_vnd_per_year: NonNegative = Field(
        default=0, description="Budget for the credit guarantee / SME fund."
    )
    training_bn_vnd_per_year: NonNegative = Field(
        default=0,
        description="Money a year for vocational training (đào tạo nghề): each"
        " `labour.training_cost_bn_vnd_per_worker` spent adds one resident to industry's labour"
        " supply when the course ends.",
    )
    worker_housing_bn_vnd_per_year: NonNegative = Field(
        default=0,
        description="Money a year for worker housing (nhà ở công nhân): each"
        " `labour.worker_housing_cost_bn_vnd_per_place` spent adds a place for a worker from"
        " outside the province once built; state investment.",
    )
    # Infrastructure (hạ tầng)
    outside_fence_bn_vnd_per_year: NonNegative = Field(
        default=0,
        description="Money a year for outside-the-fence roads, power and water (hạ tầng ngoài"
        " hàng rào): funds the scenario's `outside_fence_projects` in their order, by"
        " instalments over their build months.",
    )
    public_clearance_pct: Pct = Field(
        default=0, description="Share of land clearance cost the province pays (GPMB ahead)."
    )
    clearance_capacity_multiplier: Positive = Field(
        default=1, description="Multiplier of districts' land clearance throughput."
    )
    clearance_ahead_bn_vnd_per_year: NonNegative = Field(
        default=0,
        description="Money a year to clear the first phase of planned clusters (CCN) ahead of"
        " any developer (giải phóng mặt bằng trước), one at a time, the most promising first,"
        " with the districts' throughput developers leave unused; the developer who takes one"
        " up clears and pays only the rest of that phase. State investment.",
    )
    wwtp_support_pct: Pct = Field(
        default=0, description="Share of a central wastewater plant's cost the budget pays."
    )
    public_developer_fallback_ccn: bool = Field(
        default=False, description="A district project board develops CCN no private firm takes."
    )
    public_developer_bn_vnd_per_year: NonNegative = Field(
        default=0,
        description="Budget allowance for district boards' clearance, infrastructure and plants"
        " (unspent allowance carries over); public developers build only as fast as it allows.",
    )
    # Regulation (quản lý)
    wwtp_before_tenants: bool = Field(
        default=False,
        description="No tenant, polluting or not, in a zone whose central plant does not"
        " operate: the plant comes before secondary investors.",
    )
    no_polluting_outside_zones: bool = Field(
        default=False, description="Polluting projects may not locate outside KCN/CCN."
    )
    refuse_outdated_technology: bool = Field(
        default=False, description="Dossiers with outdated technology are refused."
    )
    revoke_stalled: bool = Field(
        default=False, description="Stalled projects are revoked once their grace period ends."
    )
    sanction_late_developers: bool = Field(
        default=False,
        description="The IZ Board takes a zone back from a developer far behind its committed"
        " schedule (waiting for money to build its first phase, or gone slow) and offers it"
        " to another developer.",
    )
    inspection_multiplier: NonNegative = Field(
        default=1, description="Multiplier of environmental inspection frequency."
    )
    # Administration (cải cách hành chính)
    approval_time_multiplier: Positive = Field(
        default=1, description="Multiplier of dossier processing time (below 1 is faster)."
    )
    approval_capacity_multiplier: Positive = Field(
        default=1, description="Multiplier of agencies' dossier capacity."
    )
    administration_bn_vnd_per_year: NonNegative = Field(
        default=0,
        description="Cost of the administrative reform (staff, online systems); when it is set,"
        " faster processing takes effect in the share the budget funds.",
    )

    @model_validator(mode="after")
    def _rent_support_has_years(self) -> Levers:
        support = self.rent_support_pct > 0 or self.supported_sector_rent_support_pct > 0
        if support and self.rent_support_years is None:
            raise ValueError(
                "rent support is set (rent_support_pct "
                f"{self.rent_support_pct:g}, supported_sector_rent_support_pct "
                f"{self.supported_sector_rent_support_pct:g}) without rent_support_years: say how"
                " many years (1–10) a tenant receives the rebate, with a source"
            )
        return self

    @model_validator(mode="after")
    def _promotion_has_audience(self) -> Levers:
        # Aimed at everyone, targeted money is untargeted money: a share of it would read as a
        # measure the model does not take (docs/model.md §2.1).
        if self.promotion_targeted_pct > 0 and self.promotion_audience_is_everyone:
            raise ValueError(
                f"promotion_targeted_pct {self.promotion_targeted_pct:g} needs a target"
                " audience: set promotion_target_origin to 'fdi' or 'domestic' (got 'any')"
                " and/or promotion_target_supported_sectors to true, or"
                " promotion_targeted_pct to 0"
            )
        return self

    @property
    def promotion_audience_is_everyone(self) -> bool:
        """The target audience of targeted promotion is every prospect (no target set)."""
        return self.promotion_target_origin == "any" and not self.promotion_target_supported_sectors


LEVER_GROUPS: dict[str, tuple[str, ...]] = {
    "promotion": (
        "promotion_bn_vnd_per_year",
        "promotion_targeted_pct",
        "promotion_target_origin",
        "promotion_target_supported_sectors",
    ),
    "rent_support": (
        "rent_support_pct",
        "supported_sector_rent_support_pct",
        "rent_support_years",
        "rent_support_bn_vnd_per_year",
    ),
    "credit_access": ("credit_access_stall_reduction_pct", "credit_access_bn_vnd_per_year"),
    "training": ("training_bn_vnd_per_year",),
    "worker_housing": ("worker_housing_bn_vnd_per_year",),
    "outside_fence": ("outside_fence_bn_vnd_per_year",),
    "public_clearance": ("public_clearance_pct", "clearance_capacity_multiplier"),
    "clearance_ahead": ("clearance_ahead_bn_vnd_per_year",),
    "wwtp_support": ("wwtp_support_pct",),
    "public_ccn_developer": ("public_developer_fallback_ccn", "public_developer_bn_vnd_per_year"),
    "wwtp_before_tenants": ("wwtp_before_tenants",),
    "no_polluting_outside_zones": ("no_polluting_outside_zones",),
    "refuse_outdated_technology": ("refuse_outdated_technology",),
    "revoke_stalled": ("revoke_stalled",),
    "sanction_late_developers": ("sanction_late_developers",),
    "inspection": ("inspection_multiplier",),
    "admin_reform": (
        "approval_time_multiplier",
        "approval_capacity_multiplier",
        "administration_bn_vnd_per_year",
    ),
}
"""Levers as a plan means them: each group is one measure with what it does and what it costs
(rent support and its extra for supported sectors, a credit fund's effect and its capital, a
reform's faster and larger desks and its budget). ``izsim levers`` adds and removes whole
groups, so a measure is never measured without its cost or its cost without the measure. Every
field of :class:`Levers` is in exactly one group."""


def lever_group_of(field: str) -> str:
    """The group (measure) a lever field belongs to."""
    for group, fields in LEVER_GROUPS.items():
        if field in fields:
            return group
    raise KeyError(field)


MONEY_LEVERS = (
    "promotion_bn_vnd_per_year",
    "rent_support_bn_vnd_per_year",
    "credit_access_bn_vnd_per_year",
    "training_bn_vnd_per_year",
    "worker_housing_bn_vnd_per_year",
    "outside_fence_bn_vnd_per_year",
    "clearance_ahead_bn_vnd_per_year",
    "administration_bn_vnd_per_year",
    "public_developer_bn_vnd_per_year",
)
"""Levers that are annual amounts of money."""

INTENSITY_LEVERS = (
    "promotion_targeted_pct",
    "rent_support_pct",
    "supported_sector_rent_support_pct",
    "credit_access_stall_reduction_pct",
    "public_clearance_pct",
    "wwtp_support_pct",
)
"""Levers whose strength (and cost) grows with their value from zero."""

MULTIPLIER_LEVERS = (
    "clearance_capacity_multiplier",
    "inspection_multiplier",
    "approval_time_multiplier",
    "approval_capacity_multiplier",
)
"""Levers that act as a departure from 1."""

MULTIPLIER_BOUNDS = (0.25, 4.0)
"""Range a scaled multiplier is kept in: beyond it a lever stops being a plausible reform."""


def stated_range(levers: Levers, name: str) -> tuple[float, float] | None:
    """The plausible range ``levers.ranges`` gives lever ``name``, or None."""
    bounds = levers.ranges.get(name)
    return None if bounds is None else (bounds.low, bounds.high)


def lever_limit(
    levers: Levers, name: str, reference: Levers | None = None
) -> tuple[float, tuple[float, float] | None]:
    """How far lever ``name`` may be scaled away from ``reference`` (towards and beyond the
    package's own value), and the stated range it comes from (None: the schema's bounds).

    The limit is the end of the range the lever's source states, on the side the package
    moves it to; with no stated range, the schema's bound on that side (0–100 % for shares,
    ``MULTIPLIER_BOUNDS`` for multipliers, none for money). It never cuts what the package
    itself asks for, and never passes the schema's bounds.
    """
    own, ref = getattr(levers, name), getattr(reference or Levers(), name)
    stated = stated_range(levers, name)
    upward = own >= ref
    if name in MULTIPLIER_LEVERS:
        schema = MULTIPLIER_BOUNDS
    elif name.endswith("_pct"):
        schema = (0.0, 100.0)
    else:
        schema = (0.0, math.inf)
    if upward:
        limit = schema[1] if stated is None else min(stated[1], schema[1])
        return max(limit, own), stated
    limit = schema[0] if stated is None else max(stated[0], schema[0])
    return min(limit, own), stated


def scale_levers(levers: Levers, factor: float, reference: Levers | None = None) -> Levers:
    """The same package at ``factor`` times its strength beyond ``reference`` (and so, roughly,
    its extra cost).

    Every money, intensity and multiplier lever becomes ``reference + factor × (value −
    reference)``, but never goes past its limit (:func:`lever_limit`: the end of the range its
    source states, within the schema's bounds): a lever at its limit stays there while the
    others go on. Rules (booleans) stay as they are. Without a reference, the defaults (no
    spending, multipliers of 1) are the reference.

    Args:
        levers: the package's levers.
        factor: 0 gives the reference (with the package's rules), 1 the package as written.
        reference: the levers of the policy the package is compared with, e.g. the baseline.

    Returns:
        New levers, validated; the sources of scaled levers say so, and which are at their
        limit.
    """
    if factor < 0:
        raise ValueError(f"scale factor must be >= 0, got {factor}")
    base = reference or Levers()
    data: dict[str, Any] = levers.model_dump(exclude_unset=True)
    sources = dict(levers.sources)
    for name in MONEY_LEVERS + INTENSITY_LEVERS + MULTIPLIER_LEVERS:
        own, ref = getattr(levers, name), getattr(base, name)
        if own == ref:
            continue
        limit, _ = lever_limit(levers, name, base)
        value = ref + factor * (own - ref)
        at_limit = (value >= limit) if own > ref else (value <= limit)
        if at_limit:
            value = limit
        elif abs(value) < 1e-9:  # a rounding error's remainder, not a quantity (base.py)
            value = 0.0
        data[name] = value
        if name not in sources and levers.source is None:
            sources[name] = "assumption: scaled from the package's own level"
        if name in sources or levers.source is None:
            note = f"scaled ×{factor:.3f}" + (", at its limit" if at_limit else "")
            sources[name] = f"{sources.get(name, levers.source)} ({note})"
    if sources:
        data["sources"] = sources
    # scaled down towards the reference, a lever may leave its range: the range stated where
    # the package's level is plausible, and the scaled level is the experiment's, not a claim
    data["ranges"] = {
        name: bounds
        for name, bounds in data.get("ranges", {}).items()
        if bounds["low"] <= data.get(name, getattr(levers, name)) <= bounds["high"]
    }
    return Levers.model_validate(data)


BudgetHead = Literal[
    "promotion",
    "outside_fence",
    "training",
    "worker_housing",
    "credit_access",
    "administration",
    "public_developer",
    "clearance_ahead",
    "rent_support",
]
"""Heads of the budget with an annual appropriation (a money lever each)."""

APPROPRIATION_LEVERS: dict[str, str] = {
    "promotion": "promotion_bn_vnd_per_year",
    "outside_fence": "outside_fence_bn_vnd_per_year",
    "training": "training_bn_vnd_per_year",
    "worker_housing": "worker_housing_bn_vnd_per_year",
    "credit_access": "credit_access_bn_vnd_per_year",
    "administration": "administration_bn_vnd_per_year",
    "public_developer": "public_developer_bn_vnd_per_year",
    "clearance_ahead": "clearance_ahead_bn_vnd_per_year",
    "rent_support": "rent_support_bn_vnd_per_year",
}
"""The money lever that sets each head's annual appropriation."""

INVESTMENT_HEADS: tuple[str, ...] = (
    "outside_fence",
    "public_developer",
    "clearance_ahead",
    "worker_housing",
)
"""Heads that build assets (public investment, đầu tư công): their unspent appropriation is
extended a year (``agencies.investment_carry_over_pct``); the others are recurrent spending."""

BUDGET_HEADS: tuple[str, ...] = BudgetHead.__args__  # type: ignore[attr-defined]
"""The heads in their default order of priority: the programmes run every month first, then
the boards' works and new rent promises (rebates already promised always come first)."""


class Policy(Strict):
    """A named policy package."""

    id: Slug = Field(description="Short id, e.g. `infrastructure_first`.")
    name: str = Field(description="Name shown in tables and reports.")
    description: str = Field(default="", description="What the package does, in a few sentences.")
    levers: Levers = Field(
        default_factory=Levers, description="The levers it sets; the rest keep their defaults."
    )
    budget_priority: list[BudgetHead] = Field(
        default_factory=list,
        description="Order in which the January allotment funds the heads' appropriations when"
        " it cannot fund them all (payments already promised come first); heads not listed"
        " follow in the default order: " + ", ".join(BUDGET_HEADS) + ".",
    )

    @field_validator("budget_priority")
    @classmethod
    def _each_head_once(cls, value: list[str]) -> list[str]:
        twice = sorted({head for head in value if value.count(head) > 1})
        if twice:
            raise ValueError(
                f"lists {', '.join(repr(h) for h in twice)} more than once; name each head at"
                f" most once (heads: {', '.join(BUDGET_HEADS)})"
            )
        return value

    def appropriations(self) -> dict[str, float]:
        """Each head's annual appropriation (bn VND), from its money lever."""
        return {head: getattr(self.levers, APPROPRIATION_LEVERS[head]) for head in BUDGET_HEADS}

    def priority(self) -> tuple[str, ...]:
        """Every head, in this policy's order of priority."""
        listed = tuple(self.budget_priority)
        return listed + tuple(h for h in BUDGET_HEADS if h not in listed)

    def scaled(self, factor: float, reference: Policy | None = None) -> Policy:
        """This policy at ``factor`` times its strength beyond ``reference``
        (see :func:`scale_levers`)."""
        base = None if reference is None else reference.levers
        return self.model_copy(update={"levers": scale_levers(self.levers, factor, base)})

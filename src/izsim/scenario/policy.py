"""Policy packages: the levers a province can pull, and what they cost.

A policy is a set of lever values. Defaults mean "nothing beyond current practice"; a package
file names only the levers it changes. Money levers are annual amounts from the provincial
budget; the budget can never go below zero, so a lever asks and the budget grants what it has.
"""

from __future__ import annotations

from pydantic import Field

from izsim.scenario.base import NonNegative, Pct, Positive, Slug, Strict


class Levers(Strict):
    """Every policy lever, with its default (current practice)."""

    # Incentives (xúc tiến đầu tư, ưu đãi)
    promotion_bn_vnd_per_year: NonNegative = Field(
        default=0, description="Investment promotion (xúc tiến đầu tư) spending."
    )
    rent_support_pct: Pct = Field(default=0, description="Share of tenants' rent the budget pays.")
    supported_sector_rent_support_pct: Pct = Field(
        default=0, description="Extra rent support for supporting-industry and high-tech tenants."
    )
    credit_access_stall_reduction_pct: Pct = Field(
        default=0, description="Cut in the share of projects that stall (credit guarantee funds)."
    )
    credit_access_bn_vnd_per_year: NonNegative = Field(
        default=0, description="Budget for the credit guarantee / SME fund."
    )
    training_labour_gain: NonNegative = Field(
        default=0, description="Rise of every zone's labour index from vocational training."
    )
    training_bn_vnd_per_year: NonNegative = Field(default=0, description="Training budget.")
    # Infrastructure (hạ tầng)
    outside_fence_bn_vnd_per_year: NonNegative = Field(
        default=0, description="Outside-the-fence roads, power and water (hạ tầng ngoài hàng rào)."
    )
    public_clearance_pct: Pct = Field(
        default=0, description="Share of land clearance cost the province pays (GPMB ahead)."
    )
    clearance_capacity_multiplier: Positive = Field(
        default=1, description="Multiplier of districts' land clearance throughput."
    )
    wwtp_support_pct: Pct = Field(
        default=0, description="Share of a central wastewater plant's cost the budget pays."
    )
    public_developer_fallback_ccn: bool = Field(
        default=False, description="A district project board develops CCN no private firm takes."
    )
    # Regulation (quản lý)
    wwtp_before_tenants: bool = Field(
        default=False, description="No polluting tenant in a zone without an operating plant."
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


class Policy(Strict):
    """A named policy package."""

    id: Slug
    name: str
    description: str = ""
    levers: Levers = Field(default_factory=Levers)

"""The scenario schema: a province, its zones, its economy, and its plan's targets.

Every number in a scenario has a source (see :mod:`izsim.scenario.sources`); field names carry
their unit (``_ha``, ``_bn_vnd``, ``_pct``, ``_months``, ``_usd_m2``).
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from izsim.calendar import month_index, parse_month
from izsim.indicators import CATALOGUE
from izsim.scenario.base import (
    Index01,
    NonNegative,
    Pct,
    Positive,
    Slug,
    Sourced,
    Strict,
    unsourced_message,
)
from izsim.scenario.records import ReferenceRecord, current_extra_records, using_records
from izsim.scenario.sources import DOCUMENT_ID, SEED_FILE, cited_documents


class CrossFieldError(ValueError):
    """Problems found by a check across fields, each with the path of the field it concerns
    (relative to the block that raised it), so that errors can name the field and its line."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {m}" for loc, m in problems))


ZoneKind = Literal["kcn", "ccn", "high_tech"]
ZoneStage = Literal["planned", "approved", "clearing", "building", "operating"]
Comparator = Literal[">=", ">", "<=", "<", "between"]


class PlanDocument(Strict):
    """A plan document the scenario encodes: a resolution, a decision, a plan (Nghị quyết,
    Quyết định, Kế hoạch), cited by its id as ``plan:<id> <section>``."""

    id: Slug = Field(description="Short id cited as `plan:<id>`, e.g. `tq_nq_2021`.")
    title: str = Field(min_length=1, description="Title as printed (Vietnamese).")
    number: str | None = Field(
        default=None,
        min_length=1,
        description="Number as printed, e.g. `148/KH-UBND`; leave out only if the copy you have"
        " does not show it.",
    )
    date: datetime.date | None = Field(
        default=None,
        description="Date of issue, YYYY-MM-DD; leave out only if the copy you have does not"
        " show it.",
    )
    file: str | None = Field(
        default=None,
        min_length=1,
        description="Its text (.txt or .md), relative to the scenario file: targets' quotes are"
        " then checked against it. Leave out for a document you have only on paper or as a"
        " scanned PDF (quotes are then not checked).",
    )

    @field_validator("date", mode="before")
    @classmethod
    def _calendar_date(cls, value: object) -> object:
        # pydantic would read a number as seconds since 1970 (`date: 2021` is 1970-01-01)
        if value is not None and not isinstance(value, datetime.date | str):
            raise ValueError("expected a date YYYY-MM-DD")
        return value

    def label(self) -> str:
        """How a reader names it: number and date, else the title."""
        parts = [p for p in (self.number, self.date and self.date.isoformat()) if p]
        return ", ".join(parts) if parts else self.title


class Meta(Strict):
    """What the scenario is, the plan documents it encodes and the time it covers."""

    id: Slug = Field(description="Short id, e.g. `tuyen_quang`.")
    name: str = Field(min_length=1, description="Province name as planners write it.")
    # required, so that `izsim new` writes it; empty only without targets (`_documents`)
    documents: list[PlanDocument] = Field(
        description="The plan documents it encodes, cited as `plan:<id> <section>` by sources"
        " and by targets' `document`; at least one when the scenario has targets (a back-cast,"
        " which has no plan and no targets, writes `documents: []`).",
    )
    references: str | None = Field(
        default=None,
        min_length=1,
        description="A YAML file of the province's own reference records (same form as"
        " `izsim refs` lists), relative to the scenario file; cited as `ref:<id>` like the"
        " shipped ones.",
    )
    province: Slug | None = Field(
        default=None,
        description="The shipped province this scenario runs under another id, e.g. `tuyen_quang`"
        " for the back-cast `tuyen_quang_2015`: that province's patterns are read on its runs."
        " None: the id names the province.",
    )
    start: str = Field(description="First simulated month, YYYY-MM.")
    horizon: str = Field(description="Last simulated month, YYYY-MM.")
    description: str = Field(default="", description="What the file describes, in a few sentences.")

    @model_validator(mode="before")
    @classmethod
    def _older_plan_seeds(cls, data: object) -> object:
        # The older form (before plan documents): `plan_seeds: [<seed file>, …]`. Results
        # folders written then keep a copy of it in inputs/, which `izsim report` must still
        # read: each seed becomes a document whose file is the seed's name (so its citations
        # resolve; the plausibility check says the file is not beside the scenario and that
        # the citations are of the older form).
        if not isinstance(data, dict) or "plan_seeds" not in data:
            return data
        if "documents" in data:
            raise CrossFieldError(
                [
                    (
                        ("plan_seeds",),
                        "plan_seeds is the older form of `documents:`; give only documents, a"
                        " list of {id, title, number, date, file}",
                    )
                ]
            )
        seeds = data["plan_seeds"]
        if not isinstance(seeds, list) or not all(isinstance(s, str) and s for s in seeds):
            raise CrossFieldError(
                [
                    (
                        ("plan_seeds",),
                        "plan_seeds (the older form of `documents:`) must be a list of seed file"
                        " names; better, give `documents:`, a list of {id, title, number, date,"
                        " file} (tools/cite_documents.py rewrites a file)",
                    )
                ]
            )
        rest = {key: value for key, value in data.items() if key != "plan_seeds"}
        rest["documents"] = [
            {"id": f"plan_{i}", "title": seed, "file": seed} for i, seed in enumerate(seeds, 1)
        ]
        return rest

    @field_validator("start", "horizon")
    @classmethod
    def _month(cls, value: str) -> str:
        parse_month(value)
        return value

    @field_validator("start")
    @classmethod
    def _january(cls, value: str) -> str:
        # Budgets arrive in January and December values are calendar years.
        if parse_month(value)[1] != 1:
            raise ValueError(f"start {value} must be a January (YYYY-01): years are calendar years")
        return value

    @property
    def province_id(self) -> str:
        """The province whose patterns are read on the scenario's runs: ``province``, else
        the id."""
        return self.province or self.id

    @property
    def plan_seeds(self) -> list[str]:
        """The documents as readers name them (number and date), for reports."""
        return [document.label() for document in self.documents]

    def document(self, cited: str) -> PlanDocument | None:
        """The document a citation names: its id, or (the older form) its file's name."""
        for document in self.documents:
            if cited == document.id:
                return document
        for document in self.documents:
            if document.file is not None and PurePosixPath(document.file).name == cited:
                return document
        return None

    @model_validator(mode="after")
    def _horizon_after_start(self) -> Meta:
        months = month_index(self.horizon, self.start) + 1
        if not 12 <= months <= 12 * 80:
            raise ValueError(
                f"horizon {self.horizon} must be 1 to 80 years after start {self.start}"
            )
        return self

    @property
    def months(self) -> int:
        """Number of simulated months, start and horizon included."""
        return month_index(self.horizon, self.start) + 1


class Economy(Sourced):
    """The province's economy in the base year (the year before the start), 2010 prices."""

    industrial_output_base_bn_vnd: Positive = Field(
        description="Industrial production value (GTSX công nghiệp), base year, 2010 prices."
    )
    existing_output_growth_pct: float = Field(
        ge=-50,
        le=100,
        description="Yearly growth of output of the industry existing at the start.",
    )
    value_added_ratio_pct: Pct = Field(
        gt=0,  # zero leaves value added's average growth from the base year undefined
        description="Industrial value added as a share of production value in the base year.",
    )
    value_added_ratio_change_pct_per_year: float = Field(
        default=0, ge=-20, le=20, description="Yearly change of the value-added ratio, in points."
    )
    grdp_base_bn_vnd: Positive = Field(
        description="GRDP in the base year, 2010 prices; must exceed industry's value added."
    )
    non_industry_grdp_growth_pct: float = Field(
        ge=-50,
        le=100,
        description="Yearly growth of GRDP outside industry.",
    )
    jobs_industry_base: NonNegative = Field(description="Workers in industry in the base year.")
    existing_jobs_growth_pct: float = Field(
        ge=-50, le=100, description="Yearly growth of jobs in industry that existed at the start."
    )
    workforce_base: Positive = Field(description="The province's workforce in the base year.")
    workforce_growth_pct: float = Field(
        ge=-50, le=100, description="Yearly growth of the workforce."
    )
    exports_base_musd: Positive = Field(
        # zero leaves the average growth of exports from the base year undefined
        description="Exports in the base year, million USD."
    )
    existing_exports_growth_pct: float = Field(
        ge=-50,
        le=100,
        description="Yearly growth of exports of the industry existing at the start.",
    )
    vnd_per_usd: Positive = Field(
        ge=1000,  # below it exports in USD overflow; the rate has been 15,000-26,000 since 2010
        description="Exchange rate used to convert output to USD (at least 1,000).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Economy:
        # Both checks are made and reported together: one pass shows every problem.
        problems = []
        industry = self.value_added_ratio_pct / 100 * self.industrial_output_base_bn_vnd
        if self.grdp_base_bn_vnd <= industry:
            problems.append(
                f"grdp_base_bn_vnd {self.grdp_base_bn_vnd:g} must exceed industry's value added"
                f" ({self.value_added_ratio_pct:g} % of {self.industrial_output_base_bn_vnd:g}"
                f" = {industry:g})"
            )
        # industry_labour_share is jobs / workforce: a province whose existing industry alone
        # employs more than its workforce would report a share above 100 %
        if self.jobs_industry_base >= self.workforce_base:
            problems.append(
                f"jobs_industry_base {self.jobs_industry_base:g} must be below workforce_base"
                f" {self.workforce_base:g}: industry cannot employ more than the workforce"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


def existing_jobs_exceed_workforce(economy: Economy, months: int) -> int | None:
    """The first year (0 = the first simulated year) in which existing industry's jobs, at
    their growth rate, would exceed the workforce at its own, or None within ``months``."""
    jobs_growth = 1 + economy.existing_jobs_growth_pct / 100
    workforce_growth = 1 + economy.workforce_growth_pct / 100
    for year in range(-(-months // 12)):
        years = min(year + 1, months / 12)  # the growth of the last month of that year
        jobs = economy.jobs_industry_base * jobs_growth**years
        if jobs > economy.workforce_base * workforce_growth**years:
            return year
    return None


class Sector(Sourced):
    """A kind of tenant firm and what a hectare of it brings."""

    id: Slug = Field(description="Short unique id (lower case, digits, underscores).")
    name: str = Field(description="Name as planners write it.")
    prospect_share_pct: Pct = Field(description="Share of prospects in this sector.")
    fdi_share_pct: Pct = Field(description="Share of the sector's prospects that are foreign.")
    land_need_ha: Positive = Field(description="Mean land a project needs.")
    land_need_cv: NonNegative = Field(
        le=10,  # beyond it the lognormal's variance overflows and land needs become NaN
        description="Coefficient of variation of land need (at most 10).",
    )
    capital_bn_vnd_per_ha: Positive = Field(
        description="Registered capital per hectare of a project."
    )
    jobs_per_ha: NonNegative = Field(
        le=1000,  # dense garment and electronics plants have a few hundred
        description="Workers per hectare at full production (at most 1,000).",
    )
    output_bn_vnd_per_ha: NonNegative = Field(description="Annual output at full production.")
    export_share_pct: Pct = Field(description="Share of output exported.")
    polluting_pct: Pct = Field(description="Share of projects with polluting wastewater.")
    outdated_technology_pct: Pct = Field(
        description="Share with outdated, energy-hungry technology."
    )
    supported: bool = Field(
        default=False, description="Eligible for supporting-industry / high-tech support."
    )
    regions: list[str] = Field(default_factory=list, description="Regions the plan steers it to.")


class Investors(Sourced):
    """How prospects arrive, what they do after choosing, and what they value in a site."""

    prospects_per_month: Positive = Field(
        # the thinning pool draws 8 × this every month: beyond ~100 (1,200 serious enquiries
        # a year, more than any province receives) a run takes minutes and gigabytes
        le=100,
        description="Base arrival rate of prospects (at most 100 a month).",
    )
    promotion_reference_bn_vnd_per_year: Positive = Field(
        description="Promotion spending at which the base arrival rate applies."
    )
    promotion_elasticity: float = Field(
        ge=0,
        le=5,
        description="Elasticity of arrivals to (a + promotion / reference) / (a + 1), a ="
        " promotion_autonomous_effort.",
    )
    promotion_autonomous_effort: float = Field(
        gt=0,
        le=10,
        description="Promotion that reaches investors without the province's programme"
        " (national promotion, word of mouth), in multiples of"
        " promotion_reference_bn_vnd_per_year: with none of the programme's money arrivals are"
        " (a / (a + 1))^elasticity of the base rate (a = 1: half the reference's effort).",
    )
    competitiveness_pci: Pct = Field(description="The province's PCI score (0–100).")
    pci_reference: float = Field(
        gt=0, le=100, description="PCI score at which the base rate applies."
    )
    pci_elasticity: float = Field(
        ge=0, le=10, description="Elasticity of arrivals to PCI / its reference."
    )
    track_record_weight: NonNegative = Field(
        description="Weight of recent leases in the arrival rate (investors follow investors)."
    )
    track_record_leases_per_year: Positive = Field(
        description="Leases a year at which the track record is neutral."
    )
    track_record_cap: Positive = Field(
        le=100,
        description="Most the track record counts, in multiples of track_record_leases_per_year"
        " (more leases than that add nothing to arrivals).",
    )
    pipeline_projects: int = Field(
        ge=0,
        le=10_000,
        description="Projects licensed before the start and still building their factories, in"
        " operating zones (their land is part of the zones' occupancy at the start).",
    )
    approval_months: Positive = Field(description="Mean processing time of a project dossier.")
    lease_term_years: float = Field(
        ge=1,
        le=70,
        description="Years of a tenant's lease, for which rent_usd_m2 is paid up front: a"
        " year's rent, on which rent support is rebated, is the lease payment over these years.",
    )
    construction_months: Positive = Field(
        description="Months from lease to the start of production (factory construction)."
    )
    rampup_months: Positive = Field(description="Months from first production to full output.")
    stall_pct: Pct = Field(description="Share of leased projects that stall and hold land.")
    anchor_capital_bn_vnd: Positive = Field(description="Capital above which a tenant anchors.")
    beta_rent_per_10_usd_m2: float = Field(
        description="Logit utility per 10 USD/m² of rent paid (negative)."
    )
    beta_access: float = Field(
        description="Logit utility of the access index (outside-the-fence roads, ports)."
    )
    beta_infrastructure: float = Field(
        description="Logit utility of a zone's serviced share of leasable land."
    )
    beta_wwtp: float = Field(
        description="Logit utility of a compliant central wastewater plant, for any tenant."
    )
    beta_wwtp_polluting: float = Field(
        description="Extra utility of a compliant plant for polluting tenants."
    )
    beta_labour: float = Field(description="Logit utility of the labour index.")
    beta_agglomeration: float = Field(
        description="Logit utility of log(1 + same-sector tenants in the zone)."
    )
    beta_anchor: float = Field(
        description="Logit utility of an anchor (driver) tenant in the zone."
    )
    beta_region: float = Field(
        description="Logit utility of a zone in a region the plan assigns the sector to."
    )
    beta_admin_per_month: float = Field(
        description="Logit utility per month of expected dossier processing (negative)."
    )
    beta_ccn_fdi: float = Field(
        description="Extra utility of a CCN for foreign investors (usually negative)."
    )
    outside_province_utility: float = Field(
        description="Utility of investing in another province (the outside option)."
    )
    outside_zone_utility: float = Field(
        description="Utility of a site outside zones in the province."
    )
    outside_zone_output_share_pct: Pct = Field(
        default=100, description="Output of a firm outside zones relative to one inside."
    )
    outside_zone_land_ha_per_year: NonNegative = Field(
        description="Industrial land outside zones the land-use plan allows a year (đất cơ sở"
        " sản xuất phi nông nghiệp): once the year's allowance is taken, a prospect can only"
        " locate in a zone or leave the province."
    )


class Reinvestment(Sourced):
    """Capital increases (tăng vốn) by firms that existed at the start.

    Part of existing industry's trend growth (``economy.existing_output_growth_pct``, and the
    jobs and exports trends) comes from new lines that existing firms finance by raising their
    capital; it arrives as projects whose rate responds to the province's conditions. Under the
    conditions at the start the expected total is the old trend (docs/model.md §6a).
    """

    share_pct: Pct = Field(
        description="Share of existing industry's trend growth that comes from reinvestment"
        " under the conditions at the start (the rest grows at a fixed trend)."
    )
    zone_share_pct: Pct = Field(
        description="Share of reinvestment by firms in operating zones (the rest by firms outside"
        " zones, which respond to province-wide conditions only)."
    )
    utility_weight: float = Field(
        ge=0,
        le=5,
        description="How strongly a zone's reinvestment responds to a change of its conditions,"
        " relative to a prospect's choice: the rate is multiplied by exp(weight × ΔV).",
    )
    project_size_pct: float = Field(
        # The number of capital increases a month is the trend's output over one increase's:
        # below 1 % it runs into millions a month (a run that cannot be held in memory).
        ge=1,
        le=1000,
        description="Size (land-equivalent output and capital) of a capital increase relative to"
        " a new project of the same sector, in percent (at least 1).",
    )
    construction_months: Positive = Field(
        description="Months from a capital increase to first production of the new capacity."
    )
    rampup_months: Positive = Field(
        description="Months from first production of the new capacity to full output."
    )


class Developers(Sourced):
    """Costs and decision rules of zone infrastructure developers (chủ đầu tư hạ tầng)."""

    clearance_cost_bn_vnd_per_ha: NonNegative = Field(
        description="Land clearance (GPMB) cost per gross ha: compensation and resettlement."
    )
    infrastructure_cost_bn_vnd_per_ha_kcn: NonNegative = Field(
        description="Internal infrastructure cost per gross ha of a KCN."
    )
    infrastructure_cost_bn_vnd_per_ha_ccn: NonNegative = Field(
        description="Internal infrastructure cost per gross ha of a CCN."
    )
    wwtp_cost_fixed_bn_vnd: NonNegative = Field(
        description="Fixed part of a central wastewater plant's cost (site, buildings, controls,"
        " monitoring station), bn VND, paid once for every cluster plant an aggregate row"
        " stands for (docs/model.md §2.5)."
    )
    wwtp_cost_bn_vnd_per_1000_m3_day: NonNegative = Field(
        description="Cost of a central plant per 1,000 m³/day of design capacity (tanks,"
        " equipment), bn VND, on top of the fixed part; repairs and further modules are"
        " priced from the same two parts."
    )
    wwtp_build_months: Positive = Field(description="Months to build a central wastewater plant.")
    wwtp_compliant_pct: Pct = Field(description="Chance a new plant meets the standard.")
    wwtp_upgrade_months: Positive = Field(
        description="Months to bring a non-compliant plant up to the standard."
    )
    zone_approval_months_kcn: Positive = Field(
        description="Months of the province's part of a KCN's establishment (its decision,"
        " after the national approval of `establishment.national_approval_months_kcn`);"
        " provincial reform (`approval_time_multiplier`) shortens it."
    )
    zone_approval_months_ccn: Positive = Field(
        description="Months from a developer's proposal to a CCN's establishment decision."
    )
    infrastructure_phase_pct: float = Field(
        gt=0, le=100, description="Share of a zone's area per phase."
    )
    infrastructure_build_months: Positive = Field(
        description="Months to build one infrastructure phase."
    )
    expansion_trigger_occupancy_pct: Pct = Field(
        description="Occupancy of a zone's built (serviced) land at which its next phase starts."
    )
    expansion_zone_trigger_occupancy_pct: Pct = Field(
        description="Occupancy of a zone's leasable land at which a listed expansion zone of it"
        " may be taken up (the national condition for expanding a zone)."
    )
    hurdle_ratio: Positive = Field(
        description="Pro forma revenue / cost a developer needs to invest: the median of"
        " candidate developers' hurdles (spread: `establishment.hurdle_spread`)."
    )
    absorption_prior_ha_per_year: Positive = Field(description="Developers' prior of demand.")
    discount_rate_pct: Pct = Field(description="Developers' cost of capital, per year.")
    private_entry_pct_per_month: Pct = Field(
        description="Chance a month that a developer takes up a viable planned zone."
    )
    rent_adjust_pct_per_year: float = Field(
        ge=0,
        le=50,
        description="Most a developer moves rent in a year (up when full, down when empty).",
    )
    target_vacancy_pct: float = Field(
        gt=0,
        lt=100,
        description="Share of a zone's serviced land not leased at which the January rent"
        " review leaves rent unchanged (structural vacancy); rent moves by up to"
        " rent_adjust_pct_per_year, all of it when no land is left or twice as much is vacant.",
    )
    abandon_after_months: Positive = Field(
        description="Months without a lease before a private developer stops building phases"
        " and puts the zone up for sale."
    )
    finance_capacity_bn_vnd_kcn: Positive = Field(
        description="Median finance capacity of a KCN developer: the most it can have spent and"
        " not yet recovered from rents and fees (equity and credit)."
    )
    finance_capacity_bn_vnd_ccn: Positive = Field(
        description="Median finance capacity of a CCN developer (small firms)."
    )
    finance_capacity_spread: float = Field(
        ge=0,
        le=3,
        description="Spread of developers' finance capacity: the standard deviation of its"
        " logarithm (0: every developer has the median).",
    )
    expected_rent_growth_cap_pct_per_year: float = Field(
        default=0,
        ge=0,
        le=20,
        description="Most a developer expects rents to rise (or fall) a year while it leases a"
        " zone or phase: it extrapolates the last January review's change of its kind's rents,"
        " clipped to ± this, into its pro forma (land-value appreciation; 0: rents expected"
        " flat, the earlier rule).",
    )
    committed_phase_months: float | None = Field(
        default=None,
        gt=0,
        le=240,
        description="Months after a zone's phase is finished by which its investment"
        " certificate commits the developer to start the next one, demand or not (unless it"
        " has gone slow); empty: phases wait for demand alone.",
    )

    @model_validator(mode="after")
    def _rent_growth_below_the_cost_of_capital(self) -> Developers:
        # A rent expected to grow as fast as the cost of capital makes slow filling free, and
        # faster makes it pay: a pro forma would then prefer the sites nobody leases.
        cap, rate = self.expected_rent_growth_cap_pct_per_year, self.discount_rate_pct
        if cap > 0 and cap >= rate:
            raise CrossFieldError(
                [
                    (
                        ("expected_rent_growth_cap_pct_per_year",),
                        f"{cap:g} is not below discount_rate_pct {rate:g}: developers who"
                        " expect rents to grow as fast as their cost of capital would value"
                        " land leased later as much as or more than land leased now; give a"
                        " cap below the discount rate",
                    )
                ]
            )
        return self

    def infrastructure_cost_per_ha(self, *, kcn: bool) -> float:
        """Infrastructure cost per gross ha of a KCN (high-tech zones too) or a CCN."""
        return (
            self.infrastructure_cost_bn_vnd_per_ha_kcn
            if kcn
            else self.infrastructure_cost_bn_vnd_per_ha_ccn
        )

    def finance_capacity(self, *, kcn: bool) -> float:
        """Median finance capacity of a KCN (high-tech zones too) or a CCN developer."""
        return self.finance_capacity_bn_vnd_kcn if kcn else self.finance_capacity_bn_vnd_ccn

    def wwtp_cost(self, capacity_m3_day: float, *, plants: int = 1) -> float:
        """Cost of ``plants`` central wastewater plants with ``capacity_m3_day`` of design
        capacity between them, bn VND (fixed part per plant plus the part per capacity)."""
        per_m3_day = self.wwtp_cost_bn_vnd_per_1000_m3_day / 1000
        return plants * self.wwtp_cost_fixed_bn_vnd + per_m3_day * capacity_m3_day

    def zone_approval_months(self, *, kcn: bool) -> float:
        """Months to a zone's establishment decision."""
        return self.zone_approval_months_kcn if kcn else self.zone_approval_months_ccn


class Agencies(Sourced):
    """Provincial agencies: capacities, enforcement and the programme budget."""

    approval_servers_kcn: int = Field(ge=1, description="Dossiers the IZ Board handles at once.")
    approval_servers_ccn: int = Field(ge=1, description="Dossiers DPI/DOIT handle at once.")
    clearance_ha_per_month: Positive = Field(description="Districts' land clearance throughput.")
    compensation_agreement_months_kcn: NonNegative = Field(
        description="Mean months from the start of a KCN's first clearance until its land users"
        " accept compensation (thỏa thuận bồi thường, hỗ trợ, tái định cư); each zone's wait is"
        " exponential with this mean (0: no wait)."
    )
    inspection_pct_per_month: Pct = Field(
        description="Chance a month that an operating zone is inspected (Sở TN&MT)."
    )
    grace_months: Positive = Field(description="Months a stalled project has before revocation.")
    revocation_pct: Pct = Field(description="Chance an overdue stalled project is revoked a month.")
    budget_bn_vnd_per_year: NonNegative = Field(
        description="Provincial budget for industrial programmes, received each January."
    )
    budget_carry_over_pct: Pct = Field(
        description="Share of the recurrent heads' unspent appropriations (promotion, training,"
        " credit access, administration, rent support) and of the unallocated programme money"
        " at the end of a year that is still available the next year (the rest lapses or is"
        " reallocated outside industry)."
    )
    investment_carry_over_pct: Pct = Field(
        description="Share of an investment head's unspent appropriation (outside-the-fence"
        " works, district boards, clearance ahead, worker housing) extended to the next year,"
        " for that head only; what is still unspent a year later lapses."
    )
    public_developer_after_months: Positive = Field(
        description="Months from the start before a district board may take up a CCN."
    )
    public_ccn_takeups_per_month: int = Field(
        ge=0,
        le=50,
        description="Most clusters district boards take up in a month (the most promising first).",
    )
    access_gain_per_1000_bn_vnd: NonNegative = Field(
        description="Rise of a zone's access index per 1,000 bn VND outside-the-fence spending."
    )
    developer_schedule_months: Positive = Field(
        description="Months a developer has from a zone's establishment to put its first phase"
        " into operation, or from going slow to resume, before the IZ Board may take the zone"
        " back (under the sanction_late_developers lever)."
    )


FenceWorkKind = Literal["road", "power", "water"]


class OutsideFenceProject(Sourced):
    """A work outside the zones' fences (hạ tầng ngoài hàng rào) the province's plan names: a
    road or expressway link, a power line and substation, a water main, serving given zones.

    The policy's ``outside_fence_bn_vnd_per_year`` funds the scenario's projects in their
    order; a project started is paid by instalments over its build time, and when it is
    finished each zone it serves gains access (docs/model.md §2.9)."""

    id: Slug = Field(description="Short unique id of the project.")
    name: str = Field(min_length=1, description="Name as the plan writes it.")
    kind: FenceWorkKind = Field(description="road, power or water.")
    serves: list[str] = Field(
        min_length=1,
        description="Zones the work serves: zone ids (candidate sites' too, `<id>_<n>`) or"
        " regions (every zone of the region).",
    )
    cost_bn_vnd: Positive = Field(description="Cost of the work, bn VND.")
    build_months: int = Field(
        ge=1, le=240, description="Months from the start of the works to their use, when funded."
    )


class Wastewater(Sourced):
    """Industrial wastewater and central plants (hệ thống xử lý nước thải tập trung): what
    tenants discharge, what a plant costs to run and earns, how it fails, how it is fined."""

    generation_m3_per_ha_day: Positive = Field(
        description="Wastewater discharged per leased hectare a day."
    )
    plant_design_share_pct: float = Field(
        gt=0,
        le=100,
        description="A plant (or a new module) is built for this share of the zone's full flow"
        " (every leasable hectare leased), or for the land already leased if that is more.",
    )
    plant_life_years: Positive = Field(
        description="Years over which a developer recovers a plant's capital."
    )
    operating_cost_fixed_pct_per_year: Pct = Field(
        description="Fixed running cost a year (staff, power, sludge, monitoring), % of capital."
    )
    operating_cost_vnd_per_m3: NonNegative = Field(
        description="Running cost per m³ treated (chemicals, energy)."
    )
    fee_vnd_per_m3: NonNegative = Field(
        description="Treatment fee tenants pay the developer per m³ (phí xử lý nước thải)."
    )
    failure_pct_per_month: Pct = Field(
        description="Chance a month that a running plant breaks down or drifts out of standard."
    )
    repair_cost_pct: Pct = Field(description="Cost of bringing a failed plant back, % of capital.")
    expansion_cost_pct: Pct = Field(
        description="Cost of a further module of the plant's design size, % of capital."
    )
    ccn_connected_pct: Pct = Field(
        description="Share of CCN tenants' wastewater the central plant collects; the rest is"
        " discharged by the tenants themselves, untreated (KCN tenants must connect)."
    )
    outside_zone_treated_pct: Pct = Field(
        description="Share of wastewater of facilities outside zones treated to standard on site."
    )
    fine_band_floors_m3_day: list[NonNegative] = Field(
        min_length=1,
        description="Lower bounds of the fine bands: daily flow discharged without treatment to"
        " standard, m³/day; the first is 0, then increasing.",
    )
    fine_band_bn_vnd: list[NonNegative] = Field(
        min_length=1,
        description="Fine of each band for an organisation, bn VND (non-decreasing).",
    )
    record_months: Positive = Field(
        description="Months a violation stays on a zone's record (inspections come more often)."
    )
    record_inspection_multiplier: float = Field(
        ge=1, le=20, description="Inspection frequency of a zone with a violation on its record."
    )
    overload_tolerance_pct: float = Field(
        ge=0,
        le=50,
        description="Load above its design capacity, in % of it, that a plant still treats to the"
        " standard (design margin); beyond it the excess goes out untreated and the plant is"
        " out of compliance.",
    )
    complaint_pct_per_month_per_1000_m3_day: NonNegative = Field(
        description="Chance a month of an inspection after complaints, per 1,000 m³/day"
        " discharged without treatment to standard."
    )
    ccn_build_order_pct: Pct = Field(
        description="Share of inspection findings against a CCN without a central plant that"
        " order its developer to build one (the rest are fined only): CCN are overseen by"
        " Industry & Trade and the districts, and an order to build rarely holds without"
        " public money. KCN findings always order a plant."
    )
    fee_cap_vnd_per_m3: NonNegative = Field(
        description="Highest treatment fee the province lets a plant's operator charge, VND per"
        " m³. An operator whose fees at `fee_vnd_per_m3` do not cover the plant's running cost"
        " raises the fee toward cost recovery up to this cap (never below `fee_vnd_per_m3`)."
    )
    repeat_fine_multiplier: float = Field(
        ge=1,
        le=5,
        description="Each repeat finding against a plant left idle after an order to operate"
        " multiplies the band's fine by this (1: no escalation), up to `fine_max_bn_vnd`.",
    )
    fine_max_bn_vnd: NonNegative = Field(
        description="Largest fine for one finding against an organisation, bn VND (the legal"
        " ceiling repeat fines escalate to); at least the top band's fine."
    )
    suspension_after_repeat_findings: int = Field(
        ge=1,
        le=24,
        description="Repeat findings against a plant left idle after an order to operate after"
        " which the zone may admit no new tenants until the plant runs.",
    )

    @model_validator(mode="after")
    def _bands(self) -> Wastewater:
        floors, fines = self.fine_band_floors_m3_day, self.fine_band_bn_vnd
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if len(floors) != len(fines):
            problems.append(
                (
                    ("fine_band_bn_vnd",),
                    f"{len(fines)} fines for {len(floors)} bands: give one fine per band floor",
                )
            )
        if floors[0] != 0:
            problems.append((("fine_band_floors_m3_day", 0), "the first band starts at 0"))
        for i in range(1, len(floors)):
            if floors[i] <= floors[i - 1]:
                problems.append((("fine_band_floors_m3_day", i), "band floors must increase"))
        for i in range(1, len(fines)):
            if fines[i] < fines[i - 1]:
                problems.append((("fine_band_bn_vnd", i), "fines must not fall as flow rises"))
        if fines and self.fine_max_bn_vnd < max(fines):
            problems.append(
                (
                    ("fine_max_bn_vnd",),
                    f"{self.fine_max_bn_vnd:g} is below the top band's fine {max(fines):g}:"
                    " the ceiling repeat fines escalate to must be at least every band's fine",
                )
            )
        if self.fee_cap_vnd_per_m3 < self.fee_vnd_per_m3:
            problems.append(
                (
                    ("fee_cap_vnd_per_m3",),
                    f"{self.fee_cap_vnd_per_m3:g} is below fee_vnd_per_m3"
                    f" {self.fee_vnd_per_m3:g}: the cap must allow at least the base fee",
                )
            )
        if problems:
            raise CrossFieldError(problems)
        return self

    def fine(self, untreated_m3_day: float, *, repeats: int = 0) -> float:
        """The fine for an organisation discharging ``untreated_m3_day`` (bn VND), escalated
        for ``repeats`` earlier findings under an order to operate, within the legal ceiling."""
        fine = 0.0
        for floor, amount in zip(self.fine_band_floors_m3_day, self.fine_band_bn_vnd, strict=False):
            if untreated_m3_day >= floor:
                fine = amount
        if repeats <= 0:
            return fine
        return min(self.fine_max_bn_vnd, fine * self.repeat_fine_multiplier**repeats)


class Labour(Sourced):
    """Labour pools (nguồn lao động) of the province's regions: who industry can employ.

    A region's resident supply is its share of the workforce times the highest share industry
    can draw; workers from outside the province (commuters, migrants renting rooms, and those
    housed in worker housing, nhà ở công nhân) come as the region's pool tightens. Equations in
    docs/model.md §6.1.
    """

    max_local_industry_share_pct: float = Field(
        gt=0,
        le=100,
        description="Highest share of the province's resident workforce industry can employ"
        " (the rest stay in farming, services, construction, the public sector or do not take"
        " factory work); industry's base-year jobs must be below it.",
    )
    inflow_max_pct: Pct = Field(
        description="Most workers from outside the province (daily commuters and migrants in"
        " rented rooms), as a share of the resident workforce, drawn when local labour is"
        " exhausted."
    )
    inflow_adjustment_pct_per_year: float = Field(
        gt=0,
        le=100,
        description="Share of the gap between the inflow a region's scarcity draws and the"
        " workers already come that closes in a year (migration takes time).",
    )
    worker_housing_places_per_year: NonNegative = Field(
        description="Places in worker housing (nhà ở công nhân, ký túc xá) added a year from the"
        " start; each lets one more migrant worker come when labour is scarce."
    )
    worker_housing_cost_bn_vnd_per_place: Positive = Field(
        description="Budget cost of one place in worker housing the policy pays for"
        " (`worker_housing_bn_vnd_per_year`): building and fitting a dormitory or social-housing"
        " place for one worker on land the province provides."
    )
    worker_housing_build_months: NonNegative = Field(
        description="Months from paying for worker housing to its places being lived in."
    )
    training_cost_bn_vnd_per_worker: Positive = Field(
        description="Budget cost of one resident who takes factory work after vocational"
        " training the policy pays for (`training_bn_vnd_per_year`): the courses of all the"
        " trainees it takes to add one worker who would otherwise not take factory work."
    )
    training_course_months: NonNegative = Field(
        description="Months from paying for a course to its trainees being able to work."
    )
    commuting_pct: Pct = Field(
        description="Share of other regions' unused industrial labour a region's zones can hire"
        " by commuting within the province (100: the province is one labour market)."
    )
    tight_slack_pct: float = Field(
        gt=0,
        le=100,
        description="Hiring slows, and a zone's labour utility falls, once the unused labour"
        " within reach is below this share of the labour within reach.",
    )
    region_workforce_pct: dict[Slug, Pct] = Field(
        default_factory=dict,
        description="Share of the province's resident workforce living in each region (regions"
        " of `zones`; they add up to 100). Zones of a region not listed (an aggregate such as"
        " `mixed`) hire from the whole province; empty: the province is one pool.",
    )

    @model_validator(mode="after")
    def _regions(self) -> Labour:
        shares = self.region_workforce_pct
        if shares and abs(sum(shares.values()) - 100) > 0.5:
            raise ValueError(f"region_workforce_pct add up to {sum(shares.values()):g}, not 100")
        if shares and self.source is None and "region_workforce_pct" not in self.sources:
            # a table of numbers: _is_number does not see a mapping, so it is checked here
            raise ValueError(unsourced_message(["region_workforce_pct"]))
        return self


class Zone(Sourced):
    """An industrial zone (KCN), cluster (CCN) or high-tech zone, existing or planned."""

    id: Slug = Field(description="Short unique id (lower case, digits, underscores).")
    name: str = Field(description="Name as planners write it.")
    name_vi: str | None = Field(
        default=None,
        min_length=1,
        description="The name in Vietnamese, where `name` has English words: figures and"
        " reports in Vietnamese show it (none: `name` in both languages).",
    )
    kind: ZoneKind = Field(description="kcn, ccn or high_tech.")
    region: str = Field(
        min_length=1, description="Region of the province (matches sectors' `regions`)."
    )
    stage: ZoneStage = Field(
        description="Stage at the start: planned, approved, clearing, building or operating."
    )
    area_ha: Positive = Field(
        le=10000,  # larger than any industrial zone in Vietnam; an economic zone is many zones
        description="Planned (natural) area (at most 10,000 ha).",
    )
    leasable_pct: float = Field(gt=0, le=100, description="Leasable industrial land, % of area.")
    serviced_pct: Pct = Field(default=0, description="Serviced share of leasable land at start.")
    occupancy_pct: Pct = Field(default=0, description="Leased share of leasable land at start.")
    wwtp: Literal["none", "building", "operating"] = Field(
        default="none",
        description="Central wastewater plant at the start: none, building or operating.",
    )
    wwtp_compliant: bool = Field(
        default=False, description="The plant meets the standard at the start."
    )
    access_index: Index01 = Field(
        description="Outside-the-fence access (expressway, port, power), 0–1."
    )
    labour_index: Index01 = Field(description="Labour available nearby, 0–1.")
    rent_usd_m2: Positive = Field(description="Land rent, USD per m² for the lease term.")
    developer: Literal["private", "public", "none"] = Field(
        default="none",
        description="Developer at the start: private, public or none (planned zones).",
    )
    expands: Slug | None = Field(default=None, description="Id of the zone this one expands.")
    cluster_count: int = Field(
        default=1,
        ge=1,
        le=500,
        description="Clusters (or zones) this row stands for: 1 for a single zone; an aggregate"
        " row of several existing clusters gives their number. Counts of zones and plant shares"
        " count clusters, and an aggregate's plant is that many small plants (docs/model.md"
        " §2.5).",
    )
    clusters_with_wwtp: int | None = Field(
        default=None,
        ge=1,
        le=500,
        description="For an aggregate row with `wwtp: operating`: how many of its clusters have"
        " a central plant at the start (the others gain one each as their developer builds it,"
        " docs/model.md §2.5). Empty: all of them.",
    )
    cost_factor: float = Field(
        default=1,
        gt=0,
        le=10,
        description="Multiplier of the province's clearance and infrastructure costs per ha"
        " for this zone (cheap hill land, costly delta land).",
    )
    anchor: bool = Field(default=False, description="Has an anchor (driver) tenant at start.")
    presence_pct: float = Field(
        default=100,
        gt=0,
        le=100,
        description="Chance that a run's province holds this zone, % (100: always). For a"
        " scenario that stands for many provinces, such as a national-average one whose zones"
        " are the national stock divided among them: a count of 3.46 KCN a province can be three"
        " zones held always and a fourth held with 46 % (or, with presence_group, places held"
        " as one zone or another), so that the mean over runs is the national average and each"
        " run is a province with whole zones (docs/model.md §1).",
    )
    presence_group: Slug | None = Field(
        default=None,
        description="Zones of one group are alternatives for one place in the province: one"
        " draw a run picks at most one of them, each in its presence_pct share of runs (the"
        " group's shares add up to at most 100). E.g. an established KCN that is operating in"
        " 69.6 % of runs and still waiting for its land in the rest. None: the zone is drawn"
        " on its own.",
    )

    def name_in(self, lang: str) -> str:
        """The zone's name as figures and reports in ``lang`` ("en" or "vi") show it."""
        return self.name_vi if lang == "vi" and self.name_vi is not None else self.name

    @property
    def clusters_with_wwtp_at_start(self) -> int:
        """Clusters of the row with a plant at the start: ``clusters_with_wwtp``, all of them
        when it is empty and ``wwtp: operating``, none otherwise."""
        if self.wwtp != "operating":
            return 0
        return self.clusters_with_wwtp or self.cluster_count

    @model_validator(mode="after")
    def _consistent(self) -> Zone:
        # Every inconsistency is collected and reported at once: one pass shows them all.
        problems = []
        if self.occupancy_pct > self.serviced_pct:
            problems.append(
                f"occupancy_pct {self.occupancy_pct} exceeds serviced_pct {self.serviced_pct}:"
                " only serviced land can be leased"
            )
        if self.stage == "planned" and (self.serviced_pct or self.developer != "none"):
            problems.append("a planned zone has no serviced land and no developer yet")
        if self.stage == "planned" and self.wwtp != "none":
            problems.append("a planned zone has no wastewater plant yet (wwtp: none)")
        if self.stage in ("clearing", "building") and self.serviced_pct:
            problems.append(
                f"a zone at stage '{self.stage}' is in its first phase and has no serviced land;"
                " a zone with serviced land building more is 'operating'"
            )
        if self.expands == self.id:
            problems.append(f"zone '{self.id}' cannot expand itself")
        if self.stage != "planned" and self.developer == "none":
            problems.append(f"a zone at stage '{self.stage}' needs a developer (private or public)")
        if self.stage == "operating" and self.serviced_pct == 0:
            problems.append("an operating zone needs serviced_pct > 0")
        if self.wwtp_compliant and self.wwtp != "operating":
            problems.append("wwtp_compliant: true needs wwtp: operating")
        if self.clusters_with_wwtp is not None:
            if self.wwtp != "operating":
                problems.append("clusters_with_wwtp needs wwtp: operating")
            if self.clusters_with_wwtp > self.cluster_count:
                problems.append(
                    f"clusters_with_wwtp {self.clusters_with_wwtp} exceeds cluster_count"
                    f" {self.cluster_count}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Establishment(Sourced):
    """How planned sites become zones beyond the province's own decisions: the national
    approval of KCN (the Prime Minister's investment policy decision, within the national
    land-use quota) and the spread of developers' hurdles (docs/model.md §2.3a).

    Without this block a scenario keeps the earlier rules: no national step, no quota and one
    hurdle for every developer.
    """

    national_approval_months_kcn: NonNegative = Field(
        default=0,
        le=120,
        description="Months of the national approval of a KCN or high-tech zone (investment"
        " policy decision of the Prime Minister) before the province's own establishment"
        " decision (`developers.zone_approval_months_kcn`); provincial administrative reform"
        " (`approval_time_multiplier`) does not shorten it. CCN are established by the"
        " province alone.",
    )
    national_kcn_approvals_per_year: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="New KCN (and high-tech zones) the province can have approved nationally a"
        " year, whole or not (0.4: two approvals in five years): its share of the national"
        " approvals and land-use quota. A proposal beyond it waits for the next year's quota;"
        " unused quota does not carry over. Expansions are not counted. Empty: no limit.",
    )
    min_kcn_occupancy_for_new_kcn_pct: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="National condition for a new KCN: the province's established KCN must be"
        " leased to at least this share of their leasable land (all together) before the"
        " national approval is given; a proposal waits, month by month, until they are."
        " Expansions are not subject to it. Empty: no such condition.",
    )
    national_queue_years: int | None = Field(
        default=None,
        ge=0,
        le=10,
        description="How far ahead the province fills the national quota with new KCN"
        " proposals: a developer may propose a new KCN only while the proposals waiting for"
        " national approval are fewer than the approvals left in the calendar year its national"
        " dossier would be ready and this many years after, and the national occupancy"
        " condition is met; other sites wait, planned. Empty: any viable site is proposed"
        " and queues for as long as it takes.",
    )
    hurdle_spread: float = Field(
        default=0,
        ge=0,
        le=2,
        description="Spread of developers' hurdles: the standard deviation of the logarithm of"
        " a candidate developer's hurdle, whose median is `developers.hurdle_ratio`"
        " (0: every developer has the median hurdle).",
    )
    start_proposals: Literal["recorded", "spin_up"] = Field(
        default="recorded",
        description="New KCN proposals under way at the start: `recorded`, those the zones'"
        " stages list (none: a zone is planned or established); `spin_up`, filed by the model"
        " itself before the start, developer entry for the sites queued nationally run month by"
        " month over the pipeline's length with the province held as at the start and no"
        " policy lever, for a back-cast whose start records say nothing of proposals"
        " (docs/model.md §2.3a). Needs `national_queue_years`, which bounds the pipeline.",
    )

    @model_validator(mode="after")
    def _spin_up_bounded(self) -> Establishment:
        if self.start_proposals == "spin_up" and self.national_queue_years is None:
            raise ValueError(
                "start_proposals: spin_up needs national_queue_years (a whole number of years,"
                " 0–10): without it a proposal may wait for ever and the pipeline before the"
                " start has no length"
            )
        return self


class CandidateSites(Sourced):
    """Generic candidate sites of the plan beyond the named zones: ``count`` planned zones of
    one kind in one region, expanded into zone specs ``<id>_1 … <id>_<count>`` in that order,
    with areas evenly spaced over ``area_ha`` (docs/model.md §2.3b)."""

    id: Slug = Field(description="Prefix of the sites' ids (`<id>_1`, `<id>_2`, …).")
    name: str = Field(description="Name of the sites as planners would write it.")
    name_vi: str | None = Field(
        default=None,
        min_length=1,
        description="The sites' name in Vietnamese, where `name` has English words (none:"
        " `name` in both languages).",
    )
    kind: ZoneKind = Field(description="kcn, ccn or high_tech.")
    count: int = Field(ge=1, le=100, description="Number of sites (at most 100).")
    # The scenario's own records, as known when the sites were read: the zones the sites expand
    # into are validated later (on first use), when the loader's records context has ended.
    _records: Mapping[str, ReferenceRecord] | None = PrivateAttr(default=None)
    region: str = Field(
        min_length=1, description="Region of the province (matches sectors' `regions`)."
    )
    area_ha: tuple[Positive, Positive] = Field(
        description="[smallest, largest] planned area, ha; the sites' areas are evenly spaced"
        " between them (both equal: every site the same)."
    )
    leasable_pct: float = Field(gt=0, le=100, description="Leasable industrial land, % of area.")
    access_index: Index01 = Field(description="Outside-the-fence access, 0–1.")
    labour_index: Index01 = Field(description="Labour available nearby, 0–1.")
    rent_usd_m2: Positive = Field(description="Land rent, USD per m² for the lease term.")
    cost_factor: float = Field(
        default=1,
        gt=0,
        le=10,
        description="Multiplier of the province's clearance and infrastructure costs per ha.",
    )
    available_from: str | None = Field(
        default=None,
        description="First month (YYYY-MM) developers may take the sites up, e.g. the start of"
        " the plan's second period; empty: from the start.",
    )

    @field_validator("available_from")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None:
            parse_month(value)
        return value

    @model_validator(mode="after")
    def _area_order(self) -> CandidateSites:
        self._records = current_extra_records()
        if self.area_ha[0] > self.area_ha[1]:
            raise ValueError(f"area_ha [{self.area_ha[0]}, {self.area_ha[1]}]: low is above high")
        if self.area_ha[1] > 10000:
            raise ValueError("area_ha: a site is at most 10,000 ha, as a zone")
        return self

    def zone_specs(self) -> list[Zone]:
        """The sites as planned zones, in order (deterministic: no draw)."""
        with using_records(self._records or {}):
            return self._zone_specs()

    def _zone_specs(self) -> list[Zone]:
        low, high = self.area_ha
        specs = []
        for i in range(self.count):
            area = low + (high - low) * i / (self.count - 1) if self.count > 1 else (low + high) / 2
            specs.append(
                Zone(
                    id=f"{self.id}_{i + 1}",
                    name=f"{self.name} {i + 1}",
                    name_vi=None if self.name_vi is None else f"{self.name_vi} {i + 1}",
                    kind=self.kind,
                    region=self.region,
                    stage="planned",
                    area_ha=area,
                    leasable_pct=self.leasable_pct,
                    access_index=self.access_index,
                    labour_index=self.labour_index,
                    rent_usd_m2=self.rent_usd_m2,
                    # written only when the file wrote it, so the zone needs no source for it
                    **(
                        {"cost_factor": self.cost_factor}
                        if "cost_factor" in self.model_fields_set
                        else {}
                    ),
                    # the sites' numbers keep the sources written for them
                    source=self.source,
                    sources={k: v for k, v in self.sources.items() if k in Zone.model_fields},
                )
            )
        return specs


class TargetSource(Strict):
    """The plan clause a target comes from: the document, its section and its words.

    ``quote`` is the document's own words, checked against its ``file`` when the scenario gives
    one. A figure read from a table, a chart or a report's text rather than a sentence is
    written in your words with ``paraphrase: true``: it is then not checked, and readers are
    told it is not a quotation.
    """

    document: str = Field(
        description="Id of a document of `scenario.documents` (older files: a seed file name)."
    )
    section: str = Field(min_length=1, description="Section of the plan, e.g. II.2.2.")
    quote: str = Field(min_length=5, description="The plan's Vietnamese words, verbatim.")
    paraphrase: bool = Field(
        default=False,
        description="true: `quote` is a figure read from a table or report, in your words, not"
        " the document's verbatim text (then it is not checked against the file).",
    )

    @model_validator(mode="before")
    @classmethod
    def _seed_is_document(cls, data: object) -> object:
        # The older form `seed: <seed file>` names the document whose file has that name.
        if isinstance(data, dict) and "seed" in data and "document" not in data:
            data = {("document" if k == "seed" else k): v for k, v in data.items()}
        return data

    @field_validator("document")
    @classmethod
    def _cited(cls, value: str) -> str:
        if not (DOCUMENT_ID.fullmatch(value) or SEED_FILE.fullmatch(value)):
            raise ValueError(
                f"'{value}' is not a document id (lower case, digits, underscores) of"
                " scenario.documents"
            )
        return value

    @property
    def seed(self) -> str:
        """The cited document's id (the older name of the field, for readers of results)."""
        return self.document


class Target(Strict):
    """One quantitative target of the plan."""

    id: Slug = Field(description="Short unique id (lower case, digits, underscores).")
    label: str = Field(default="", description="A short explanation shown with the target.")
    indicator: str = Field(description="Indicator id from the catalogue (docs/model.md).")
    comparator: Comparator = Field(description="'>=', '>', '<=', '<' or 'between'.")
    value: float | tuple[float, float] = Field(
        description="The target value, or [low, high] for 'between'."
    )
    deadline: str = Field(description="Month by which it must hold, YYYY-MM.")
    source: TargetSource = Field(
        description="The plan clause: document, section and quote (or paraphrase)."
    )
    growth_since: str | None = Field(
        default=None,
        description="Compare the indicator's average growth a year (%) from this month"
        " (YYYY-MM) to the deadline, not its level; e.g. 2025-12 for growth over 2026–2030.",
    )
    not_modelled: str | None = Field(
        default=None, description="Why the model cannot measure it (then `indicator` is free text)."
    )

    @field_validator("deadline", "growth_since")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None:
            parse_month(value)
        return value

    @model_validator(mode="after")
    def _check(self) -> Target:
        if self.not_modelled is None and self.indicator not in CATALOGUE:
            close = difflib.get_close_matches(self.indicator, list(CATALOGUE), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            message = (
                f"'{self.indicator}' is not in the catalogue{hint} (`izsim indicators` lists"
                " them; a target the model cannot measure takes `not_modelled:`)"
            )
            raise CrossFieldError([(("indicator",), message)])
        between = self.comparator == "between"
        if between != isinstance(self.value, tuple):
            raise ValueError("'between' takes a value [low, high]; other comparators one number")
        if self.growth_since is not None and month_index(self.growth_since, self.deadline) >= 0:
            raise ValueError(
                f"growth_since {self.growth_since} must be before the deadline {self.deadline}"
            )
        if between and self.value[0] > self.value[1]:
            raise ValueError(f"between [{self.value[0]}, {self.value[1]}]: low is above high")
        return self

    def met(self, simulated: float) -> bool:
        """Whether ``simulated`` meets the target."""
        if self.comparator == "between":
            low, high = self.value  # type: ignore[misc]
            return low <= simulated <= high
        value = float(self.value)  # type: ignore[arg-type]
        return {
            ">=": simulated >= value,
            ">": simulated > value,
            "<=": simulated <= value,
            "<": simulated < value,
        }[self.comparator]


def _expansion_cycles(zones: list[Zone]) -> list[tuple[tuple[str | int, ...], str]]:
    """Zones whose chain of ``expands`` comes back to them (a expands b, b expands a): each
    would wait for the other to fill before it is developed, so none ever is."""
    parent = {z.id: z.expands for z in zones}
    index = {z.id: i for i, z in enumerate(zones)}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    reported: set[str] = set()
    for zone in zones:
        chain = [zone.id]
        while (step := parent.get(chain[-1])) is not None and step in parent:
            if step in chain:
                loop = chain[chain.index(step) :]
                if not reported & set(loop):
                    reported.update(loop)
                    path = " -> ".join([*loop, step])
                    problems.append(
                        (
                            ("zones", index[loop[0]], "expands"),
                            f"expansions form a cycle ({path}); an expansion must expand a zone"
                            " that expands nothing, or a chain that ends in one",
                        )
                    )
                break
            chain.append(step)
    return problems


class Scenario(Strict):
    """A province's scenario: the input to every run."""

    scenario: Meta = Field(description="What the scenario is and the months it covers.")
    economy: Economy = Field(description="The province's economy in the base year.")
    investors: Investors = Field(description="Arrivals of prospects and what they value in a site.")
    sectors: list[Sector] = Field(
        min_length=1, description="Kinds of tenant firm; their prospect shares add up to 100."
    )
    developers: Developers = Field(description="Zone developers' costs and decision rules.")
    agencies: Agencies = Field(
        description="Provincial agencies' capacities, enforcement and budget."
    )
    wastewater: Wastewater = Field(
        description="Industrial wastewater, central plants' economics and enforcement."
    )
    labour: Labour = Field(
        description="Labour pools of the province's regions: supply, inflow, worker housing."
    )
    reinvestment: Reinvestment | None = Field(
        default=None,
        description="Capital increases by existing firms; none: existing industry grows at its"
        " fixed trends only.",
    )
    zones: list[Zone] = Field(
        min_length=1, description="Existing and planned KCN, CCN and high-tech zones."
    )
    targets: list[Target] = Field(
        default_factory=list, description="The plan's targets, each with its source clause."
    )
    establishment: Establishment = Field(
        default_factory=Establishment,
        description="National approval and quota of KCN, and the spread of developers' hurdles.",
    )
    outside_fence_projects: list[OutsideFenceProject] = Field(
        default_factory=list,
        description="Outside-the-fence works of the plan (roads, power, water) serving given"
        " zones, in the order the province would fund them; none: the policy's"
        " outside-the-fence money has nothing to fund.",
    )
    candidate_sites: list[CandidateSites] = Field(
        default_factory=list,
        description="The plan's other candidate sites beyond the named zones, as planned zones"
        " added after `zones` (ids `<id>_1 … <id>_<count>`).",
    )

    # The scenario's own reference records, as known when it was read (see :meth:`revalidated`).
    _records: Mapping[str, ReferenceRecord] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        problems = [problem for check in SCENARIO_CHECKS for problem in check(self)]
        if problems:
            raise CrossFieldError(problems)
        self._records = current_extra_records()
        return self

    def revalidated(self, data: dict[str, Any]) -> Scenario:
        """``data`` (this scenario's ``model_dump``, changed) validated as a scenario file is,
        with this scenario's own reference records still known to its ``ref:`` sources.

        Raises:
            pydantic.ValidationError: ``data`` is not a valid scenario.
        """
        with using_records(self._records or {}):
            return Scenario.model_validate(data)

    def varied(self, changes: Mapping[tuple[str, str], float], *, source: str) -> Scenario:
        """This scenario with numbers of its blocks changed, each sourced ``source``.

        Args:
            changes: the new value by (block, field), e.g. ``("investors", "beta_rent")``.
            source: the source written for every changed number (an ``assumption: …``).
        """
        data = self.model_dump(exclude_unset=True)
        for (block, field), value in changes.items():
            data[block][field] = value
            data[block].setdefault("sources", {})[field] = source
            # the range belonged to the replaced source: a trial value may go beyond it
            data[block].get("ranges", {}).pop(field, None)
        return self.revalidated(data)

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return self.scenario.months

    @cached_property
    def all_zones(self) -> list[Zone]:
        """The named zones, then the candidate sites expanded in order: every zone of a run."""
        return [
            *self.zones,
            *(spec for sites in self.candidate_sites for spec in sites.zone_specs()),
        ]

    def available_month(self) -> dict[str, int]:
        """First month (0 = the start) in which developers may take up each candidate site
        offered later than the start."""
        return dict(self._available_months)

    @cached_property
    def _available_months(self) -> dict[str, int]:
        """:meth:`available_month`, worked out once (every run's model asks; expanding the
        sites validates their zones again)."""
        return {
            spec.id: month_index(sites.available_from, self.scenario.start)
            for sites in self.candidate_sites
            if sites.available_from is not None
            for spec in sites.zone_specs()
        }


Problems = list[tuple[tuple[str | int, ...], str]]
"""Problems of a check across fields: (path of the field, message)."""


# The checks across a scenario's blocks, one function each: a file with a bad field elsewhere
# is still checked by every one whose fields are valid (izsim.scenario.load runs them on the
# valid part), so all problems of a file come in one pass.


def _unique_ids(spec: Scenario) -> Problems:
    problems: Problems = []
    blocks: tuple[tuple[str, list], ...] = (
        ("zones", spec.zones),
        ("sectors", spec.sectors),
        ("targets", spec.targets),
        ("outside_fence_projects", spec.outside_fence_projects),
    )
    for block, items in blocks:
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                where = f"{block}[{first[item.id]}]"
                problems.append(
                    (
                        (block, i, "id"),
                        f"'{item.id}' is already the id of {where}; ids must be unique",
                    )
                )
            first.setdefault(item.id, i)
    return problems


def _expansions(spec: Scenario) -> Problems:
    problems: Problems = []
    ids = [z.id for z in spec.zones]
    for i, zone in enumerate(spec.zones):
        if zone.expands is not None and zone.expands not in ids:
            close = difflib.get_close_matches(zone.expands, ids, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append((("zones", i, "expands"), f"'{zone.expands}' is not a zone id{hint}"))
    return problems + _expansion_cycles(spec.zones) + _named_in_some_runs(spec)


def presence_places(zones: Sequence[Zone]) -> list[list[Zone]]:
    """The places a run's province draws whether it holds (``presence_pct``), in the zones'
    order: a zone on its own, or the zones of one ``presence_group``, alternatives for one
    place, at its first zone's position (izsim.model.presence)."""
    places: dict[tuple[str, str], list[Zone]] = {}
    for zone in zones:
        key = ("group", zone.presence_group) if zone.presence_group else ("zone", zone.id)
        places.setdefault(key, []).append(zone)
    return list(places.values())


def _presence_groups(spec: Scenario) -> Problems:
    """The zones of a presence group are alternatives: their shares of runs add up to at most
    100, and a group of one is no group."""
    problems: Problems = []
    row = {zone.id: i for i, zone in enumerate(spec.zones)}
    for place in presence_places(spec.zones):
        group = place[0].presence_group
        if group is None:
            continue
        total = sum(zone.presence_pct for zone in place)
        if len(place) == 1:
            problems.append(
                (
                    ("zones", row[place[0].id], "presence_group"),
                    f"presence_group '{group}' has one zone only: a group's zones are"
                    " alternatives for one place, so it needs two or more (or no group)",
                )
            )
        elif total > 100 + 1e-9:
            shares = " + ".join(f"{zone.presence_pct:g}" for zone in place)
            problems.append(
                (
                    ("zones", row[place[-1].id], "presence_pct"),
                    f"presence_group '{group}': its zones' presence_pct add up to {shares} ="
                    f" {total:g}; alternatives for one place are held in at most 100 % of runs"
                    " together",
                )
            )
    return problems


def _named_in_some_runs(spec: Scenario) -> Problems:
    """No expansion and no outside-the-fence project names a zone held in only some runs
    (``presence_pct`` below 100): in the runs without it, it would name nothing."""
    problems: Problems = []
    partial = {z.id for z in spec.zones if z.presence_pct < 100}
    if not partial:
        return problems
    # a place is always held when its zones' shares add up to 100 (a group's alternatives)
    if all(sum(z.presence_pct for z in place) < 100 for place in presence_places(spec.zones)):
        problems.append(
            (("zones",), "every zone has presence_pct below 100: a run could hold no zone at all")
        )
    why = "is held in only some runs (presence_pct below 100), so it cannot be named here"
    for i, zone in enumerate(spec.zones):
        if zone.expands in partial:
            problems.append((("zones", i, "expands"), f"'{zone.expands}' {why}"))
    for i, project in enumerate(spec.outside_fence_projects):
        for j, name in enumerate(project.serves):
            if name in partial:
                problems.append((("outside_fence_projects", i, "serves", j), f"'{name}' {why}"))
    return problems


def _site_ids(spec: Scenario) -> Problems:
    problems: Problems = []
    # where each id was first seen: a named zone or an earlier candidate site
    seen = {zone.id: f"zones[{i}]" for i, zone in reversed(list(enumerate(spec.zones)))}
    for i, sites in enumerate(spec.candidate_sites):
        for site in sites.zone_specs():
            if site.id in seen:
                problems.append(
                    (
                        ("candidate_sites", i, "id"),
                        f"site '{site.id}' has the id of {seen[site.id]}; ids must be unique",
                    )
                )
            seen.setdefault(site.id, f"candidate_sites[{i}]")
    return problems


def _fence_serves(spec: Scenario) -> Problems:
    """Every zone or region an outside-the-fence project serves exists."""
    problems: Problems = []
    if not spec.outside_fence_projects:
        return problems
    ids = [zone.id for zone in spec.all_zones]
    regions = sorted({zone.region for zone in spec.all_zones})
    for i, project in enumerate(spec.outside_fence_projects):
        for j, name in enumerate(project.serves):
            if name in ids or name in regions:
                continue
            close = difflib.get_close_matches(name, ids + regions, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                (
                    ("outside_fence_projects", i, "serves", j),
                    f"'{name}' is neither a zone id nor a region of the scenario"
                    f" (regions: {', '.join(regions)}){hint}",
                )
            )
    return problems


def _site_months(spec: Scenario) -> Problems:
    problems: Problems = []
    for i, sites in enumerate(spec.candidate_sites):
        # A date after the horizon is allowed (a run cut short never offers the site; the
        # plausibility check says so); one before the start is refused as a likely slip.
        if (
            sites.available_from is not None
            and month_index(sites.available_from, spec.scenario.start) < 0
        ):
            problems.append(
                (
                    ("candidate_sites", i, "available_from"),
                    f"{sites.available_from} is before the scenario's start"
                    f" {spec.scenario.start}; leave it out to offer the sites from the start",
                )
            )
    return problems


def _jobs_growth(spec: Scenario) -> Problems:
    if spec.economy.jobs_industry_base >= spec.economy.workforce_base:
        return []  # the economy's own check names it; this would name it again
    year = existing_jobs_exceed_workforce(spec.economy, spec.months)
    if year is None:
        return []
    return [
        (
            ("economy", "existing_jobs_growth_pct"),
            f"at {spec.economy.existing_jobs_growth_pct:g} %/yr, jobs of existing industry"
            f" outgrow the workforce (growing {spec.economy.workforce_growth_pct:g} %/yr)"
            f" in year {year + 1} of the scenario: industry cannot employ more than the"
            " workforce",
        )
    ]


def _local_labour(spec: Scenario) -> Problems:
    if spec.economy.jobs_industry_base >= spec.economy.workforce_base:
        return []  # the economy's own check names it
    local = spec.labour.max_local_industry_share_pct / 100 * spec.economy.workforce_base
    if spec.economy.jobs_industry_base < local:
        return []
    return [
        (
            ("labour", "max_local_industry_share_pct"),
            f"{spec.labour.max_local_industry_share_pct:g} % of the workforce"
            f" ({local:g}) is not above industry's base-year jobs"
            f" ({spec.economy.jobs_industry_base:g}): industry already employs more"
            " than it can",
        )
    ]


def _prospect_shares(spec: Scenario) -> Problems:
    share = sum(s.prospect_share_pct for s in spec.sectors)
    if abs(share - 100) > 0.5:
        return [(("sectors",), f"prospect_share_pct add up to {share:g}, not 100")]
    return []


def _target_months(spec: Scenario) -> Problems:
    problems: Problems = []
    span = f"{spec.scenario.start}..{spec.scenario.horizon}"
    for i, target in enumerate(spec.targets):
        for name in ("deadline", "growth_since"):
            month = getattr(target, name)
            if month is None:
                continue
            if not 0 <= month_index(month, spec.scenario.start) < spec.months:
                problems.append((("targets", i, name), f"{month} is outside the scenario's {span}"))
    return problems


def sourced_blocks(spec: Scenario) -> list[tuple[tuple[str | int, ...], Sourced]]:
    """Every block of ``spec`` whose numbers carry sources, with its path in the file."""
    found: list[tuple[tuple[str | int, ...], Sourced]] = []
    for name in type(spec).model_fields:
        value: Any = spec.__dict__.get(name)  # a field refused in a partial check is absent
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            if isinstance(item, Sourced):
                found.append(((name,) if i is None else (name, i), item))
    return found


def source_strings(spec: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Every source string of ``spec`` with its path (``source`` or ``sources.<field>``)."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for loc, block in sourced_blocks(spec):
        if block.source is not None:
            found.append(((*loc, "source"), block.source))
        found += [((*loc, "sources", name), text) for name, text in block.sources.items()]
    return found


def _documents(spec: Scenario) -> Problems:
    """Document ids are unique, and every plan a source or a target cites is listed."""
    meta = spec.scenario
    problems: Problems = []
    if not meta.documents and spec.targets:
        problems.append(
            (
                ("scenario", "documents"),
                "needs at least 1 plan document when the scenario has targets: list the"
                " documents its targets come from (only a scenario with no targets, such as a"
                " back-cast, may list none)",
            )
        )
    first: dict[str, int] = {}
    for i, document in enumerate(meta.documents):
        if document.id in first:
            problems.append(
                (
                    ("scenario", "documents", i, "id"),
                    f"'{document.id}' is already the id of"
                    f" scenario.documents[{first[document.id]}]; ids must be unique",
                )
            )
        first.setdefault(document.id, i)
    ids = [document.id for document in meta.documents]

    def unlisted(cited: str) -> str:
        close = difflib.get_close_matches(cited, ids, n=1)
        hint = f"; did you mean 'plan:{close[0]}'?" if close else ""
        return (
            f"names plan document '{cited}', which scenario.documents does not list"
            f" (ids: {', '.join(ids)}){hint}; list it there with its title, number and date"
        )

    for loc, text in source_strings(spec):
        for cited in cited_documents(text):
            if meta.document(cited) is None:
                problems.append((loc, unlisted(cited)))
    for i, target in enumerate(spec.targets):
        if meta.document(target.source.document) is None:
            problems.append(
                (("targets", i, "source", "document"), unlisted(target.source.document))
            )
    return problems


SCENARIO_CHECKS = (
    _unique_ids,
    _expansions,
    _presence_groups,
    _site_ids,
    _site_months,
    _fence_serves,
    _jobs_growth,
    _local_labour,
    _prospect_shares,
    _target_months,
    _documents,
)
"""Every check across a scenario's blocks, in the order its problems are reported."""

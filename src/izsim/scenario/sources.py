"""Where a number comes from.

Every number in a scenario carries a source string of one of four kinds:

- ``plan:<seed file> <section> ...`` — a clause of a provincial plan in ``shared/seeds``;
- ``ref:<record id> ...`` — a record of the reference data (``izsim/data/vn_zones_reference.yaml``,
  a copy of ``shared/data``);
- ``derived: ...`` — computed from plan clauses or records, which it must name;
- ``assumption: ...`` — the modeller's assumption, with the reason.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib.resources import files

import yaml

SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
_REF_ID = re.compile(r"ref:([A-Za-z0-9_À-ỹ]+)")
KINDS = ("plan", "ref", "derived", "assumption")
ALLOWED = (
    "'plan:<seed file> <section>', 'ref:<record id>', 'derived: <how, naming its plan: or ref:"
    " inputs>' or 'assumption: <reason>'"
)


@cache
def reference_records() -> dict[str, dict]:
    """The reference records by id (the copy of ``shared/data`` shipped with the package)."""
    text = files("izsim").joinpath("data/vn_zones_reference.yaml").read_text(encoding="utf-8")
    # libyaml's C loader where PyYAML has it: the pure-Python one takes about 0.2 s here,
    # half of a short run's start-up (the data are the same)
    records = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["records"]
    return {rec["id"]: rec for rec in records}


def source_kind(text: str) -> str:
    """The kind of a source string; raises ValueError saying what is allowed."""
    text = text.strip()
    kind = text.split(":", 1)[0].strip().lower() if ":" in text else ""
    if kind not in KINDS:
        raise ValueError(f"source '{text}' has no known kind; write {ALLOWED}")
    body = text.split(":", 1)[1].strip()
    if kind == "assumption" and len(body) < 10:
        raise ValueError(f"assumption '{text}' needs a reason of at least a few words")
    if kind == "plan" and not SEED_FILE.search(body):
        raise ValueError(
            f"plan source '{text}' must name a seed file such as 004_3545e0099e19379d.txt"
        )
    for ref in _REF_ID.findall(text):
        if ref not in reference_records():
            # a typo in an id is the usual cause, and 125 ids are too many to list
            close = difflib.get_close_matches(ref, list(reference_records()), n=1)
            hint = f"; did you mean 'ref:{close[0]}'?" if close else ""
            raise ValueError(
                f"source '{text}' names record '{ref}', which is not in the reference data{hint}"
            )
    if kind == "ref" and not _REF_ID.search(text):
        # `ref: some_id` (with a space) is the likely slip; the id must follow the colon
        raise ValueError(
            f"ref source '{text}' must name a record id right after 'ref:' (no space),"
            " e.g. ref:nat_kcn_2023_occ_op"
        )
    if kind == "derived" and not (_REF_ID.search(text) or SEED_FILE.search(text)):
        raise ValueError(f"derived source '{text}' must name its inputs (ref:<id> or a seed file)")
    return kind

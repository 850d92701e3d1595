"""Where a number comes from.

Every number in a scenario carries a source string of one of four kinds:

- ``plan:<document id> <section> ...`` — a clause of one of the plan documents the scenario
  lists under ``scenario.documents`` (a decision, a resolution, a plan; its file if you have it);
- ``ref:<record id> ...`` — a reference record: the package's (``izsim refs`` lists them) or
  the scenario's own (``scenario.references``);
- ``derived: ...`` — computed from plan clauses or records, which it must name;
- ``assumption: ...`` — the modeller's assumption, with the reason.

Whether a document id is one the scenario lists is checked with the whole scenario
(:mod:`izsim.scenario.schema`); here a string is checked on its own. The older form
``plan:<seed file>`` (``004_3545e0099e19379d.txt``) is still read: it names the document whose
file has that name, and is reported as a warning (``izsim.scenario.plausibility``).
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib.resources import files

import yaml

from izsim.scenario.records import SHIPPED, known_records

SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
"""A file name of the shared seed plans: the older way to cite a plan."""
DOCUMENT_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REF_ID = re.compile(r"ref:([A-Za-z0-9_À-ỹ]+)")
_PLAN_CITE = re.compile(r"\bplan:\s*([A-Za-z0-9_]+(?:\.[A-Za-z0-9]+)?)", re.IGNORECASE)
TODO = "TODO"
"""What ``izsim new`` writes where a value or a source is still to be given."""
_TODO = re.compile(r"^\s*TODO\b")


def is_todo(value: object) -> bool:
    """A value ``izsim new`` left to fill in: ``TODO`` as a word at its start (so a name such
    as "Todoan" is not one)."""
    return isinstance(value, str) and _TODO.match(value) is not None


KINDS = ("plan", "ref", "derived", "assumption")
ALLOWED = (
    "'plan:<document id> <section>', 'ref:<record id>', 'derived: <how, naming its plan: or"
    " ref: inputs>' or 'assumption: <reason>'"
)


@cache
def reference_records() -> dict[str, dict]:
    """The shipped reference records by id, as the file writes them (for readers of figures;
    :func:`izsim.scenario.records.known_records` also has a scenario's own, validated)."""
    text = files("izsim").joinpath(SHIPPED).read_text(encoding="utf-8")
    # libyaml's C loader where PyYAML has it: the pure-Python one takes about 0.2 s here,
    # half of a short run's start-up (the data are the same)
    records = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["records"]
    return {rec["id"]: rec for rec in records}


def kind_of(text: str) -> str:
    """The kind of a source that was validated when its scenario was loaded (a reader of a
    loaded scenario: the scenario's own records are no longer in context, so
    :func:`source_kind` would check its ``ref:`` ids against the shipped records only)."""
    kind = text.split(":", 1)[0].strip().lower()
    if kind not in KINDS:
        raise ValueError(f"source '{text}' has no known kind; write {ALLOWED}")
    return kind


def source_kind(text: str) -> str:
    """The kind of a source string; raises ValueError saying what is allowed."""
    text = text.strip()
    if is_todo(text):
        raise ValueError(f"still TODO: write the source, {ALLOWED}")
    kind = text.split(":", 1)[0].strip().lower() if ":" in text else ""
    if kind not in KINDS:
        raise ValueError(f"source '{text}' has no known kind; write {ALLOWED}")
    body = text.split(":", 1)[1].strip()
    if kind == "assumption" and len(body) < 10:
        raise ValueError(f"assumption '{text}' needs a reason of at least a few words")
    if kind == "plan":
        first = _first_word(body)
        if not (SEED_FILE.fullmatch(first) or DOCUMENT_ID.fullmatch(first)):
            raise ValueError(
                f"plan source '{text}' must name a plan document right after 'plan:', as"
                " 'plan:<document id> <section>' with an id listed under scenario.documents"
                " (lower case, digits, underscores), e.g. plan:tq_nq_2021 §II.2.2"
            )
    records = known_records()
    for ref in _REF_ID.findall(text):
        if ref not in records:
            # a typo in an id is the usual cause, and 125 ids are too many to list
            close = difflib.get_close_matches(ref, list(records), n=1)
            hint = f"; did you mean 'ref:{close[0]}'?" if close else ""
            raise ValueError(
                f"source '{text}' names record '{ref}', which is not in the reference data{hint}"
                " (`izsim refs` lists the records; a province's own go in the file named by"
                " scenario.references)"
            )
    if kind == "ref" and not _REF_ID.search(text):
        # `ref: some_id` (with a space) is the likely slip; the id must follow the colon
        raise ValueError(
            f"ref source '{text}' must name a record id right after 'ref:' (no space),"
            " e.g. ref:nat_kcn_2023_occ_op"
        )
    if kind == "derived" and not (
        _REF_ID.search(text) or _PLAN_CITE.search(body) or SEED_FILE.search(text)
    ):
        raise ValueError(
            f"derived source '{text}' must name its inputs (ref:<record id> or plan:<document id>)"
        )
    return kind


def cited_documents(text: str) -> list[str]:
    """The plan documents a source string cites: ids after ``plan:`` and, in the older form,
    seed file names (in order, each once)."""
    text = text.strip()
    if "plan" not in text.lower() and ".txt" not in text:
        return []  # most sources cite none: skip the patterns (a scenario has hundreds)
    found: list[str] = []
    kind, _, body = text.partition(":")
    if kind.strip().lower() == "plan" and body.split():
        found.append(_first_word(body))  # `PLAN : x` too, which the pattern below does not see
    found += _PLAN_CITE.findall(body if kind.strip().lower() == "plan" else text)
    found += SEED_FILE.findall(text)
    return list(dict.fromkeys(found))


def cited_records(text: str) -> list[str]:
    """The record ids a text cites as ``ref:<id>`` (in order, each once); an id is read whole,
    so ``ref:a_b`` cites ``a_b``, not ``a``."""
    return list(dict.fromkeys(_REF_ID.findall(text)))


def _first_word(body: str) -> str:
    """The first word of a source's body, without the punctuation that may follow it."""
    return body.split(maxsplit=1)[0].rstrip(".,;:)") if body.split() else ""

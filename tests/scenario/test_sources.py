"""Source strings: the four kinds, and what is wrong with a bad one."""

from __future__ import annotations

import pytest

from izsim.scenario.sources import (
    KINDS,
    SEED_FILE,
    cited_documents,
    cited_records,
    is_todo,
    reference_records,
    source_kind,
)

SEED = "004_3545e0099e19379d.txt"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("plan:tq_nq_2021 §II.2.2", "plan"),
        ("derived: 27,700 / 1.14^5 from plan:tq_nq_2021 §II.2.2", "derived"),
        # the older form: a seed file's name, read as the document whose file it is
        (f"plan:{SEED} §II.2.2", "plan"),
        (f"plan: {SEED} II.2.2 and III.3", "plan"),
        ("ref:tq_inv_2021", "ref"),
        ("ref:nat_kcn_2023_area; the 2023 national total", "ref"),
        (
            "derived: 89,200 / 129,900 ha (ref:nat_kcn_2023_indland, ref:nat_kcn_2023_area)",
            "derived",
        ),
        (f"derived: 27,700 / 1.14^5 from plan {SEED} §II.2.2", "derived"),
        ("assumption: clusters rent cheaper than KCN [20–50]", "assumption"),
        ("assumption: near ref:nat_ccn_2021_occ, a bit lower", "assumption"),
        # kinds are read case-insensitively and around spaces, as planners type them
        ("  Assumption: a year per phase of roads and power  ", "assumption"),
        (f"PLAN : {SEED} II.2.2", "plan"),
    ],
)
def test_good_sources(text: str, kind: str) -> None:
    assert source_kind(text) == kind
    assert kind in KINDS


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Tổng cục Thống kê 2021", ["has no known kind", "'assumption: <reason>'"]),
        ("guess: electronics will grow", ["'guess: electronics will grow'", "no known kind"]),
        ("https://gso.gov.vn", ["no known kind"]),
        ("", ["no known kind"]),
        ("assumption:", ["needs a reason"]),
        ("assumption: ok", ["needs a reason"]),
        ("plan: §II.2.2", ["must name a plan document", "plan:<document id> <section>"]),
        ("plan:4_3545e0099e19379d.txt II.2.2", ["must name a plan document"]),
        ("plan:Nghị_quyết_12 II.2.2", ["must name a plan document", "lower case"]),
        ("derived: half of the plan's figure", ["must name its inputs", "plan:<document id>"]),
        ("TODO: the plan's clause", ["still TODO", "plan:<document id>"]),
        ("ref:", ["must name a record id", "ref:nat_kcn_2023_occ_op"]),
        ("ref: tq_inv_2021", ["right after 'ref:'"]),
        ("ref:tq_inv_2012", ["'tq_inv_2012'", "not in the reference data", "'ref:tq_inv_2021'"]),
        ("ref:zzzz_nothing_like_it", ["not in the reference data"]),
        ("derived: half of the national figure", ["must name its inputs"]),
        ("derived: from ref:nat_kcn_2023_aera", ["'nat_kcn_2023_aera'", "nat_kcn_2023_area"]),
        ("assumption: like ref:no_such_record but lower", ["'no_such_record'"]),
        (f"plan:{SEED} and ref:no_such_record", ["'no_such_record'"]),
    ],
)
def test_bad_sources(text: str, says: list[str]) -> None:
    with pytest.raises(ValueError) as caught:
        source_kind(text)
    for fragment in says:
        assert fragment in str(caught.value)


def test_ref_suggestion_only_when_close() -> None:
    with pytest.raises(ValueError, match=r"not in the reference data") as caught:
        source_kind("ref:zzzz_nothing_like_it")
    assert "did you mean" not in str(caught.value)
    assert "izsim refs" in str(caught.value)  # where to find the ids


def test_reference_records_are_keyed_by_id() -> None:
    records = reference_records()
    assert len(records) > 50
    assert all(record["id"] == key for key, record in records.items())
    assert "nat_kcn_2023_occ_op" in records  # the example the error messages give


def test_record_ids_with_vietnamese_letters() -> None:
    """Zone records are named after the zone, e.g. ref:hy_kcn_Phố_Nối_A."""
    vietnamese = [key for key in reference_records() if not key.isascii()]
    assert vietnamese
    for key in vietnamese:
        assert source_kind(f"ref:{key}") == "ref"
        assert source_kind(f"derived: half of ref:{key}, the zone's area") == "derived"


def test_seed_file_pattern() -> None:
    assert SEED_FILE.fullmatch(SEED)
    assert not SEED_FILE.fullmatch("004_3545e0099e19379d.pdf")
    assert not SEED_FILE.fullmatch("04_3545e0099e19379d.txt")
    assert not SEED_FILE.fullmatch("004_3545E0099E19379D.txt")


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("plan:tq_nq_2021 §II.2.2", ["tq_nq_2021"]),
        ("PLAN : tq_nq_2021 II.2.2", ["tq_nq_2021"]),
        (
            "derived: 27,700 / 1.14^5 (plan:tq_nq_2021 §II.2.2, plan:\nhy_kh148 §I)",
            ["tq_nq_2021", "hy_kh148"],
        ),
        (f"assumption: as in plan {SEED} §I, a bit lower", [SEED]),
        (f"plan:{SEED}. The rest", [SEED]),
        ("ref:tq_inv_2021", []),
    ],
)
def test_cited_documents(text: str, cited: list[str]) -> None:
    assert cited_documents(text) == cited


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("ref:nat_kcn_2016_occ_op", ["nat_kcn_2016_occ_op"]),
        ("derived: ref:a_1 / ref:b (ref:a_1 again)", ["a_1", "b"]),
        ("x: ref:nat_kcn_2016_occ_op_extra", ["nat_kcn_2016_occ_op_extra"]),  # read whole
        ("ref:hải_dương_2023.", ["hải_dương_2023"]),
        ("plan:tq_nq_2021 §I", []),
    ],
)
def test_cited_records(text: str, cited: list[str]) -> None:
    assert cited_records(text) == cited


def test_todo_is_a_word_at_the_start() -> None:
    """What `izsim new` leaves to fill in; a name that begins with the letters is not it."""
    assert is_todo("TODO") and is_todo("TODO: the plan's clause") and is_todo("  TODO")
    assert not is_todo("Todoan") and not is_todo("TODOS") and not is_todo("todo")
    assert not is_todo(3)

"""Rewrite a scenario's citations of the shared seed files as citations of plan documents.

Older scenarios name their plans by seed file (``plan_seeds: [004_….txt]``, sources
``plan:004_….txt §II.2.2`` or ``plan 004_….txt``, targets ``seed: 004_….txt``). This script
replaces them, line by line and nothing else, with the newer form: a ``documents:`` block in
``scenario:`` (id, title, number, date, and the seed file as the document's ``file``),
``plan:<document id>`` in sources and ``document: <document id>`` in targets. It can be run again
on a file it has already rewritten (after a merge brought in new citations): it changes only
what is still in the old form.

    python tools/cite_documents.py scenarios/*.yaml
    python tools/cite_documents.py --check scenarios/*.yaml   # exit 1 if any file would change

The five seed plans' titles, numbers and dates are those printed in the seed files, or given in
``shared/plan-targets.md`` where the seed copy does not show them; a number or date that neither
shows is left out (the schema allows it) rather than invented.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

SEEDS_DIR = "../../shared/seeds"
"""Where the seed files are from a scenario in ``scenarios/`` (``shared/`` beside the repo)."""

DOCUMENTS: dict[str, dict[str, str]] = {
    "000_ff5927d9ca6f9892.txt": {
        "id": "hn_kh_nq11",
        "title": "Kế hoạch thực hiện Nghị quyết số 11-NQ/TU của Tỉnh ủy Hà Nam về phát triển"
        " công nghiệp giai đoạn 2021–2025 (bản tóm tắt; số và ngày không in trong bản này)",
    },
    "001_3f2101cc3e4a3fb7.txt": {
        "id": "hy_kh148_2021",
        "title": "Kế hoạch thực hiện Nghị quyết số 07-NQ/TU ngày 15/6/2021 của Ban Chấp hành"
        " Đảng bộ tỉnh khóa XIX về Chương trình phát triển công nghiệp, tiểu thủ công nghiệp"
        " tỉnh Hưng Yên giai đoạn 2021-2025, định hướng đến năm 2030",
        "number": "148/KH-UBND",
        "date": "2021-09-27",
    },
    "002_d7745c00d4aaaa06.txt": {
        "id": "na_kh174_2022",
        "title": "Kế hoạch triển khai thực hiện Nghị quyết số 07-NQ/TU ngày 23/12/2021 Ban"
        " Thường vụ Tỉnh ủy Nghệ An về phát triển nhanh và bền vững ngành công nghiệp, tiểu thủ"
        " công nghiệp giai đoạn 2021 - 2030",
        "number": "174/UBND-KH",
        "date": "2022-03-14",
    },
    "003_7f81f80c4a81eaf2.txt": {
        "id": "hn_qd266_2025",
        "title": "Quyết định ban hành Kế hoạch thực hiện Quy hoạch tỉnh Hà Nam thời kỳ"
        " 2021-2030, tầm nhìn đến năm 2050",
        "number": "266/QĐ-UBND",
        "date": "2025-02-17",
    },
    "004_3545e0099e19379d.txt": {
        "id": "tq_nq_2021",
        "title": "Nghị quyết của Ban Thường vụ Tỉnh ủy Tuyên Quang (khoá XVII) về phát triển"
        " công nghiệp trên địa bàn tỉnh giai đoạn 2021 - 2025 (số và ngày không in trong bản"
        " này)",
    },
}
SEED = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
_PLAN_SEEDS = re.compile(r"^(?P<indent>\s*)plan_seeds:\s*\[(?P<seeds>[^\]]*)\]\s*$")
_TARGET_SEED = re.compile(r"^(?P<head>\s*)seed:\s*(?P<seed>\d{3}_[0-9a-f]{16}\.txt)\s*$")


def _id(seed: str) -> str:
    if seed not in DOCUMENTS:
        raise SystemExit(f"{seed}: not one of the five seed plans; add it to DOCUMENTS first")
    return DOCUMENTS[seed]["id"]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cite(match: re.Match[str]) -> str:
    """``plan:<id>``; a line break between the word and the name is kept (folded text)."""
    space = match[1] if "\n" in match[1] else ""
    return f"plan:{space}{_id(match[2])}"


def documents_block(indent: str, seeds: list[str]) -> list[str]:
    """The ``documents:`` lines for ``seeds``, at the indentation of ``plan_seeds:``."""
    lines = [f"{indent}documents:"]
    for seed in seeds:
        _id(seed)
        document = DOCUMENTS[seed]
        lines.append(f"{indent}  - id: {document['id']}")
        lines.append(f"{indent}    title: {_quoted(document['title'])}")
        for key in ("number", "date"):
            if key in document:
                lines.append(f"{indent}    {key}: {_quoted(document[key])}")
        lines.append(f"{indent}    file: {SEEDS_DIR}/{seed}")
    return lines


def rewrite(text: str) -> str:
    """``text`` with its seed-file citations in the documents' form."""
    out: list[str] = []
    for line in text.splitlines():
        if match := _PLAN_SEEDS.match(line):
            seeds = [s.strip() for s in match["seeds"].split(",") if s.strip()]
            out += documents_block(match["indent"], seeds)
            continue
        if match := _TARGET_SEED.match(line):
            out.append(f"{match['head']}document: {_id(match['seed'])}")
            continue
        if re.match(r"^\s*file:\s", line):  # a document's own file keeps its name
            out.append(line)
            continue
        line = line.replace("plan:<seed file>", "plan:<document id>")
        out.append(line)
    joined = "\n".join(out) + ("\n" if text.endswith("\n") else "")
    # across line breaks: folded text writes `(plan\n      004_….txt §I)`
    joined = re.sub(r"\bplan:?(\s*)(" + SEED.pattern + ")", _cite, joined)
    # what is left is a seed name written alone: it becomes a citation too, except in a
    # document's `file:` line
    return "\n".join(
        line if re.match(r"^\s*file:\s", line) else SEED.sub(lambda m: f"plan:{_id(m[0])}", line)
        for line in joined.split("\n")
    )


def main(argv: list[str] | None = None) -> int:
    """Rewrite the files given (or, with --check, say which would change)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args(argv)
    stale = []
    for path in args.files:
        text = path.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{'would rewrite' if args.check else 'rewrote'} {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())

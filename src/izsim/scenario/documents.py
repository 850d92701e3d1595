"""Plan documents' files: a target's quote must be the document's own words.

A document of ``scenario.documents`` may name its text (``file:``, relative to the scenario
file). When the file is there, every target citing the document with a ``quote`` (not a
``paraphrase``) is looked up in it; a quote that is not found is an error. Formatting is not
part of the words: line breaks, runs of spaces and Markdown emphasis (``*``) are ignored, and
both texts are compared in the same Unicode form (NFC). A named file that is not there, or is
not text (a PDF), cannot be checked: that is a warning (see :mod:`izsim.scenario.plausibility`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from izsim.errors import Problem

TEXT_SUFFIXES = (".txt", ".md")
"""Files whose words izsim reads; others (a scanned PDF) are cited without checking quotes."""


def words(text: str) -> str:
    """``text`` without its formatting: NFC, no Markdown emphasis, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def document_path(scenario_file: Path, file: str) -> Path:
    """Where a document's ``file`` is: relative to the scenario file's folder."""
    return scenario_file.parent / file


def unreadable(scenario_file: Path, file: str) -> str | None:
    """Why a document's file cannot be checked against (``None``: it can)."""
    path = document_path(scenario_file, file)
    if not path.is_file():
        return f"'{file}' is not there (looked for {path}); quotes citing it are not checked"
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return (
            f"'{file}' is not a text file ({', '.join(TEXT_SUFFIXES)}); quotes citing it are"
            " not checked: save the document's text beside it to have them checked"
        )
    return None


def quote_problems(scenario_file: Path, data: Any, lines: dict[tuple, int]) -> list[Problem]:
    """Targets whose quote is not in their document's file, read from the file as written
    (``data``, before validation: found in the same pass as the schema's errors)."""
    from izsim.scenario.load import dotted, nearest_line

    texts = _texts(scenario_file, data)
    targets = data.get("targets") if isinstance(data, dict) else None
    problems = []
    for i, target in enumerate(targets if isinstance(targets, list) else []):
        source = target.get("source") if isinstance(target, dict) else None
        if not isinstance(source, dict) or source.get("paraphrase") is True:
            continue
        cited, quote = source.get("document", source.get("seed")), source.get("quote")
        if not (isinstance(cited, str) and isinstance(quote, str)) or cited not in texts:
            continue
        file, text = texts[cited]
        wanted = words(quote)
        if wanted and wanted not in text:
            loc = ("targets", i, "source", "quote")
            problems.append(
                Problem(
                    str(scenario_file),
                    dotted(loc),
                    _not_found(wanted, text, file, cited),
                    nearest_line(loc, lines),
                )
            )
    return problems


def _texts(scenario_file: Path, data: Any) -> dict[str, tuple[str, str]]:
    """The words of each readable document file, by every name a target may cite it by: its
    id and (the older form) its file's name."""
    meta = data.get("scenario") if isinstance(data, dict) else None
    documents = meta.get("documents") if isinstance(meta, dict) else None
    found: dict[str, tuple[str, str]] = {}
    for document in documents if isinstance(documents, list) else []:
        if not isinstance(document, dict):
            continue
        ident, file = document.get("id"), document.get("file")
        if not (isinstance(ident, str) and isinstance(file, str) and file.strip()):
            continue
        if unreadable(scenario_file, file) is not None:
            continue
        try:
            path = document_path(scenario_file, file).resolve()
            stat = path.stat()
            text = _words_of(str(path), stat.st_mtime_ns, stat.st_size)
        except (OSError, UnicodeDecodeError):
            continue  # the warning about the file says it cannot be read
        found.setdefault(ident, (file, text))
        found.setdefault(PurePosixPath(file).name, (file, text))
    return found


@functools.lru_cache(maxsize=32)
def _words_of(path: str, mtime_ns: int, size: int) -> str:
    """The words of a document's file, read once while it is unchanged (a comparison loads
    its scenario in every worker; normalising a plan of 40 kB is most of a quote check)."""
    del mtime_ns, size  # part of the cache key only: a file edited since is read again
    return words(Path(path).read_text(encoding="utf-8"))


def _not_found(quote: str, text: str, file: str, cited: str) -> str:
    """The message for a quote not in its document: how far it matches, where it departs."""
    tokens = quote.split(" ")
    # the longest opening of the quote that the document has: the slip is just after it
    low, high = 0, len(tokens)
    while low < high:
        middle = (low + high + 1) // 2
        if " ".join(tokens[:middle]) in text:
            low = middle
        else:
            high = middle - 1
    matched = low
    departs = " ".join(tokens[matched : matched + 6])
    where = (
        f"; the document has its first {matched} words, then not '{departs}…'"
        if matched
        else "; not even its first word is in the document"
    )
    return (
        f"quote not found in '{file}' (document '{cited}'){where}. Copy the document's words"
        " exactly (line breaks and spaces do not matter), or mark a figure read from a table or"
        " report with `paraphrase: true`"
    )


class Companions(NamedTuple):
    """The files a scenario names, as written (relative to it)."""

    references: str | None
    """Its own reference records (``scenario.references``), if it names a file."""
    names: list[str]
    """Every file it names, the records first, then its documents' texts; each once."""


def companion_files(scenario_file: Path) -> Companions:
    """The files a scenario names, as written (relative to it): its own reference records
    and its documents' texts. A results folder copies those inside the scenario's folder, so
    that the copy of the scenario reads as the original did."""
    from izsim.errors import InputError
    from izsim.scenario.load import read_yaml

    try:
        data, _ = read_yaml(scenario_file)
    except InputError:
        return Companions(None, [])
    meta = data.get("scenario") if isinstance(data, dict) else None
    if not isinstance(meta, dict):
        return Companions(None, [])
    documents = meta.get("documents") if isinstance(meta.get("documents"), list) else []
    named = [meta.get("references"), *(d.get("file") for d in documents if isinstance(d, dict))]
    names = [name for name in dict.fromkeys(named) if isinstance(name, str) and name.strip()]
    references = meta.get("references")
    return Companions(references if references in names else None, names)

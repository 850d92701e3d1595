"""Errors a user can act on: bad input files and arguments.

Anything raised as :class:`InputError` is shown to the user as a message (never a traceback)
and the command line exits with code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input.

    Attributes:
        file: the file (or argument) the problem is in.
        field: dotted path of the field, e.g. ``zones[2].area_ha``; empty for the whole file.
        message: what is wrong and what is allowed.
        line: 1-based line in the file, where the YAML parser knows it.
        ids: the ids of the list items the field is in, e.g. ``zone ccn_south_1``, so that a
            planner finds the zone without counting; shown after the field.
    """

    file: str
    field: str
    message: str
    line: int | None = None
    ids: str = ""

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        field = f"{self.field} ({self.ids})" if self.ids else self.field
        text = f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"
        return printable(text)


def printable(text: str) -> str:
    """``text`` as it can be shown and written as UTF-8.

    A file name that is not UTF-8 reaches Python with its bad bytes as lone surrogates, which
    no console or file can encode; they are shown as the replacement character instead.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return text.encode("utf-8", "replace").decode("utf-8")


def check_path(path: str | Path, what: str) -> None:
    """Refuse a path that is not valid UTF-8 (it could not be named in messages or manifests).

    Args:
        path: a path given on the command line.
        what: the argument it was given as, e.g. ``--out``.

    Raises:
        InputError: naming the path (bad bytes shown as the replacement character).
    """
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            [
                Problem(
                    printable(str(path)),
                    what,
                    "the path is not valid UTF-8 text; rename it with UTF-8 characters",
                )
            ]
        ) from None


@dataclass
class InputError(Exception):
    """One or more problems with the user's input; the CLI prints them and exits with 2."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def run_script(main: Callable[[], object]) -> None:
    """Run an ``experiments/`` script's ``main``: bad input (an :class:`InputError`) is printed
    as its problems, one per line, with exit code 2, never a traceback."""
    try:
        main()
    except InputError as error:
        print_problems(error)
        sys.exit(2)


def print_problems(error: InputError) -> None:
    """Print an :class:`InputError`'s problems to stderr, one per line, as scripts report
    bad input (:func:`run_script`)."""
    for problem in error.problems:
        print(f"error: {problem}", file=sys.stderr)

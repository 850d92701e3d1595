"""Errors a user can act on: bad input files and arguments.

Anything raised as :class:`InputError` is shown to the user as a message (never a traceback)
and the command line exits with code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input.

    Attributes:
        file: the file (or argument) the problem is in.
        field: dotted path of the field, e.g. ``zones[2].area_ha``; empty for the whole file.
        message: what is wrong and what is allowed.
        line: 1-based line in the file, where the YAML parser knows it.
    """

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class InputError(Exception):
    """One or more problems with the user's input; the CLI prints them and exits with 2."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

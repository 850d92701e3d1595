"""What a figure says, for tests: every non-empty text in it."""

from __future__ import annotations

import re

from matplotlib.figure import Figure
from matplotlib.text import Text

VIETNAMESE = re.compile(r"[ạảãàáâầấẩẫậăằắẳẵặđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
"""A letter only Vietnamese writes (a vowel with a diacritic, or đ)."""


def texts(fig: Figure) -> list[str]:
    """Every text of the figure: titles, labels, tick labels, legends, notes, source line."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]

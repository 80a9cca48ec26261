"""Matplotlib, imported on demand, and a CJK font for Chinese text (private).

Matplotlib is the optional extra ``charts``; it is imported only when a chart is drawn, so
the rest of crisiskit works without it. Its default font (DejaVu Sans) has no Chinese
characters: drawn with it, Chinese text comes out as empty boxes. So a chart with Chinese
text is drawn with the first CJK font found, and refused when there is none.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import ModuleType

from crisiskit.errors import ChartError, MissingExtraError
from crisiskit.messages import _

__all__ = ["CJK_FAMILIES", "cjk_family", "needs_cjk", "require_matplotlib"]

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans",
)
"""The CJK fonts a chart may use for Chinese text, best first (Simplified Chinese forms first)."""

# Font files whose names say they are CJK fonts: looked at when matplotlib's font cache,
# built before the font was installed, does not list any of CJK_FAMILIES.
_CJK_FILE = re.compile(
    r"cjk|sourcehan|source-han|wqy|wenquanyi|msyh|pingfang|simhei|notosanssc", re.I
)

# Han ideographs, CJK punctuation and full-width forms: text DejaVu Sans cannot draw.
_CJK_TEXT = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def require_matplotlib() -> ModuleType:
    """The ``matplotlib`` module, or a clear error naming the extra that brings it."""
    try:
        import matplotlib  # noqa: PLC0415 - optional: imported only when a chart is drawn
    except ImportError:
        raise MissingExtraError(
            _(
                "drawing a chart needs matplotlib, which is not installed; "
                "install the charts extra: pip install 'crisiskit[charts]'"
            )
        ) from None
    return matplotlib


def needs_cjk(*texts: str) -> bool:
    """Whether any of ``texts`` holds Chinese (or other CJK) characters."""
    return any(_CJK_TEXT.search(text) for text in texts)


@functools.cache
def cjk_family() -> str:
    """The name of a CJK font family matplotlib can draw with.

    Raises:
        ChartError: no CJK font is installed where matplotlib looks.
        MissingExtraError: matplotlib is not installed.
    """
    require_matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415 - optional dependency

    found = _known(font_manager)
    if found is None:
        # A font installed after matplotlib built its font cache is not in the cache:
        # add the system's CJK font files by name, then look again.
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # an unreadable font file: the next one may do
        found = _known(font_manager)
    if found is None:
        raise ChartError(
            _(
                "Chinese text needs a CJK font, and matplotlib finds none (looked for {families}); "
                "install one, e.g. apt-get install fonts-noto-cjk on Debian or Ubuntu",
                families=", ".join(CJK_FAMILIES[:5]),
            )
        )
    return found


def _known(font_manager: ModuleType) -> str | None:
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)

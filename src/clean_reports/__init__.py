"""clean-reports: strip reseller watermarks from corpora of Chinese report documents.

The Python API (see :mod:`clean_reports.api`) is importable from here::

    from clean_reports import load_rules, clean_text, clean_bytes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .api import (
        CleanedBytes,
        CleanResult,
        FileFailure,
        Match,
        Rule,
        RuleError,
        clean_bytes,
        clean_text,
        find_watermarks,
        load_rules,
    )

__all__ = [
    "CleanResult",
    "CleanedBytes",
    "FileFailure",
    "Match",
    "Rule",
    "RuleError",
    "__version__",
    "clean_bytes",
    "clean_text",
    "find_watermarks",
    "load_rules",
]


def __getattr__(name: str) -> Any:
    """Import the API on first use, so ``import clean_reports`` stays cheap."""
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'clean_reports' has no attribute {name!r}")

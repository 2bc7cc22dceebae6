"""The language of every word drawn in a picture or a caption: "en" (default) or "zh" (简体中文).

A Chinese notebook differs from its English twin by one line, ``bplib.set_language("zh")``;
bplib.viz looks its words up in one catalogue (bplib.viz.catalogue) for the current language.
The environment variable BPLIB_LANG sets the language a fresh process starts with.
NumPy-only core: nothing here imports matplotlib.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

__all__ = ["LANGUAGES", "set_language", "get_language", "check_language", "language"]

LANGUAGES = ("en", "zh")
_current = None  # None: not chosen yet, read BPLIB_LANG on first use


def check_language(lang, fn: str = "check_language") -> str:
    """lang as one of LANGUAGES ("en", "zh"); ValueError naming fn and the choices otherwise."""
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(f"{fn}: language must be one of {', '.join(map(repr, LANGUAGES))}, got {lang!r}")
    return lang


def get_language() -> str:
    """The current language, "en" or "zh" (the first call reads BPLIB_LANG, default "en")."""
    global _current
    if _current is None:
        _current = check_language(os.environ.get("BPLIB_LANG", "en") or "en", "get_language (BPLIB_LANG)")
    return _current


def set_language(lang: str) -> str:
    """Draw and caption every later picture in lang ("en" or "zh"); returns the previous language."""
    global _current
    lang = check_language(lang, "set_language")
    previous = get_language()
    _current = lang
    return previous


@contextmanager
def language(lang: str):
    """with language("zh"): ... draws in lang, then restores the language that was set before."""
    previous = set_language(check_language(lang, "language"))
    try:
        yield lang
    finally:
        set_language(previous)

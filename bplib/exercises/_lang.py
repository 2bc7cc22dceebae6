"""The checkers' hints in the learner's language: ``tr(english, chinese)``.

Every hint is written once, both languages side by side, ``tr(f"... {x} ...", f"... {x} ...")``;
tr picks one for bplib.lang.get_language() when it runs. Checkers run inside check(), so a hint
follows the language selected when the learner runs the cell. NumPy-free core helper.
"""

from __future__ import annotations

from ..lang import get_language

__all__ = ["tr"]


def tr(en: str, zh: str) -> str:
    """The hint in the current language.

    en, zh: the same hint in English and in Simplified Chinese (both str).
    Returns zh when bplib.lang.get_language() is "zh", else en.
    """
    if not isinstance(en, str) or not isinstance(zh, str):
        raise TypeError(f"tr: en and zh must both be str, got en={type(en).__name__}, zh={type(zh).__name__}")
    return zh if get_language() == "zh" else en

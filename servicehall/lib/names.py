"""Search keys of names. Pure Python, no Django."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

WORD_RE = re.compile(r"[^\W_]+")


def name_initials(name: str) -> str:
    """The first letter of each syllable or word, lower case: 张三 → zs, John Smith → js, 张John → zj.

    Chinese characters give their pinyin initial in the common reading (a few
    surnames such as 单 Shan are read by their everyday sound, d); other words
    give their first letter, without accents; digits are kept; punctuation is dropped.
    """
    letters: list[str] = []
    for part in lazy_pinyin(name or "", style=Style.FIRST_LETTER):
        for word in WORD_RE.findall(part):
            letters.append(_plain(word[0]).lower())
    return "".join(letters)[:120]


def _plain(letter: str) -> str:
    """ë → e, Ü → U: initials are typed on a plain keyboard."""
    decomposed = unicodedata.normalize("NFKD", letter)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)) or letter

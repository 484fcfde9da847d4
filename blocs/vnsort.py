"""Vietnamese alphabetical order, as a plain string key that any database sorts correctly.

Vietnamese dictionaries order letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
and, for words with the same letters, tones in the order ngang, huyền, hỏi, ngã, sắc, nặng.
The key is made of fixed-width digits only, so the database collation cannot reorder it.
"""

import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: 200 + i for i, ch in enumerate(_ALPHABET)}
_SHAPE = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_SHAPED = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
# huyền, hỏi, ngã, sắc, nặng; no mark (ngang) is 0.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# The five combining tone marks of Vietnamese (huyền, hỏi, ngã, sắc, nặng).
TONE_MARKS = frozenset(_TONE_RANK)


def _letter_and_tone(ch: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", ch.lower())
    base, marks = decomposed[:1], decomposed[1:]
    tone = 0
    for mark in marks:
        if mark in _SHAPE:
            base = _SHAPED.get((base, _SHAPE[mark]), base)
        elif mark in _TONE_RANK:
            tone = _TONE_RANK[mark]
    return base, tone


def vietnamese_sort_key(text: str) -> str:
    """Return a digits-only key ordering ``text`` as a Vietnamese dictionary would."""
    letters, tones = [], []
    for ch in unicodedata.normalize("NFC", " ".join(text.split())):
        base, tone = _letter_and_tone(ch)
        if base in _LETTER_RANK:
            rank = _LETTER_RANK[base]
        elif base.isdigit():
            rank = 100 + int(base)
        elif base.isspace():
            rank = 10
        else:
            rank = 20 + min(ord(base), 79) % 80
        letters.append(f"{rank:03d}")
        tones.append(str(tone))
    # "000" ends the letters: a name that is a prefix of another sorts first.
    return "".join(letters) + "000" + "".join(tones)


def fold(text: str) -> str:
    """Lower-case ``text`` without tone and shape marks ("Đặng Dũng" → "dang dung"), so that a
    search typed without marks finds names written with them."""
    text = str(text).replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join(
        "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split()
    )

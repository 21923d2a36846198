"""Spelling variants of names, discovered in the corpus itself.

Sources spell transliterated names differently. Two capitalised words are taken as
variants of one name when

- the corpus writes them after the same word (a shared first name, or a particle
  such as "al-") and they are a small edit apart: "<First> X" / "<First> Y", X≈Y;
- or before the same surname, a small edit apart: first names spelt differently
  ("Mohammed Morsi" / "Muhammad Morsi");
- or they are one spelling after folding how transliterations differ (`translit_key`:
  Kh/H, Dj/J, Ou/U, -off/-ov, x/ks; letters such as Þ, ø, æ, ß are already spelt
  Th, o, ae, ss by the one fold, and accents dropped).

Edits are counted between those keys ("Aleksandr" / "Alexander" is one). Possessives
are stripped first, and a word that only extends another ("Africa" / "African",
"Niger" / "Nigeria") is a different word. Nothing is listed by hand, so the same
rules work on any corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.text.words import fold, stem

MAX_EDITS = 2
MIN_LENGTH = 4
MAX_FIRST_NAMES = 4
"""First names before one word are compared only when that word follows this few names."""
_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "but",
        "if",
        "this",
        "that",
        "these",
        "those",
        "its",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "he",
        "she",
        "it",
        "they",
        "we",
        "mr",
        "mrs",
        "ms",
    ]
)


_SOUNDS = (("kh", "h"), ("dj", "j"), ("ou", "u"), ("x", "ks"))
_POSSESSIVE = ("'s", "’s", "'", "’")


def plain_name(word: str) -> str:
    """A folded name without its possessive ending ("Africa's" -> "africa")."""
    folded = fold(word)
    for ending in _POSSESSIVE:
        if folded.endswith(ending):
            return folded[: -len(ending)]
    return folded


def translit_key(folded: str) -> str:
    """One spelling for the ways transliterations of a name differ."""
    # (letters such as þ, ø, ł are already spelt as the index spells them: fold)
    key = folded
    for written, said in _SOUNDS:
        key = key.replace(written, said)
    return key[:-2] + "v" if key.endswith("ff") else key


_SAME_SOUND = str.maketrans({"v": "f", "c": "k", "q": "k", "z": "s", "y": "i"})


def consonant_skeleton(folded: str) -> str:
    """The first letter, then the consonants with doubled ones written once, after
    folding letters that spell one sound (v/f, c/k/q, z/s): what a misspelling or a
    transliteration keeps ("Sadam", "saddam" -> "sdm") and another word does not
    ("wagner" / "warner", "conoco" / "conseco")."""
    mapped = folded.translate(_SAME_SOUND)
    skeleton = mapped[:1]
    for ch in mapped[1:]:
        if ch not in "aeiou" and ch != skeleton[-1]:
            skeleton += ch
    return skeleton


def _extends(a: str, b: str) -> bool:
    """One is the other plus an ending: a derived word, not a spelling of it."""
    shorter, longer = sorted((a, b), key=len)
    extra = set(longer[len(shorter) :])
    return longer.startswith(shorter) and extra != {shorter[-1:]}  # "Marshalll" is a slip


def similar_spellings(a: str, b: str) -> bool:
    """Folded names within a small edit distance of their transliteration keys,
    relative to their length."""
    if a == b or min(len(a), len(b)) < MIN_LENGTH or _extends(a, b):
        return False
    a, b = translit_key(a), translit_key(b)
    if a == b:
        return True
    edits = Levenshtein.distance(a, b, score_cutoff=MAX_EDITS)
    if a[0] != b[0]:  # transliterations differ at the start too (G/Q), but only by one letter
        return edits == 1 and min(len(a), len(b)) >= 6
    return edits <= MAX_EDITS and edits <= max(len(a), len(b)) // 3


def variant_groups(
    name_pairs: Iterable[tuple[str, str]], names: Iterable[str] = ()
) -> list[frozenset[str]]:
    """Groups of folded spellings. `name_pairs` are (preceding word, capitalised word);
    `names` more capitalised words (each article's most repeated), compared only by
    their transliteration keys."""
    followers: dict[str, set[str]] = defaultdict(set)
    preceders: dict[str, set[str]] = defaultdict(set)
    names_seen = {plain_name(name) for name in names}
    for before, name in name_pairs:
        key = fold(before)
        plain = plain_name(name)
        names_seen.add(plain)
        if key in _FUNCTION_WORDS:
            continue
        followers[key].add(plain)
        if before[:1].isupper():
            preceders[plain].add(plain_name(before))
    parent: dict[str, str] = {}

    def find(word: str) -> str:
        while parent.setdefault(word, word) != word:
            parent[word] = parent[parent[word]]
            word = parent[word]
        return word

    # a surname is written after few first names; "Inc" or "Street" after many names,
    # which are not spellings of one another ("Conoco Inc." / "Conseco Inc.")
    first_names = [names for names in preceders.values() if len(names) <= MAX_FIRST_NAMES]
    for names, strict in [
        *((n, False) for n in followers.values()),
        *((n, True) for n in first_names),
    ]:
        ordered = sorted(names)
        keys = [translit_key(name) for name in ordered]
        for index, first in enumerate(ordered[:-1]):
            # rapidfuzz scans the rest in C and keeps only the near ones: a common first
            # word ("President") can be followed by hundreds of names
            near = process.extract(
                keys[index],
                keys[index + 1 :],
                scorer=Levenshtein.distance,
                score_cutoff=MAX_EDITS,
                limit=None,
            )
            for _, _, position in near:
                second = ordered[index + 1 + position]
                if strict and consonant_skeleton(keys[index]) != consonant_skeleton(
                    keys[index + 1 + position]
                ):
                    continue  # first names: only vowels may differ ("Mohammed"/"Muhammad")
                if similar_spellings(first, second) and stem(first) != stem(second):
                    parent[find(first)] = find(second)
    by_key: dict[str, str] = {}
    for name in sorted(names_seen):
        key = translit_key(name)
        if len(key) < MIN_LENGTH:
            continue
        other = by_key.setdefault(key, name)
        if other != name and stem(other) != stem(name):
            parent[find(name)] = find(other)
    groups: dict[str, set[str]] = defaultdict(set)
    for word in parent:
        groups[find(word)].add(word)
    return [frozenset(group) for group in groups.values() if len(group) > 1]


class VariantTable:
    """Lookup from any spelling (folded, or its stem) to all spellings of that name."""

    def __init__(self, groups: Iterable[frozenset[str]]) -> None:
        self._by_form: dict[str, frozenset[str]] = {}
        for group in groups:
            for word in group:
                self._by_form[word] = group
                self._by_form.setdefault(stem(word), group)

    def variants_of(self, word: str) -> frozenset[str]:
        """Other spellings of `word` (empty when it has none)."""
        folded = fold(word)
        group = self._by_form.get(folded) or self._by_form.get(stem(word))
        return group - {folded} if group else frozenset()

    def __len__(self) -> int:
        return len({id(g) for g in self._by_form.values()})

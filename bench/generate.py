"""Deterministic synthetic news articles for the benchmark.

    .venv/bin/python -m bench.generate --sizes 1000,10000 [--seed 7] [--out bench/corpora]

Writes N articles (about 4 KB each) to bench/corpora/N/. The same seed gives the same
bytes, on any machine: every article has its own `random.Random` seeded from
(seed, number), and the vocabulary is made of pseudo-words built from syllables
(nothing is downloaded). What an article looks like:

- sometimes a front-matter block (title, date, source, sometimes place);
- a headline; a dateline "CITY, Country —" starting the first paragraph (or, for
  some, a place line of its own);
- paragraphs of sentences drawn from a Zipf-like vocabulary of tens of thousands of
  words, mixed with English function words and a few news words;
- people with accented names (é, ï, ô…) written in several spellings across the
  corpus ("Zoubéïr" / "Zoubeir" / "Zubeir");
- dates in many formats: "23 December", "Dec. 23", "December 23, 2025",
  "2025-12-23", "between 20 and 21 December", weekdays, "last year".
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_SEED = 7
DEFAULT_OUT = Path(__file__).resolve().parent / "corpora"
VOCABULARY_SIZE = 40_000
ZIPF_EXPONENT = 1.07
TARGET_BYTES = 4_000

_ONSETS = [
    "", "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
    "br", "dr", "gr", "kr", "tr", "st", "sh", "ch", "th", "pl", "bl", "ny", "mb",
]  # fmt: skip
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou", "ia", "ea"]
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "k", "t", "nd", "rt", "st"]
_ACCENTS = {"e": "éèê", "i": "ïî", "o": "ôö", "a": "àâ", "u": "ûü"}
_FUNCTION_WORDS = (  # noqa: SIM905
    "the of and to in a that for on with as was by is said at from it his her an have "
    "has be were which this their they had but not who been after also its more when "
    "will would could about over than into two three other there some while"
).split()
_NEWS_WORDS = (  # noqa: SIM905
    "government security military president minister forces officials attack region "
    "leaders alliance summit meeting border troops battalion agreement election "
    "ministry police capital villages report statement council economy trade aid "
    "operation army defence talks crisis conflict peace refugees rebels spokesman"
).split()
_STOCK_PHRASES = (
    "joint task force", "regional security council", "state of emergency",
    "transitional government", "humanitarian corridor", "national assembly",
    "armed groups", "press conference", "peace agreement", "border crossing",
)  # fmt: skip
_COUNTRIES = (
    "Valdoria", "Meruvia", "Kessandra", "Ostrava Republic", "Talmorien", "Brasque",
    "Ivoretta", "Nordane", "Castelmar", "Zembara", "Lutheva", "Orrakan",
)  # fmt: skip
_SOURCES = ("Wire Service", "The Daily Ledger", "Coastal Tribune", "Agence Meridien", "")
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]  # fmt: skip
_MONTH_ABBR = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
               "Nov.", "Dec."]  # fmt: skip
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TITLES = ("President", "General", "Minister", "Capt.", "Col.", "Dr.", "Prime Minister")
_RELATIVE = ("last year", "last week", "next month", "earlier this year", "two days ago",
             "this weekend", "last month", "next year")  # fmt: skip


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _pseudo_word(rng: random.Random, syllables: int) -> str:
    return "".join(_syllable(rng) for _ in range(syllables))


def _accented(rng: random.Random, word: str) -> str:
    """The word with one or two vowels accented (é, ï, ô…)."""
    chars = list(word)
    vowels = [i for i, ch in enumerate(chars) if ch in _ACCENTS]
    for i in rng.sample(vowels, min(len(vowels), rng.choice((1, 1, 2)))):
        chars[i] = rng.choice(_ACCENTS[chars[i]])
    return "".join(chars)


def _variant(rng: random.Random, word: str) -> str:
    """Another spelling of a name: accents dropped, a letter doubled or changed."""
    plain = word.translate(str.maketrans("éèêïîôöàâûü", "eeeiiooaauu"))
    options = [
        plain,
        plain.replace("ou", "u", 1) if "ou" in plain else plain + "e",
        plain.replace("k", "c", 1) if "k" in plain else plain.replace("i", "y", 1),
        plain[:-1] + plain[-1] * 2 if len(plain) > 3 else plain + "h",
    ]
    choice = rng.choice(options)
    return choice if choice != word else plain + "a"


@dataclass(frozen=True, slots=True)
class Person:
    spellings: tuple[tuple[str, str], ...]
    """(first, last) spellings; the first is the usual one."""


@dataclass(frozen=True, slots=True)
class Place:
    city: str
    country: str


class World:
    """The vocabulary, people and places shared by every article of one seed."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"world:{seed}")
        seen: set[str] = set(_FUNCTION_WORDS) | set(_NEWS_WORDS)
        words: list[str] = []
        while len(words) < VOCABULARY_SIZE:
            word = _pseudo_word(rng, rng.choice((1, 2, 2, 2, 2, 3, 3)))
            if len(word) >= 3 and word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        weights = [1.0 / (rank + 2.7) ** ZIPF_EXPONENT for rank in range(len(words))]
        self.cumulative = list(itertools.accumulate(weights))
        self.people = [self._person(rng) for _ in range(400)]
        self.places = [
            Place(_pseudo_word(rng, rng.choice((2, 3))).capitalize(), rng.choice(_COUNTRIES))
            for _ in range(120)
        ]

    @staticmethod
    def _person(rng: random.Random) -> Person:
        first = _accented(rng, _pseudo_word(rng, rng.choice((2, 3)))).capitalize()
        last = _accented(rng, _pseudo_word(rng, rng.choice((2, 3)))).capitalize()
        spellings = [(first, last)]
        for _ in range(rng.choice((0, 1, 1, 2))):
            spellings.append((_variant(rng, first), _variant(rng, last)))
        return Person(tuple(spellings))

    def word(self, rng: random.Random) -> str:
        """One vocabulary word, Zipf-distributed (rank 1 is by far the most frequent)."""
        point = rng.random() * self.cumulative[-1]
        return self.words[bisect.bisect_left(self.cumulative, point)]


@lru_cache(maxsize=4)
def world(seed: int) -> World:
    """The world of `seed` (deterministic; built once per process)."""
    return World(seed)


def _date_phrase(rng: random.Random, day: dt.date) -> str:
    month, month_abbr = _MONTHS[day.month - 1], _MONTH_ABBR[day.month - 1]
    other = day - dt.timedelta(days=rng.randint(1, 3))
    formats = [
        f"on {day.day} {month}",
        f"on {month_abbr} {day.day}",
        f"on {month} {day.day}, {day.year}",
        f"on {day.isoformat()}",
        f"between {other.day} and {day.day} {month}" if other.month == day.month else "last week",
        f"on {_WEEKDAYS[day.weekday()]}",
        f"on {_WEEKDAYS[day.weekday()]}, {month} {day.day}",
        rng.choice(_RELATIVE),
        f"in {month} {day.year}",
        f"since {day.year - rng.randint(1, 6)}",
    ]
    return rng.choice(formats)


class ArticleWriter:
    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.seed = seed

    def _name(self, rng: random.Random, person: Person, full: bool) -> str:
        first, last = rng.choice(person.spellings) if rng.random() < 0.35 else person.spellings[0]
        if full:
            return (
                f"{rng.choice(_TITLES)} {first} {last}" if rng.random() < 0.5 else f"{first} {last}"
            )
        return last

    def _sentence(self, rng: random.Random, cast: list[Person], day: dt.date) -> str:
        words: list[str] = []
        for _ in range(rng.randint(10, 22)):
            roll = rng.random()
            if roll < 0.38:
                words.append(rng.choice(_FUNCTION_WORDS))
            elif roll < 0.45:
                words.append(rng.choice(_NEWS_WORDS))
            else:
                words.append(self.world.word(rng))
        if rng.random() < 0.35:
            words.insert(rng.randint(0, len(words)), self._name(rng, rng.choice(cast), False))
        if rng.random() < 0.12:
            words.insert(rng.randint(0, len(words)), rng.choice(_STOCK_PHRASES))
        if rng.random() < 0.25:
            words.insert(rng.randint(1, len(words)), _date_phrase(rng, day))
        if rng.random() < 0.15:
            words.insert(rng.randint(1, len(words)), rng.choice(self.world.places).city)
        sentence = " ".join(words)
        if rng.random() < 0.1:
            sentence = f"“{sentence},” said {self._name(rng, rng.choice(cast), True)}"
        return sentence[0].upper() + sentence[1:] + "."

    def article(self, number: int) -> tuple[str, str]:
        """(file name, text) of article `number`."""
        rng = random.Random(f"article:{self.seed}:{number}")
        world = self.world
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 3 * 365))
        place = rng.choice(world.places)
        cast = rng.sample(world.people, rng.randint(1, 4))
        lead = self._name(rng, cast[0], True)
        headline_words = [lead.split()[-1], *(world.word(rng) for _ in range(rng.randint(4, 9)))]
        headline_words.insert(2, rng.choice(_NEWS_WORDS))
        headline = " ".join(headline_words)
        headline = headline[0].upper() + headline[1:]
        paragraphs: list[str] = []
        size = 0
        target = rng.randint(TARGET_BYTES * 3 // 4, TARGET_BYTES * 5 // 4)
        while size < target:
            sentences = [self._sentence(rng, cast, day) for _ in range(rng.randint(2, 5))]
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            size += len(paragraph.encode()) + 1
        weekday = _WEEKDAYS[day.weekday()]
        paragraphs[0] = (
            f"{lead} said on {weekday} that {paragraphs[0][0].lower()}{paragraphs[0][1:]}"
        )
        place_line = rng.random() < 0.1
        if not place_line:
            paragraphs[0] = f"{place.city.upper()}, {place.country} — {paragraphs[0]}"
        lines: list[str] = []
        if rng.random() < 0.3:
            source = rng.choice(_SOURCES)
            lines += ["---", f'title: "{headline}"', f"date: {day.isoformat()}"]
            lines += [f"source: {source}"] if source else []
            lines += [f"place: {place.city}, {place.country}"] if rng.random() < 0.3 else []
            lines += ["---"]
        has_title = bool(lines)
        if not has_title:
            lines.append(headline)
        if place_line:
            lines.append(f"{place.city}, {place.country}")
        lines += paragraphs
        text = "\n".join(lines) + "\n"
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        suffix = ".md" if rng.random() < 0.1 else ".txt"
        return f"{number:06d}_{digest}{suffix}", text


def generate(size: int, out: Path, seed: int = DEFAULT_SEED, *, start: int = 0) -> Path:
    """Write articles start..start+size-1 to `out` (created; an old corpus is replaced
    when start is 0). Returns `out`."""
    if start == 0 and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    writer = ArticleWriter(world(seed), seed)
    for number in range(start, start + size):
        name, text = writer.article(number)
        (out / name).write_text(text, encoding="utf-8")
    return out


def corpus_dir(size: int, root: Path = DEFAULT_OUT) -> Path:
    return root / str(size)


def ensure_corpus(size: int, root: Path = DEFAULT_OUT, seed: int = DEFAULT_SEED) -> Path:
    """The corpus of `size` articles, generated unless a complete one is already there."""
    folder = corpus_dir(size, root)
    stamp = folder / ".generated"
    wanted = f"seed={seed} size={size}"
    if stamp.exists() and stamp.read_text() == wanted:
        return folder
    generate(size, folder, seed)
    stamp.write_text(wanted)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="root folder")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        folder = ensure_corpus(size, args.out, args.seed)
        print(f"{size} articles in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

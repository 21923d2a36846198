"""Rule tables of the time-expression tagger: vocabulary, the regular expressions of
every rule (a "core" starting at its distinctive token, a "prefix" matched backwards
from it), tense cues, and the trigger words that say where a rule can start."""

from __future__ import annotations

import calendar
import re

MONTHS: dict[str, int] = {
    name.lower(): number for number, name in enumerate(calendar.month_name) if name
}
MONTHS.update({"sept": 9})
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
WEEKDAYS: dict[str, int] = {name.lower(): number for number, name in enumerate(calendar.day_name)}
NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
UNITS_WORDS = {w: n for w, n in NUMBER_WORDS.items() if n < 10 and w not in ("a", "an")}
SPELLED_YEAR = (
    r"(?P<c>(?i:nineteen|eighteen))[-\s]+(?:(?P<teen>(?i:" + "|".join(TEENS) + r"))|"
    r"(?P<tens>(?i:"
    + "|".join(TENS)
    + r"))(?:[-\s]+(?P<unit>(?i:"
    + "|".join(UNITS_WORDS)
    + r")))?)\b|(?P<k>(?i:two\s+thousand))\b(?!\s+(?:and|[a-z]+s\b))"
)
"""A year said in words, as broadcast transcripts write them ("nineteen ninety-four")."""

MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# Capitalised only: "may" the modal verb and "march" the verb never match.
MON = rf"(?:{MONTH_FULL}|(?:{MONTH_ABBR})\b\.?)"
WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d\d"
NOT_NUMBER_AFTER = r"(?![\d])(?!,\d)(?!\.\d)"
DASH = r"\s*(?:-|–|—)\s*"

# Context words that make a stand-alone month or year a date.  Only the
# meaning-bearing ones ("since", "last", "early") are kept inside the span.
CTX_OUT = r"in|on|during|of|by|from|through|throughout|before|after|around|circa|until|till|as of"
CTX_PART = r"the end of|the start of|the beginning of|the middle of"
CTX_IN = r"since|last|next|this|early|late|mid|mid-"

FLAGS = re.UNICODE

# Each pattern is a "core" that starts with its distinctive token (a month name,
# a digit, "weekend") so the regex engine can skip ahead quickly, plus an
# optional "prefix" matched backwards from the core ("between", "since late",
# "last"): optional leading groups on the core itself made tagging 4x slower.
PRE = r"(?P<pre>\b(?i:between|from))\s+\Z"
ORD = r"(?:st|nd|rd|th)?"

C_RANGE_DM = re.compile(
    rf"(?P<d1>{DAY})(?:\s+(?:of\s+)?(?P<m1>{MON}))?"
    rf"(?:{DASH}|\s+(?P<conj>(?i:to|and|until|till|through))\s+)"
    rf"(?P<d2>{DAY})\s+(?:of\s+)?(?P<m2>{MON})(?:,?\s+(?P<y>{YEAR})\b)?",
    FLAGS,
)
C_RANGE_MD = re.compile(
    rf"(?P<m1>{MON})\s+(?P<d1>{DAY})"
    rf"(?:{DASH}|\s+(?P<conj>(?i:to|and|until|till|through))\s+)"
    rf"(?:(?P<m2>{MON})\s+)?(?P<d2>{DAY}){NOT_NUMBER_AFTER}(?:,?\s+(?P<y>{YEAR})\b)?",
    FLAGS,
)
C_DATE_DMY = re.compile(rf"(?P<d>{DAY})\s+(?:of\s+)?(?P<m>{MON})(?:,?\s+(?P<y>{YEAR})\b)?", FLAGS)
P_DATE_DMY = re.compile(rf"(?:(?P<wd>\b{WD}),?\s+)?(?P<the>\b(?i:the)\s+)?\Z", FLAGS)
C_DATE_MDY = re.compile(
    rf"(?P<m>{MON})\s+(?P<d>{DAY}){NOT_NUMBER_AFTER}(?:,?\s+(?P<y>{YEAR})\b)?", FLAGS
)
P_WD = re.compile(rf"(?P<wd>\b{WD}),?\s+\Z", FLAGS)
C_ISO = re.compile(r"(?P<y>(?:19|20)\d\d)(?P<sep>[-/])(?P<m>\d\d?)(?P=sep)(?P<d>\d\d?)\b(?!-\d)")
C_NUMERIC = re.compile(r"(?P<a>\d\d?)(?P<sep>[/.])(?P<b>\d\d?)(?P=sep)(?P<y>(?:19|20)\d\d)\b")
C_NUMERIC_RANGE = re.compile(
    r"(?P<a1>\d\d?)(?P<sep>[/.])(?P<b1>\d\d?)(?P=sep)(?P<y1>(?:19|20)\d\d)"
    r"\s+(?P<conj>(?i:and|to|until|through))\s+"
    r"(?P<a2>\d\d?)(?P=sep)(?P<b2>\d\d?)(?P=sep)(?P<y2>(?:19|20)\d\d)\b",
    FLAGS,
)
C_MONTH_RANGE = re.compile(
    rf"(?P<m1>{MON})(?:\s+(?P<y1>{YEAR}))?\s+(?i:and|to|until|through)\s+"
    rf"(?P<m2>{MON})(?:,?\s+(?P<y>{YEAR})\b)?",
    FLAGS,
)
C_MONTH_YEAR = re.compile(
    rf"(?P<m>{MON}),?\s+(?:of\s+)?(?:(?P<y>{YEAR})\b|(?:{SPELLED_YEAR}))", FLAGS
)
C_MONTH_REL_YEAR = re.compile(
    rf"(?P<m>{MON})\s+(?P<rel>(?i:last|next|this))\s+(?i:year)\b(?![-'’])", FLAGS
)
"""A month and the year it is in, said relatively: "June last year", "April next year"."""
P_MOD = re.compile(r"(?P<mod>\b(?i:early|late|mid))[-\s]+\Z", FLAGS)
C_MONTH_CTX = re.compile(rf"(?P<m>{MONTH_FULL})\b(?!\s+(?:\d|{YEAR}))", FLAGS)
P_MONTH_CTX = re.compile(
    rf"(?:\b(?i:{CTX_OUT})\s+)?(?:(?P<part>\b(?i:{CTX_PART}))\s+)?"
    r"(?:(?P<ctx>\b(?i:since|last|next|this))\s+)?(?:(?P<mod>\b(?i:early|late|mid))[-\s]+)?\Z",
    FLAGS,
)
C_YEAR_RANGE = re.compile(
    rf"(?P<y1>{YEAR})(?:{DASH}|\s+(?P<conj>(?i:and|to|until|through))\s+)"
    rf"(?P<y2>{YEAR}|\d\d)\b(?![-/.]\d)",
    FLAGS,
)
C_YEAR = re.compile(
    rf"(?P<y>{YEAR})\b"
    r"(?![-/.]\d)(?!,\d)(?!\s*(?:%|percent|per cent|people|persons|troops|soldiers|km|kilomet|"
    r"miles|metres|meters|tons|tonnes|dollars|euros|francs|"
    # a plural after the number makes it a count ("2000 homes"); a verb or "its" does not
    r"(?!(?:was|has|is|as|its|this|thus|plus|versus|less|unless)\b)[a-z]*s\b))",
    FLAGS,
)
P_YEAR_CTX = re.compile(
    rf"(?P<ctx>\b(?i:{CTX_PART}|{CTX_OUT}|{CTX_IN}|the year|year|fiscal|spring|summer|autumn|"
    r"fall|winter))[-\s]+(?:(?P<mod>\b(?i:early|late|mid))[-\s]+)?\Z",
    FLAGS,
)
C_WEEKDAY = re.compile(
    rf"(?P<wd>{WD})(?!s\b)(?:\s+(?P<part>(?i:morning|afternoon|evening|night)))?\b", FLAGS
)
P_WEEKDAY = re.compile(
    r"(?P<mod>\b(?i:last|next|this coming|this past|this|the following|the previous|early|late))"
    r"\s+\Z",
    FLAGS,
)
C_DEICTIC = re.compile(
    r"(?=[yYtTlL])(?P<w>(?i:yesterday|today|tonight|tomorrow|last night|this morning|"
    r"this afternoon|this evening))\b",
    FLAGS,
)
C_RELATIVE = re.compile(
    r"(?=[tTlLnN])(?P<rel>(?i:this|last|next|the coming|the following|the previous|that))\s+"
    r"(?P<unit>(?i:day|week|month|year|weekend))\b(?!s)",
    FLAGS,
)
P_RELATIVE = re.compile(
    r"(?P<mod>\b(?i:earlier|later|early|late|mid|the end of|the start of|the beginning of))\s+\Z",
    FLAGS,
)
C_BEFORE = re.compile(r"(?P<dir>(?i:before|earlier|after|later))\b", FLAGS)
P_BEFORE = re.compile(
    r"(?P<det>\b(?:\d{1,2}|(?i:the|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)))\s+(?P<unit>(?i:day|week|month|year))s?\s+\Z",
    FLAGS,
)
C_WEEKEND = re.compile(r"(?i:weekend)\b(?!s)", FLAGS)
P_WEEKEND = re.compile(r"(?:\b(?i:over|at|during)\s+)?(?P<det>\b(?i:the))\s+\Z", FLAGS)
C_AGO = re.compile(r"(?i:ago)\b", FLAGS)
P_AGO = re.compile(
    r"(?P<n>\b(?:\d{1,3}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve)))\s+(?P<unit>(?i:day|week|month|year))s?\s+\Z",
    FLAGS,
)
C_VAGUE = re.compile(
    r"(?=[rRlLnNtT])(?:(?P<adv>(?i:recently|lately|nowadays))|"
    r"(?P<recent>(?i:recent))\s+(?P<unit1>(?i:days|weeks|months|years|decades))|"
    r"(?i:the)\s+(?P<dir>(?i:coming|next few|next several|past few|past several|last few|"
    r"last several))\s+(?P<unit2>(?i:days|weeks|months|years|decades))|"
    r"(?P<near>(?i:the near future)))\b",
    FLAGS,
)

LONGER_PERIOD = re.compile(
    r"\b(?:(?:three|six|nine|3|6|9)[-\s]months?|first\s+half|year[-\s]to[-\s]date)\b",
    re.IGNORECASE,
)
"""A period longer than a quarter that earnings news compares ("for the nine months")."""
ENDED_BEFORE = re.compile(r"\b(?i:ended)\s+\Z")
SINCE_BEFORE = re.compile(r"\b(?i:since)\s+\Z")
FUTURE_CUE = re.compile(
    r"\b(?:will|would|shall|won't|(?:is|are|was|were)\s+(?:due|set|scheduled|expected|slated|planned|supposed)\s+to|"
    r"plans?\s+to|going\s+to)\b|'ll\b",
    re.IGNORECASE,
)
PAST_WORD = re.compile(
    r"\b(?:\w+ed|was|were|had|began|begun|became|came|took|held|won|left|made|saw|went|"
    r"found|grew|fell|rose|led|met|set|built|lost|fought|since)\b",
    re.IGNORECASE,
)
CAPITALISED_WORD_BEFORE = re.compile(r"([A-Z][\w'’.-]*)\s+$")
RECURRING_BEFORE = re.compile(r"(?i:\b(?:every|each))\s+$")
NAME_OK_BEFORE = frozenset(
    {
        "on",
        "by",
        "since",
        "until",
        "till",
        "from",
        "early",
        "late",
        "last",
        "next",
        "this",
        "before",
        "after",
        "as",
        "and",
        "or",
        "but",
        "that",
        "the",
        "of",
        "at",
        "in",
        "during",
        "through",
        "mid",
        "recently",
    }
)

UNITS = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "decades": "decade",
    "weekend": "weekend",
}


ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "last": 2,
}
QUARTER_ADJ = (
    r"fiscal|latest|current|same|year-ago|year-earlier|year-before|prior-year|comparable|"
    r"previous|recent|most recent|flat|strong|weak|weaker|stronger|disappointing|slow|sluggish|"
    r"record|(?:19|20)\d\d"
)
ADJS_BEFORE = rf"(?P<adj>(?:\b(?i:{QUARTER_ADJ})[-\s]+){{0,2}})\Z"
"""Up to two words before a quarter: "the latest fiscal", "the year-ago"."""
OF_YEAR = (
    rf"(?:\s+(?i:of)\s+(?:(?P<y>{YEAR})|(?P<rel>(?i:this|last|next))\s+year|(?i:the\s+year)|"
    rf"(?i:fiscal)\s+(?P<fy>{YEAR})))?"
)
"""The year a quarter or half is "of": "of 1989", "of last year", "of fiscal 1990"."""
C_QUARTER = re.compile(
    r"(?P<n>(?i:first|second|third|fourth|1st|2nd|3rd|4th))[-\s]+(?:(?i:fiscal)[-\s]+)?"
    r"(?P<u>(?i:quarter|period))\b" + OF_YEAR,
    FLAGS,
)
P_PERIOD = re.compile(
    r"(?:(?P<det>\b(?i:the|its|this|that|their|a|(?P<ry>last|next|this)\s+year['’]s))\s+)?"
    + ADJS_BEFORE,
    FLAGS,
)
C_HALF = re.compile(
    r"(?P<n>(?i:first|second|last))(?:(?P<hy>-)|\s+)(?P<u>(?i:half))\b" + OF_YEAR,
    FLAGS,
)
C_QN = re.compile(rf"Q(?P<n>[1-4])\b(?:\s*(?P<y>{YEAR})\b)?", FLAGS)
C_QREF = re.compile(r"(?P<u>(?i:quarter|period))\b(?!s)", FLAGS)
P_QREF = re.compile(
    r"(?P<det>\b(?i:the|this|that|last|next|its|their))\s+" + ADJS_BEFORE,
    FLAGS,
)
C_YEAR_AGO = re.compile(r"(?P<w>(?i:year-ago|year-earlier))\b", FLAGS)
C_PRESENT = re.compile(r"(?P<w>(?i:now|currently))\b(?!\s+that\b)", FLAGS)
P_PRESENT = re.compile(r"(?P<pre>\b(?i:right|until|till|by|from|for|as of|just))\s+\Z", FLAGS)
SEASON_CODES = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
C_SEASON = re.compile(
    r"(?P<s>(?i:spring|summer|autumn|fall|winter))\b(?!s)"
    rf"(?:\s+(?i:of\s+)?(?:(?P<y>{YEAR})\b|(?:{SPELLED_YEAR})))?",
    FLAGS,
)
P_SEASON = re.compile(
    r"(?P<det>\b(?i:the|this|last|next|this past|this coming|early|late|mid|mid-))[-\s]+"
    r"(?:(?P<mod>\b(?i:early|late))\s+)?\Z",
    FLAGS,
)
C_DECADE = re.compile(
    r"(?:(?P<y>(?:1[0-9]|20)\d0)|'(?P<yy>\d0))['’]?s\b|"
    r"(?P<c>\d{1,2})(?:st|nd|rd|th)[-\s]+(?i:century)\b",
    FLAGS,
)
P_DECADE = re.compile(
    r"(?:(?P<det>\b(?i:the))\s+)?(?:(?P<mod>\b(?i:early|late|mid))[-\s]+)?\Z", FLAGS
)
C_CLOCK = re.compile(
    r"(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>(?i:a\.m\.|p\.m\.|am|pm))(?=\W|$)"
    # "until 9 p.m. on weekdays", "at 6 a.m. every day": a schedule, not a time
    r"(?!\s+(?i:on\s+weekdays|on\s+weekends|every|each|daily|a\s+day))"
    r"|(?P<noon>(?i:noon|midnight))\b",
    FLAGS,
)
C_PART_DAY = re.compile(
    r"(?P<w>(?i:mid-morning|midmorning|mid-afternoon|midafternoon|mid-day|midday|late morning|"
    r"early morning|late afternoon|early afternoon|late evening|late night))\b",
    FLAGS,
)


C_SPELLED_YEAR = re.compile(SPELLED_YEAR, FLAGS)
C_YEAR_WORD = re.compile(
    r"(?P<w>(?i:year[-\s]end|end\s+of\s+the\s+year|earlier\s+in\s+the\s+year|"
    r"later\s+in\s+the\s+year|later\s+in\s+the\s+week|earlier\s+in\s+the\s+week|"
    r"(?:full|current|current\s+fiscal|latest\s+fiscal|entire|whole|fiscal)\s+year))\b"
    r"(?!s|-)",
    FLAGS,
)
P_THE = re.compile(r"(?P<det>\b(?i:the))\s+\Z", FLAGS)
P_THE_YEAR = re.compile(r"(?P<det>\b(?i:the\s+year))\s+\Z", FLAGS)
C_DECADE_WORD = re.compile(r"(?P<w>(?i:eighties|nineties|seventies|sixties))\b", FLAGS)


DECADE_WORDS = {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}


PART_MOD = {
    "the end of": "late",
    "the start of": "early",
    "the beginning of": "early",
    "the middle of": "mid",
}
SPAN_KEEP_CTX = frozenset({"since", "last", "next", "this", "early", "late", "mid", "mid-"})
SEASONS = frozenset({"fiscal", "spring", "summer", "autumn", "fall", "winter"})
PREFIX_WINDOW = 60

T_MONTH = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
T_DIGITS = re.compile(r"\d+")
T_RELATIVE = re.compile(r"this|last|next|the ")
T_VAGUE = re.compile(r"recent|lately|nowadays|the ")
T_DEICTIC = re.compile(
    r"yesterday|today|tonight|tomorrow|last night|this morning|this afternoon|"
    r"this evening"
)
T_BEFORE = re.compile(r"before|earlier|after|later")
T_AGO = re.compile(r"ago")
T_WEEKEND = re.compile(r"weekend")
T_YEAR_AGO = re.compile(r"year-(?:ago|earlier)")
T_APOSTROPHE_DECADE = re.compile(r"'\d0")
T_QN = re.compile(r"Q[1-4]")
TRIGGER_WORDS = (
    "first", "second", "third", "fourth", "last", "1st", "2nd", "3rd", "4th", "quarter",
    "period", "now", "currently", "spring", "summer", "autumn", "fall", "winter", "noon",
    "midnight", "mid", "late", "early", "earlier", "later", "nineteen", "eighteen",
    "two thousand", "year", "end", "full", "current", "latest", "entire", "whole", "fiscal",
    "eighties", "nineties", "seventies", "sixties",
)  # fmt: skip
T_WORDS = re.compile("|".join(TRIGGER_WORDS))
"""The words that can start a quarter, season, "now", time of day or year word, found
once per text (`_word_starts`); each of those rules then tries only the positions of
its own words (a scan per rule cost more than all the rest of the tagger)."""
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

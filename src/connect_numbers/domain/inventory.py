"""The synthetic inventory: deterministic, valid phone numbers per country and type.

SearchAvailablePhoneNumbers offers numbers from *buckets*, one per (ISO country, Connect
type). A bucket is a finite, indexable space of E.164 numbers built from the metadata of
the ``phonenumbers`` library, never from a list: ``number_at`` is a few arithmetic steps.

How a space is built. For each national number length the type allows, the national
number pattern is walked digit by digit (a trie of prefixes, pruned where the pattern
cannot finish). A prefix P with t free digits left is a *block* of 10**t numbers once
every regular expression that can influence ``phonenumbers`` (the general, fixed-line,
mobile, toll-free, ... patterns of the country, those of the regions that share its
calling code and come first, their leading digits, and the national prefix stripping of
``parse``) gives the same answer for all 10**t completions. That is decided exactly by
running the patterns as lazily built automata over digits; one number of the block is
then checked with ``phonenumbers`` itself (parse, is_valid_number, region, type, E.164
round trip) and certifies the whole block. A space is the sorted list of its blocks.

Decisions:

* DID = FIXED_LINE, FIXED_LINE_OR_MOBILE or MOBILE; TOLL_FREE = TOLL_FREE; every length
  the metadata allows is used. SHARED, THIRD_PARTY_TF, THIRD_PARTY_DID and SHORT_CODE
  are never generated: only operator-loaded inventory holds them.
* UIFN (+800, the non-geographic region "001") is offered for every supported country,
  each in its own disjoint slice of the +800 space, so that a number alone tells which
  bucket it came from (a claim carries only the number): the country AB owns
  +800 NNN xxxxx with NNN = 100 + 26 * index(A) + index(B), 100,000 numbers each.
  ``classify`` reports UIFN numbers with country ``None`` (UIFN is not tied to a country);
  ``SyntheticInventory.locate`` maps a synthetic one back to its bucket.
* Positions: a space (a bucket seen through one prefix) numbers its members 0..count-1.
  ``scan`` walks positions from a start index with a fixed stride coprime with the count,
  so it visits every number exactly once, wraps, and spreads results over the space.
"""

from __future__ import annotations

import hashlib
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from math import gcd

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberType

__all__ = [
    "GENERATED_TYPES",
    "Bucket",
    "BucketKey",
    "Classification",
    "NumberSpace",
    "NumberType",
    "SyntheticInventory",
    "classify",
    "conforms",
    "is_valid_prefix",
    "start_index",
]


class NumberType(StrEnum):
    """Connect's PhoneNumberType values."""

    TOLL_FREE = "TOLL_FREE"
    DID = "DID"
    UIFN = "UIFN"
    SHARED = "SHARED"
    THIRD_PARTY_TF = "THIRD_PARTY_TF"
    THIRD_PARTY_DID = "THIRD_PARTY_DID"
    SHORT_CODE = "SHORT_CODE"


GENERATED_TYPES = frozenset({NumberType.DID, NumberType.TOLL_FREE, NumberType.UIFN})


@dataclass(frozen=True, slots=True)
class BucketKey:
    """Which synthetic numbers: one ISO country code and one generated Connect type."""

    country: str
    number_type: NumberType


@dataclass(frozen=True, slots=True)
class Classification:
    """What a valid E.164 number is; ``country`` is None for UIFN (+800) numbers."""

    country: str | None
    number_type: NumberType


# --- prefixes and classification -------------------------------------------------------

_PREFIX = re.compile(r"\+[0-9]{1,11}")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_DID_TYPES = frozenset(
    {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.MOBILE}
)
_UIFN_CODE = 800
_NON_GEO = "001"


def is_valid_prefix(prefix: str) -> bool:
    """Whether ``prefix`` is a PhoneNumberPrefix we accept: '+' then 1 to 11 digits."""
    return _PREFIX.fullmatch(prefix) is not None


def classify(e164: str) -> Classification | None:
    """Country and Connect type of a canonical, valid E.164 number; None for anything else.

    Only numbers that could be generated are classified (DID, TOLL_FREE, UIFN); a valid
    number of another kind (premium rate, VoIP, pager, ...) gives None.
    """
    number = _parse(e164)
    if number is None:
        return None
    region = phonenumbers.region_code_for_number(number)
    kind = phonenumbers.number_type(number)
    if region == _NON_GEO:
        uifn = number.country_code == _UIFN_CODE and kind == PhoneNumberType.TOLL_FREE
        return Classification(None, NumberType.UIFN) if uifn else None
    if kind == PhoneNumberType.TOLL_FREE:
        return Classification(region, NumberType.TOLL_FREE)
    return Classification(region, NumberType.DID) if kind in _DID_TYPES else None


def conforms(e164: str, country: str, number_type: NumberType) -> bool:
    """Whether an operator-loaded row (number, country, type) is consistent.

    DID and THIRD_PARTY_DID need a DID of that country, TOLL_FREE and THIRD_PARTY_TF a
    toll-free number of that country, UIFN any +800 number (any country), SHARED any valid
    number of that country, SHORT_CODE only the E.164 syntax.
    """
    if number_type is NumberType.SHORT_CODE:
        return _E164.fullmatch(e164) is not None
    if number_type is NumberType.SHARED:
        number = _parse(e164)
        return number is not None and phonenumbers.region_code_for_number(number) == country
    found = classify(e164)
    if found is None or number_type is NumberType.UIFN:
        return found is not None and found.number_type is NumberType.UIFN
    expected = {NumberType.THIRD_PARTY_DID: NumberType.DID, NumberType.THIRD_PARTY_TF: NumberType.TOLL_FREE}
    return found == Classification(country, expected.get(number_type, number_type))


def _parse(e164: str) -> PhoneNumber | None:
    """The valid number written canonically as ``e164``, or None."""
    if _E164.fullmatch(e164) is None:
        return None
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    canonical = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return number if canonical == e164 and phonenumbers.is_valid_number(number) else None


def start_index(key: BucketKey, prefix: str | None, salt: str, count: int) -> int:
    """A stable start position in a space of ``count`` numbers, spread by ``salt``."""
    if count <= 0:
        return 0
    text = "\x1f".join((key.country, key.number_type.value, prefix or "", salt))
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return int.from_bytes(digest, "big") % count


# --- regular expressions over digits, as lazily built automata -------------------------

_ALL_DIGITS = (1 << 10) - 1


class _Nfa:
    """Thompson automaton for the regex subset of phonenumbers' metadata.

    Supported: digits, ``\\d``, ``[...]`` with ranges, groups ``(...)`` and ``(?:...)``,
    ``|``, ``?``, ``*``, ``+``, ``{n}``, ``{n,}``, ``{n,m}`` and ``$``. Anything else raises
    ValueError, so a new metadata feature cannot be silently misread.
    """

    def __init__(self, pattern: str) -> None:
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[int, int]]] = []
        self.ends: list[list[int]] = []
        self._src, self._pos = pattern, 0
        self.start, self.accept = self._alternation()
        if self._pos != len(pattern):
            raise ValueError(f"unsupported pattern {pattern!r} at {self._pos}")

    def _state(self) -> int:
        self.eps.append([])
        self.edges.append([])
        self.ends.append([])
        return len(self.eps) - 1

    def _peek(self) -> str:
        return self._src[self._pos] if self._pos < len(self._src) else ""

    def _alternation(self) -> tuple[int, int]:
        branches = [self._sequence()]
        while self._peek() == "|":
            self._pos += 1
            branches.append(self._sequence())
        if len(branches) == 1:
            return branches[0]
        start, accept = self._state(), self._state()
        for first, last in branches:
            self.eps[start].append(first)
            self.eps[last].append(accept)
        return start, accept

    def _sequence(self) -> tuple[int, int]:
        start = accept = self._state()
        while self._peek() not in ("", "|", ")"):
            begin = self._pos
            first, last = self._quantified(self._atom(), begin)
            self.eps[accept].append(first)
            accept = last
        return start, accept

    def _atom(self) -> tuple[int, int]:
        char = self._peek()
        self._pos += 1
        if char == "(":
            self._pos += 2 if self._src.startswith("?:", self._pos) else 0
            fragment = self._alternation()
            self._expect(")")
            return fragment
        start, accept = self._state(), self._state()
        if char == "$":
            self.ends[start].append(accept)
        else:
            self.edges[start].append((self._digit_set(char), accept))
        return start, accept

    def _digit_set(self, char: str) -> int:
        if char.isdigit():
            return 1 << int(char)
        if char == "\\":
            self._expect("d")
            return _ALL_DIGITS
        if char != "[":
            raise ValueError(f"unsupported {char!r} in {self._src!r}")
        mask = 0
        while self._peek() != "]":
            low = self._digit_set(self._src[self._pos : self._pos + 1] or "?")
            self._pos += 1
            if self._peek() == "-":
                high = int(self._src[self._pos + 1])
                self._pos += 2
                low = sum(1 << d for d in range(low.bit_length() - 1, high + 1))
            mask |= low
        self._pos += 1
        return mask

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r} at {self._pos} in {self._src!r}")
        self._pos += 1

    def _quantified(self, atom: tuple[int, int], begin: int) -> tuple[int, int]:
        bounds = self._bounds()
        if bounds is None:
            return atom
        low, high = bounds
        after, copies = self._pos, [atom]
        for _ in range(max(low, high or low, 1) - 1):
            self._pos = begin
            copies.append(self._atom())
        self._pos = after
        return self._repeat(copies, low, high)

    def _bounds(self) -> tuple[int, int | None] | None:
        char = self._peek()
        simple = {"?": (0, 1), "*": (0, None), "+": (1, None)}
        if char in simple:
            self._pos += 1
            return simple[char]
        if char != "{":
            return None
        close = self._src.index("}", self._pos)
        low, _, high = self._src[self._pos + 1 : close].partition(",")
        self._pos = close + 1
        if not _:
            return int(low), int(low)
        return int(low), int(high) if high else None

    def _repeat(self, copies: list[tuple[int, int]], low: int, high: int | None) -> tuple[int, int]:
        start = accept = self._state()
        for index, (first, last) in enumerate(copies):
            self.eps[accept].append(first)
            if index >= low:
                self.eps[accept].append(last)
            accept = last
        if high is None:
            self.eps[copies[-1][1]].append(copies[-1][0])
        return start, accept


class _Automaton:
    """A deterministic automaton over digits, built on demand from an ``_Nfa``.

    State 0 is the dead state. ``dollar`` says whether ``$`` may be crossed (as if the
    input ended there, an over-approximation) or never.
    """

    def __init__(self, pattern: str, *, dollar: bool = False) -> None:
        self._nfa = _Nfa(pattern)
        self._dollar = dollar
        self._sets: list[frozenset[int]] = [frozenset()]
        self._ids: dict[frozenset[int], int] = {frozenset(): 0}
        self._next: list[list[int]] = [[0] * 10]
        self._accepting: list[bool] = [False]
        self._finish: dict[tuple[int, int], bool] = {}
        self.start = self._intern(self._closure({self._nfa.start}))

    def _closure(self, states: set[int]) -> frozenset[int]:
        todo, seen = list(states), set(states)
        while todo:
            state = todo.pop()
            more = self._nfa.eps[state] + (self._nfa.ends[state] if self._dollar else [])
            for target in more:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return frozenset(seen)

    def _intern(self, states: frozenset[int]) -> int:
        found = self._ids.get(states)
        if found is None:
            found = self._ids[states] = len(self._sets)
            self._sets.append(states)
            self._next.append([-1] * 10)
            self._accepting.append(self._nfa.accept in states)
        return found

    def step(self, state: int, digit: int) -> int:
        """The state after reading ``digit``."""
        found = self._next[state][digit]
        if found < 0:
            bit = 1 << digit
            moved = {t for s in self._sets[state] for m, t in self._nfa.edges[s] if m & bit}
            found = self._next[state][digit] = self._intern(self._closure(moved))
        return found

    def run(self, state: int, digits: str) -> int:
        """The state after reading ``digits``."""
        for char in digits:
            state = self.step(state, ord(char) - 48)
        return state

    def accepts(self, state: int) -> bool:
        """Whether the input read so far matches."""
        return self._accepting[state]

    def finishes(self, state: int, steps: int) -> bool:
        """Whether some string of exactly ``steps`` more digits makes the input match."""
        if steps == 0 or state == 0:
            return self._accepting[state]
        key = (state, steps)
        found = self._finish.get(key)
        if found is None:
            found = any(self.finishes(self.step(state, d), steps - 1) for d in range(10))
            self._finish[key] = found
        return found

    def reaches(self, state: int, steps: int) -> bool:
        """Whether 1 to ``steps`` more digits can make the input match."""
        return any(self.finishes(state, n) for n in range(1, steps + 1))

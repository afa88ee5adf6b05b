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

* DID = FIXED_LINE, FIXED_LINE_OR_MOBILE or MOBILE; TOLL_FREE = TOLL_FREE; every national
  number length the metadata allows for the type is used. SHARED, THIRD_PARTY_TF,
  THIRD_PARTY_DID and SHORT_CODE are never generated: only operator-loaded inventory
  holds them.
* A number is offered for country C only if ``region_code_for_number`` says C, so a bucket
  can be empty: all +1 8xx toll-free numbers belong to US (no CA TOLL_FREE bucket), +44 800
  to GB, +7 800 to RU; Western Sahara (EH) numbers all resolve to MA.
* UIFN (+800, the non-geographic region "001") is offered for every supported country,
  each in its own disjoint slice of the +800 space, so that a number alone tells which
  bucket it came from (a claim carries only the number): the country AB owns
  +800 NNN xxxxx with NNN = 100 + 26 * index(A) + index(B), 100,000 numbers each.
  ``classify`` reports UIFN numbers with country ``None`` (UIFN is not tied to a country);
  ``SyntheticInventory.locate`` maps a synthetic one back to its bucket.
* Positions: a space (a bucket seen through one prefix) numbers its members 0..count-1:
  first the parts of blocks whose prefix is shorter than the asked one, then the whole
  blocks in prefix order. ``scan`` walks positions from a start index with a fixed stride
  coprime with the count, so it visits every number once, wraps, and spreads results.
* The numbers depend on the metadata, so on the ``phonenumbers`` version (locked).
"""

from __future__ import annotations

import hashlib
import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from math import gcd

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberDesc, PhoneNumberType

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
    expected = {
        NumberType.THIRD_PARTY_DID: NumberType.DID,
        NumberType.THIRD_PARTY_TF: NumberType.TOLL_FREE,
    }
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
_NONE, _ALL, _SOME = 0, 1, 2  # how many completions of a state match


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
            mask |= self._class_item()
        self._pos += 1
        return mask

    def _class_item(self) -> int:
        char = self._peek()
        self._pos += 1
        if char == "\\" or not char.isdigit():
            return self._digit_set(char)
        high = int(char)
        if self._peek() == "-":
            high = int(self._src[self._pos + 1])
            self._pos += 2
        return sum(1 << digit for digit in range(int(char), high + 1))

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r} at {self._pos} in {self._src!r}")
        self._pos += 1

    def _quantified(self, atom: tuple[int, int], begin: int) -> tuple[int, int]:
        bounds = self._bounds()
        if bounds is None:
            return atom
        low, high = bounds
        if high == 0:
            return self._sequence_of_nothing()
        after, copies = self._pos, [atom]
        for _ in range((high or max(low, 1)) - 1):
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
        low, comma, high = self._src[self._pos + 1 : close].partition(",")
        self._pos = close + 1
        if not comma:
            return int(low), int(low)
        return int(low), int(high) if high else None

    def _sequence_of_nothing(self) -> tuple[int, int]:
        state = self._state()
        return state, state

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
        self._reach: dict[int, frozenset[int]] = {}
        self._sets: list[frozenset[int]] = [frozenset()]
        self._ids: dict[frozenset[int], int] = {frozenset(): 0}
        self._next: list[list[int]] = [[0] * 10]
        self._accepting: list[bool] = [False]
        self._summaries: dict[tuple[int, int], int] = {}
        self.start = self._intern(self._closure({self._nfa.start}))

    def _closure(self, states: Iterable[int]) -> frozenset[int]:
        """The states that read a digit or accept, reachable without reading one."""
        found: set[int] = set()
        for state in states:
            reach = self._reach.get(state)
            if reach is None:
                reach = self._reach[state] = self._reachable(state)
            found |= reach
        return frozenset(found)

    def _reachable(self, state: int) -> frozenset[int]:
        nfa, todo, seen = self._nfa, [state], {state}
        while todo:
            current = todo.pop()
            for target in nfa.eps[current] + (nfa.ends[current] if self._dollar else []):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return frozenset(s for s in seen if nfa.edges[s] or s == nfa.accept)

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

    def summary(self, state: int, steps: int) -> int:
        """Over all strings of exactly ``steps`` more digits: none, all or some match."""
        if steps == 0 or state == 0:
            return _ALL if self._accepting[state] else _NONE
        key = (state, steps)
        found = self._summaries.get(key)
        if found is None:
            found = self._summaries[key] = self._combine(state, steps)
        return found

    def _combine(self, state: int, steps: int) -> int:
        first = self.summary(self.step(state, 0), steps - 1)
        for digit in range(1, 10):
            if first == _SOME or self.summary(self.step(state, digit), steps - 1) != first:
                return _SOME
        return first

    def finishes(self, state: int, steps: int) -> bool:
        """Whether some string of exactly ``steps`` more digits makes the input match."""
        return self.summary(state, steps) != _NONE

    def reaches(self, state: int, steps: int) -> bool:
        """Whether 1 to ``steps`` more digits can make the input match."""
        return any(self.finishes(state, n) for n in range(1, steps + 1))


class _Automata:
    """Automata by pattern, shared by the buckets of one inventory; the least recently
    used are dropped beyond ``keep`` (regions of one calling code reuse the same ones)."""

    def __init__(self, keep: int = 96) -> None:
        self._made: OrderedDict[tuple[str, bool], _Automaton] = OrderedDict()
        self._keep = keep

    def __call__(self, pattern: str, *, dollar: bool = False) -> _Automaton:
        key = (pattern, dollar)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = _Automaton(pattern, dollar=dollar)
            if len(self._made) > self._keep:
                self._made.popitem(last=False)
        self._made.move_to_end(key)
        return found


# --- certified blocks: prefixes whose every completion behaves the same -----------------

# phonenumbers' type descriptions, in the order its _number_type_helper tries them
_TYPE_DESCS: tuple[str, ...] = ("premium_rate", "toll_free", "shared_cost", "voip")
_TYPE_DESCS += ("personal_number", "pager", "uan", "voicemail", "fixed_line", "mobile")
_VerdictKey = tuple[int, int, int, tuple[int, int] | None]
_TARGETS = {NumberType.DID: ("fixed_line", "mobile"), NumberType.TOLL_FREE: ("toll_free",)}


def _metadata(region: str) -> PhoneMetadata | None:
    if region == _NON_GEO:
        return PhoneMetadata.metadata_for_nongeo_region(_UIFN_CODE, None)
    return PhoneMetadata.metadata_for_region(region, None)


def _code(metadata: PhoneMetadata) -> int:
    if metadata.country_code is None:
        raise ValueError(f"no calling code for {metadata.id}")
    return int(metadata.country_code)


def _general(metadata: PhoneMetadata) -> PhoneNumberDesc:
    if metadata.general_desc is None or not metadata.general_desc.national_number_pattern:
        raise ValueError(f"no general pattern for {metadata.id}")
    return metadata.general_desc


def _regions(metadata: PhoneMetadata) -> tuple[str, ...]:
    """The regions sharing the calling code of ``metadata``, main region first."""
    return tuple(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[_code(metadata)])


def _patterns(metadata: PhoneMetadata, names: Iterable[str]) -> list[str]:
    descs = (getattr(metadata, name) for name in names)
    return [d.national_number_pattern for d in descs if d is not None and d.national_number_pattern]


def _influences(region: str, metadata: PhoneMetadata) -> list[str]:
    """Every pattern whose answer can change how phonenumbers sees a number of ``region``."""
    regions = _regions(metadata)
    main = _metadata(regions[0])
    found = _patterns(main, ["general_desc"]) if main is not None else []
    for other in regions[: regions.index(region) + 1]:
        other_metadata = _metadata(other)
        if other_metadata is None:
            continue
        if other_metadata.leading_digits:
            found.append(f"(?:{other_metadata.leading_digits})\\d*")
        if other == region or not other_metadata.leading_digits:
            found += _patterns(other_metadata, ("general_desc", *_TYPE_DESCS))
    return found


class _Probe:
    """Runs several automata side by side as one product automaton, built on demand.

    ``automata[:targets]`` describe the wanted type, ``automata[:checked]`` must give one
    answer over a whole block; any further ones are only tracked.
    """

    def __init__(self, automata: list[_Automaton], targets: int, checked: int) -> None:
        self._automata, self._targets, self._checked = automata, targets, checked
        self._tuples: list[tuple[int, ...]] = []
        self._ids: dict[tuple[int, ...], int] = {}
        self._moves: list[list[int]] = []
        self._judged: dict[tuple[int, int], tuple[bool, bool]] = {}
        self.start = self._intern(tuple(automaton.start for automaton in automata))

    def _intern(self, states: tuple[int, ...]) -> int:
        found = self._ids.get(states)
        if found is None:
            found = self._ids[states] = len(self._tuples)
            self._tuples.append(states)
            self._moves.append([-1] * 10)
        return found

    def step(self, node: int, digit: int) -> int:
        """The product state after reading ``digit``."""
        found = self._moves[node][digit]
        if found < 0:
            pairs = zip(self._automata, self._tuples[node], strict=True)
            found = self._intern(tuple(a.step(s, digit) for a, s in pairs))
            self._moves[node][digit] = found
        return found

    def run(self, node: int, digits: str) -> int:
        for char in digits:
            node = self.step(node, ord(char) - 48)
        return node

    def state(self, node: int, index: int) -> int:
        """The state of one automaton within the product state ``node``."""
        return self._tuples[node][index]

    def judge(self, node: int, free: int) -> tuple[bool, bool]:
        """Whether some completion has the wanted type; whether all answer alike."""
        key = (node, free)
        found = self._judged.get(key)
        if found is None:
            pairs = zip(self._automata[: self._checked], self._tuples[node], strict=False)
            summaries = [automaton.summary(state, free) for automaton, state in pairs]
            wanted = any(summary != _NONE for summary in summaries[: self._targets])
            found = self._judged[key] = (wanted, _SOME not in summaries)
        return found


_UNSAFE = (-1, -1)


class _Stripping:
    """What ``parse`` does with the national prefix of the calling code's main region.

    ``parse`` may strip (or transform) a national prefix even after '+<code>'. For a block,
    ``outcome`` proves that it does the same thing to every number, and says what.
    """

    def __init__(self, main: PhoneMetadata, automata: _Automata) -> None:
        pattern = main.national_prefix_for_parsing
        self._pattern = re.compile(pattern) if pattern else None
        self.loose = automata(pattern, dollar=True) if pattern else None
        self._rule = main.national_prefix_transform_rule or ""
        self._general = automata(str(_general(main).national_number_pattern))

    def outcome(self, prefix: str, loose: int, free: int) -> tuple[int, int] | None:
        """None if the national prefix never matches; else the general pattern's state after
        the stripped or transformed number, and its length; ``_UNSAFE`` when it may differ.
        ``loose`` is the state of ``self.loose`` after ``prefix``."""
        if self._pattern is None or self.loose is None:
            return None
        if free and self.loose.reaches(loose, free):
            return _UNSAFE  # a match could end in the free digits
        match = self._pattern.match(prefix + "0" * free)
        if match is None:
            return None
        rest = self._replacement(match) + prefix[match.end() :]
        state = self._general.run(self._general.start, rest)
        return (state, len(rest)) if self._general.summary(state, free) != _SOME else _UNSAFE

    def never(self, prefix: str, loose: int) -> bool:
        """Whether the national prefix matches no number that starts with ``prefix``."""
        if self._pattern is None or self.loose is None:
            return True
        return loose == 0 and self._pattern.match(prefix + "0") is None

    def _replacement(self, match: re.Match[str]) -> str:
        groups = match.groups()
        if not self._rule or not groups or groups[-1] is None:
            return ""
        return match.expand(self._rule)


class _BlockFinder:
    """Finds the certified blocks ``(national prefix, free digits)`` of one bucket."""

    def __init__(
        self, region: str, targets: tuple[str, ...], expected: Classification, automata: _Automata
    ) -> None:
        metadata = _metadata(region)
        if metadata is None:
            raise ValueError(f"no metadata for {region}")
        main = _metadata(_regions(metadata)[0])
        self._stripping = _Stripping(main or metadata, automata)
        wanted = [automata(pattern) for pattern in _patterns(metadata, targets)]
        checked = wanted + [automata(pattern) for pattern in _influences(region, metadata)]
        tracked = [self._stripping.loose] if self._stripping.loose else []
        self._probe = _Probe(checked + tracked, len(wanted), len(checked))
        self._loose = len(checked)
        self._head = f"+{_code(metadata)}"
        self._expected = expected
        self._verdicts: dict[_VerdictKey, bool] = {}
        self._subtrees: dict[tuple[int, int, int], list[tuple[str, int]]] = {}
        self.lengths = sorted(_lengths(metadata, targets))

    def blocks(self, length: int, root: str = "") -> list[tuple[str, int]]:
        """The blocks of national numbers of ``length`` digits that start with ``root``."""
        found: list[tuple[str, int]] = []
        if len(root) <= length:
            self._walk(root, self._probe.run(self._probe.start, root), length - len(root), found)
        return found

    def _walk(self, prefix: str, node: int, free: int, found: list[tuple[str, int]]) -> None:
        """Collects the blocks below ``prefix``; a subtree that no national prefix can touch
        depends only on its product state and lengths, so it is explored once."""
        loose = self._probe.state(node, self._loose) if self._stripping.loose else 0
        key = (node, len(prefix), free) if self._stripping.never(prefix, loose) else None
        known = self._subtrees.get(key) if key else None
        if known is not None:
            found.extend((prefix + suffix, rest) for suffix, rest in known)
            return
        first = len(found)
        self._explore(prefix, node, loose, free, found)
        if key is not None:
            self._subtrees[key] = [(p[len(prefix) :], rest) for p, rest in found[first:]]

    def _explore(
        self, prefix: str, node: int, loose: int, free: int, found: list[tuple[str, int]]
    ) -> None:
        wanted, uniform = self._probe.judge(node, free)
        if not wanted:
            return
        if uniform:
            outcome = self._stripping.outcome(prefix, loose, free)
            if outcome != _UNSAFE:
                if self._certified(prefix, free, (node, len(prefix), free, outcome)):
                    found.append((prefix, free))
                return
        for digit in range(10):
            self._walk(prefix + str(digit), self._probe.step(node, digit), free - 1, found)

    def _certified(self, prefix: str, free: int, key: _VerdictKey) -> bool:
        """Whether a uniform block holds numbers of the wanted country and type.

        Every pattern answers the same for the whole block, so one number speaks for all,
        and so does any block with the same automaton states, length and stripping outcome.
        """
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = classify(f"{self._head}{prefix}{'0' * free}") == self._expected
            self._verdicts[key] = verdict
        return verdict


def _lengths(metadata: PhoneMetadata, names: Iterable[str]) -> set[int]:
    lengths: set[int] = set()
    for name in names:
        desc = getattr(metadata, name)
        if desc is not None and desc.national_number_pattern:
            lengths.update(desc.possible_length or _general(metadata).possible_length)
    return {length for length in lengths if length > 0}


# --- spaces: sorted blocks behind prefix sums -------------------------------------------

_GOLDEN = 0.6180339887498949
_POWERS: tuple[int, ...] = tuple(10**n for n in range(20))  # national numbers have <= 17 digits


@dataclass(frozen=True, slots=True)
class _Blocks:
    """A bucket's blocks sorted by national prefix; ``starts[i]`` is block i's first index."""

    prefixes: list[str]
    frees: list[int]
    starts: list[int]
    by_prefix: dict[str, list[int]]

    @classmethod
    def of(cls, blocks: Iterable[tuple[str, int]]) -> _Blocks:
        ordered = sorted(set(blocks))
        by_prefix: dict[str, list[int]] = {}
        for prefix, free in ordered:
            by_prefix.setdefault(prefix, []).append(free)
        starts = list(accumulate((_POWERS[free] for _, free in ordered), initial=0))
        return cls([p for p, _ in ordered], [f for _, f in ordered], starts, by_prefix)


class NumberSpace:
    """The numbers of one bucket that start with one prefix, at positions 0..count-1."""

    def __init__(
        self, key: BucketKey, prefix: str | None, head: str, blocks: _Blocks, national: str | None
    ) -> None:
        self.key, self.prefix, self._head, self._blocks = key, prefix, head, blocks
        self._partial = [] if national is None else _partial_blocks(blocks, national)
        self._low, self._high = _block_range(blocks, national)
        self._partial_count = sum(_POWERS[free] for _, free in self._partial)
        whole = blocks.starts[self._high] - blocks.starts[self._low]
        self.count = self._partial_count + whole
        self._stride = _stride(self.count)

    def number_at(self, index: int) -> str:
        """The E.164 number at ``index`` (0 <= index < count); the same on every run."""
        if not 0 <= index < self.count:
            raise IndexError(f"index {index} outside 0..{self.count - 1}")
        for national, free in self._partial:
            if index < _POWERS[free]:
                return self._format(national, free, index)
            index -= _POWERS[free]
        starts = self._blocks.starts
        offset = starts[self._low] + index
        block = bisect_right(starts, offset, self._low, self._high) - 1
        return self._format(
            self._blocks.prefixes[block], self._blocks.frees[block], offset - starts[block]
        )

    def start_index(self, salt: str) -> int:
        """Where a scan salted with ``salt`` starts: a stable hash, spread over the space."""
        return start_index(self.key, self.prefix, salt, self.count)

    def scan(
        self, start: int, after: int | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, str]]:
        """``(position, number)`` in scan order: position p holds index (start + p * stride)
        mod count, a stride coprime with the count, so a whole cycle visits every number
        once, wrapping past the end. Resumes after position ``after`` (a NextToken)."""
        if not 0 <= start < max(self.count, 1):
            raise ValueError(f"start {start} outside the space of {self.count}")
        first = 0 if after is None else after + 1
        last = self.count if limit is None else min(self.count, first + max(limit, 0))
        for position in range(first, last):
            yield position, self.number_at((start + position * self._stride) % self.count)

    def _format(self, national: str, free: int, within: int) -> str:
        return f"{self._head}{national}{within:0{free}d}" if free else f"{self._head}{national}"


def _partial_blocks(blocks: _Blocks, national: str) -> list[tuple[str, int]]:
    """The parts of blocks whose prefix is shorter than ``national`` and leads to it."""
    found = []
    for size in range(len(national)):
        for free in blocks.by_prefix.get(national[:size], ()):
            rest = free - (len(national) - size)
            if rest >= 0:
                found.append((national, rest))
    return found


def _block_range(blocks: _Blocks, national: str | None) -> tuple[int, int]:
    """The blocks whose prefix starts with ``national`` (all for '', none for None)."""
    if national is None:
        return 0, 0
    low = bisect_left(blocks.prefixes, national)
    return low, bisect_left(blocks.prefixes, national + ":")  # ':' sorts right after '9'


def _stride(count: int) -> int:
    stride = max(1, round(count * _GOLDEN))
    while gcd(stride, count) > 1:
        stride += 1
    return stride


class Bucket:
    """All synthetic numbers of one (country, type), in a fixed order."""

    def __init__(
        self, key: BucketKey, country_code: int, blocks: Iterable[tuple[str, int]]
    ) -> None:
        self.key = key
        self._head = f"+{country_code}"
        self._blocks = _Blocks.of(blocks)

    @property
    def block_count(self) -> int:
        """How many certified blocks make up the bucket (a measure of its build cost)."""
        return len(self._blocks.prefixes)

    def space(self, prefix: str | None = None) -> NumberSpace:
        """The numbers starting with the E.164 ``prefix`` ('+' and 1..11 digits); a prefix
        of another calling code gives an empty space. ValueError for a malformed prefix."""
        if prefix is not None and not is_valid_prefix(prefix):
            raise ValueError(f"not a phone number prefix: {prefix!r}")
        return NumberSpace(self.key, prefix, self._head, self._blocks, self._national(prefix))

    def count(self, prefix: str | None = None) -> int:
        """How many numbers start with ``prefix``."""
        return self.space(prefix).count

    def number_at(self, index: int, prefix: str | None = None) -> str:
        """The number at ``index`` among those starting with ``prefix``."""
        return self.space(prefix).number_at(index)

    def contains(self, e164: str) -> bool:
        """Whether ``e164`` is one of this bucket's numbers."""
        if _E164.fullmatch(e164) is None or not e164.startswith(self._head):
            return False
        national = e164[len(self._head) :]
        by_prefix = self._blocks.by_prefix
        return any(
            len(national) - n in by_prefix.get(national[:n], ()) for n in range(len(national) + 1)
        )

    def _national(self, prefix: str | None) -> str | None:
        """The national-number prefix that ``prefix`` asks for, or None if it excludes all."""
        code = self._head[1:]
        digits = code if prefix is None else prefix[1:]
        if digits.startswith(code):
            return digits[len(code) :]
        return "" if code.startswith(digits) else None


class SyntheticInventory:
    """The synthetic buckets of the supported countries, each built on first use.

    ``countries`` are the ISO codes the caller supports (Connect's PhoneNumberCountryCode
    enum). Building a bucket takes from well under a millisecond to about 0.1 s (India's
    DIDs); it happens once, under a lock, so the inventory can be shared by threads.
    """

    def __init__(self, countries: Iterable[str]) -> None:
        self.countries = tuple(dict.fromkeys(countries))
        self._supported = frozenset(self.countries)
        self._buckets: dict[BucketKey, Bucket | None] = {}
        self._automata = _Automata()
        self._lock = threading.Lock()

    def bucket(self, country: str, number_type: NumberType) -> Bucket | None:
        """The bucket of ``(country, number_type)``, or None when it can hold no numbers
        (type never generated, unsupported country, or no valid number of that kind)."""
        key = BucketKey(country, NumberType(number_type))
        if key not in self._buckets:
            with self._lock:
                if key not in self._buckets:
                    self._buckets[key] = self._build(key)
        return self._buckets[key]

    def space(self, key: BucketKey, prefix: str | None = None) -> NumberSpace | None:
        """The numbers of ``key``'s bucket that start with ``prefix``; None if no bucket."""
        bucket = self.bucket(key.country, key.number_type)
        return None if bucket is None else bucket.space(prefix)

    def buckets(self) -> list[Bucket]:
        """Every non-empty bucket, building those not built yet."""
        pairs = ((country, kind) for country in self.countries for kind in sorted(GENERATED_TYPES))
        return [bucket for pair in pairs if (bucket := self.bucket(*pair)) is not None]

    def locate(self, e164: str) -> BucketKey | None:
        """The bucket that offers ``e164``, or None if no synthetic bucket holds it."""
        found = classify(e164)
        if found is None:
            return None
        country = found.country if found.country is not None else _uifn_owner(e164)
        bucket = None if country is None else self.bucket(country, found.number_type)
        return bucket.key if bucket is not None and bucket.contains(e164) else None

    def _build(self, key: BucketKey) -> Bucket | None:
        if key.country not in self._supported or key.number_type not in GENERATED_TYPES:
            return None
        if key.number_type is NumberType.UIFN:
            code, blocks = _UIFN_CODE, self._uifn_blocks(key.country)
        else:
            code, blocks = self._geographic_blocks(key)
        return Bucket(key, code, blocks) if blocks else None

    def _geographic_blocks(self, key: BucketKey) -> tuple[int, list[tuple[str, int]]]:
        metadata = _metadata(key.country)
        if metadata is None or key.country == _NON_GEO:
            return 0, []
        expected = Classification(key.country, key.number_type)
        finder = _BlockFinder(key.country, _TARGETS[key.number_type], expected, self._automata)
        return _code(metadata), [b for n in finder.lengths for b in finder.blocks(n)]

    def _uifn_blocks(self, country: str) -> list[tuple[str, int]]:
        root = _uifn_slice(country)
        if root is None:
            return []
        expected = Classification(None, NumberType.UIFN)
        finder = _BlockFinder(_NON_GEO, _TARGETS[NumberType.TOLL_FREE], expected, self._automata)
        return [block for n in finder.lengths for block in finder.blocks(n, root)]


_LETTERS = 26
_UIFN_FIRST = 100


def _uifn_slice(country: str) -> str | None:
    """The national prefix of ``country``'s slice of +800 (see the module docstring)."""
    if re.fullmatch("[A-Z]{2}", country) is None:
        return None
    index = (ord(country[0]) - 65) * _LETTERS + ord(country[1]) - 65
    return str(_UIFN_FIRST + index)


def _uifn_owner(e164: str) -> str | None:
    """The country whose +800 slice holds ``e164``, if any."""
    head = f"+{_UIFN_CODE}"
    if _E164.fullmatch(e164) is None or not e164.startswith(head) or len(e164) < len(head) + 3:
        return None
    index = int(e164[len(head) : len(head) + 3]) - _UIFN_FIRST
    if not 0 <= index < _LETTERS * _LETTERS:
        return None
    return chr(65 + index // _LETTERS) + chr(65 + index % _LETTERS)

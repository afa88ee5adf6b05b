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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from math import gcd

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberType

from ._digit_automata import Automata
from ._number_blocks import NON_GEO, UIFN_CODE, BlockFinder, calling_code, metadata_for

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
    if region == NON_GEO:
        uifn = number.country_code == UIFN_CODE and kind == PhoneNumberType.TOLL_FREE
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
        if self._partial:
            for position in range(first, last):
                yield position, self.number_at(self.index_at(start, position))
            return
        # number_at inlined for a space of whole blocks (every space but a prefix's
        # partial ones): a page's numbers in one loop, with the block table at hand
        head, count, stride, low, high = self._head, self.count, self._stride, self._low, self._high
        prefixes, frees, starts = self._blocks.prefixes, self._blocks.frees, self._blocks.starts
        base = starts[low]
        for position in range(first, last):
            offset = base + (start + position * stride) % count
            block = bisect_right(starts, offset, low, high) - 1
            free, national = frees[block], prefixes[block]
            within = offset - starts[block]
            yield position, f"{head}{national}{within:0{free}d}" if free else head + national

    def index_at(self, start: int, position: int) -> int:
        """The index a scan from ``start`` visits at ``position``."""
        return (start + position * self._stride) % self.count

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
    def head(self) -> str:
        """``+`` and the calling code every number of the bucket starts with."""
        return self._head

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


# --- the inventory: buckets built on first use ------------------------------------------

# the phonenumbers type descriptions that a generated Connect type draws its numbers from
_TARGETS = {NumberType.DID: ("fixed_line", "mobile"), NumberType.TOLL_FREE: ("toll_free",)}


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
        self._by_head: dict[str, tuple[Bucket, ...]] = {}  # built buckets by "+<code>"
        self._automata = Automata()
        self._lock = threading.Lock()

    def bucket(self, country: str, number_type: NumberType) -> Bucket | None:
        """The bucket of ``(country, number_type)``, or None when it can hold no numbers
        (type never generated, unsupported country, or no valid number of that kind)."""
        key = BucketKey(country, NumberType(number_type))
        if key not in self._buckets:
            with self._lock:
                if key not in self._buckets:
                    built = self._buckets[key] = self._build(key)
                    if built is not None:
                        head = built.head
                        self._by_head[head] = (*self._by_head.get(head, ()), built)
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
        """The bucket that offers ``e164``, or None if no synthetic bucket holds it.

        A bucket already built that holds ``e164`` answers at once: every number of its
        blocks is classified as the bucket is (that is what certifies a block), and
        buckets are disjoint. Otherwise the number is classified (phonenumbers, some
        tens of microseconds) and its bucket built if need be.
        """
        for length in (2, 3, 4):  # calling codes have 1 to 3 digits
            for built in self._by_head.get(e164[:length], ()):
                if built.contains(e164):
                    return built.key
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
            code, blocks = UIFN_CODE, self._uifn_blocks(key.country)
        else:
            code, blocks = self._geographic_blocks(key)
        return Bucket(key, code, blocks) if blocks else None

    def _geographic_blocks(self, key: BucketKey) -> tuple[int, list[tuple[str, int]]]:
        metadata = metadata_for(key.country)
        if metadata is None or key.country == NON_GEO:
            return 0, []
        certify = _certifier(Classification(key.country, key.number_type))
        finder = BlockFinder(key.country, _TARGETS[key.number_type], certify, self._automata)
        return calling_code(metadata), [b for n in finder.lengths for b in finder.blocks(n)]

    def _uifn_blocks(self, country: str) -> list[tuple[str, int]]:
        root = _uifn_slice(country)
        if root is None:
            return []
        certify = _certifier(Classification(None, NumberType.UIFN))
        finder = BlockFinder(NON_GEO, _TARGETS[NumberType.TOLL_FREE], certify, self._automata)
        return [block for n in finder.lengths for block in finder.blocks(n, root)]


def _certifier(expected: Classification) -> Callable[[str], bool]:
    """Whether a number is classified as ``expected``: the test a block's sample must pass."""
    return lambda e164: classify(e164) == expected


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
    head = f"+{UIFN_CODE}"
    if _E164.fullmatch(e164) is None or not e164.startswith(head) or len(e164) < len(head) + 3:
        return None
    index = int(e164[len(head) : len(head) + 3]) - _UIFN_FIRST
    if not 0 <= index < _LETTERS * _LETTERS:
        return None
    return chr(65 + index // _LETTERS) + chr(65 + index % _LETTERS)

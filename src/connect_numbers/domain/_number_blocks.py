"""Certified blocks: national-number prefixes whose every completion behaves the same.

A block ``(prefix, free)`` stands for the 10**free national numbers that start with
``prefix``. ``BlockFinder`` walks a type's national number pattern digit by digit and keeps
a prefix once every pattern that can influence ``phonenumbers`` answers alike for all its
completions, and one number of it passes a check supplied by the caller (see ``inventory``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberDesc

from ._digit_automata import SOME, Automata, Probe

__all__ = ["NON_GEO", "UIFN_CODE", "BlockFinder", "calling_code", "metadata_for"]

NON_GEO = "001"  # phonenumbers' region of the non-geographic calling codes
UIFN_CODE = 800

# phonenumbers' type descriptions, in the order its _number_type_helper tries them
_TYPE_DESCS: tuple[str, ...] = ("premium_rate", "toll_free", "shared_cost", "voip")
_TYPE_DESCS += ("personal_number", "pager", "uan", "voicemail", "fixed_line", "mobile")
_VerdictKey = tuple[int, int, int, tuple[int, int] | None]


def metadata_for(region: str) -> PhoneMetadata | None:
    """The metadata of ``region``; ``NON_GEO`` stands for UIFN's (+800)."""
    if region == NON_GEO:
        return PhoneMetadata.metadata_for_nongeo_region(UIFN_CODE, None)
    return PhoneMetadata.metadata_for_region(region, None)


def calling_code(metadata: PhoneMetadata) -> int:
    """The country calling code that ``metadata`` describes."""
    if metadata.country_code is None:
        raise ValueError(f"no calling code for {metadata.id}")
    return int(metadata.country_code)


def _general(metadata: PhoneMetadata) -> PhoneNumberDesc:
    if metadata.general_desc is None or not metadata.general_desc.national_number_pattern:
        raise ValueError(f"no general pattern for {metadata.id}")
    return metadata.general_desc


def _regions(metadata: PhoneMetadata) -> tuple[str, ...]:
    """The regions sharing the calling code of ``metadata``, main region first."""
    return tuple(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[calling_code(metadata)])


def _patterns(metadata: PhoneMetadata, names: Iterable[str]) -> list[str]:
    descs = (getattr(metadata, name) for name in names)
    return [d.national_number_pattern for d in descs if d is not None and d.national_number_pattern]


def _influences(region: str, metadata: PhoneMetadata) -> list[str]:
    """Every pattern whose answer can change how phonenumbers sees a number of ``region``."""
    regions = _regions(metadata)
    main = metadata_for(regions[0])
    found = _patterns(main, ["general_desc"]) if main is not None else []
    for other in regions[: regions.index(region) + 1]:
        other_metadata = metadata_for(other)
        if other_metadata is None:
            continue
        if other_metadata.leading_digits:
            found.append(f"(?:{other_metadata.leading_digits})\\d*")
        if other == region or not other_metadata.leading_digits:
            found += _patterns(other_metadata, ("general_desc", *_TYPE_DESCS))
    return found


_UNSAFE = (-1, -1)


class _Stripping:
    """What ``parse`` does with the national prefix of the calling code's main region.

    ``parse`` may strip (or transform) a national prefix even after '+<code>'. For a block,
    ``outcome`` proves that it does the same thing to every number, and says what.
    """

    def __init__(self, main: PhoneMetadata, automata: Automata) -> None:
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
        return (state, len(rest)) if self._general.summary(state, free) != SOME else _UNSAFE

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


class BlockFinder:
    """Finds the certified blocks ``(national prefix, free digits)`` of one bucket.

    ``targets`` name the wanted type descriptions of ``region``'s metadata; ``certify``
    tells whether one E.164 number, standing for a whole uniform block, is wanted.
    """

    def __init__(
        self,
        region: str,
        targets: tuple[str, ...],
        certify: Callable[[str], bool],
        automata: Automata,
    ) -> None:
        metadata = metadata_for(region)
        if metadata is None:
            raise ValueError(f"no metadata for {region}")
        main = metadata_for(_regions(metadata)[0])
        self._stripping = _Stripping(main or metadata, automata)
        wanted = [automata(pattern) for pattern in _patterns(metadata, targets)]
        checked = wanted + [automata(pattern) for pattern in _influences(region, metadata)]
        tracked = [self._stripping.loose] if self._stripping.loose else []
        self._probe = Probe(checked + tracked, len(wanted), len(checked))
        self._loose = len(checked)
        self._head = f"+{calling_code(metadata)}"
        self._certify = certify
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
            verdict = self._certify(f"{self._head}{prefix}{'0' * free}")
            self._verdicts[key] = verdict
        return verdict


def _lengths(metadata: PhoneMetadata, names: Iterable[str]) -> set[int]:
    lengths: set[int] = set()
    for name in names:
        desc = getattr(metadata, name)
        if desc is not None and desc.national_number_pattern:
            lengths.update(desc.possible_length or _general(metadata).possible_length)
    return {length for length in lengths if length > 0}

"""Regular expressions over digits, run as lazily built deterministic automata.

``phonenumbers`` describes numbers with regular expressions over digits. To decide whether a
pattern answers the same for every completion of a prefix (see ``inventory``), each pattern
is compiled to a Thompson NFA and determinised state by state as digits are read; ``Probe``
runs several such automata side by side.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

__all__ = ["ALL", "NONE", "SOME", "Automata", "Automaton", "Probe"]

_ALL_DIGITS = (1 << 10) - 1
NONE, ALL, SOME = 0, 1, 2  # how many completions of a state match


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


class Automaton:
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
            return ALL if self._accepting[state] else NONE
        key = (state, steps)
        found = self._summaries.get(key)
        if found is None:
            found = self._summaries[key] = self._combine(state, steps)
        return found

    def _combine(self, state: int, steps: int) -> int:
        first = self.summary(self.step(state, 0), steps - 1)
        for digit in range(1, 10):
            if first == SOME or self.summary(self.step(state, digit), steps - 1) != first:
                return SOME
        return first

    def finishes(self, state: int, steps: int) -> bool:
        """Whether some string of exactly ``steps`` more digits makes the input match."""
        return self.summary(state, steps) != NONE

    def reaches(self, state: int, steps: int) -> bool:
        """Whether 1 to ``steps`` more digits can make the input match."""
        return any(self.finishes(state, n) for n in range(1, steps + 1))


class Automata:
    """Automata by pattern, shared by the buckets of one inventory; the least recently
    used are dropped beyond ``keep`` (regions of one calling code reuse the same ones)."""

    def __init__(self, keep: int = 96) -> None:
        self._made: OrderedDict[tuple[str, bool], Automaton] = OrderedDict()
        self._keep = keep

    def __call__(self, pattern: str, *, dollar: bool = False) -> Automaton:
        key = (pattern, dollar)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = Automaton(pattern, dollar=dollar)
            if len(self._made) > self._keep:
                self._made.popitem(last=False)
        self._made.move_to_end(key)
        return found


class Probe:
    """Runs several automata side by side as one product automaton, built on demand.

    ``automata[:targets]`` describe the wanted type, ``automata[:checked]`` must give one
    answer over a whole block; any further ones are only tracked.
    """

    def __init__(self, automata: list[Automaton], targets: int, checked: int) -> None:
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
            wanted = any(summary != NONE for summary in summaries[: self._targets])
            found = self._judged[key] = (wanted, SOME not in summaries)
        return found

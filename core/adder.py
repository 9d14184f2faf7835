"""A hand-wired recurrent network that adds two binary numbers.

Three hard-threshold hidden units read the two numbers' bits least significant
first, padded with one extra 0 so the last carry comes out:

    h_t = σ(W h_{t-1} + U x_t + b_h),   y_t = σ(v·h_t + b_y),   σ(a) = 1 if a > 0 else 0.

With the textbook weights hidden unit k (k = 1, 2, 3) fires when at least k of
(a_t, b_t, carry) are 1, so unit 2 *is* the carry and y = h1 − h2 + h3 is the
parity of the three bits: the sum bit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from core.errors import InvalidSetting
from core.settings import Setting

MAX_INPUT_BITS = 64
MAX_VERIFY_BITS = 12
CHUNK_PAIRS = 1 << 18  # pairs checked between two tallies of verify_in_steps (a fraction of a second)
Notation = Literal["binary", "decimal"]

# The shape of each weight, in the order the pane and `--set` list them.
WEIGHT_SHAPES: dict[str, tuple[int, ...]] = {
    "v": (3,),
    "U": (3, 2),
    "W": (3, 3),
    "b_h": (3,),
    "b_y": (),
    "h_0": (3,),
}


def _as_tuple(value: object) -> object:
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_as_tuple(item) for item in value)
    return float(value)


@dataclass(frozen=True)
class AdderWeights:
    """Every weight of the network; the defaults are the textbook weights."""

    v: tuple[float, ...] = (1.0, -1.0, 1.0)
    U: tuple[tuple[float, ...], ...] = ((1.0, 1.0),) * 3
    W: tuple[tuple[float, ...], ...] = ((0.0, 1.0, 0.0),) * 3
    b_h: tuple[float, ...] = (0.0, -1.0, -2.0)
    b_y: float = 0.0
    h_0: tuple[float, ...] = (0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        for name, shape in WEIGHT_SHAPES.items():
            raw = getattr(self, name)
            try:
                array = np.asarray(raw, dtype=float)
            except (TypeError, ValueError):
                raise InvalidSetting(name, f"must be numbers of shape {_shape_text(shape)} (got {raw!r})") from None
            if array.shape != shape:
                raise InvalidSetting(name, f"must have shape {_shape_text(shape)} (got {_shape_text(array.shape)})")
            if not np.all(np.isfinite(array)):
                raise InvalidSetting(name, "must be finite numbers")
            object.__setattr__(self, name, _as_tuple(raw) if shape else float(raw))

    def array(self, name: str) -> np.ndarray:
        return np.asarray(getattr(self, name), dtype=float)

    def with_entry(self, name: str, index: tuple[int, ...], value: float) -> AdderWeights:
        """A copy with one entry of one weight changed (index () for the scalar b_y)."""
        array = self.array(name)
        array[index] = value
        return replace(self, **{name: array.tolist() if array.shape else float(array)})


@dataclass(frozen=True)
class AdderConfig:
    """What the adder lab shows: two numbers, whether they are written in decimal (else binary), and the weights."""

    a: int = 0b100111
    b: int = 0b110010
    decimal: bool = False
    weights: AdderWeights = field(default_factory=AdderWeights)

    def __post_init__(self) -> None:
        for name in ("a", "b"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidSetting(name, f"must be a whole number ≥ 0 (got {value!r})")
            if value.bit_length() > MAX_INPUT_BITS:
                raise InvalidSetting(name, f"must fit in {MAX_INPUT_BITS} bits (got {value.bit_length()} bits)")

    @property
    def notation(self) -> Notation:
        return "decimal" if self.decimal else "binary"


@dataclass(frozen=True)
class Step:
    """One time step: input bits, pre-activations, hidden state and output bit."""

    t: int
    x: tuple[int, int]
    pre: tuple[float, float, float]
    h: tuple[int, int, int]
    y_pre: float
    y: int

    @property
    def carry(self) -> int:
        """The carry the textbook network holds after this step: unit 2 (at least two ones)."""
        return self.h[1]


@dataclass(frozen=True)
class Addition:
    """A whole run of the network on a + b."""

    a: int
    b: int
    steps: tuple[Step, ...]

    @property
    def width(self) -> int:
        return len(self.steps)

    @property
    def total(self) -> int:
        """The network's answer, read from y_t as bit t."""
        return sum(step.y << step.t for step in self.steps)

    @property
    def expected(self) -> int:
        return self.a + self.b

    @property
    def correct(self) -> bool:
        return self.total == self.expected


@dataclass(frozen=True)
class Verification:
    bits: int
    checked: int
    failures: int
    first_counterexample: tuple[int, int] | None


def _shape_text(shape: tuple[int, ...]) -> str:
    return "scalar" if not shape else "×".join(str(n) for n in shape)


def threshold(pre_activation: np.ndarray) -> np.ndarray:
    """σ(a) = 1 if a > 0 else 0: note σ(0) = 0, which the textbook weights rely on."""
    return (pre_activation > 0).astype(np.int64)


def to_bits(number: int, width: int) -> list[int]:
    """Bits of `number`, least significant first, padded with zeros to `width`."""
    return [(number >> t) & 1 for t in range(width)]


def format_bits(number: int, width: int) -> str:
    """`number` as a binary string of `width` digits, most significant first."""
    return format(number, f"0{width}b")


def width_for(a: int, b: int) -> int:
    """Steps needed for a + b: the longer number's bits plus one for the last carry."""
    return max(a.bit_length(), b.bit_length(), 1) + 1


def add(weights: AdderWeights, a: int, b: int) -> Addition:
    """Run the network on a + b for `width_for(a, b)` steps, recording every step."""
    width = width_for(a, b)
    W, U, b_h = weights.array("W"), weights.array("U"), weights.array("b_h")
    v, b_y = weights.array("v"), weights.b_y
    h = weights.array("h_0")
    steps = []
    for t, x in enumerate(zip(to_bits(a, width), to_bits(b, width))):
        pre = W @ h + U @ np.array(x, dtype=float) + b_h
        h = threshold(pre).astype(float)
        y_pre = float(v @ h + b_y)
        steps.append(Step(t, x, tuple(pre.tolist()), tuple(int(bit) for bit in h), y_pre, int(y_pre > 0)))
    return Addition(a, b, tuple(steps))


def check_verify_bits(bits: int) -> int:
    """`bits` if an exhaustive check of that many bits is allowed (2**(2·bits) pairs)."""
    if not 1 <= bits <= MAX_VERIFY_BITS:
        raise InvalidSetting("verify", f"bits must be 1 to {MAX_VERIFY_BITS} (got {bits})")
    return bits


def verify(weights: AdderWeights, bits: int = 8) -> Verification:
    """Check every pair a, b < 2**bits at once (vectorised over pairs).

    The first counterexample is the smallest a, then the smallest b.
    """
    for verification in verify_in_steps(weights, bits):
        pass
    return verification


def verify_in_steps(weights: AdderWeights, bits: int = 8) -> Iterator[Verification]:
    """`verify`, one chunk of about CHUNK_PAIRS pairs at a time: yields the tally so far after each chunk
    (`checked` counts the pairs done), the last one complete, so a caller can show progress or stop early."""
    n = 1 << check_verify_bits(bits)
    W, U, b_h = weights.array("W"), weights.array("U"), weights.array("b_h")
    v, b_y = weights.array("v"), weights.b_y
    b_values = np.arange(n, dtype=np.int64)
    first = None
    failures = 0
    # Chunks of whole rows of a keep memory and the time between tallies small whatever `bits` is.
    rows_per_chunk = max(1, CHUNK_PAIRS // n)
    for a_start in range(0, n, rows_per_chunk):
        a_values = np.arange(a_start, min(n, a_start + rows_per_chunk), dtype=np.int64)
        a_grid = np.repeat(a_values, n)
        b_grid = np.tile(b_values, len(a_values))
        h = np.broadcast_to(weights.array("h_0"), (len(a_grid), 3))
        total = np.zeros(len(a_grid), dtype=np.int64)
        for t in range(bits + 1):
            x = np.stack([(a_grid >> t) & 1, (b_grid >> t) & 1], axis=1).astype(float)
            h = threshold(h @ W.T + x @ U.T + b_h).astype(float)
            total |= threshold(h @ v + b_y) << t
        wrong = np.flatnonzero(total != a_grid + b_grid)
        failures += len(wrong)
        if first is None and len(wrong):
            first = (int(a_grid[wrong[0]]), int(b_grid[wrong[0]]))
        yield Verification(bits, int(a_values[-1] + 1) * n, failures, first)


def parse_number(text: str, notation: Notation, name: str) -> int:
    """A number a user typed, in binary or decimal, checked with a message that says what is allowed."""
    digits = text.strip().replace("_", "")
    if not digits:
        raise InvalidSetting(name, f"enter a {notation} number")
    allowed = "01" if notation == "binary" else "0123456789"
    bad = next((char for char in digits if char not in allowed), None)
    if bad is not None:
        what = "binary digits 0 and 1" if notation == "binary" else "decimal digits 0-9"
        raise InvalidSetting(name, f"only {what} are allowed, no sign (got {bad!r})")
    value = int(digits, 2 if notation == "binary" else 10)
    if value.bit_length() > MAX_INPUT_BITS:
        raise InvalidSetting(name, f"must fit in {MAX_INPUT_BITS} bits (got {value.bit_length()} bits)")
    return value


def format_number(value: int, notation: Notation) -> str:
    return format(value, "b") if notation == "binary" else str(value)


def _number_setting(name: str, label: str, which: str) -> Setting:
    """a or b: typed in the notation the config's decimal flag picks."""
    return Setting(name, "int", label, f"{which} number, at most {MAX_INPUT_BITS} bits (binary unless decimal is on)",
                   metavar="NUMBER", read=lambda text, config: parse_number(text, config.notation, name),
                   write=lambda value, config: format_number(value, config.notation))


# The weights are not settings: a record of six arrays, edited entry by entry in the pane's grid and by
# NAME=VALUES on the command line (parse_weight_assignment), not typed as one text.
SETTINGS = (
    _number_setting("a", "a", "first"),
    _number_setting("b", "b", "second"),
    Setting("decimal", "flag", "decimal", "read and show the numbers in decimal"),
)


def parse_weight_assignment(text: str) -> tuple[str, object]:
    """`NAME=VALUES` as on the command line: `b_y=0.5`, `v=1,-1,1`, `U=1,1;1,1;1,1` (rows split by ';')."""
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or name not in WEIGHT_SHAPES:
        raise InvalidSetting("set", f"expected NAME=VALUES with NAME one of {', '.join(WEIGHT_SHAPES)} (got {text!r})")
    try:
        rows = [[float(item) for item in row.split(",")] for row in values.split(";")]
    except ValueError:
        raise InvalidSetting("set", f"{name}: values must be numbers split by ',' and rows by ';' "
                             f"(got {values!r})") from None
    shape = WEIGHT_SHAPES[name]
    if len(shape) == 2:
        return name, rows
    flat = [item for row in rows for item in row]
    if not shape:
        if len(flat) != 1:
            raise InvalidSetting("set", f"{name} takes one number (got {values!r})")
        return name, flat[0]
    return name, flat

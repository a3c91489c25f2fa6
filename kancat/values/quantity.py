"""Kubernetes resource quantities: ``100m``, ``1.5``, ``128Mi``, ``1G``, ``1e3``.

A :class:`Quantity` keeps the text it was written with (so equal values emit the
same bytes) and compares by the amount it denotes.

>>> Quantity.of("500m") < Quantity.of("1")
True
>>> Quantity.of("1Gi").amount == 1024 ** 3
True
>>> Quantity.of("1.5").text
'1.5'
>>> Quantity.parse("12 apples")
<Failure: 1 problem:
  '12 apples' is not a Kubernetes quantity (write a number with an optional suffix such as 100m, 0.5, 128Mi or 1G)>
"""

import functools
import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs

if TYPE_CHECKING:
    from returns.result import Result

from kancat.errors import InvalidValue, Problem

__all__ = ["Quantity"]

_QUANTITY = re.compile(
    r"([+-]?(?:[0-9]{1,64}(?:\.[0-9]{0,64})?|\.[0-9]{1,64}))"
    r"(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]{1,3})?\Z"
)
_SUFFIX: Final[dict[str, Fraction]] = {
    "": Fraction(1),
    "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30),
    "Ti": Fraction(2**40), "Pi": Fraction(2**50), "Ei": Fraction(2**60),
    "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000),
    "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9),
    "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18),
}


def _is_quantity(text: str) -> bool:
    match = _QUANTITY.match(text)
    if match is None:
        return False
    suffix = match.group(2) or ""
    # Exponents beyond the range of the suffixes n..E denote no real resource amount.
    return suffix[:1] not in ("e", "E") or -9 <= int(suffix[1:]) <= 18


def _amount(text: str) -> Fraction:
    match = _QUANTITY.match(text)
    assert match is not None, text
    number, suffix = match.group(1), match.group(2) or ""
    if suffix[:1] in ("e", "E"):
        return Fraction(number) * Fraction(10) ** int(suffix[1:])
    return Fraction(number) * _SUFFIX[suffix]


def _problem(text: object) -> Problem:
    return Problem("", f"{text!r} is not a Kubernetes quantity",
                   "write a number with an optional suffix such as 100m, 0.5, 128Mi or 1G")


@attrs.frozen(order=False)
class Quantity:
    """A parsed quantity; ``text`` is what gets emitted, ``amount`` what gets compared."""

    text: str
    _amount: Fraction | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.text, str) or not _is_quantity(self.text):
            raise InvalidValue([_problem(self.text)])

    @property
    def amount(self) -> Fraction:
        """The exact amount in base units (cores, bytes), computed on first use."""
        if self._amount is None:
            object.__setattr__(self, "_amount", _amount(self.text))
        assert self._amount is not None
        return self._amount

    @property
    def is_negative(self) -> bool:
        return self.text.startswith("-") and self.amount < 0

    @classmethod
    def parse(cls, value: Any) -> "Result[Quantity, InvalidValue]":
        """Read a quantity from YAML data (a string, or a plain number)."""
        from returns.result import Failure, Success

        try:
            return Success(cls.of(value))
        except InvalidValue as error:
            return Failure(error)

    @classmethod
    def of(cls, value: "str | int | float | Quantity") -> "Quantity":
        """Like :meth:`parse` but raising :class:`~kancat.errors.InvalidValue`."""
        if isinstance(value, Quantity):
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidValue([_problem(value)])
        text = value if isinstance(value, str) else _number_text(value)
        if not _is_quantity(text):
            raise InvalidValue([_problem(value)])
        return _cached(text)

    def __lt__(self, other: "Quantity") -> bool:
        return self.amount < other.amount

    def __le__(self, other: "Quantity") -> bool:
        return self.amount <= other.amount

    def __gt__(self, other: "Quantity") -> bool:
        return self.amount > other.amount

    def __ge__(self, other: "Quantity") -> bool:
        return self.amount >= other.amount

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=4096)
def _cached(text: str) -> Quantity:
    """Quantities are immutable: equal texts can share one value."""
    return Quantity(text)


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)

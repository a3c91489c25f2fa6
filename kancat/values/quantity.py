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

import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

if TYPE_CHECKING:
    from returns.result import Result

from kancat.errors import InvalidValue, Problem

__all__ = ["Quantity", "as_optional_quantity", "as_quantity", "quantity_of"]

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

    wire_text: ClassVar[bool] = True  # written as its text in a manifest

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
        known = _KNOWN.get(value) if type(value) is str else None
        if known is not None:
            return known
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


_KNOWN: dict[str, Quantity] = {}
"""Quantities are immutable: equal texts share one value (the first 4096 texts seen)."""


def _cached(text: str) -> Quantity:
    found = _KNOWN.get(text)
    if found is None:
        found = Quantity(text)
        if len(_KNOWN) < 4096:
            _KNOWN[text] = found
    return found


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def as_optional_quantity(value: "Quantity | str | int | float | None") -> "Quantity | None":
    """Converter: a quantity (or ``None``); input that is no quantity is kept, and the
    value's check reports it."""
    if value is None or isinstance(value, Quantity):
        return value
    try:
        return Quantity.of(value)
    except InvalidValue:
        return value  # type: ignore[return-value]  # reported by the check


def as_quantity(value: "Quantity | str | int | float") -> "Quantity":
    """Converter: a quantity; input that is no quantity is kept for the check."""
    converted = as_optional_quantity(value)
    return converted  # type: ignore[return-value]  # None only for None


# --- arithmetic: exact amounts back to quantities ---------------------------------------

_BYTE_RESOURCES = ("memory", "ephemeral-storage", "storage")
_BINARY_UNITS = ((Fraction(2**40), "Ti"), (Fraction(2**30), "Gi"), (Fraction(2**20), "Mi"),
                 (Fraction(2**10), "Ki"), (Fraction(1), ""))
_DECIMAL_UNITS = ((Fraction(1), ""), (Fraction(1, 10**3), "m"), (Fraction(1, 10**6), "u"),
                  (Fraction(1, 10**9), "n"))
_NANO = Fraction(1, 10**9)


def _decimal_text(amount: Fraction) -> str:
    """The exact decimal notation of an amount whose denominator divides a power of ten."""
    places = 0
    while (amount * 10**places).denominator != 1:
        places += 1
    digits = str(abs(amount.numerator * 10**places // amount.denominator)).rjust(places + 1, "0")
    whole, fraction = (digits[:-places], digits[-places:]) if places else (digits, "")
    return ("-" if amount < 0 else "") + whole + ("." + fraction if fraction else "")


def quantity_of(resource: str, amount: Fraction | int) -> Quantity:
    """The exact amount of ``resource`` written as a Kubernetes quantity.

    Byte resources (``memory``, ``ephemeral-storage``, ``hugepages-*``) take the
    largest binary suffix that keeps a whole number (``Ti``, ``Gi``, ``Mi``,
    ``Ki``), else whole bytes; ``cpu`` and every other resource take whole units,
    else ``m``, ``u`` or ``n``; an amount finer than that keeps decimals before ``n``.
    The quantity always denotes ``amount`` exactly: ``quantity_of(r, x).amount == x``.

    >>> quantity_of("cpu", Fraction(3, 2)), quantity_of("cpu", 2)
    (Quantity(text='1500m'), Quantity(text='2'))
    >>> quantity_of("memory", 384 * 2**20), quantity_of("memory", 10**9)
    (Quantity(text='384Mi'), Quantity(text='1000000000'))
    """
    value = Fraction(amount)
    if value == 0:
        return Quantity.of("0")
    byte_sized = resource in _BYTE_RESOURCES or resource.startswith("hugepages-")
    units = _BINARY_UNITS if byte_sized else ()
    for scale, suffix in (*units, *_DECIMAL_UNITS):
        scaled = value / scale
        if scaled.denominator == 1:
            return Quantity.of(f"{scaled.numerator}{suffix}")
    return Quantity.of(_decimal_text(value / _NANO) + "n")

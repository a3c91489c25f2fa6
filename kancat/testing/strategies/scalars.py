"""Values written as one string (:mod:`kancat.values.image`, :mod:`kancat.values.quantity`):
container image references and resource quantities."""

import hypothesis.strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from kancat.testing.strategies._draw import ALNUM, BOOLS, LOWER_ALNUM, choice, draws, maybe, pick
from kancat.testing.strategies.names import _subdomain_strategy
from kancat.values import ImageRef, Quantity

__all__ = ["image_refs", "quantities"]

_REGISTRIES = st.sampled_from((
    "registry.internal", "registry.internal:5000", "mirror.local", "localhost",
    "localhost:5000", "10.0.0.5:5000", "Registry.Corp.Internal")) | _subdomain_strategy(2).map(
    lambda host: host + ".internal")
_PATH_PARTS = st.lists(st.text(LOWER_ALNUM, min_size=1, max_size=6), min_size=1, max_size=3)
_PATH_SEPARATORS = st.sampled_from((".", "_", "__", "-", "--"))
_PATH_SEPARATORS_NO_DOT = st.sampled_from(("_", "__", "-", "--"))
_TAGS = st.sampled_from(("latest", "1.4.2", "v2", "1.27-alpine")) | st.text(
    ALNUM + "_.-", min_size=1, max_size=10).map(lambda tag: "v" + tag)
_DIGESTS = st.text("0123456789abcdef", min_size=64, max_size=64).map(
    lambda hexits: "sha256:" + hexits)


def _draw_path_component(draw: DrawFn, dots: bool) -> str:
    parts = draw(_PATH_PARTS)
    separators = _PATH_SEPARATORS if dots else _PATH_SEPARATORS_NO_DOT
    return parts[0] + "".join(draw(separators) + part for part in parts[1:])


@st.composite
def _image_ref(draw: DrawFn) -> ImageRef:
    registry = maybe(draw, _REGISTRIES)
    depth = draw(st.integers(1, 3))
    # Without a registry, a dot in the first of several components would read as a host.
    components = [_draw_path_component(draw, registry is not None or depth == 1 or index > 0)
                  for index in range(depth)]
    if registry is None and depth > 1 and components[0] == "localhost":
        components[0] = "lib" + components[0]
    text = "/".join(components)
    if registry is not None:
        text = f"{registry}/{text}"
    tag = maybe(draw, _TAGS)
    if tag is not None:
        text += ":" + tag
    digest = maybe(draw, _DIGESTS) if draw(BOOLS) else None
    if digest is not None:
        text += "@" + digest
    return ImageRef.of(text)


_IMAGE_REFS = _image_ref()


@draws(ImageRef)
def image_refs() -> SearchStrategy[ImageRef]:
    """Container image references: optional registry (host, IP or ``localhost``, with an
    optional port), one to three path components, optional tag and ``sha256`` digest.

    >>> from hypothesis import find
    >>> find(image_refs(), lambda ref: ref.digest is not None).digest[:7]
    'sha256:'
    """
    return _IMAGE_REFS


_QUANTITY_KINDS = ("cpu", "memory", "storage")


@st.composite
def _cpu(draw: DrawFn) -> Quantity:
    millis = draw(st.integers(1, 8000))
    style = draw(st.integers(0, 2))
    if style == 1 and millis % 1000 == 0:
        return Quantity.of(str(millis // 1000))
    if style == 2 and millis % 100 == 0:
        return Quantity.of(str(millis / 1000).removesuffix(".0"))
    return Quantity.of(f"{millis}m")


_MEMORY_SUFFIXES = ("Mi", "Gi", "Ki", "M", "G", "k", "", "e6")


@st.composite
def _memory(draw: DrawFn) -> Quantity:
    amount = draw(st.integers(1, 4096))
    suffix = pick(draw, _MEMORY_SUFFIXES)
    if suffix in ("Gi", "G"):
        amount = amount % 64 + 1
    elif suffix == "":
        amount *= 2**20
    return Quantity.of(f"{amount}{suffix}")


@st.composite
def _storage(draw: DrawFn) -> Quantity:
    return Quantity.of(f"{draw(st.integers(1, 500))}{pick(draw, ('Gi', 'Mi', 'Ti', 'G'))}")


_QUANTITIES: dict[str, SearchStrategy[Quantity]] = {
    "cpu": _cpu(), "memory": _memory(), "storage": _storage()}


@draws(Quantity)
def quantities(*, kind: str = "memory") -> SearchStrategy[Quantity]:
    """Positive resource quantities as people write them: ``kind="cpu"`` gives
    ``250m``, ``0.5``, ``2``; ``"memory"`` gives ``128Mi``, ``1Gi``, ``500M``, ``64e6``;
    ``"storage"`` gives ``10Gi``.

    >>> from hypothesis import find
    >>> find(quantities(kind="cpu"), lambda q: q.amount >= 1).amount
    Fraction(1, 1)
    """
    return _QUANTITIES[choice("quantities", "kind", kind, _QUANTITY_KINDS)]

"""Container image references: ``[registry[:port]/]path[:tag][@algorithm:digest]``.

The grammar is that of ``github.com/distribution/reference`` (what the kubelet
and container runtimes use), so a reference kancat accepts is one a node can pull.
The text is kept as written: ``nginx`` is not rewritten to ``docker.io/library/nginx``.

>>> ref = ImageRef.of("registry.example.com:5000/shop/web:1.4.2")
>>> (ref.registry, ref.repository, ref.tag)
('registry.example.com:5000', 'shop/web', '1.4.2')
>>> str(ref.with_registry("mirror.internal"))
'mirror.internal/shop/web:1.4.2'
>>> str(ImageRef.of("nginx").with_digest("sha256:" + "a" * 64))
'nginx@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
>>> ImageRef.parse("Shop/Web App:latest")
<Failure: 1 problem:
  'Shop/Web App:latest' is not a valid image reference (lowercase the repository path; use [registry[:port]/]path[:tag][@sha256:<64 hex>], e.g. 'registry.example.com/shop/web:1.4.2')>
"""

import functools
import re
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

if TYPE_CHECKING:
    from returns.result import Result

from kancat.errors import InvalidValue, Problem

__all__ = ["ImageRef", "to_image"]

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?\Z"
)
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_PATH = re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*\Z")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}\Z")
_REGISTERED_DIGESTS = {"sha256": re.compile(r"[a-f0-9]{64}\Z"),
                       "sha384": re.compile(r"[a-f0-9]{96}\Z"),
                       "sha512": re.compile(r"[a-f0-9]{128}\Z")}
_HINT = ("use [registry[:port]/]path[:tag][@sha256:<64 hex>], "
         "e.g. 'registry.example.com/shop/web:1.4.2'")


_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=8192)
def _split(text: str) -> tuple[str | None, str, str | None, str | None] | str:
    """Split a reference into its parts, or say what is wrong with it (cached: the same
    images recur across a fleet, and a reference is checked again by the constructor)."""
    if not text:
        return "an image reference must not be empty"
    if len(text) > 4096 or _SPACE.search(text):
        return "lowercase the repository path" if text.lower() != text else "remove spaces"
    rest, at, digest = text.partition("@")
    if at:
        algorithm, _, encoded = digest.partition(":")
        strict = _REGISTERED_DIGESTS.get(algorithm)
        if not _DIGEST.match(digest) or (strict is not None and not strict.match(encoded)):
            return "a digest is algorithm:hex, e.g. sha256 followed by 64 lowercase hex digits"
    registry: str | None = None
    first, slash, remainder = rest.partition("/")
    if slash and (("." in first or ":" in first) or first == "localhost"
                  or first.lower() != first):
        registry, rest = first, remainder
        if not _DOMAIN.match(registry):
            return f"registry {registry!r} is not a host name with an optional port"
    tag: str | None = None
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > last_slash:
        rest, tag = rest[:colon], rest[colon + 1:]
        if not _TAG.match(tag):
            return "a tag is at most 128 of letters, digits, '_', '.' and '-'"
    if not _PATH.match(rest):
        return ("lowercase the repository path" if rest.lower() != rest
                else "path components are lowercase letters and digits joined by '.', '_', "
                     "'__' or '-'")
    if len(rest) + (len(registry) + 1 if registry else 0) > 255:
        return "the repository name must be at most 255 characters"
    return registry, rest, tag, digest if at else None


@attrs.frozen
class ImageRef:
    """A parsed image reference. Build with :meth:`of` or :meth:`parse`."""

    wire_text: ClassVar[bool] = True  # written as its text in a manifest

    registry: str | None
    repository: str
    tag: str | None = None
    digest: str | None = None

    def __attrs_post_init__(self) -> None:
        parts = _split(str(self))
        if isinstance(parts, str) or parts != (self.registry, self.repository, self.tag,
                                               self.digest):
            raise InvalidValue([_problem(str(self), parts if isinstance(parts, str)
                                         else "its parts do not read back the same")])

    @classmethod
    def parse(cls, text: Any) -> "Result[ImageRef, InvalidValue]":
        """Parse ``text``; the failure says which part is wrong and how to write it."""
        from returns.result import Failure, Success

        try:
            return Success(cls.of(text))
        except InvalidValue as error:
            return Failure(error)

    @classmethod
    def of(cls, text: "str | ImageRef") -> "ImageRef":
        """Like :meth:`parse` but raising :class:`~kancat.errors.InvalidValue`."""
        if isinstance(text, ImageRef):
            return text
        if not isinstance(text, str):
            raise InvalidValue([Problem("", f"image must be a string, got {text!r}", _HINT)])
        parts = _split(text)
        if isinstance(parts, str):
            raise InvalidValue([_problem(text, parts)])
        return cls(*parts)

    @property
    def name(self) -> str:
        """Registry and repository, without tag or digest."""
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    def with_registry(self, registry: str | None) -> "ImageRef":
        """The same image pulled from another registry (``None``: the default one)."""
        return attrs.evolve(self, registry=registry)

    def with_tag(self, tag: str | None) -> "ImageRef":
        return attrs.evolve(self, tag=tag)

    def with_digest(self, digest: str | None) -> "ImageRef":
        """Pin to a content digest (the tag, if any, is kept for readability)."""
        return attrs.evolve(self, digest=digest)

    def __str__(self) -> str:
        text = self.name
        if self.tag is not None:
            text += ":" + self.tag
        if self.digest is not None:
            text += "@" + self.digest
        return text


def _problem(text: str, why: str) -> Problem:
    return Problem("", f"{text!r} is not a valid image reference", f"{why}; {_HINT}")


def to_image(value: "str | ImageRef") -> ImageRef:
    """Converter: image text to an :class:`ImageRef` (text that does not parse is kept,
    and the value's check reports why)."""
    if isinstance(value, str):
        parts = _split(value)
        if not isinstance(parts, str):
            return ImageRef(*parts)
    return value  # type: ignore[return-value]  # not an image: reported by the check

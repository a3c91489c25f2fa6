"""The errors kancat reports.

Two kinds, kept apart on purpose:

* :class:`InvalidArgument` is a *programming* mistake in how the API is called
  (a wrong type, an unknown option). It is raised, never carried in a ``Result``.
* :class:`InvalidValue` is a *domain* failure: input that would make an invalid
  Kubernetes object. It holds every :class:`Problem` found, each naming the
  Kubernetes field path, what is wrong and how to fix it. Smart constructors and
  the loader return it inside ``returns.result.Failure``; the raising
  constructors (``X.of``, ``X(...)``) raise it.

>>> p = Problem("spec.replicas", "must be >= 0, got -1", "use 0 or more replicas")
>>> str(p)
'spec.replicas: must be >= 0, got -1 (use 0 or more replicas)'
>>> str(InvalidValue([p]))
'1 problem:\\n  spec.replicas: must be >= 0, got -1 (use 0 or more replicas)'
"""

from collections.abc import Iterable

import attrs

__all__ = ["InvalidArgument", "InvalidValue", "Problem", "join_path"]


def join_path(prefix: str, path: str) -> str:
    """Join two field paths: ``join_path("spec", "replicas") == "spec.replicas"``.

    >>> join_path("spec.containers", "[0].name")
    'spec.containers[0].name'
    >>> join_path("", "metadata.name")
    'metadata.name'
    """
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


@attrs.frozen
class Problem:
    """One thing wrong with an input, located by its Kubernetes field path.

    ``document`` and ``object`` (``Kind/name``) are filled in by the loader, so a
    problem read from a multi-document file says where it stands.
    """

    path: str
    message: str
    hint: str = ""
    document: int | None = None
    object: str | None = None

    def under(self, prefix: str) -> "Problem":
        """The same problem seen from a parent: its path gains ``prefix``."""
        return attrs.evolve(self, path=join_path(prefix, self.path))

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text} ({self.hint})" if self.hint else text


class InvalidValue(ValueError):
    """Input that cannot become a kancat value; ``problems`` lists every reason."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}:"
        return "\n  ".join([head, *(str(p) for p in self.problems)])

    def under(self, prefix: str) -> "InvalidValue":
        """The same failure seen from a parent field ``prefix``."""
        return InvalidValue(p.under(prefix) for p in self.problems)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InvalidValue) and other.problems == self.problems

    def __hash__(self) -> int:
        return hash(self.problems)

    def __reduce__(self) -> tuple[type["InvalidValue"], tuple[tuple[Problem, ...]]]:
        return (InvalidValue, (self.problems,))


class InvalidArgument(TypeError):
    """The API was called the wrong way (not bad data: a bug in the caller)."""

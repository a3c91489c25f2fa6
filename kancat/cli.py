"""The ``kancat`` command line: ``kancat emit``, ``kancat check``, ``kancat inject`` and
``kancat images``.

``kancat emit [TARGET]`` writes the Kubernetes YAML (or JSON, or a kustomize
directory) of a kancat value named ``package.module:attribute`` or
``path/to/file.py:attribute``; ``kancat check FILE...`` validates Kubernetes YAML
files and prints every problem, one per line, as ``FILE:DOC: Kind/name: path:
message (hint)``; ``kancat inject`` writes Kubernetes YAML back with Istio's sidecar
injected (:mod:`kancat.patterns.istio_injection`); ``kancat images [TARGET]`` lists the
images of a value and warns about unpinned ones, or with ``--workflow`` prints a GitHub
Actions workflow scanning them with Trivy (:mod:`kancat.interpret.scanning`).

Exit codes: 0 success; 1 invalid values (every problem printed, nothing emitted);
2 usage errors (bad arguments, a target that cannot be imported or emitted, an
unreadable file).

>>> print(format_problem(Problem("spec.replicas", "must be >= 0", "use 0 or more",
...                              1, "Deployment/web")))
Deployment/web: spec.replicas: must be >= 0 (use 0 or more)
>>> print(format_problem(Problem("", "malformed YAML", document=2), file="app.yaml"))
app.yaml:2: (document): malformed YAML
"""

import argparse
import contextlib
import importlib
import importlib.machinery
import importlib.util
import itertools
import os
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import attrs
from returns.result import Failure, Success

from kancat import __version__
from kancat.errors import InvalidArgument, InvalidValue, Problem
from kancat.values import KubeObject
from kancat.values.kinds import DEFAULT_VERSION, KubernetesVersion

__all__ = ["DEFAULT_TARGET", "format_problem", "main"]

DEFAULT_TARGET = "kancat.examples:production"

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

_KANCAT_DIR = str(Path(__file__).resolve().parent)
_module_numbers = itertools.count(1)


# --- output -----------------------------------------------------------------------------------

def format_problem(problem: Problem, *, file: str | None = None) -> str:
    """One problem on one line: ``[FILE:DOC: ][Kind/name: ]path: message (hint)``.

    With ``file`` the line starts with ``FILE:DOC:`` (DOC 1-based, 0 when the problem
    is not in a document); ``Kind/name`` is left out when the problem names no object.
    """
    parts = [f"{file}:{problem.document or 0}:"] if file is not None else []
    if problem.object:
        parts.append(f"{problem.object}:")
    parts.append(str(problem) if problem.path else f"(document): {problem}")
    return " ".join(parts)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _report_invalid(error: InvalidValue, summary: str) -> int:
    for problem in error.problems:
        _err(format_problem(problem))
    _err(f"kancat: {summary} ({_plural(len(error.problems), 'problem')})")
    return EXIT_INVALID


# --- targets ------------------------------------------------------------------------------------

class _TargetError(Exception):
    """The target cannot be imported or used (exit 2); ``str()`` is the message."""


_IDENTIFIERS = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def _split_target(target: str) -> tuple[str, str]:
    module, colon, attribute = target.rpartition(":")
    if not colon or not module or not attribute:
        raise _TargetError(f"kancat: bad target {target!r}: write package.module:attribute "
                           "or path/to/file.py:attribute (e.g. kancat.examples:production)")
    if not _IDENTIFIERS.fullmatch(attribute):
        raise _TargetError(f"kancat: bad target {target!r}: {attribute!r} is not an "
                           "attribute name (use name or name.inner)")
    if not _is_path(module) and not _IDENTIFIERS.fullmatch(module):
        raise _TargetError(f"kancat: bad target {target!r}: {module!r} is neither a module "
                           "name (package.module) nor a path to a .py file")
    return module, attribute


def _is_path(module: str) -> bool:
    return module.endswith(".py") or "/" in module or os.sep in module


@contextlib.contextmanager
def _on_sys_path(directory: str) -> Iterator[None]:
    """``directory`` first on ``sys.path`` for the duration (so sibling imports work)."""
    added = directory not in sys.path
    if added:
        sys.path.insert(0, directory)
    try:
        yield
    finally:
        if added:
            with contextlib.suppress(ValueError):
                sys.path.remove(directory)


def _import_file(path_text: str, target: str) -> ModuleType:
    path = Path(path_text)
    if not path.is_file():
        reason = "is a directory" if path.is_dir() else "no such file"
        raise _TargetError(f"kancat: cannot import {target}: {path_text}: {reason}")
    stem = re.sub(r"\W", "_", path.stem)
    name = f"_kancat_target_{next(_module_numbers)}_{stem}"
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None  # a loader was given, so a spec is always made
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # classes defined in it can find their module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _import_module(name: str, target: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if missing and (name == missing or name.startswith(missing + ".")):
            raise _TargetError(f"kancat: cannot import {target}: no module named {missing!r} "
                               "(is it installed, or are you in the directory that "
                               "holds it?)") from None
        raise


def _resolve(root: Any, attribute: str, target: str) -> Any:
    value = root
    for depth, name in enumerate(attribute.split(".")):
        try:
            value = getattr(value, name)
        except AttributeError:
            owner = ".".join(attribute.split(".")[:depth]) or f"module {root.__name__!r}"
            raise _TargetError(f"kancat: cannot import {target}: {owner} has no attribute "
                               f"{name!r}") from None
    return value


def _where(error: BaseException) -> str:
    """`` (raised at file:line)``: the user's line that raised, or that called into kancat."""
    found: traceback.FrameSummary | None = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith(_KANCAT_DIR):
            if found is not None:
                break  # the user's code called kancat, which raised
        elif not frame.filename.startswith("<"):  # not importlib's frozen frames
            found = frame
    return f" (raised at {found.filename}:{found.lineno})" if found is not None else ""


def _load_objects(target: str, version: KubernetesVersion = DEFAULT_VERSION
                  ) -> list[KubeObject]:
    """Import the target and flatten it with ``objects_of`` (for ``version``: a value
    may give objects that depend on it, see ``HasVersionedObjects``).

    Raises :class:`_TargetError` for every failure of the user's code or of the target
    itself, except :class:`InvalidValue`, which is passed on (exit 1, not 2).
    """
    from kancat.interpret.emit import objects_of

    module_name, attribute = _split_target(target)
    directory = (str(Path(module_name).resolve().parent) if _is_path(module_name)
                 else os.getcwd())
    # Everything below runs the user's code (the import, attribute properties, a
    # generator or an objects() method), so any exception it raises is reported as
    # one line, never a traceback.
    with _on_sys_path(directory):
        try:
            module = (_import_file(module_name, target) if _is_path(module_name)
                      else _import_module(module_name, target))
            value = _resolve(module, attribute, target)
            return objects_of(value, kubernetes_version=version)
        except (_TargetError, InvalidValue):
            raise
        except InvalidArgument as error:
            raise _TargetError(f"kancat: {target} cannot be emitted: {error}") from None
        except Exception as error:
            raise _TargetError(f"kancat: cannot import {target}: {type(error).__name__}: "
                               f"{error}{_where(error)}") from None


# --- commands ----------------------------------------------------------------------------------

def _findings(findings: list[Any], labels: list[str] | None = None) -> int:
    """Print checks across objects (warnings and errors); the number of errors.
    ``labels[i]`` is ``FILE:DOC`` of object ``i + 1`` when the objects came from files."""
    errors = 0
    for finding in findings:
        problem = finding.problem
        where = ""
        if labels is not None and problem.document is not None:
            where = labels[problem.document - 1] + ": "
            problem = attrs.evolve(problem, document=None)
        line = where + format_problem(problem)
        if finding.severity == "error":
            errors += 1
            print(line) if labels is not None else _err(line)
        else:
            _err(f"{where}warning: {format_problem(problem)}")
    return errors


def _emit(args: argparse.Namespace) -> int:
    from kancat.interpret.consistency import check_objects
    from kancat.interpret.emit import render, write_directory
    from kancat.values.kinds import parse_version

    try:
        version = parse_version(args.kubernetes_version)
    except InvalidArgument as error:
        _err(f"kancat: {error}")
        return EXIT_USAGE
    target: str = args.target
    try:
        objects = _load_objects(target, version)
    except _TargetError as error:
        _err(str(error))
        return EXIT_USAGE
    except InvalidValue as error:
        return _report_invalid(error, f"{target} raised an invalid value{_where(error)}; "
                                      "nothing emitted")
    errors = _findings(check_objects(objects, strict=args.strict))
    if errors:
        _err(f"kancat: {target} has {_plural(errors, 'problem')} across its objects; "
             "nothing emitted")
        return EXIT_INVALID
    if args.output is None:
        rendered = render(objects, format=args.format, kubernetes_version=version)
        if isinstance(rendered, Failure):
            return _report_invalid(rendered.failure(), f"cannot emit {target}; nothing emitted")
        sys.stdout.write(rendered.unwrap())
        return EXIT_OK
    try:
        written = write_directory(objects, args.output, format=args.format,
                                  kubernetes_version=version)
    except OSError as error:
        _err(f"kancat: cannot write {args.output}: {error.strerror or error}")
        return EXIT_USAGE
    if isinstance(written, Failure):  # nothing was written
        return _report_invalid(written.failure(), f"cannot emit {target}; nothing written")
    for path in written.unwrap():
        _err(str(path))
    return EXIT_OK


def _read(name: str) -> str:
    """The text of a file (``-``: standard input); raises OSError or UnicodeDecodeError."""
    if name == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (e.g. io.StringIO)
            return sys.stdin.read()
        data: bytes = buffer.read()
    else:
        data = Path(name).read_bytes()
    return data.decode("utf-8-sig")


def _unreadable_reason(error: OSError | UnicodeDecodeError) -> str:
    if isinstance(error, UnicodeDecodeError):
        return (f"not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset "
                f"{error.start})")
    return error.strerror or str(error)


_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
_KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _inputs(names: list[str]) -> Iterator[tuple[str, str | OSError | UnicodeDecodeError]]:
    """``(shown name, text or the error reading it)`` of every file to check: files as
    given, directories expanded (through their kustomization, else every manifest file
    in them, sorted), kustomization files expanded into their resources."""
    for name in names:
        if name == "-":
            try:
                yield "<stdin>", _read(name)
            except (OSError, UnicodeDecodeError) as error:
                yield "<stdin>", error
            continue
        yield from _expand(Path(name), name, set())


def _expand(path: Path, shown: str, visited: set[Path]) -> Iterator[
        tuple[str, str | OSError | UnicodeDecodeError]]:
    real = path.resolve()
    if real in visited:
        return
    visited.add(real)
    if path.is_dir():
        kustomization = next((path / k for k in _KUSTOMIZATIONS if (path / k).is_file()), None)
        if kustomization is not None:
            yield from _expand(kustomization, str(kustomization), visited)
            return
        files = [child for child in sorted(path.rglob("*"))
                 if child.is_file() and child.suffix in _MANIFEST_SUFFIXES]
        if not files:
            yield shown, OSError(f"no {', '.join(_MANIFEST_SUFFIXES)} files in it")
        for child in files:
            yield from _expand(child, str(child), visited)
        return
    try:
        text = _read(str(path))
    except (OSError, UnicodeDecodeError) as error:
        yield shown, error
        return
    resources = _kustomization_resources(text) if path.name in _KUSTOMIZATIONS or \
        path.suffix in _MANIFEST_SUFFIXES else None
    if resources is None:
        yield shown, text
        return
    for resource in resources:
        yield from _expand(path.parent / resource, str(path.parent / resource), visited)


def _kustomization_resources(text: str) -> list[str] | None:
    """The ``resources`` of a Kustomization document (``None`` when ``text`` is not one)."""
    import yaml

    try:
        document = yaml.safe_load(text) if "Kustomization" in text else None
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict) or document.get("kind") != "Kustomization" or \
            not str(document.get("apiVersion", "")).startswith("kustomize.config.k8s.io/"):
        return None
    resources = document.get("resources") or []
    return [str(r) for r in resources if isinstance(r, str) and "://" not in r]


def _check(args: argparse.Namespace) -> int:
    from kancat.interpret.consistency import check_objects
    from kancat.interpret.load import load_yaml

    problems = checked = unreadable = 0
    files_with_problems = 0
    loaded: list[Any] = []
    labels: list[str] = []
    for shown, text in _inputs(args.files):
        if not isinstance(text, str):
            _err(f"kancat: cannot read {shown}: {_unreadable_reason(text)}")
            unreadable += 1
            continue
        checked += 1
        result = load_yaml(text)
        if isinstance(result, Success):
            for number, value in enumerate(result.unwrap(), start=1):
                loaded.append(value)
                labels.append(f"{shown}:{number}")
            continue
        found = result.failure().problems
        files_with_problems += 1
        problems += len(found)
        for problem in found:
            print(format_problem(problem, file=shown))
    across = _findings(check_objects(loaded, provided=args.provided, strict=args.strict,
                                     sources=labels), labels)
    problems += across
    parts = []
    if problems:
        of = f" of {checked}" if files_with_problems < checked else ""
        parts.append(f"{_plural(problems, 'problem')} in {files_with_problems}{of} "
                     f"file{'' if checked == 1 else 's'}" if not across else
                     f"{_plural(problems, 'problem')} in {_plural(checked, 'file')}")
    elif checked:
        ok = "ok: " if not unreadable else "no problems: "
        parts.append(f"{ok}{_plural(len(loaded), 'object')} in {_plural(checked, 'file')}")
    if unreadable:
        parts.append(f"{_plural(unreadable, 'file')} unreadable")
    _err("; ".join(parts) or "no files to check")
    if unreadable:
        return EXIT_USAGE
    return EXIT_INVALID if problems else EXIT_OK


def _inject(args: argparse.Namespace) -> int:
    from kancat.interpret.consistency import check_objects
    from kancat.interpret.emit import render
    from kancat.interpret.load import load_yaml
    from kancat.patterns.istio_injection import istio_sidecar
    from kancat.values.kinds import parse_version

    try:
        version = parse_version(args.kubernetes_version)
        image = {k: v for k, v in (("hub", args.hub), ("tag", args.tag)) if v is not None}
        inject = istio_sidecar(native=args.native_sidecar, cni=args.cni,
                               revision=args.revision, **image)
    except (InvalidArgument, InvalidValue) as error:
        _err(f"kancat: {error}")
        return EXIT_USAGE
    shown = "<stdin>" if args.filename == "-" else args.filename
    try:
        text = _read(args.filename)
    except (OSError, UnicodeDecodeError) as error:
        _err(f"kancat: cannot read {shown}: {_unreadable_reason(error)}")
        return EXIT_USAGE
    loaded = load_yaml(text)
    if isinstance(loaded, Failure):
        found = loaded.failure().problems
        for problem in found:
            print(format_problem(problem, file=shown))
        _err(f"{_plural(len(found), 'problem')} in {shown}; nothing injected")
        return EXIT_INVALID
    objects = list(loaded.unwrap())
    labels = [f"{shown}:{number}" for number in range(1, len(objects) + 1)]
    errors = _findings(check_objects(objects, strict=args.strict, sources=labels), labels)
    if errors:
        _err(f"{_plural(errors, 'problem')} in {shown}; nothing injected")
        return EXIT_INVALID
    try:
        injected = inject(objects)
    except InvalidValue as error:
        return _report_invalid(error, f"cannot inject {shown}; nothing written")
    rendered = render(injected, format="yaml", kubernetes_version=version)
    if isinstance(rendered, Failure):
        return _report_invalid(rendered.failure(), f"cannot emit {shown} injected for "
                                                   f"Kubernetes {args.kubernetes_version}; "
                                                   "nothing written")
    sys.stdout.write(rendered.unwrap())
    return EXIT_OK


def _images(args: argparse.Namespace) -> int:
    from kancat.interpret.scanning import images_of, trivy_workflow, unpinned

    target: str = args.target
    try:
        objects = _load_objects(target)
        images = images_of(objects)
    except _TargetError as error:
        _err(str(error))
        return EXIT_USAGE
    except InvalidValue as error:
        return _report_invalid(error, f"{target} has invalid values or images")
    loose = unpinned(images, require_digest=args.require_digest)
    for image in loose:
        uses = ", ".join(map(str, image.uses))
        hint = (f"pin it by digest, e.g. {image.image.name}@sha256:..." if args.require_digest
                else f"give a version tag, e.g. {image.image.name}:1.27.3, or a digest")
        _err(f"warning: image {str(image)!r} is not pinned: "
             f"{image.unpinned_reason(require_digest=args.require_digest)} (used by {uses}; "
             f"{hint})")
    if loose and args.strict:
        _err(f"kancat: {target} has {_plural(len(loose), 'unpinned image')}")
        return EXIT_INVALID
    if args.workflow:
        if not images:
            _err(f"kancat: {target} uses no images: there is nothing to scan")
            return EXIT_INVALID
        sys.stdout.write(trivy_workflow(objects).to_yaml())
        return EXIT_OK
    for image in images:
        print(image)
    return EXIT_OK


# --- arguments -----------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kancat",
        description="Typed functional Kubernetes values: emit them as manifests, or check "
                    "Kubernetes YAML.",
        epilog="Exit codes: 0 success, 1 invalid values (every problem is printed), "
               "2 usage errors or unreadable input.")
    parser.add_argument("--version", action="version", version=f"kancat {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    emit = commands.add_parser(
        "emit", help="write the manifests of a kancat value",
        description="Write the Kubernetes manifests of a kancat value: YAML or JSON on "
                    "standard output, or with -o a directory of one file per object plus "
                    "kustomization.yaml (for kubectl kustomize / kubectl apply -k).")
    emit.add_argument("target", nargs="?", default=DEFAULT_TARGET, metavar="TARGET",
                      help="package.module:attribute or path/to/file.py:attribute naming a "
                           "value, a list of values, or an object with objects() "
                           f"(default: {DEFAULT_TARGET})")
    emit.add_argument("-o", "--output", metavar="DIR",
                      help="write a kustomize directory instead of standard output; the "
                           "written paths are printed on standard error")
    emit.add_argument("--format", choices=("yaml", "json"), default="yaml",
                      help="yaml (default): multi-document YAML; json: one object, or a "
                           "v1 List of several")
    emit.add_argument("--kubernetes-version", metavar="X.Y", default="1.32",
                      help="emit for this Kubernetes version, 1.20 to 1.37 (default: 1.32)")
    emit.add_argument("--strict", action="store_true",
                      help="refuse on warnings too (unpinned images, references to objects "
                           "not emitted, ...), not only on problems")
    emit.set_defaults(run=_emit)

    check = commands.add_parser(
        "check", help="validate Kubernetes YAML files",
        description="Load Kubernetes YAML (or JSON) files and print every problem on "
                    "standard output as FILE:DOC: Kind/name: path: message (hint); then "
                    "check the objects of all files together (an object given twice is a "
                    "problem; references to objects not given, unpinned images and "
                    "Services selecting no pods are warnings, on standard error). A "
                    "summary goes to standard error.")
    check.add_argument("files", nargs="+", metavar="PATH",
                       help="a YAML or JSON file, a directory (its kustomization.yaml, else "
                            "every .yaml/.yml/.json file in it), a kustomization.yaml (its "
                            "resources); - reads standard input")
    check.add_argument("--strict", action="store_true",
                       help="treat warnings as problems (exit 1)")
    check.add_argument("--provided", action="append", default=[], metavar="KIND/[NS/]NAME",
                       help="an object other tooling provides (e.g. Secret/shop/db); "
                            "repeat for more")
    check.set_defaults(run=_check)

    inject = commands.add_parser(
        "inject", help="inject Istio's sidecar into Kubernetes YAML",
        description="Load Kubernetes YAML (or JSON) and write it back on standard output "
                    "with Istio's sidecar injected into every pod template Istio would "
                    "inject (not into hostNetwork pods, pods labelled or annotated "
                    "sidecar.istio.io/inject: \"false\", or pods of kube-system and the "
                    "other system namespaces); everything else is written back unchanged. "
                    "Problems are printed as by kancat check, and then nothing is written.")
    inject.add_argument("-f", "--filename", default="-", metavar="FILE",
                        help="the YAML or JSON file; - (the default) reads standard input")
    inject.add_argument("--native-sidecar", action="store_true",
                        help="inject the proxy as a native sidecar (an init container with "
                             "restartPolicy: Always; Kubernetes 1.29 and later)")
    inject.add_argument("--cni", action="store_true",
                        help="the Istio CNI plugin redirects traffic: inject the unprivileged "
                             "istio-validation instead of istio-init (NET_ADMIN, root)")
    inject.add_argument("--revision", default="", metavar="REV",
                        help="the control-plane revision (default: the default one)")
    inject.add_argument("--hub", default=None, metavar="HUB",
                        help="where the proxyv2 image comes from (default: istio)")
    inject.add_argument("--tag", default=None, metavar="TAG",
                        help="the Istio release of the proxy image")
    inject.add_argument("--kubernetes-version", metavar="X.Y", default="1.32",
                        help="emit for this Kubernetes version, 1.20 to 1.37 (default: 1.32)")
    inject.add_argument("--strict", action="store_true",
                        help="treat warnings about the input as problems (exit 1)")
    inject.set_defaults(run=_inject)

    images = commands.add_parser(
        "images", help="list the images of a kancat value, or write a Trivy workflow",
        description="Print every image a kancat value uses, one per line, sorted (for any "
                    "scanner: kancat images | xargs -n1 trivy image); warn on standard error about "
                    "unpinned ones (no version tag, or :latest, and no digest). With "
                    "--workflow print a GitHub Actions workflow scanning each with Trivy.")
    images.add_argument("target", nargs="?", default=DEFAULT_TARGET, metavar="TARGET",
                        help="package.module:attribute or path/to/file.py:attribute, as for "
                             f"kancat emit (default: {DEFAULT_TARGET})")
    images.add_argument("--strict", action="store_true",
                        help="exit 1 when any image is unpinned (and print nothing)")
    images.add_argument("--require-digest", action="store_true",
                        help="count an image without a digest as unpinned, even with a "
                             "version tag")
    images.add_argument("--workflow", action="store_true",
                        help="print a GitHub Actions workflow scanning every image with "
                             "Trivy (SARIF uploaded to code scanning)")
    images.set_defaults(run=_images)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error
        status = exit_.code
        return status if isinstance(status, int) else (EXIT_OK if status is None else EXIT_USAGE)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.run(args)
    except BrokenPipeError:
        # The reader went away (e.g. `kancat emit | head`): stop quietly, and keep
        # Python from complaining again when it flushes stdout at exit.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INVALID
    return code

"""kancat's compiled encoder against a cattrs converter configured to give the same dicts.

    .venv/bin/python benchmarks/codec.py        # needs cattrs (a dev dependency)

The workload is N=2000 ``Container`` values (port, env var, volume mount, requests and
an HTTP liveness probe). The converter is configured from the same attrs metadata
kancat reads, not by hand: ``make_dict_unstructure_fn`` with ``override(rename=...,
omit_if_default=...)`` per field, read from each field's ``Wire``. On top of that:

* type hooks: one for the classes written as text (``ImageRef``, ``Quantity``: the
  ``wire_text`` classes) and one for one-of unions (``{variant.wire_key: variant}``).
  Tuples, ``FrozenMap[Quantity]`` and frozen JSON need none: cattrs' own sequence and
  mapping handling already writes them as lists and dicts;
* class hooks: the generated function cannot merge a carried map (``extra``) into the
  mapping nor write a one-of inline (``Probe.handler`` as ``httpGet:`` beside
  ``periodSeconds:``), so the classes with such fields get the generated function
  wrapped by one generic, metadata-driven wrapper. Fields at a nested path
  (``Deployment.replicas`` at ``spec.replicas``) would need the same; containers have
  none, so this script stops rather than guess.

Before timing, every container's cattrs dict must equal ``encode(container)``, key order
included (the YAML written from it would differ otherwise). Both are then timed with
``time.process_time`` (interleaved, median of 7 runs, ``gc.collect()`` before each).

Result (2026-11-27, CPython 3.11.7, attrs 26.1.0, cattrs 26.2.1): kancat 0.0XX s,
cattrs 0.0XX s, ratio cattrs/kancat X.XX; 5 of the 7 value classes met needed the
wrapper (carried map or inline one-of).
"""

import gc
import statistics
import sys
import time
import types
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from kancat.codec.encode import encode
from kancat.core.fields import WIRE, Wire
from kancat.core.frozen import FrozenMap
from kancat.core.value import Value
from kancat.values import Container, HTTPGetAction, Probe

N = 2000
RUNS = 7
INLINE = "\0inline"  # the generated function's key for a one-of written inline

WRAPPED: dict[str, str] = {}  # class → why its generated function needed a wrapper
GENERATED: list[str] = []  # classes served by the generated function alone


def workload() -> list[Container]:
    probe = Probe(HTTPGetAction("http", path="/healthz"), period_seconds=10)
    return [Container.of("app", image=f"registry.example.com/shop/app-{i}:1.0.{i}",
                         ports={"http": 8080}, env={"LOG_LEVEL": "info"},
                         requests={"cpu": "100m", "memory": "128Mi"},
                         volume_mounts={"logs": "/var/log/app"}, liveness_probe=probe)
            for i in range(N)]


def _dropped(default: Any) -> bool:
    """Whether kancat leaves a field holding its default out of the manifest."""
    return default is None or (isinstance(default, (tuple, FrozenMap)) and not default) or (
        isinstance(default, Value) and not encode(default))


def _is_value(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Value) and attrs.has(t)


def _is_oneof(t: Any) -> bool:
    members = [m for m in get_args(t) if m is not type(None)]
    return get_origin(t) in (Union, types.UnionType) and all(_is_value(m) for m in members)


def _merge(out: dict[str, Any], data: Any, convert: Callable[[Any], Any]) -> None:
    for key, item in data.items():
        if isinstance(out.get(key), dict):
            _merge(out[key], item, convert)
        elif key not in out:
            out[key] = convert(item)


def make_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_unstructure_hook_func(lambda t: getattr(t, "wire_text", False) is True, str)

    def oneof(value: Any) -> Any:  # the "other" variant (no wire_key) is its carried data
        key = type(value).wire_key
        return conv.unstructure(value) if key is None else {key: conv.unstructure(value)}

    conv.register_unstructure_hook_func(_is_oneof, oneof)

    def value_hook(cls: type) -> Callable[[Any], dict[str, Any]]:
        overrides, carried, inline = {}, [], False
        keys: list[tuple[str, bool]] = []  # the generated function's keys, and if optional
        for field in attrs.fields(cls):
            wire: Wire = field.metadata[WIRE]
            if wire.carried and not wire.path:
                carried.append(field.name)
                overrides[field.name] = override(omit=True)
            elif len(wire.path) <= 1:
                optional = wire.omit != "never" and field.default is not attrs.NOTHING and \
                    _dropped(field.default)
                inline = inline or not wire.path
                keys.append((wire.key or INLINE, optional))
                overrides[field.name] = override(rename=wire.key or INLINE,
                                                 omit_if_default=optional)
            else:
                sys.exit(f"{cls.__name__}.{field.name} sits at {wire.dotted}: the generated "
                         "function cannot nest it (it needs a hand-written hook)")
        generated = make_dict_unstructure_fn(cls, conv, **overrides)
        # cattrs writes the keys it always writes first, then the optional ones
        flags = [optional for _, optional in keys]
        order = [key for key, _ in keys] if flags != sorted(flags) else []
        if not carried and not inline and not order:
            GENERATED.append(cls.__name__)
            return generated
        WRAPPED[cls.__name__] = ", ".join(
            ([f"carried map {', '.join(carried)}"] if carried else [])
            + (["inline one-of"] if inline else [])
            + (["key order: an optional key comes before a required one"] if order else []))

        def wrapped(value: Any) -> dict[str, Any]:
            out = generated(value)
            if order:
                out = {key: out[key] for key in order if key in out}
            if inline:
                out = {k: v for key, item in out.items()
                       for k, v in (item.items() if key == INLINE else [(key, item)])}
            for name in carried:
                _merge(out, getattr(value, name), conv.unstructure)
            return out

        return wrapped

    conv.register_unstructure_hook_factory(_is_value, value_hook)
    return conv


def first_difference(got: Any, want: Any, path: str = "") -> str | None:
    """Where ``got`` differs from ``want``, key order and types included."""
    if isinstance(got, dict) and isinstance(want, dict):
        if list(got) != list(want):
            return f"{path or '<top>'}: keys {list(got)} (cattrs) != {list(want)} (kancat)"
        pairs = [(f"{path}.{key}", got[key], want[key]) for key in want]
    elif isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        pairs = [(f"{path}[{i}]", g, w) for i, (g, w) in enumerate(zip(got, want, strict=True))]
    elif type(got) is type(want) and got == want:
        return None
    else:
        return f"{path or '<top>'}: {got!r} (cattrs) != {want!r} (kancat)"
    return next((d for p, g, w in pairs if (d := first_difference(g, w, p))), None)


def timed(encoder: Callable[[Any], Any], values: list[Container]) -> float:
    gc.collect()
    start = time.process_time()
    [encoder(value) for value in values]
    return time.process_time() - start


def main() -> int:
    values, conv = workload(), make_converter()
    for index, value in enumerate(values):
        got, want = conv.unstructure(value), encode(value)
        difference = first_difference(got, want)
        if got != want or difference:
            sys.exit(f"container {index}: cattrs differs from kancat at {difference}")
    print(f"N={N} containers: cattrs output equals kancat's encode (key order included)")
    print(f"value classes met: {len(GENERATED) + len(WRAPPED)}; generated function alone: "
          f"{len(GENERATED)} ({', '.join(GENERATED)})")
    print(f"needed a hand-written hook around it: {len(WRAPPED)}")
    for name, why in WRAPPED.items():
        print(f"  {name}: {why}")
    print("type hooks: 2 (wire_text classes ImageRef/Quantity -> str; one-of unions)")
    kancat: list[float] = []
    cattrs_times: list[float] = []
    for run in range(RUNS):
        pairs = [(kancat, encode), (cattrs_times, conv.unstructure)]
        for times, encoder in pairs if run % 2 == 0 else pairs[::-1]:
            times.append(timed(encoder, values))
    k, c = statistics.median(kancat), statistics.median(cattrs_times)
    print(f"kancat encode: median {k:.4f} s (min {min(kancat):.4f}, max {max(kancat):.4f})")
    print(f"cattrs:        median {c:.4f} s (min {min(cattrs_times):.4f}, "
          f"max {max(cattrs_times):.4f})")
    print(f"ratio cattrs/kancat {c / k:.2f} (fastest runs {min(cattrs_times) / min(kancat):.2f})")
    print(f"ratio_cattrs_over_kancat={c / k:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

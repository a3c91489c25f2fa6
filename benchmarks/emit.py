"""Emission benchmark: kancat values -> YAML against plain dicts -> libyaml.

Run from the repository root::

    .venv/bin/python benchmarks/emit.py [--sizes 100,1000,10000] [--repeat N] [--profile]

For each size N it builds N Deployment + Service pairs and times

* ``kancat``:   build the values + ``kancat.interpret.emit.to_yaml`` (to_manifests + dump)
* ``baseline``: build the same manifests as literal dicts + ``yaml.dump_all`` with
  ``CSafeDumper`` (the lower bound: no validation, no intermediate values)

and the same two paths with ``json.dumps`` instead of YAML. Runs are interleaved
(kancat and baseline alternate, the first one alternating too) and the median is
reported. It also times ``import kancat`` in fresh interpreters and checks that the
Kubernetes client and Hypothesis are not imported by it.

The printed report is also written to ``benchmarks/results/emit-latest.txt``; the
last line is ``ratio_n1000=<kancat/baseline YAML time at N=1000>``.

``--profile`` instead runs cProfile over the kancat path at N=1000 and prints the
top 30 functions by own time (nothing is written).
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from kancat import Container, Deployment, EmptyDir, Probe, Service, Volume  # noqa: E402
from kancat.interpret.emit import dump_yaml, to_manifests, to_yaml  # noqa: E402
from kancat.values import HTTPGetAction  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "emit-latest.txt"

SIDECAR_IMAGE = "fluent/fluent-bit:3.2.4"
LOG_VOLUME = "logs"
LOG_PATH = "/var/log/app"


def _image(i: int) -> str:
    return f"registry.example.com/shop/app-{i}:1.0.{i}"


# --- the workload, with kancat ------------------------------------------------------------

def build_kancat(n: int) -> list[Any]:
    """N Deployment + Service pairs as kancat values (validated on construction)."""
    values: list[Any] = []
    for i in range(n):
        name = f"app-{i}"
        app = Container.of(
            "app",
            image=_image(i),
            ports={"http": 8080},
            env={"LOG_LEVEL": "info"},
            requests={"cpu": "100m", "memory": "128Mi"},
            volume_mounts={LOG_VOLUME: LOG_PATH},
            liveness_probe=Probe(HTTPGetAction(port="http", path="/healthz"),
                                 period_seconds=10),
        )
        sidecar = Container.of("log-forwarder", image=SIDECAR_IMAGE,
                               volume_mounts={LOG_VOLUME: LOG_PATH})
        deployment = Deployment.of(name, replicas=2, containers=[app, sidecar],
                                   volumes=[Volume(LOG_VOLUME, EmptyDir())])
        values.append(deployment)
        values.append(Service.expose(deployment, port=80))
    return values


# --- the same manifests, as literal dicts (the lower bound) --------------------------------

def build_dicts(n: int) -> list[dict[str, Any]]:
    """The manifests kancat emits, written by hand: one literal per pair, no kancat."""
    docs: list[dict[str, Any]] = []
    for i in range(n):
        name = f"app-{i}"
        docs.append({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "containers": [
                            {
                                "name": "app",
                                "image": _image(i),
                                "ports": [{"containerPort": 8080, "name": "http",
                                           "protocol": "TCP"}],
                                "env": [{"name": "LOG_LEVEL", "value": "info"}],
                                "resources": {"requests": {"cpu": "100m",
                                                           "memory": "128Mi"}},
                                "volumeMounts": [{"name": LOG_VOLUME, "mountPath": LOG_PATH}],
                                "livenessProbe": {"httpGet": {"path": "/healthz",
                                                              "port": "http"},
                                                  "periodSeconds": 10},
                            },
                            {
                                "name": "log-forwarder",
                                "image": SIDECAR_IMAGE,
                                "volumeMounts": [{"name": LOG_VOLUME, "mountPath": LOG_PATH}],
                            },
                        ],
                        "volumes": [{"name": LOG_VOLUME, "emptyDir": {}}],
                    },
                },
            },
        })
        docs.append({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {
                "selector": {"app": name},
                "ports": [{"name": "http", "port": 80, "targetPort": "http",
                           "protocol": "TCP"}],
            },
        })
    return docs


def baseline_dump(docs: list[dict[str, Any]]) -> str:
    text: str = yaml.dump_all(docs, Dumper=yaml.CSafeDumper, sort_keys=False)
    return text


# --- the timed paths -------------------------------------------------------------------------

def run_kancat_yaml(n: int) -> str:
    return to_yaml(build_kancat(n))


def run_baseline_yaml(n: int) -> str:
    return baseline_dump(build_dicts(n))


def run_kancat_json(n: int) -> str:
    return json.dumps(to_manifests(build_kancat(n)))


def run_baseline_json(n: int) -> str:
    return json.dumps(build_dicts(n))


def _timed(run: Callable[[int], object], n: int) -> float:
    gc.collect()  # start each run from the same heap; the collector stays on while timing
    start = time.perf_counter()
    run(n)
    return time.perf_counter() - start


def interleaved(first: Callable[[int], object], second: Callable[[int], object], n: int,
                repeat: int) -> tuple[float, float, float, float]:
    """Medians (and minimums) of ``repeat`` runs each, alternating A B, B A, ... so
    noise hits both."""
    a: list[float] = []
    b: list[float] = []
    for r in range(repeat):
        if r % 2 == 0:
            a.append(_timed(first, n))
            b.append(_timed(second, n))
        else:
            b.append(_timed(second, n))
            a.append(_timed(first, n))
    return statistics.median(a), statistics.median(b), min(a), min(b)


def kancat_split(n: int, repeat: int) -> dict[str, float]:
    """Medians of the three kancat stages (and the two baseline stages) at size ``n``."""
    stages: dict[str, list[float]] = {k: [] for k in
                                      ("build", "to_manifests", "dump_yaml",
                                       "dict build", "yaml.dump_all")}
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        values = build_kancat(n)
        t1 = time.perf_counter()
        manifests = to_manifests(values)
        t2 = time.perf_counter()
        dump_yaml(manifests)
        t3 = time.perf_counter()
        stages["build"].append(t1 - t0)
        stages["to_manifests"].append(t2 - t1)
        stages["dump_yaml"].append(t3 - t2)
        del values, manifests
        gc.collect()
        t0 = time.perf_counter()
        docs = build_dicts(n)
        t1 = time.perf_counter()
        baseline_dump(docs)
        t2 = time.perf_counter()
        stages["dict build"].append(t1 - t0)
        stages["yaml.dump_all"].append(t2 - t1)
        del docs
    return {k: statistics.median(v) for k, v in stages.items()}


# --- fairness check ----------------------------------------------------------------------------

def check_equivalent(n: int) -> str:
    """The kancat YAML and the baseline YAML parse to the same documents; fail loudly."""
    ours = list(yaml.safe_load_all(run_kancat_yaml(n)))
    theirs = list(yaml.safe_load_all(run_baseline_yaml(n)))
    if ours != theirs:
        lines = [f"kancat and baseline manifests differ at N={n} "
                 f"({len(ours)} vs {len(theirs)} documents)"]
        for index, (a, b) in enumerate(zip(ours, theirs, strict=False)):
            if a != b:
                lines.append(f"first difference: document {index}")
                lines.append("kancat:   " + json.dumps(a, sort_keys=True))
                lines.append("baseline: " + json.dumps(b, sort_keys=True))
                break
        raise SystemExit("\n".join(lines))
    same_order = json.dumps(to_manifests(build_kancat(n))) == json.dumps(build_dicts(n))
    return (f"check N={n}: kancat YAML parsed back == baseline YAML parsed back "
            f"({len(ours)} documents); key order identical: {same_order}")


# --- import time ----------------------------------------------------------------------------

_IMPORT_PROBE = """\
import sys, time
t0 = time.perf_counter()
{statement}
t1 = time.perf_counter()
print(repr((t1 - t0, sorted(m for m in ("kubernetes", "hypothesis", "yaml", "returns")
                              if m in sys.modules))))
"""


def _probe_import(statement: str) -> tuple[float, list[str]]:
    code = _IMPORT_PROBE.format(statement=statement)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    seconds, loaded = ast.literal_eval(out.strip())
    return float(seconds), list(loaded)


def import_times(runs: int = 7) -> list[tuple[str, float, list[str]]]:
    statements = ["import kancat",
                  "from kancat import Container, Deployment, Service",
                  "import kancat.interpret.emit"]
    for statement in statements:  # warm-up: bytecode caches written, file cache hot
        _probe_import(statement)
    results = []
    for statement in statements:
        samples = [_probe_import(statement) for _ in range(runs)]
        results.append((statement, statistics.median(s for s, _ in samples), samples[-1][1]))
    return results


def importtime_top(statement: str, count: int = 8) -> list[tuple[int, int, str]]:
    """The modules with the largest own import time in one ``-X importtime`` run."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", statement],
                         cwd=ROOT, check=True, capture_output=True, text=True).stderr
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        rows.append((int(self_us), int(cumulative_us), name.strip()))
    return sorted(rows, reverse=True)[:count]


# --- report ----------------------------------------------------------------------------------

def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated numbers of Deployment+Service pairs")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per size (default 5 below 10000 pairs, 3 from 10000)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the kancat path at N=1000 instead (top 30 by tottime)")
    args = parser.parse_args(argv)

    if args.profile:
        return profile()

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    out = Report()
    if 1000 not in sizes:
        sizes = sorted({*sizes, 1000})
        out("(N=1000 added: the last line reports the ratio at N=1000)")

    def repeats(n: int) -> int:
        return args.repeat if args.repeat is not None else (5 if n < 10000 else 3)

    out("kancat emission benchmark")
    out(f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
    out(f"PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}), "
        f"attrs {attrs.__version__}")
    out(f"date {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {_load()}")
    out("workload: N x (Deployment app-<i>: 2 containers, port, env, requests, HTTP "
        "liveness probe, shared emptyDir; Service port 80 -> http)")
    out()

    # Warm up both paths (regex caches, representers, allocator) before timing anything.
    run_kancat_yaml(50)
    run_baseline_yaml(50)
    out(check_equivalent(100))
    out()

    yaml_rows: dict[int, tuple[float, float, float, float]] = {}
    json_rows: dict[int, tuple[float, float, float, float]] = {}
    for n in sizes:
        yaml_rows[n] = interleaved(run_kancat_yaml, run_baseline_yaml, n, repeats(n))
        json_rows[n] = interleaved(run_kancat_json, run_baseline_json, n, repeats(n))

    header = (f"{'N':>7} {'runs':>4} {'kancat s':>10} {'baseline s':>11} {'ratio':>7} "
              f"{'ratio(min)':>11} {'kancat us/pair':>15}")
    for title, rows in (("YAML: build + to_yaml vs dicts + yaml.dump_all(CSafeDumper)", yaml_rows),
                        ("JSON: build + to_manifests + json.dumps vs dicts + json.dumps",
                         json_rows)):
        out(f"{title}; median wall seconds")
        out(header)
        for n in sizes:
            k, b, k_min, b_min = rows[n]
            out(f"{n:>7} {repeats(n):>4} {k:>10.4f} {b:>11.4f} {k / b:>7.2f} "
                f"{k_min / b_min:>11.2f} {k / n * 1e6:>15.1f}")
        out()

    if 1000 in sizes and 10000 in sizes:
        k1, b1, k1_min, b1_min = yaml_rows[1000]
        k10, b10, k10_min, b10_min = yaml_rows[10000]
        out(f"growth 1000 -> 10000 (linear = 10.0): kancat {k10 / k1:.2f}, "
            f"baseline {b10 / b1:.2f} (of the fastest runs: kancat {k10_min / k1_min:.2f}, "
            f"baseline {b10_min / b1_min:.2f})")
        out()

    split = kancat_split(1000, repeats(1000))
    total = split["build"] + split["to_manifests"] + split["dump_yaml"]
    base_total = split["dict build"] + split["yaml.dump_all"]
    out(f"split at N=1000 (median of {repeats(1000)} runs per stage)")
    for stage in ("build", "to_manifests", "dump_yaml"):
        out(f"  kancat   {stage:<14} {split[stage]:>8.4f} s  {split[stage] / total:>6.1%}")
    out(f"  kancat   {'total':<14} {total:>8.4f} s")
    for stage in ("dict build", "yaml.dump_all"):
        out(f"  baseline {stage:<14} {split[stage]:>8.4f} s  {split[stage] / base_total:>6.1%}")
    out(f"  baseline {'total':<14} {base_total:>8.4f} s")
    out(f"  kancat overhead over baseline: {total - base_total:.4f} s; of which values "
        f"build + to_manifests {split['build'] + split['to_manifests'] - split['dict build']:.4f}"
        f" s, YAML dumper {split['dump_yaml'] - split['yaml.dump_all']:+.4f} s")
    out()

    out("import time (fresh interpreter, perf_counter around the statement, median of 7)")
    for statement, seconds, loaded in import_times(7):
        out(f"  {statement:<52} {seconds:.4f} s   loaded: {', '.join(loaded) or '-'}")
    first = _probe_import("import kancat")[1]
    heavy = [m for m in ("kubernetes", "hypothesis") if m in first]
    out(f"  after 'import kancat': kubernetes in sys.modules: {'kubernetes' in first}, "
        f"hypothesis in sys.modules: {'hypothesis' in first}, yaml: {'yaml' in first}")
    statement = "from kancat import Container, Deployment, Service"
    out(f"  largest own import times (one -X importtime run of '{statement}'):")
    for self_us, cumulative_us, name in importtime_top(statement):
        out(f"    {name:<40} self {self_us / 1000:>6.1f} ms  cumulative "
            f"{cumulative_us / 1000:>6.1f} ms")
    out()

    out(f"end {time.strftime('%H:%M:%S')}, {_load()} (other work on the machine skews "
        "wall times; compare ratio with ratio(min))")
    out()
    ratio = yaml_rows[1000][0] / yaml_rows[1000][1]
    out(f"ratio_n1000={ratio:.2f}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(out.lines) + "\n", encoding="utf-8")
    return 1 if heavy else 0


def profile(n: int = 1000, top: int = 30) -> int:
    """cProfile of the kancat path at ``n``: the whole of it, then build + to_manifests
    alone (PyYAML's representer dominates the first and hits the baseline equally)."""
    import cProfile
    import pstats

    run_kancat_yaml(50)  # warm-up, as in the timed runs
    for title, run in ((f"kancat path (build + to_yaml), N={n}", run_kancat_yaml),
                       (f"kancat values only (build + to_manifests), N={n}",
                        lambda size: to_manifests(build_kancat(size)))):
        print(f"=== {title}: top {top} by tottime ===")
        profiler = cProfile.Profile()
        gc.collect()
        profiler.enable()
        run(n)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(top)
        print(f"=== {title}: top {top} by cumulative time ===")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

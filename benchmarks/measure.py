"""Measuring helpers shared by the benchmarks: CPU time of whole processes, interleaved.

CPU time (user + system, of the child process, from ``getrusage``) rather than wall
time: it is what the program costs, and other work on a 2-core machine moves it far
less than it moves wall time. Runs of the thing measured and of its baseline alternate
(A B, B A, ...), so whatever load there is falls on both; one run of each, not
measured, comes first.

Child processes import from bytecode, as an installed package does (pip compiles it
at install time): where the environment forbids writing bytecode
(``PYTHONDONTWRITEBYTECODE``, as on the CI machine), the children get a temporary
``PYTHONPYCACHEPREFIX``, filled by the unmeasured first runs and removed at exit. The
baseline's PyYAML would otherwise load from bytecode while kancat, installed editable,
would be compiled from source on every run (about 0.04 s).
"""

import atexit
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent

_PYCACHE = tempfile.mkdtemp(prefix="kancat-benchmark-pycache-")
atexit.register(shutil.rmtree, _PYCACHE, ignore_errors=True)
CHILD_ENVIRONMENT = {key: value for key, value in os.environ.items()
                     if key != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": _PYCACHE}


def process_cpu(arguments: list[str]) -> float:
    """CPU seconds of one child process running ``python arguments...`` (stdout dropped)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *arguments], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env=CHILD_ENVIRONMENT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(first: Callable[[], float], second: Callable[[], float],
                repeat: int) -> tuple[list[float], list[float]]:
    """``repeat`` measurements of each, alternating which goes first, after one
    unmeasured run of each (bytecode written, files cached)."""
    first()
    second()
    a: list[float] = []
    b: list[float] = []
    for run in range(repeat):
        if run % 2 == 0:
            a.append(first())
            b.append(second())
        else:
            b.append(second())
            a.append(first())
    return a, b


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> str:
    return f"median {median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"

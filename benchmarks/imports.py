"""What importing kancat costs: CPU time of a process over a bare interpreter's.

    .venv/bin/python benchmarks/imports.py [--repeat 11]

Each statement runs in a fresh interpreter (after one warm-up, so bytecode caches
exist); its process's CPU time minus that of ``python -c pass`` (measured in the same
run, interleaved) is what the statement costs. Goal: ``from kancat import Container,
Deployment, Service, to_yaml`` at most 0.15 s. It also checks that ``import kancat``
loads neither the Kubernetes client, Hypothesis, PyYAML nor returns (exit status 1 if
it does).
"""

import argparse
import subprocess
import sys

from measure import ROOT, interleaved, median, process_cpu

STATEMENTS = (
    "import kancat",
    "from kancat import Container, Deployment, Service, to_yaml",
    "from kancat import load_yaml",
    "import yaml",
)
HEAVY = ("kubernetes", "hypothesis", "yaml", "returns")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    for statement in STATEMENTS:  # warm-up
        process_cpu(["-c", statement])
    print(f"CPU time over a bare interpreter, median of {args.repeat} interleaved runs")
    for statement in STATEMENTS:
        cost, bare = interleaved(lambda s=statement: process_cpu(["-c", s]),
                                 lambda: process_cpu(["-c", "pass"]), args.repeat)
        print(f"{median(cost) - median(bare):7.3f} s  {statement}")
    probe = ("import sys, kancat; print(' '.join(m for m in " + repr(HEAVY)
             + " if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.split()
    print(f"import kancat loads: {', '.join(loaded) or 'none of ' + ', '.join(HEAVY)}")
    return 1 if loaded else 0


if __name__ == "__main__":
    raise SystemExit(main())

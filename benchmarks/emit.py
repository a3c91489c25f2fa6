"""Emission, as whole processes: kancat against plain dicts dumped with libyaml.

    .venv/bin/python benchmarks/emit.py [--repeat 5] [--sizes 1000,10000]

For each size N, the kancat program of :mod:`workload` (values, sidecar injection,
``to_yaml``) and the baseline (the same manifests as literal dicts, dumped with
``yaml.CSafeDumper``) run as separate processes, interleaved; their CPU times (imports
and interpreter start included, as a user pays them) are compared. Goal: ratio at
N=1000 at most 1.1, and growth from 1,000 to 10,000 linear (kancat's growth close to
the baseline's, about 10).
"""

import argparse
import platform

from measure import HERE, interleaved, median, process_cpu, spread
from workload import check_equivalent

PROGRAM = str(HERE / "workload.py")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"python {platform.python_version()} on {platform.machine()}; "
          f"{args.repeat} interleaved runs per size; CPU time of whole processes")
    print(check_equivalent())
    medians: dict[tuple[str, int], float] = {}
    for n in sizes:
        kancat, baseline = interleaved(lambda n=n: process_cpu([PROGRAM, "kancat", str(n)]),
                                       lambda n=n: process_cpu([PROGRAM, "baseline", str(n)]),
                                       args.repeat)
        medians["kancat", n], medians["baseline", n] = median(kancat), median(baseline)
        print(f"N={n:>6}: kancat   {spread(kancat)}")
        print(f"          baseline {spread(baseline)}")
        print(f"          ratio {medians['kancat', n] / medians['baseline', n]:.2f} "
              f"(fastest runs {min(kancat) / min(baseline):.2f})")
    if len(sizes) > 1:
        low, high = sizes[0], sizes[-1]
        print(f"growth {low} -> {high}: kancat {medians['kancat', high] / medians['kancat', low]:.1f}"
              f", baseline {medians['baseline', high] / medians['baseline', low]:.1f} "
              f"(linear: {high / low:.0f})")
    first = sizes[0]
    print(f"ratio_n{first}={medians['kancat', first] / medians['baseline', first]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

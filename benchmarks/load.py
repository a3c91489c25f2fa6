"""Loading: ``kancat.load_yaml`` against ``yaml.load_all`` with PyYAML's ``CSafeLoader``.

    .venv/bin/python benchmarks/load.py [--repeat 7] [--pairs 1000]

The text is what the kancat program of :mod:`workload` writes for N pairs (2N
documents). ``load_yaml`` parses it with the libyaml loader (keys given twice refused,
timestamps kept as strings, as the API server reads YAML) and builds every value
through its checks; the baseline only parses. Both run in this process, interleaved;
CPU time per call is compared. Goal: ratio at most 1.3.
"""

import argparse
import gc
import time
from collections.abc import Callable

import yaml
from measure import interleaved, median, spread
from workload import kancat_program

from kancat import load_yaml


def cpu(run: Callable[[], object]) -> Callable[[], float]:
    def timed() -> float:
        gc.collect()
        start = time.process_time()
        run()
        return time.process_time() - start
    return timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=1000)
    args = parser.parse_args()
    text = kancat_program(args.pairs)
    result = load_yaml(text)
    count = len(result.unwrap())
    assert count == 2 * args.pairs, count
    print(f"{count} documents, {len(text) / 1e6:.1f} MB of YAML; CPU time per load, "
          f"{args.repeat} interleaved runs")
    ours, baseline = interleaved(
        cpu(lambda: load_yaml(text)),
        cpu(lambda: list(yaml.load_all(text, Loader=yaml.CSafeLoader))), args.repeat)
    print(f"load_yaml               {spread(ours)}")
    print(f"yaml.load_all(CSafe)    {spread(baseline)}")
    print(f"ratio_load={median(ours) / median(baseline):.2f} "
          f"(fastest runs {min(ours) / min(baseline):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

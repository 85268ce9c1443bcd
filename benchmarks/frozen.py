"""Transfer learning: does freezing leading layers make ``fit`` faster, as it should?

    python benchmarks/frozen.py [--repeat 5] [--quick]

A frozen layer's weights do not change, so neither do its outputs: deepcat computes the
outputs of the frozen leading layers once per fit and trains the layers above them on those.
This times, interleaved, medians of ``--repeat`` runs:

(1) the course's cat model ``[12288, 20, 7, 5, 1]``, full-batch gradient descent, float64,
    with no layer frozen (the Gram shortcut applies) and with layer 1 or layers 1-2 frozen;
(2) the (b) workload of ``run.py``, one epoch of mini-batch Adam in float32 on 20,000 uint8
    images, ``[3072, 256, 128, 1]``, with no layer and with layer 1 frozen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
import workloads  # noqa: E402

import deepcat  # noqa: E402


def cat_fit(X, Y, frozen, iterations):
    network = deepcat.Network(workloads.CAT_DIMS, init="lecun", seed=1)
    network.frozen = frozen
    history = network.fit(X, Y, learning_rate=workloads.CAT_LEARNING_RATE, iterations=iterations)
    return history.method, history.costs[-1][1]


def adam_fit(pixels, Y, frozen):
    network = workloads.adam_network()
    network.frozen = frozen
    history = network.fit(pixels.T, Y, **workloads.ADAM_FIT)
    return history.method, history.costs[-1][1]


def interleaved(trainers, repeat):
    times = {name: [] for name in trainers}
    results = {}
    for run in trainers.values():  # warm-up
        run()
    for _ in range(repeat):
        for name, run in trainers.items():
            seconds, results[name] = measure.timed(run)
            times[name].append(seconds)
    return {name: measure.median_seconds(values) for name, values in times.items()}, results


def report(title, times, results, base):
    print(title)
    for name, seconds in times.items():
        method, cost = results[name]
        print(
            f"  {name:<22} {seconds:8.3f} s  ({seconds / times[base]:5.2f} x unfrozen)"
            f"  method {method!r}, last cost {cost:.6f}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="300 cat iterations, not 2500")
    args = parser.parse_args(argv)
    iterations = 300 if args.quick else workloads.CAT_ITERATIONS
    X, Y, _, _ = workloads.cat_data()
    times, results = interleaved(
        {f"{k} frozen": (lambda k=k: cat_fit(X, Y, k, iterations)) for k in (0, 1, 2)},
        args.repeat,
    )
    report(f"(1) cat model, {iterations} full-batch iterations", times, results, "0 frozen")
    pixels, labels = workloads.images(workloads.ADAM_EXAMPLES)
    times, results = interleaved(
        {f"{k} frozen": (lambda k=k: adam_fit(pixels, labels, k)) for k in (0, 1)}, args.repeat
    )
    report("(2) one epoch of (b)'s mini-batch Adam", times, results, "0 frozen")
    print(f"  medians of {args.repeat} runs after one warm-up each, interleaved.")


if __name__ == "__main__":
    main()

"""deepcat's benchmark: times, ratios and peak memory against the seed code and PyTorch.

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --quick    # shorter runs, for development
    python benchmarks/run.py --parts bd --threads 1   # (b) and (d) only, one thread each

(a) the course's cat model, 2500 full-batch iterations in float64: deepcat, the seed articles'
    algorithm transcribed plainly (``seed_transcription.py``) and PyTorch, from the same initial
    weights. Their cost curves must agree within 1e-9 relative at every recorded iteration; if
    they do not, the run says where and exits with status 1.
(b) one epoch of mini-batch Adam in float32, batch 256, ``[3072, 256, 128, 1]``, over 20,000
    uint8 images divided by 255 batch by batch: examples per second, deepcat against PyTorch's
    default ``torch.optim.Adam`` and its ``fused=True``. deepcat runs Adam's step as one compiled
    pass when Numba is installed (``pip install '.[fast]'``), and is timed without it too
    ("NumPy only"). The two must give the same epoch cost to the bit, and PyTorch's must agree
    within 1e-6 relative, or the run exits with status 1. Numba's import and its kernels'
    loading (a compilation on the first run on a machine, then Numba's on-disk cache) happen
    once, before anything is timed, and their seconds are printed.
(c) the (b) epoch for 10,000 to 200,000 examples: time per epoch and peak memory against
    uint8 data + parameters + Adam's moments + one batch's activations.
(d) inference: the probabilities of 100,000 examples (float32 features) from the (b) network
    after its epoch: deepcat's ``predict_proba``, PyTorch under ``inference_mode`` and ONNX
    Runtime on the model ``Network.to_onnx`` writes; they must agree within 1e-5.

Times are medians over repeats, measured in this process with the trainers interleaved;
peak memory is measured in a fresh child process per trainer. Without PyTorch the run reports
deepcat's own figures and says that PyTorch was not installed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402
import numpy as np  # noqa: E402
import workloads  # noqa: E402

from deepcat.core import kernels  # noqa: E402

CAT_TOLERANCE = 1e-9
PUBLISHED = {0: 0.771749, 2400: 0.092878}

TARGETS = {
    "a_seed": 50.0,
    "a_torch": 15.0,
    "b_fused": 1.3,
    "b_default": 1.5,
    "c_memory": 1.3,
}
COST_TOLERANCE = 1e-6
"""(b): the largest relative difference allowed between PyTorch's epoch cost and deepcat's."""
DEEPCAT_B = "deepcat"
DEEPCAT_NUMPY = "deepcat, NumPy only"
TORCH_DEFAULT = "PyTorch float32"
TORCH_FUSED = "PyTorch float32, fused Adam"


def main(argv=None):
    args = _parse(argv)
    limits = _limit_threads(args.threads)  # noqa: F841 -- the limit lasts while it is referenced
    if args.child:
        return _child(args.child, args.repeat)
    torch_line = _torch_line()
    have_torch = not torch_line.startswith("not installed")
    print("deepcat benchmark" + (" (--quick: shortened runs)" if args.quick else ""))
    for line in measure.environment(torch_line):
        print("  " + line)
    verdicts = []
    status = 0
    if "a" in args.parts:
        status |= _part_a(args, have_torch, verdicts)
    if "b" in args.parts:
        status |= _part_b(args, have_torch, verdicts)
    if "c" in args.parts:
        _part_c(args, verdicts)
    if "d" in args.parts:
        status |= _part_d(args, verdicts)
    print("\nTargets")
    for line in verdicts:
        print("  " + line)
    if status:
        print("\nFAILED: the results differ (see the NOT MET lines above).")
    return status


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs for development")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per trainer (median)")
    parser.add_argument("--parts", default="abcd", help="which parts to run, e.g. 'ab'")
    parser.add_argument("--data-dir", help="folder of the catvnoncat .h5 files")
    parser.add_argument(
        "--threads",
        type=int,
        help="limit BLAS, OpenMP and PyTorch to this many threads (default: as installed)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the child processes")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.data_dir:
        os.environ["DEEPCAT_DATA"] = args.data_dir  # children read the data from there too
    return args


def _limit_threads(threads):
    """Hold every BLAS/OpenMP pool and torch's to ``threads`` for the rest of the process."""
    if threads is None:
        return None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        sys.exit("--threads needs threadpoolctl (pip install '.[bench]')")
    try:
        import torch
    except ImportError:
        pass
    else:
        torch.set_num_threads(threads)
    return threadpool_limits(limits=threads)


def _torch_line():
    try:
        import torch_peer
    except ImportError:
        return "not installed: PyTorch figures are left out (pip install '.[bench]')"
    return torch_peer.describe()


# -- (a) ---------------------------------------------------------------------------------------


def _part_a(args, have_torch, verdicts):
    iterations = 300 if args.quick else workloads.CAT_ITERATIONS
    X, Y, test_x, test_y = workloads.cat_data(args.data_dir)
    trainers = {
        "deepcat": lambda: workloads.cat_deepcat(X, Y, iterations),
        "deepcat, Gram shortcut off": lambda: workloads.cat_deepcat(X, Y, iterations, "plain"),
        "seed transcription": lambda: (workloads.cat_seed(X, Y, iterations), None, None),
    }
    if have_torch:
        trainers["PyTorch float64"] = lambda: (workloads.cat_torch(X, Y, iterations), None, None)
    print(f"\n(a) cat model {workloads.CAT_DIMS}, {iterations} full-batch iterations, float64")
    times, results = _interleaved(trainers, args.repeat, extra={"deepcat": 2})
    reference, network, method = results["deepcat"]
    memory = _memory(args, [["cat", name, "20"] for name in trainers])
    base = measure.median_seconds(times["deepcat"])
    rows = []
    failed = False
    for name in trainers:
        seconds = measure.median_seconds(times[name])
        costs = results[name][0]
        worst = max(abs(costs[i] - reference[i]) / abs(reference[i]) for i in reference)
        failed |= worst > CAT_TOLERANCE or set(costs) != set(reference)
        rows.append(
            [
                name,
                f"{seconds / base:.1f}",
                f"{seconds:.3f}",
                f"{seconds / iterations * 1e3:.3f}",
                memory.get(name, "-"),
                f"{worst:.1e}",
            ]
        )
    _table(
        [
            "trainer",
            "time / deepcat's",
            "median s",
            "ms per iteration",
            "peak MiB",
            "max rel. cost diff",
        ],
        rows,
    )
    print(f"  deepcat trained with the {method!r} formulation (History.method).")
    print(f"  times: medians of {args.repeat} runs ({args.repeat + 2} for deepcat).")
    if not args.no_memory:
        print("  peak MiB: peak RSS growth over 20 iterations in a fresh process.")
    correct = (
        round(network.score(X, Y) * Y.shape[1]),
        round(network.score(test_x, test_y) * test_y.shape[1]),
    )
    print(
        f"  deepcat: cost {reference[0]:.6f} at iteration 0"
        + (f", {reference[2400]:.6f} at 2400" if 2400 in reference else "")
        + f"; train accuracy {correct[0]}/{Y.shape[1]}, test {correct[1]}/{test_y.shape[1]}"
        + (
            " (course: 0.771749, 0.092878, 206/209, 40/50)"
            if iterations == workloads.CAT_ITERATIONS
            else " (shortened run; the course's figures are for 2500 iterations)"
        )
    )
    for i, value in PUBLISHED.items():
        if i in reference and abs(reference[i] - value) > 5e-7:
            failed = True
            print(f"  MISMATCH: cost {reference[i]:.6f} at {i}, the course published {value}")
    if failed:
        _explain_mismatch(results, reference)
    ratio_seed = measure.median_seconds(times["seed transcription"]) / base
    verdicts.append(_verdict("(a) vs seed transcription", ratio_seed, TARGETS["a_seed"], "x"))
    if have_torch:
        ratio_torch = measure.median_seconds(times["PyTorch float64"]) / base
        verdicts.append(_verdict("(a) vs PyTorch float64", ratio_torch, TARGETS["a_torch"], "x"))
    else:
        verdicts.append("(a) vs PyTorch float64: not measured, PyTorch is not installed")
    verdicts.append(
        f"(a) identical cost curves (<= {CAT_TOLERANCE:g} relative): "
        + ("NOT MET" if failed else "met")
    )
    return 1 if failed else 0


def _explain_mismatch(results, reference):
    for name, (costs, *_rest) in results.items():
        for i in sorted(reference):
            if i not in costs:
                print(f"  MISMATCH: {name} recorded no cost at iteration {i}")
                break
            difference = abs(costs[i] - reference[i]) / abs(reference[i])
            if difference > CAT_TOLERANCE:
                print(
                    f"  MISMATCH: {name} cost {costs[i]!r} at iteration {i}, deepcat "
                    f"{reference[i]!r} (relative difference {difference:.2e})"
                )
                break


# -- (b) ---------------------------------------------------------------------------------------


def _part_b(args, have_torch, verdicts):
    m = workloads.ADAM_EXAMPLES
    pixels, Y = workloads.images(m)
    numba = _numba_warm_up()
    # Adam is not linear in the gradients, so deepcat's default is its one loop with layer 1
    # computed as W[1] X (History.method "plain"): there is no second formulation to compare.
    trainers = {DEEPCAT_B: lambda: workloads.adam_deepcat(pixels, Y)}
    if numba:
        trainers[DEEPCAT_NUMPY] = lambda: workloads.adam_deepcat(pixels, Y, numba=False)
    if have_torch:
        trainers[TORCH_DEFAULT] = lambda: workloads.adam_torch(pixels, Y)
        trainers[TORCH_FUSED] = lambda: workloads.adam_torch(pixels, Y, True)
    repeat = max(args.repeat, 2 if args.quick else 5)
    print(
        f"\n(b) one epoch of Adam, float32, batch {workloads.ADAM_BATCH}, "
        f"{workloads.ADAM_DIMS}, {m:,} uint8 images / 255"
    )
    for run in trainers.values():  # warm-up: first-touch of buffers, thread pools, caches
        run()
    times, costs = _interleaved(trainers, repeat)
    memory = _memory(args, [["adam", name] for name in trainers])
    seconds = {name: measure.median_seconds(times[name]) for name in trainers}
    rows = [
        [
            name,
            f"{seconds[name] / seconds[DEEPCAT_B]:.2f}",
            f"{m / seconds[name]:,.0f}",
            f"{seconds[name]:.3f}",
            f"{costs[name]:.7f}",
            f"{abs(costs[name] - costs[DEEPCAT_B]) / costs[DEEPCAT_B]:.1e}",
            memory.get(name, "-"),
        ]
        for name in trainers
    ]
    _table(
        [
            "trainer",
            "time / deepcat's",
            "examples/s",
            "median s",
            "epoch cost",
            "rel. cost diff",
            "peak MiB",
        ],
        rows,
    )
    print(f"  times: medians of {repeat} epochs after one warm-up epoch each, interleaved.")
    print(f"  deepcat's kernels: {kernels.description()}.")
    if have_torch:
        print(f"  {TORCH_DEFAULT}: torch.optim.Adam's defaults; {TORCH_FUSED}: fused=True.")
    failed = _check_epoch_costs(costs, verdicts)
    for name, key in ((TORCH_FUSED, "b_fused"), (TORCH_DEFAULT, "b_default")):
        if name in trainers:
            ratio = seconds[name] / seconds[DEEPCAT_B]
            verdicts.append(_verdict(f"(b) deepcat vs {name}", ratio, TARGETS[key], "x"))
        else:
            verdicts.append(f"(b) deepcat vs {name}: not measured, PyTorch is not installed")
    return failed


def _numba_warm_up():
    """Load deepcat's Numba kernels before anything is timed; say how long it took.

    Numba compiles a kernel on its first use on a machine and caches the machine code on disk
    (``cache=True``); later processes read it back. Either way the cost is paid here, once per
    process, and printed, so that no trainer's time hides it. Returns whether Numba runs.
    """
    try:
        if not kernels.numba_active():
            return False
        seconds = kernels.warm_up((np.float32,))
    except ValueError as error:
        print(f"  deepcat's Numba kernels: not used ({error})")
        return False
    print(
        f"  deepcat's Numba kernels imported and loaded in {seconds:.2f} s before any timing "
        "(compiled on the first run on a machine, read from Numba's cache after that)."
    )
    return True


def _check_epoch_costs(costs, verdicts):
    """deepcat with and without Numba must give the same epoch cost to the bit, and PyTorch
    the same within :data:`COST_TOLERANCE` (float32 sums in another order). Returns 1 when not."""
    reference = costs[DEEPCAT_B]
    failed = 0
    if DEEPCAT_NUMPY in costs:
        same = costs[DEEPCAT_NUMPY] == reference
        failed |= not same
        verdicts.append(
            "(b) deepcat with and without Numba: identical epoch costs: "
            + ("met" if same else f"NOT MET ({costs[DEEPCAT_NUMPY]!r} vs {reference!r})")
        )
    peers = [name for name in (TORCH_DEFAULT, TORCH_FUSED) if name in costs]
    if peers:
        worst = max(abs(costs[name] - reference) / reference for name in peers)
        failed |= worst > COST_TOLERANCE
        verdicts.append(
            f"(b) PyTorch's epoch costs within {COST_TOLERANCE:g} relative of deepcat's: "
            + (f"met ({worst:.1e})" if worst <= COST_TOLERANCE else f"NOT MET ({worst:.1e})")
        )
    return int(failed)


# -- (c) ---------------------------------------------------------------------------------------


def _part_c(args, verdicts):
    sizes = workloads.SCALING_SIZES[:3] if args.quick else workloads.SCALING_SIZES
    print(f"\n(c) scaling: one epoch of (b) in deepcat, uint8 data kept as uint8, {sizes[0]:,}..")
    rows = []
    worst = 0.0
    for m in sizes:
        result = measure.in_child(HERE / "run.py", ["scale", str(m)], _child_flags(args))
        budget = workloads.adam_budget_bytes(m)
        ratio = result["peak_bytes"] / budget
        worst = max(worst, ratio)
        rows.append(
            [
                f"{m:,}",
                f"{result['seconds']:.2f}",
                f"{result['seconds'] / m * 1e6:.1f}",
                f"{m * workloads.ADAM_DIMS[0] / measure.MIB:.1f}",
                f"{budget / measure.MIB:.1f}",
                f"{result['peak_bytes'] / measure.MIB:.1f}",
                f"{ratio:.2f}",
                f"{result['rss_growth'] / measure.MIB:.1f}",
            ]
        )
    _table(
        [
            "examples m",
            "s per epoch",
            "µs per example",
            "uint8 data MiB",
            "budget MiB",
            "peak MiB",
            "peak / budget",
            "RSS growth MiB",
        ],
        rows,
    )
    print(
        "  budget: uint8 data + float32 labels + parameters + Adam's two moments + one batch's "
        "inputs, Z and A.\n  peak: the data plus the peak of NumPy memory traced during fit "
        "(tracemalloc), in a fresh process;\n  RSS growth: the process's peak resident size "
        "minus its size before the data was made."
    )
    verdicts.append(_verdict("(c) worst peak memory / budget", worst, TARGETS["c_memory"], "x", 1))


# -- (d) ---------------------------------------------------------------------------------------


def _part_d(args, verdicts):
    import inference

    m = 20_000 if args.quick else inference.INFERENCE_EXAMPLES
    network = workloads.adam_network()
    pixels, Y = workloads.images(workloads.ADAM_EXAMPLES)
    network.fit(pixels.T, Y, **workloads.ADAM_FIT)  # the (b) epoch, so the outputs vary
    rows = inference.features(workloads.images(m, seed=1)[0])
    predictors, notes, folder = inference.predictors(network, args.threads)
    print(f"\n(d) inference: P(cat) of {m:,} examples, the (b) network after its epoch, float32")
    with folder:
        for predict in predictors.values():  # warm-up: first touch, thread pools, sessions
            predict(rows)
        repeat = max(args.repeat, 2 if args.quick else 5)
        times, outputs = _interleaved(
            {n: lambda p=p: p(rows) for n, p in predictors.items()}, repeat
        )
    seconds = {name: measure.median_seconds(times[name]) for name in predictors}
    reference = outputs["deepcat"]
    differences = {name: float(np.max(np.abs(out - reference))) for name, out in outputs.items()}
    _table(
        ["predictor", "time / deepcat's", "examples/s", "median s", "max |P - deepcat's P|"],
        [
            [
                name,
                f"{seconds[name] / seconds['deepcat']:.2f}",
                f"{m / seconds[name]:,.0f}",
                f"{seconds[name]:.3f}",
                f"{differences[name]:.1e}",
            ]
            for name in predictors
        ],
    )
    print(f"  times: medians of {repeat} calls after one warm-up call each, interleaved.")
    print("  deepcat: Network.predict_proba(features.T), its input checks included.")
    for line in notes:
        print("  " + line)
    worst = max(differences.values())
    verdicts.append(
        f"(d) peers' probabilities within {inference.PROBABILITY_TOLERANCE:g} of deepcat's: "
        + ("met" if worst <= inference.PROBABILITY_TOLERANCE else "NOT MET")
        + f" ({worst:.1e})"
    )
    for name in predictors:
        if name != "deepcat":
            ratio = seconds[name] / seconds["deepcat"]
            verdicts.append(f"(d) deepcat's inference vs {name}: {ratio:.2f}x (no target)")
    return int(worst > inference.PROBABILITY_TOLERANCE)


# -- children: one measurement in a fresh process -----------------------------------------------


def _child(arguments, repeat):
    import json
    import tracemalloc

    measure.return_freed_memory_to_the_system()
    kind = arguments[0]
    if kind != "cat" and kernels.numba_active():
        # Numba and its compiler are a fixed cost of the process, not of the data: loaded
        # before the measurement starts, as in the timed runs.
        kernels.warm_up((np.float32,))
    if kind == "scale":
        m = int(arguments[1])
        rss_before, _ = measure.start_peak_rss()
        pixels, Y = workloads.images(m)
        tracemalloc.start()
        network = workloads.adam_network()
        history = network.fit(pixels.T, Y, **workloads.ADAM_FIT)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        seconds = [history.fit_seconds]
        for _ in range(repeat - 1):
            seconds.append(
                workloads.adam_network().fit(pixels.T, Y, **workloads.ADAM_FIT).fit_seconds
            )
        result = {
            "seconds": measure.median_seconds(seconds),
            "peak_bytes": pixels.nbytes + traced_peak,
            "rss_growth": measure.peak_rss() - rss_before,
            "method": history.method,
        }
    else:
        run = _child_trainer(kind, arguments[1], arguments[2:])
        rss_before, _ = measure.start_peak_rss()
        run()
        result = {"rss_growth": measure.peak_rss() - rss_before}
    print(json.dumps(result))
    return 0


def _child_trainer(kind, name, rest):
    if kind == "cat":
        X, Y, _, _ = workloads.cat_data()
        iterations = int(rest[0])
        return {
            "deepcat": lambda: workloads.cat_deepcat(X, Y, iterations),
            "deepcat, Gram shortcut off": lambda: workloads.cat_deepcat(X, Y, iterations, "plain"),
            "seed transcription": lambda: workloads.cat_seed(X, Y, iterations),
            "PyTorch float64": lambda: workloads.cat_torch(X, Y, iterations),
        }[name]
    pixels, Y = workloads.images(workloads.ADAM_EXAMPLES)
    return {
        DEEPCAT_B: lambda: workloads.adam_deepcat(pixels, Y),
        DEEPCAT_NUMPY: lambda: workloads.adam_deepcat(pixels, Y, numba=False),
        "PyTorch float32": lambda: workloads.adam_torch(pixels, Y),
        "PyTorch float32, fused Adam": lambda: workloads.adam_torch(pixels, Y, True),
    }[name]


# -- helpers -----------------------------------------------------------------------------------


def _child_flags(args):
    flags = ["--repeat", str(args.repeat)]
    return flags + (["--threads", str(args.threads)] if args.threads else [])


def _interleaved(trainers, repeat, extra=None):
    """Time every trainer ``repeat`` times (plus ``extra[name]``), alternating between them."""
    extra = extra or {}
    times = {name: [] for name in trainers}
    results = {}
    rounds = repeat + max(extra.values(), default=0)
    for round_ in range(rounds):
        for name, run in trainers.items():
            if round_ >= repeat + extra.get(name, 0):
                continue
            seconds, result = measure.timed(run)
            times[name].append(seconds)
            results.setdefault(name, result)
    return times, results


def _memory(args, jobs):
    """Peak RSS growth (MiB, as text) per trainer, each measured in a fresh child process."""
    if args.no_memory:
        return {}
    memory = {}
    for job in jobs:
        try:
            result = measure.in_child(HERE / "run.py", job, _child_flags(args))
        except (RuntimeError, OSError) as error:
            memory[job[1]] = "failed"
            print(f"  (memory of {job[1]} not measured: {str(error).splitlines()[0]})")
            continue
        memory[job[1]] = f"{result['rss_growth'] / measure.MIB:.1f}"
    return memory


def _verdict(label, value, target, unit, direction=-1):
    """``direction`` -1: the value must reach the target; +1: it must stay at or below it."""
    met = value >= target if direction < 0 else value <= target
    relation = ">=" if direction < 0 else "<="
    return f"{label}: {value:.2f}{unit} (target {relation} {target:g}{unit}): " + (
        "met" if met else "NOT MET"
    )


def _table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    sys.exit(main())

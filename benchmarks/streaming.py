"""Training on data larger than the memory a process may use: benchmark (e).

    python benchmarks/streaming.py                 # 768 MiB allowed, a 3.2 GB file
    python benchmarks/streaming.py --limit-mib 1024 # 1 GiB allowed, a 4.3 GB file

An HDF5 file of uint8 examples ``(m, 3072)`` (benchmark (b)'s 32x32 RGB noise with a red
shift) is made ``--times`` (default 4) times larger than the address space a child process
is then allowed (``RLIMIT_AS``, what ``ulimit -v`` sets). The child trains benchmark (b)'s
network, ``[3072, 256, 128, 1]`` float32 with Adam on batches of 256, for one epoch straight
from the file (``Network.fit(h5py_dataset, input_scale=255)``), and reports its peak resident
memory and examples per second. A second child, with no limit, reads the whole file into
memory first and trains the same epoch from there: the throughput of the same data in
memory. A third child only imports the same modules, for the memory every such process has
before it trains.

The run fails (status 1) when the limited child does not finish or its peak resident memory
beyond the bare process exceeds :data:`PEAK_FACTOR` times what training from disk holds
(window + batch + parameters + Adam's moments + the order, ``StreamReader.extra_bytes`` plus
``bytes_needed``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

EXAMPLE_BYTES = 3072
PEAK_FACTOR = 3.0


def main(argv=None):
    args = _parse(argv)
    if args.child:
        return _child(args)
    import measure

    limit = args.limit_mib << 20
    m = (args.times * limit) // EXAMPLE_BYTES + 1
    print("deepcat benchmark (e): training from disk under a memory limit")
    for line in measure.environment("torch not used"):
        print("  " + line)
    with tempfile.TemporaryDirectory(dir=args.tmp) as folder:
        path = Path(folder) / "examples.h5"
        started = time.perf_counter()
        _write(path, m)
        size = path.stat().st_size
        print(
            f"  data: {m:,} examples of {EXAMPLE_BYTES} bytes in {path.name}, "
            f"{size / 2**30:.2f} GiB, written in {time.perf_counter() - started:.0f} s"
        )
        print(f"  allowed: {args.limit_mib} MiB of address space (RLIMIT_AS, as ulimit -v)")
        bare = measure.in_child(__file__, ["bare", str(path)])
        disk = measure.in_child(__file__, ["disk", str(path), str(limit)])
        memory = measure.in_child(__file__, ["memory", str(path)])
    print("\n  trainer        examples/s   epoch s   peak RSS   epoch cost")
    for name, result in (("from disk", disk), ("in memory", memory)):
        print(
            f"  {name:<13} {result['rate']:>11,.0f} {result['seconds']:>9.1f} "
            f"{result['peak'] / 2**20:>7.0f} MiB  {result['cost']:.6f}"
        )
    beyond = disk["peak"] - bare["peak"]
    holds = disk["holds"]
    print(
        f"\n  bare process (imports only): {bare['peak'] / 2**20:.0f} MiB; training from disk "
        f"adds {beyond / 2**20:.0f} MiB, against {holds / 2**20:.0f} MiB it holds by count "
        f"(window, batch, parameters, Adam, order); the data is {size / limit:.1f} times the "
        "limit"
    )
    print(f"  throughput from disk / in memory: {disk['rate'] / memory['rate']:.2f}")
    print(f"  Adam's step: {disk['kernels']}, loaded before the limit was set")
    within = beyond <= PEAK_FACTOR * holds
    print(
        f"  target: peak beyond the bare process <= {PEAK_FACTOR:g} x what it holds: "
        + ("met" if within else "NOT met")
    )
    return 0 if within else 1


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit-mib", type=int, default=768, help="address space allowed")
    parser.add_argument("--times", type=int, default=4, help="data size / the limit")
    parser.add_argument("--tmp", help="folder for the data file (default: the system's)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _write(path, m):
    import h5py
    import workloads

    with h5py.File(path, "w") as file:
        pixels = file.create_dataset("pixels", (m, EXAMPLE_BYTES), "u1")
        labels = file.create_dataset("labels", (m,), "u1")
        for first in range(0, m, 100_000):
            count = min(100_000, m - first)
            chunk, y = workloads.images(count, seed=first)
            pixels[first : first + count] = chunk
            labels[first : first + count] = y[0]


def _child(args):
    kind, path, *rest = args.child
    import h5py
    import measure
    import numpy as np
    import workloads

    from deepcat.core import kernels

    if kernels.numba_active():
        # Numba's first kernel imports SciPy's BLAS, whose start-up does not survive a tight
        # address-space limit (it spins): every child loads it first, limit or not.
        kernels.warm_up((np.float32,))
    if kind == "disk":
        limit = int(rest[0])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    from deepcat.core.streams import ExampleStream
    from deepcat.training.methods import fit_method
    from deepcat.training.passes import bytes_needed
    from deepcat.training.settings import build_config

    result = {"kernels": kernels.description()}
    with h5py.File(path, "r") as file:
        pixels, labels = file["pixels"], file["labels"]
        Y = np.asarray(labels).reshape(1, -1)
        if kind != "bare":
            X = pixels if kind == "disk" else np.asarray(pixels).T  # (n_x, m) in memory
            network = workloads.adam_network()
            measure.return_freed_memory_to_the_system()
            started = time.perf_counter()
            history = network.fit(X, Y, **workloads.ADAM_FIT)
            seconds = time.perf_counter() - started
            result.update(seconds=seconds, rate=Y.shape[1] / seconds, cost=history.costs[-1][1])
            if kind == "disk":
                config = build_config(network.L - 1, **workloads.ADAM_FIT)
                stream = ExampleStream(pixels)
                batch = workloads.ADAM_BATCH
                method = fit_method(network, stream, config)
                result["holds"] = bytes_needed(network, stream, config, method, batch)
                result["holds"] += Y.nbytes + 4 * Y.size  # the labels, and as floats
        result["peak"] = measure.peak_rss()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

"""Timing, peak memory and a description of the machine, for the benchmark.

Times are medians of repeated runs in the calling process. Peak memory is measured in a fresh
child process per trainer (see :func:`in_child`), because freed memory that an allocator keeps
would otherwise hide one trainer's peak behind the previous one's.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

MIB = 1024 * 1024


def median_seconds(runs):
    """Median of a list of durations in seconds."""
    return statistics.median(runs)


def timed(function, *args, **kwargs):
    """``(seconds, result)`` of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def cpu_model():
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(torch_line):
    """Lines describing the CPU, the BLAS and thread pools that ran, and torch.

    Parameters
    ----------
    torch_line : str
        What :func:`torch_peer.describe` said, or why torch is missing.
    """
    import numpy as np

    lines = [
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores visible; "
        f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} at start",
        f"Python {platform.python_version()}, NumPy {np.__version__}",
    ]
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        lines.append("thread pools: threadpoolctl is not installed, so the BLAS is not reported")
    else:
        for pool in threadpool_info():
            lines.append(
                f"thread pool: {pool.get('internal_api')} {pool.get('version')} "
                f"({pool.get('user_api')}, {pool.get('num_threads')} threads"
                + (f", {pool['architecture']} kernels" if pool.get("architecture") else "")
                + f") from {Path(pool.get('filepath', '?')).name}"
            )
    lines.append(f"PyTorch: {torch_line}")
    return lines


def _status_kib(field):
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def return_freed_memory_to_the_system():
    """Make glibc give every freed block of 128 KiB or more back to the system at once.

    By default glibc raises its mmap threshold after large frees and keeps later freed blocks
    for reuse; a trainer run after making the data would then reuse those pages and its peak
    resident size would hide part of its memory. Called first thing in each child process.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold = -1, -3
        return bool(libc.mallopt(m_mmap_threshold, 128 * 1024)) and bool(
            libc.mallopt(m_trim_threshold, 128 * 1024)
        )
    except (OSError, AttributeError):
        return False


def start_peak_rss():
    """Reset the peak-RSS mark if the kernel allows it; return the RSS now, in bytes."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    rss = _status_kib("VmRSS")
    if rss is None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss * 1024, reset


def peak_rss():
    """The process's peak resident set size so far, in bytes."""
    peak = _status_kib("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * 1024


def in_child(script, arguments, flags=(), timeout=1800):
    """Run ``python script FLAGS --child ARGUMENTS``; return the JSON object it prints last."""
    command = [sys.executable, str(script), *flags, "--child", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        name = " ".join(arguments)
        raise RuntimeError(f"child {name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])

"""Signals and faults at the command line: SIGTERM and SIGHUP stop a command as Ctrl-C does,
cross-validation workers end with their parent, a tune table that cannot be written is still
printed, and a MemoryError is one line. Real subprocesses, real signals."""

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli_runner import Running, assert_user_error, deepcat
from deepcat.signals import QuietWhenInterrupted
from deepcat.sklearn.model_selection import read_csv

LONG_TUNE = ("tune", "--dataset", "digits", "--hidden", "64", "--epochs", "2000", "--cv", "3",
             "--n-jobs", "2", "--out", "t.csv")  # fmt: skip


def _descendants(pid):
    """The pids of every process below ``pid``, from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def _running(pid):
    """Whether ``pid`` is a process that has not ended (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _workers(pid):
    """The worker processes below ``pid``: its descendants, less joblib's resource tracker."""

    def command_line(child):
        try:
            return Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return b""

    return [child for child in _descendants(pid) if b"resource_tracker" not in command_line(child)]


def _searching(run, n_jobs=2):
    """Whether tune printed its plan (the search begins right after) and its workers exist."""
    plan = any(line.startswith("grid: ") for line in run.stdout_lines)
    return plan and len(_workers(run.pid)) >= n_jobs


def _assert_all_ended(pids, within=60):
    """Every pid ends within ``within`` seconds (the kernel needs a moment to reap)."""
    deadline = time.monotonic() + within
    while any(map(_running, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if _running(pid)], "workers outlived their parent"


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_during_train_clean_up_like_ctrl_c(tmp_path, signum, status):
    with Running("train", "--dataset", "digits", "--epochs", "100000", "--out", "run",
                 cwd=tmp_path) as run:  # fmt: skip
        run.wait_for(lambda: list(tmp_path.glob(".run.*.partial")), "training did not start")
        run.send_signal(signum)
        returncode, _, stderr = run.finish()
    assert returncode == status
    assert stderr.strip() == (
        f"interrupted by {signal.Signals(signum).name}: training stopped and nothing was "
        "written to run"
    )
    assert list(tmp_path.iterdir()) == []  # no staging folder, no lock


def test_sigterm_during_tune_stops_its_workers(tmp_path):
    with Running(*LONG_TUNE, cwd=tmp_path) as run:
        run.wait_for(lambda: _searching(run), "the search did not start its 2 workers")
        workers = _workers(run.pid)
        run.send_signal(signal.SIGTERM)
        returncode, _, stderr = run.finish()
    assert returncode == 143
    assert stderr.strip() == "interrupted by SIGTERM: nothing was written to t.csv"
    _assert_all_ended(workers)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_the_workers_start_prints_no_worker_traceback(tmp_path):
    # As a terminal does: the command leads its own process group and Ctrl-C reaches all of
    # it, the workers included, the moment they exist.
    with Running(
        *LONG_TUNE,
        cwd=tmp_path,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as run:
        run.wait_for(lambda: _searching(run), "the search did not start its 2 workers")
        workers = _workers(run.pid)
        os.killpg(run.pid, signal.SIGINT)
        returncode, _, stderr = run.finish()
    assert returncode == 130
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip() == "interrupted: nothing was written to t.csv"
    _assert_all_ended(workers)


def test_workers_end_when_their_parent_is_killed_outright(tmp_path):
    # SIGKILL (or the out-of-memory killer) leaves the parent no chance to stop its workers:
    # each notices on its own that it was orphaned (deepcat.sklearn.workers.end_with_parent).
    with Running(*LONG_TUNE, cwd=tmp_path) as run:
        run.wait_for(lambda: _searching(run), "the search did not start its 2 workers")
        workers = _workers(run.pid)
        assert len(workers) == 2, workers
        run.send_signal(signal.SIGKILL)
        run.process.wait(timeout=60)
        _assert_all_ended(workers, within=10)


def test_tune_starts_no_more_processes_than_fits_or_cores(tmp_path):
    # --n-jobs 1000 for 2 fits: joblib would start a worker every 0.2 s for as long as the
    # fits run; the plan's count is what is started.
    expected = min(2, os.cpu_count())
    most = 0
    with Running("tune", "--dataset", "digits", "--hidden", "64", "--epochs", "60", "--cv", "2",
                 "--n-jobs", "1000", "--out", "nj.csv", cwd=tmp_path) as run:  # fmt: skip
        while run.process.poll() is None:
            most = max(most, len(_workers(run.pid)))
            time.sleep(0.05)
        returncode, stdout, stderr = run.finish()
    assert returncode == 0, stderr
    plural = "es" if expected > 1 else ""
    assert f"= 2 fits, in {expected} process{plural}" in stdout
    assert 1 <= most <= expected, most
    assert len(read_csv(tmp_path / "nj.csv")) == 1


# -- a tune table that cannot be written -----------------------------------------------------

SMALL_TUNE = ("tune", "--dataset", "breast-cancer", "--hidden", "none", "--iterations", "20",
              "--cv", "2", "--n-jobs", "1", "--lambd", "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7")  # fmt: skip


def _check_table_printed_then_error(result, out):
    assert_user_error(result, 1, f"the table above could not be written to {out}")
    assert "train the best setting: deepcat train" in result.stdout
    assert "table written" not in result.stdout
    ranks = [line.split()[0] for line in result.stdout.splitlines() if line[:4].strip().isdigit()]
    assert len(ranks) == 8


def test_a_tune_table_larger_than_the_file_size_limit_is_printed_then_refused(tmp_path):
    def limit_files():  # ulimit -f: the table's file cannot grow past 512 bytes
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))

    env = {**os.environ}
    result = subprocess.run(
        [sys.executable, "-m", "deepcat", *SMALL_TUNE, "--out", "t.csv"],
        cwd=tmp_path, capture_output=True, text=True, env=env, preexec_fn=limit_files,
    )  # fmt: skip
    _check_table_printed_then_error(result, "t.csv")
    assert "File too large" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_tune_table_on_a_full_disk_is_printed_then_refused(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", disk]).returncode:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as handle:  # fill it, then free a page for the lock
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError:
                pass
        os.truncate(filler, max(0, filler.stat().st_size - 4096))
        result = deepcat(*SMALL_TUNE, "--out", "disk/t.csv", cwd=tmp_path)
        left = sorted(p.name for p in disk.iterdir())
    finally:
        subprocess.run(["umount", disk], check=True)
    _check_table_printed_then_error(result, "disk/t.csv")
    assert "No space left on device" in result.stderr
    assert left == ["filler"]


@pytest.mark.parametrize(
    ("make", "args", "status", "fragment"),
    [
        (lambda p: p.write_text("name,age\n"), ["--force"], 2, "t.csv is not a table written by"),
        (  # every column name of a table, but not in the order a table has them
            lambda p: p.write_text("rank,fold_1,mean_accuracy,std_accuracy,error\n"),
            ["--force"],
            2,
            "t.csv is not a table written by",
        ),  # fmt: skip
        (lambda p: os.mkfifo(p), ["--force"], 2, "t.csv is not a table written by deepcat"),
        (lambda p: p.symlink_to("elsewhere.csv"), [], 2, "t.csv is a symbolic link"),
    ],
)
def test_tune_force_replaces_only_its_own_table(tmp_path, make, args, status, fragment):
    make(tmp_path / "t.csv")
    result = deepcat(*SMALL_TUNE, "--out", "t.csv", *args, cwd=tmp_path)
    assert_user_error(result, status, fragment)
    assert result.stdout == ""  # refused before the search
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_tune_force_replaces_its_own_table(tmp_path):
    first = deepcat(*SMALL_TUNE, "--out", "t.csv", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    again = deepcat(*SMALL_TUNE[:-1], "0,1", "--out", "t.csv", "--force", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(row["lambd"] for row in read_csv(tmp_path / "t.csv")) == [0.0, 1.0]


def test_tune_never_takes_a_folder_named_like_a_run_moved_aside(tmp_path):
    """Only ``train`` moves runs aside; a folder ``t.csv.replaced-<time>`` is never a table."""
    aside = tmp_path / "t.csv.replaced-20260101-120000"
    aside.mkdir()
    (aside / ".deepcat-run").write_text('{"deepcat": "0.1"}\n')
    result = deepcat(*SMALL_TUNE, "--out", "t.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (aside / ".deepcat-run").is_file() and (tmp_path / "t.csv").is_file()


def test_a_tune_destination_that_cannot_be_written_is_refused_before_the_search(tmp_path):
    (tmp_path / "a-file").write_text("x")
    result = deepcat(*SMALL_TUNE, "--out", "a-file/t.csv", cwd=tmp_path)
    assert_user_error(result, 1, "cannot write to a-file/t.csv: Not a directory")
    assert result.stdout == ""


# -- memory ----------------------------------------------------------------------------------


def test_running_out_of_memory_is_one_line(tmp_path):
    def limit_memory():  # ulimit -v 2 GiB: enough to start, not for 2 x 10^8 weights
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    result = subprocess.run(
        [sys.executable, "-m", "deepcat", "train", "--dataset", "breast-cancer",
         "--hidden", "100000000", "--iterations", "1", "--out", "run"],
        cwd=tmp_path, capture_output=True, text=True, preexec_fn=limit_memory,
    )  # fmt: skip
    assert_user_error(result, 1, "memory")
    assert not (tmp_path / "run").exists()


def test_a_network_too_large_for_any_machine_is_refused_before_drawing(tmp_path):
    """30 x 10^9 weights of 8 bytes, plus the drawing's float64 copies, are more than any machine
    here has: refused in words, before any allocation."""
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--hidden", "1000000000", "--out", "run",
        cwd=tmp_path,
    )  # fmt: skip
    assert_user_error(result, 1, "W1 of shape (1000000000, 30)", "GB of memory", "Nothing was")
    assert not (tmp_path / "run").exists()


# -- joblib's threads, stopped mid-search ----------------------------------------------------


def _crash_a_thread(target, *args):
    thread = threading.Thread(target=target, args=args)
    thread.start()
    thread.join()
    return thread


def _fail():
    raise KeyError(2)  # as loky's executor manager thread does when stopped mid-work


def test_joblibs_threads_are_quiet_only_once_an_interruption_is_under_way():
    """Real threads that really end in exceptions: a thread of the quiet modules is reported
    before the interruption and not after; any other thread always is."""
    reported = []
    previous = threading.excepthook
    threading.excepthook = lambda args: reported.append(args.thread)
    try:
        with pytest.raises(KeyboardInterrupt), QuietWhenInterrupted((__name__,)) as quiet:
            before = _crash_a_thread(_fail)
            quiet.interrupted = True
            _crash_a_thread(_fail)
            other = _crash_a_thread(json.loads, "not json")
            raise KeyboardInterrupt
        _crash_a_thread(_fail)  # after the interruption too, until the process ends
        assert reported == [before, other]
    finally:
        threading.excepthook = previous
    with QuietWhenInterrupted((__name__,)):
        pass
    assert threading.excepthook is previous  # a search that was not stopped puts it back

"""Tuning on a real Dask cluster: a ``dask scheduler`` and ``dask worker`` processes on
127.0.0.1, the same table as local processes, a worker killed mid-search, a scheduler that is
not there or goes away, and ``deepcat tune --dask-scheduler`` as a user runs it."""

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

from cli_runner import Running, assert_user_error, deepcat  # noqa: E402
from deepcat.sklearn.halving import successive_halving  # noqa: E402
from deepcat.sklearn.model_selection import cross_validate, grid_search  # noqa: E402

SRC = str(Path(__file__).resolve().parents[1] / "src")
DASK = str(Path(sys.executable).with_name("dask"))
PARAMS = {"hidden_layer_sizes": (8,), "iterations": 150, "batch_size": None, "optimizer": "gd"}
GRID = {"learning_rate": [1.0, 0.3, 1e-4]}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def cluster(n_workers):
    """A ``dask scheduler`` and ``n_workers`` one-thread ``dask worker`` processes (no nanny:
    a killed worker stays dead), deepcat on their path. Yields ``(address, workers)``."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHONPATH": SRC}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    port = address.rsplit(":", 1)[1]
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"], **quiet
    )
    workers = [
        subprocess.Popen(
            [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            **quiet,
        )
        for _ in range(n_workers)
    ]
    try:
        with distributed.Client(address, timeout=30, set_as_default=False) as client:
            if n_workers:
                client.wait_for_workers(n_workers, timeout=60)
        yield address, workers
    finally:
        for process in [*workers, scheduler]:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def shared_cluster():
    with cluster(2) as (address, _):
        yield address


@pytest.fixture(scope="module")
def cancer():
    """Breast cancer in the course layout: X (30, 569) in [0, 1], Y (569,)."""
    X, y = load_breast_cancer(return_X_y=True)
    return MinMaxScaler().fit_transform(X).T, y


@pytest.fixture(scope="module")
def local_table(cancer):
    return grid_search(*cancer, GRID, PARAMS, cv=3, n_jobs=1)


def test_the_cluster_gives_the_local_table_exactly(cancer, shared_cluster, local_table):
    on_cluster = grid_search(*cancer, GRID, PARAMS, cv=3, scheduler=shared_cluster)
    assert on_cluster == local_table
    assert on_cluster.best.params["learning_rate"] == 1.0 and on_cluster.best.mean > 0.9
    one = cross_validate(*cancer, {**PARAMS, "learning_rate": 1.0}, cv=3, scheduler=shared_cluster)
    assert one == local_table.best


def test_halving_on_the_cluster_gives_the_local_table(cancer, shared_cluster):
    grid = {"learning_rate": [1.0, 0.3, 1e-3, 1e-4, 1e-5]}
    local = successive_halving(*cancer, grid, PARAMS, cv=3, n_jobs=1)
    remote = successive_halving(*cancer, grid, PARAMS, cv=3, scheduler=shared_cluster)
    assert remote == local
    assert [r.rung for r in local.results] == [2, 2, 1, 1, 1]


def test_a_worker_killed_mid_search_leaves_the_table_and_a_lost_scheduler_leaves_none(
    cancer, local_table
):
    with cluster(2) as (address, workers):
        by_pid = {worker.pid: worker for worker in workers}
        with distributed.Client(address, set_as_default=False) as watcher:
            pids = watcher.run(os.getpid)  # worker address -> pid
            scheduler_pid = watcher.run_on_scheduler(os.getpid)
            killed = []

            def kill_a_busy_worker(done, total):
                if killed:
                    return
                busy = [a for a, keys in watcher.processing().items() if keys]
                assert busy, "no fit running when the first one finished"
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(by_pid[pids[busy[0]]])

            table = grid_search(
                *cancer, GRID, PARAMS, cv=3, scheduler=address, progress=kill_a_busy_worker
            )
        assert killed and killed[0].wait(timeout=10) == -signal.SIGKILL
        assert table == local_table

        def kill_the_scheduler(done, total):
            if done == 1:
                os.kill(scheduler_pid, signal.SIGKILL)

        with pytest.raises(ConnectionError, match=f"lost the Dask scheduler at {address}"):
            grid_search(*cancer, GRID, PARAMS, cv=3, scheduler=address, progress=kill_the_scheduler)


def test_an_unreachable_scheduler_is_a_clear_error(cancer):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(ConnectionError, match=f"cannot reach the Dask scheduler at {address}"):
        grid_search(*cancer, GRID, PARAMS, cv=3, scheduler=address)


def test_a_worker_started_after_the_search_is_waited_for(cancer, local_table, monkeypatch):
    """As in the README, where ``dask worker ... &`` is still starting when the search begins;
    and one that never comes is a clear error, not distributed's timeout."""
    from deepcat.sklearn import cluster as dask_cluster

    with cluster(0) as (address, _):
        monkeypatch.setattr(dask_cluster, "WORKER_SECONDS", 1)
        with pytest.raises(ConnectionError, match=f"scheduler at {address} has no workers"):
            grid_search(*cancer, GRID, PARAMS, cv=3, scheduler=address)
        monkeypatch.setattr(dask_cluster, "WORKER_SECONDS", 60)
        env = {**os.environ, "PYTHONPATH": SRC}
        late = subprocess.Popen(
            [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        try:
            assert grid_search(*cancer, GRID, PARAMS, cv=3, scheduler=address) == local_table
        finally:
            late.kill()
            late.wait()


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://x:1", "tcp://host"])
def test_a_malformed_address_is_refused_before_any_work(cancer, address):
    with pytest.raises(ValueError, match=r"scheduler must be an address tcp://HOST:PORT"):
        grid_search(*cancer, GRID, PARAMS, cv=3, scheduler=address)


TUNE = ("tune", "--dataset", "breast-cancer", "--hidden", "4", "--iterations", "60",
        "--learning-rate", "1,0.01", "--cv", "3")  # fmt: skip


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_deepcat_tune_halving_on_the_cluster_writes_the_local_table(tmp_path, shared_cluster):
    halving = ("--search", "halving", "--factor", "2")
    local = deepcat(*TUNE, *halving, "--n-jobs", "1", "--out", "local.csv", cwd=tmp_path)
    remote = deepcat(*TUNE, *halving, "--dask-scheduler", shared_cluster, "--out", "dask.csv",
                     cwd=tmp_path)  # fmt: skip
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    plan = "successive halving: 2 settings, 2 rounds (2 x 30 iterations, 1 x 60 iterations)"
    assert f"{plan} x 3 folds of the training split = 9 fits, in 1 process" in local.stdout
    assert f"= 9 fits, on the Dask cluster at {shared_cluster}" in remote.stdout
    assert _rows(tmp_path / "dask.csv") == _rows(tmp_path / "local.csv")
    with open(tmp_path / "dask.csv", newline="") as handle:
        rows = [(r["rank"], r["learning_rate"], r["rung"], r["iterations"])
                for r in csv.DictReader(handle)]  # fmt: skip
    assert rows == [("1", "1.0", "2", "60"), ("2", "0.01", "1", "30")]


def test_deepcat_tune_with_an_unreachable_scheduler_says_so_in_one_line(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    result = deepcat(*TUNE, "--dask-scheduler", address, cwd=tmp_path)
    assert_user_error(result, 1, f"cannot reach the Dask scheduler at {address}")
    assert list(tmp_path.rglob("*.csv")) == []


def test_ctrl_c_during_a_cluster_tune_cancels_its_fits_and_says_one_line(tmp_path, shared_cluster):
    long_tune = ("tune", "--dataset", "breast-cancer", "--hidden", "32", "--iterations",
                 "20000", "--learning-rate", "1,0.1", "--cv", "2",
                 "--dask-scheduler", shared_cluster)  # fmt: skip
    with distributed.Client(shared_cluster, set_as_default=False) as watcher:

        def fitting():
            return any(watcher.processing().values())

        with Running(*long_tune, "--out", "t.csv", cwd=tmp_path) as run:
            run.wait_for(fitting, "no fit started on the cluster", timeout=60)
            run.send_signal(signal.SIGINT)
            returncode, _, stderr = run.finish()
        assert returncode == 130
        assert stderr.strip() == "interrupted: nothing was written to t.csv"
        # Its fits are cancelled, not left to train for nobody.
        deadline = time.monotonic() + 10
        while fitting() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not fitting()


def test_a_distributed_older_than_the_minimum_is_refused_naming_its_version(monkeypatch):
    from deepcat.sklearn.cluster import distributed_module

    monkeypatch.setattr(distributed, "__version__", "2023.12.1")
    with pytest.raises(ImportError, match=r"needs distributed >= 2024.1; version 2023.12.1 is"):
        distributed_module()

"""What ``deepcat train --out`` may write and replace: --force only over a deepcat run, one run
per --out at a time, a replacement that a crash cannot lose, leftovers of killed runs removed,
and an --out that cannot be written refused in one line before any work."""

import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cli_runner import Running, assert_user_error, deepcat
from deepcat.runs.folder import MARKER, StagedRunDir

HELPERS = Path(__file__).parent / "helpers"
QUICK = ("train", "--dataset", "breast-cancer", "--iterations", "5")


def _quick_run(folder, out="run", *extra):
    result = deepcat(*QUICK, "--out", out, *extra, cwd=folder)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """A run of :data:`QUICK`, trained once for the module; tests copy it (:func:`_copy_run`)."""
    folder = tmp_path_factory.mktemp("trained")
    _quick_run(folder)
    return folder / "run"


def _copy_run(trained_run, folder, name="run"):
    shutil.copytree(trained_run, folder / name, symlinks=True)
    return folder / name


def _iterations(run):
    return json.loads((run / "metrics.json").read_text())["iterations"]


def _entries(folder):
    return sorted(p.name for p in Path(folder).iterdir())


# -- what --force may replace ---------------------------------------------------------------


def test_a_run_holds_the_marker_and_force_replaces_it(tmp_path, trained_run):
    _copy_run(trained_run, tmp_path)
    marker = json.loads((tmp_path / "run" / MARKER).read_text())
    assert set(marker) == {"deepcat", "written"}
    result = deepcat(*QUICK[:-1], "7", "--out", "run", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _iterations(tmp_path / "run") == 7
    assert _entries(tmp_path) == ["run"]


def test_force_refuses_a_folder_of_the_users_files(tmp_path):
    folder = tmp_path / "documents"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "beach.jpg").write_bytes(b"a photo")
    (folder / "notes.txt").write_text("my notes")
    result = deepcat(*QUICK, "--out", "documents", "--force", cwd=tmp_path)
    assert_user_error(
        result,
        2,
        "documents holds files deepcat did not write (notes.txt, photos/)",
        "--force replaces only a deepcat run folder",
    )
    assert (folder / "notes.txt").read_text() == "my notes"
    assert (folder / "photos" / "beach.jpg").read_bytes() == b"a photo"
    assert _entries(tmp_path) == ["documents"]


def test_force_refuses_a_run_the_user_added_a_file_to(tmp_path, trained_run):
    _copy_run(trained_run, tmp_path)
    (tmp_path / "run" / "notes.txt").write_text("why this run matters")
    result = deepcat(*QUICK, "--out", "run", "--force", cwd=tmp_path)
    assert_user_error(result, 2, "run holds files deepcat did not write (notes.txt)")
    assert (tmp_path / "run" / "notes.txt").exists() and (tmp_path / "run" / "model.npz").exists()


def _zip_naming_the_header(path):
    """A zip that lists ``__deepcat__.npy``, as a model does, but holds no deepcat header."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__deepcat__.npy", b"not a header")


@pytest.mark.parametrize(
    ("metrics", "make_model"),
    [
        ('{"my": "numbers"}', lambda p: p.write_bytes(b"my own model")),
        ('{"layer_dims": [2, 1], "notes": "mine"}', _zip_naming_the_header),
    ],
)
def test_force_refuses_run_file_names_that_deepcat_did_not_write(tmp_path, metrics, make_model):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "metrics.json").write_text(metrics)
    make_model(tmp_path / "run" / "model.npz")
    model = (tmp_path / "run" / "model.npz").read_bytes()
    result = deepcat(*QUICK, "--out", "run", "--force", cwd=tmp_path)
    assert_user_error(result, 2, "run holds no model or metrics written by deepcat")
    assert (tmp_path / "run" / "model.npz").read_bytes() == model
    assert (tmp_path / "run" / "metrics.json").read_text() == metrics


@pytest.mark.parametrize("kept", ["model.npz", "metrics.json"])
def test_force_replaces_a_run_written_before_the_marker_by_its_model_or_metrics(
    tmp_path, trained_run, kept
):
    run = _copy_run(trained_run, tmp_path)
    for name in (MARKER, "model.npz", "metrics.json"):
        if name != kept:
            (run / name).unlink()
    result = deepcat(*QUICK[:-1], "7", "--out", "run", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _iterations(run) == 7


def test_force_replaces_a_run_of_several_rates_written_before_the_marker(tmp_path):
    _quick_run(tmp_path, "run", "--learning-rate", "0.1,0.01")
    (tmp_path / "run" / MARKER).unlink()
    assert _entries(tmp_path / "run") == ["learning_rates.png", "lr-0.01", "lr-0.1", "metrics.json"]
    result = deepcat(*QUICK, "--out", "run", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _entries(tmp_path / "run") == [MARKER, "cost.png", "metrics.json", "model.npz"]


def _picture_folder(root):
    rng = np.random.default_rng(0)
    for name, colour in (("cat", (200, 40, 40)), ("non-cat", (40, 40, 200))):
        (root / name).mkdir(parents=True)
        for i in range(6):
            noise = rng.integers(-30, 30, size=(20, 20, 3))
            pixels = np.clip(np.asarray(colour) + noise, 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / name / f"{name}{i}.png")
    return root


@pytest.mark.parametrize(
    ("out", "fragments"),
    [
        ("pictures", ["pictures holds files deepcat did not write (cat/, non-cat/)"]),
        ("pictures/run", ["overlaps the picture folder", "Choose an --out outside it"]),
    ],
)
def test_the_picture_folder_being_trained_on_is_refused(tmp_path, out, fragments):
    root = _picture_folder(tmp_path / "pictures")
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    result = deepcat(
        "train", "--dataset", "folder", "--data-dir", root, "--image-size", "8",
        "--iterations", "5", "--out", out, "--force", cwd=tmp_path,
    )  # fmt: skip
    assert_user_error(result, 2, *fragments)
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before


def test_the_current_folder_and_symbolic_links_are_not_replaced(tmp_path, trained_run):
    _copy_run(trained_run, tmp_path)
    inside = deepcat(*QUICK, "--out", ".", "--force", cwd=tmp_path / "run")
    assert_user_error(inside, 2, ". holds the current folder")
    (tmp_path / "link").symlink_to("run")
    linked = deepcat(*QUICK, "--out", "link", "--force", cwd=tmp_path)
    assert_user_error(linked, 2, "link is a symbolic link (to run)")
    nested = deepcat(*QUICK, "--out", "run/inner", cwd=tmp_path)
    assert_user_error(nested, 2, "run/inner is inside the deepcat run")
    file_of_run = deepcat(*QUICK, "--out", "run/model.npz", "--force", cwd=tmp_path)
    assert_user_error(file_of_run, 2, "run/model.npz exists and is not a folder")
    assert _entries(tmp_path) == ["link", "run"]
    assert _iterations(tmp_path / "run") == 5


# -- an --out that cannot be written --------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("a-file/run", "Not a directory"),
        ("/dev/null/run", "Not a directory"),
        ("/proc/deepcat-run", "No such file or directory"),
        ("x" * 300, "File name too long"),
    ],
)
def test_an_out_that_cannot_be_made_is_one_line_before_any_work(tmp_path, out, reason):
    (tmp_path / "a-file").write_text("a file")
    result = deepcat(*QUICK, "--out", out, cwd=tmp_path)
    assert_user_error(result, 1, f"cannot write to {out}: {reason}")
    assert result.stdout == ""  # refused before the data set was even chosen
    assert _entries(tmp_path) == ["a-file"]


def test_an_out_on_a_read_only_mount(tmp_path):
    mount = tmp_path / "read-only"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", mount])
    if made.returncode != 0:
        pytest.skip("mounting a read-only tmpfs needs root")
    try:
        result = deepcat(*QUICK, "--out", "read-only/run", cwd=tmp_path)
    finally:
        subprocess.run(["umount", mount], check=True)
    assert_user_error(result, 1, "cannot write to read-only/run: Read-only file system")


@pytest.mark.parametrize(
    ("out", "fragment"),
    [
        ("", "--out is empty"),
        ("two\nlines", "--out 'two\\nlines' holds a control character"),
        # a C1 control (U+009B, the one-byte CSI of some terminals) is refused like the C0 ones
        ("a\x9bb", "--out 'a\\x9bb' holds a control character"),
        ("/", "--out / is the root folder"),
    ],
)
def test_unusable_out_names_are_usage_errors(tmp_path, out, fragment):
    result = deepcat(*QUICK, "--out", out, cwd=tmp_path)
    assert_user_error(result, 2, fragment)
    assert _entries(tmp_path) == []


def test_a_failed_run_removes_the_folders_it_made_for_its_out(tmp_path):
    result = deepcat(*QUICK, "--keep-prob", "0.5,0.5", "--out", "new/deeper/run", cwd=tmp_path)
    assert_user_error(result, 2, "--keep-prob")
    assert _entries(tmp_path) == []


# -- one run per --out at a time, and what killed runs leave --------------------------------


def _start_long_run(folder, out="run"):
    """A training run that goes on until it is stopped, once its staging folder exists."""
    run = Running("train", "--dataset", "digits", "--epochs", "100000", "--out", out, cwd=folder)
    run.wait_for(lambda: list(folder.glob(f".{out}.*.partial")), "training did not start")
    return run


def test_a_second_run_into_the_same_out_is_refused_at_once(tmp_path):
    with _start_long_run(tmp_path) as first:
        second = deepcat(*QUICK, "--out", "run", cwd=tmp_path)
        assert first.process.poll() is None
        first.send_signal(signal.SIGTERM)
        returncode, _, _ = first.finish()
    assert_user_error(
        second,
        1,
        f"run is in use by another deepcat train (process {first.pid}, started ",
        "wait for it to finish, or choose another --out",
    )
    assert returncode == 143
    assert _entries(tmp_path) == []


def test_the_next_run_takes_over_the_lock_and_removes_what_a_killed_run_left(tmp_path):
    with _start_long_run(tmp_path) as first:
        first.send_signal(signal.SIGKILL)
        first.finish()
    (staging,) = tmp_path.glob(".run.*.partial")
    assert _entries(tmp_path) == sorted([".run.lock", staging.name])
    host = staging.name.split("@")[1].split(".")[0]
    # beside it: a temporary file of a killed save, and the staging folder of a live process
    killed_save = tmp_path / f".metrics.json.{first.pid}@{host}.x1.tmp"
    killed_save.write_bytes(b"half a file")
    live = tmp_path / f".other.{os.getpid()}@{host}.y2.partial"
    live.mkdir()
    result = _quick_run(tmp_path)
    notes = result.stderr.splitlines()  # notes go to stderr, with every other note
    assert len(notes) == 2, result.stderr
    assert notes[0].startswith(
        f"took over the lock of run left by a deepcat train that no longer runs (process "
        f"{first.pid}, started "
    )
    assert notes[1] == (
        "removed 2 leftover(s) of deepcat runs that were killed, in this folder: "
        f"{killed_save.name}, {staging.name}"
    )
    assert _entries(tmp_path) == sorted([live.name, "run"])


def _commit_and_die(run_dir, how):
    helper = subprocess.run(
        [sys.executable, HELPERS / "commit_and_die.py", run_dir, how], capture_output=True
    )
    assert helper.returncode == -signal.SIGKILL, helper.stderr


def test_a_force_killed_between_its_renames_is_undone_by_the_next_run(tmp_path, trained_run):
    earlier = (_copy_run(trained_run, tmp_path) / "model.npz").read_bytes()
    _commit_and_die(tmp_path / "run", "rename")
    (kept,) = tmp_path.glob("run.replaced-*")
    assert not (tmp_path / "run").exists()  # the crash this recovery is for
    assert (kept / "model.npz").read_bytes() == earlier

    again = deepcat(*QUICK, "--out", "run", cwd=tmp_path)
    lines = again.stderr.splitlines()
    assert (
        f"restored run from {kept.name}, where deepcat had moved it to replace it with a new "
        "run and was killed before it could"
    ) in lines[:-2]  # the notes, before the two lines of the usage error
    assert again.returncode == 2 and "run already holds files from an earlier run" in lines[-2]
    assert (tmp_path / "run" / "model.npz").read_bytes() == earlier
    assert _entries(tmp_path) == ["run"]  # the killed commit's staging folder was removed too


def test_a_force_killed_after_its_exchange_left_only_the_old_run_to_remove(tmp_path, trained_run):
    _copy_run(trained_run, tmp_path)
    _commit_and_die(tmp_path / "run", "exchange")
    assert (tmp_path / "run" / "model.npz").read_bytes() == b"new"
    (leftover,) = tmp_path.glob(".run.*.partial")
    assert (leftover / MARKER).exists()  # the earlier run, exchanged out of the way
    again = _quick_run(tmp_path, "other")
    assert f"in this folder: {leftover.name}" in again.stderr
    assert _entries(tmp_path) == ["other", "run"]


def test_only_a_run_moved_aside_by_deepcat_is_restored(tmp_path, trained_run):
    """Names that merely begin like ``RUN_DIR.replaced-<time>`` are the user's: a notes file, a
    folder that is no run, a link to a run. None is renamed to RUN_DIR, or named as a run."""
    notes = tmp_path / "model.replaced-by-v2.txt"
    notes.write_text("why v2 replaced the model")
    (tmp_path / "model.replaced-20260101-120000").mkdir()
    (tmp_path / "model.replaced-20260101-120000" / "photo.jpg").write_bytes(b"a photo")
    _copy_run(trained_run, tmp_path, "elsewhere")
    (tmp_path / "model.replaced-20260101-120001").symlink_to("elsewhere")
    before = _entries(tmp_path)
    result = _quick_run(tmp_path, "model")
    assert result.stderr == ""  # nothing restored, nothing to tell
    assert notes.read_text() == "why v2 replaced the model"
    assert _entries(tmp_path) == sorted([*before, "model"])
    assert (tmp_path / "model" / MARKER).is_file()


@pytest.mark.parametrize("exchange", [True, False])
def test_ctrl_c_during_a_commit_acts_after_the_run_is_in_place(tmp_path, trained_run, exchange):
    """A real SIGINT sent between the commit's renames: the commit finishes (the earlier run
    removed, nothing left aside), the code after it runs, and Ctrl-C acts when the block ends."""
    _copy_run(trained_run, tmp_path)
    after_commit = []
    with pytest.raises(KeyboardInterrupt):
        with StagedRunDir(tmp_path / "run", force=True) as staged:
            (staged.staging / "model.npz").write_bytes(b"new")
            staged.commit(
                _exchange=exchange, _after_first_rename=lambda: os.kill(os.getpid(), signal.SIGINT)
            )
            after_commit.append(staged.committed)
    assert after_commit == [True]
    assert (tmp_path / "run" / "model.npz").read_bytes() == b"new"
    assert _entries(tmp_path) == ["run"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# -- a destination filled while the command works --------------------------------------------


def test_a_folder_made_at_out_while_the_run_trains_is_left_as_it_is(tmp_path):
    """--out did not exist when the run was checked; the user makes it meanwhile: the run
    must not replace it (there was no --force, and the folder is not a run)."""
    with Running("train", "--dataset", "digits", "--out", "docs", cwd=tmp_path) as run:
        run.wait_for(lambda: run.stdout_lines, "the run did not start")
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / "thesis.txt").write_text("precious")
        status, _, stderr = run.finish()
    assert status == 1, stderr
    assert "docs was created or filled while this run trained; it was left as it is" in stderr
    assert "Nothing was written to docs." in stderr
    assert [p.name for p in (tmp_path / "docs").iterdir()] == ["thesis.txt"]
    assert (tmp_path / "docs" / "thesis.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_force_leaves_a_run_given_a_users_file_while_it_trained(tmp_path):
    target = tmp_path / "run"
    target.mkdir()
    (target / "model.npz").write_bytes(b"earlier")
    with pytest.raises(FileExistsError, match=r"given files deepcat did not write \(notes.txt\)"):
        with StagedRunDir(target, force=True) as staged:
            (staged.staging / "model.npz").write_bytes(b"new")
            (target / "notes.txt").write_text("mine")
            staged.commit()
    assert sorted(p.name for p in target.iterdir()) == ["model.npz", "notes.txt"]
    assert (target / "model.npz").read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_file_written_at_a_tune_out_during_the_search_is_kept(tmp_path):
    """The table's destination was free when tune started; a file that appears there meanwhile
    is not replaced without --force: the table is printed and the command exits 1."""
    args = ("tune", "--dataset", "digits", "--hidden", "16", "--cv", "2", "--n-jobs", "1",
            "--out", "t.csv")  # fmt: skip
    with Running(*args, cwd=tmp_path) as run:
        run.wait_for(lambda: any(line.startswith("grid:") for line in run.stdout_lines),
                     "the search did not start")  # fmt: skip
        (tmp_path / "t.csv").write_text("my,precious,data\n")
        status, stdout, stderr = run.finish()
    assert status == 1, stderr
    assert "the table above could not be written to t.csv: t.csv already exists" in stderr
    assert "train the best setting: deepcat train" in stdout
    assert (tmp_path / "t.csv").read_text() == "my,precious,data\n"

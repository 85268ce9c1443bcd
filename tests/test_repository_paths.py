"""No file of the repository names a folder of one machine: a path like the one this checkout
lives in, or a user's home, works nowhere else (docs/sklearn.md once loaded its data from one)."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

MACHINE_PATH = re.compile(
    r"(?<![\w.~$])(?:/(?:work|home|Users|root|mnt|srv|media|var/folders)/[\w.-]+"
    r"|[A-Za-z]:\\(?:Users|Documents and Settings)\\)"
)
"""An absolute path into one machine's own folders: workspaces, homes, mounts (Linux, macOS,
Windows). The system's own places (/tmp, /dev, /usr/bin/chromium) are the same everywhere and
are not matched."""


def repository_files():
    """The files git tracks or would track (not ignored), as paths relative to the root."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def machine_paths(text, own_folders):
    """Each machine path in ``text``: :data:`MACHINE_PATH` matches and this checkout's own
    folders, wherever it lives."""
    found = MACHINE_PATH.findall(text)
    found += [f for f in own_folders if re.search(re.escape(f) + r"(?![\w.-])", text)]
    return found


def test_the_pattern_finds_machine_paths_and_leaves_system_ones():
    own = ["/srv/ci/checkout-7"]
    assert machine_paths('load("/work/shared/datasets/catvnoncat")', own) == ["/work/shared"]
    assert machine_paths(r"C:\Users\ann\cats", own) == ["C:\\Users\\"]
    assert machine_paths("see /Users/ann/x and /home/bob", own) == ["/Users/ann", "/home/bob"]
    assert machine_paths("cd /srv/ci/checkout-7/src", own)[-1] == "/srv/ci/checkout-7"
    assert machine_paths("/srv/ci/checkout-70", own) == ["/srv/ci"]
    for text in ("/tmp", "/dev/null", "/usr/bin/chromium", "../shared/seeds", "~/deepcat/x",
                 "$HOME/.cache", "/api/playground/form", "runs/course/model.npz"):  # fmt: skip
        assert machine_paths(text, own) == [], text


def test_no_file_names_a_folder_of_this_machine():
    offenders = []
    for name in repository_files():
        if name == Path(__file__).relative_to(ROOT).as_posix():  # its examples are meant
            continue
        data = (ROOT / name).read_bytes()
        if b"\0" in data:  # pictures, model files: not text
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            for path in machine_paths(line, [str(ROOT)]):
                offenders.append(f"{name}:{number}: {path}")
    assert not offenders, "absolute machine paths:\n" + "\n".join(offenders)

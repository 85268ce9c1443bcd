"""The README's shell examples, run as written, in order, in a fresh copy of the repository.

A new user copies the README's commands into a shell from top to bottom. This test does the
same: it copies the repository's files (those git tracks or would track: no ``runs/``, no
``.venv``, no data) into a temporary folder laid out as the README assumes (the course data in
``../shared/datasets/catvnoncat``), and runs every example in one bash session, in README order,
so that what one example exports or creates is there for the next. The session starts with
neither ``deepcat`` on ``PATH`` nor ``DEEPCAT_DATA`` set: the README's own setup must provide
them.

Two kinds of example are read:

- a ``bash`` block is a script; it must exit with status 0;
- a ``text`` block whose lines start with ``$ `` is a terminal session: each command is run and
  its output (stdout and stderr together, as a terminal shows them) must be the lines shown
  under it, up to the normalisations of :func:`normalised`. A line ``...`` stands for any
  number of lines. A command whose shown output has an ``Error:`` or ``error:`` line must
  fail; any other must succeed.

A few examples are changed or left out, each for the reason given in :data:`CHANGED`: the
installation (this test runs inside the environment it makes; ``.ci/run`` runs it verbatim on a
fresh clone), the test suite itself, the server that runs until Ctrl-C, the benchmarks, and
the slow course script, which runs with fewer iterations here. Every entry must still match
the README, so none can go stale.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from deepcat.data import DATA_ENV

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ANY_LINES = "..."
FAILURE = re.compile(r"^(Error|error): ", re.MULTILINE)
SESSION_TIMEOUT = 900  # seconds for all the examples together; they take about two minutes

VENV_SETUP = "python3 -m venv .venv && .venv/bin/pip install . && "
"""The install step of the README's first command, replaced by the running environment."""


@dataclass
class Change:
    instead: str  # what runs instead of the README's text
    why: str
    shown: tuple = ()  # (README text, text instead) in the output shown above the first "..."


CHANGED = {
    VENV_SETUP: Change(
        'ln -s "$README_TEST_PREFIX" .venv && ',
        "this test runs inside the environment that installing makes; .ci/run installs "
        "verbatim, from a fresh clone, before it runs the tests",
    ),
    "python3 -m venv .venv && .venv/bin/pip install '.[test]' && DEEPCAT_DATA=../shared/datasets/"
    "catvnoncat .venv/bin/python -m pytest": Change(
        ":", "the test suite is what runs this test (.ci/run runs this line verbatim)"
    ),
    "pip install '.[dask]'": Change(
        ":",
        "the test environment has the dask extra already (the test extra holds it), and "
        "installing into it would change the environment the other tests run in",
    ),
    "python examples/course_l_layer.py": Change(
        "python examples/course_l_layer.py --iterations 201",
        "the full 2500 iterations of the readable loop take about half a minute; 201 print the "
        "course's first three costs (tests/test_course.py checks all 2500)",
        shown=("for 2500 iterations", "for 201 iterations"),
    ),
}
"""README text -> what runs instead, and why."""

LEFT_OUT = {
    "deepcat serve": "it runs until Ctrl-C; tests/test_serve_command.py and the browser tests "
    "start it for real",
    "pip install -e '.[bench]'": "the benchmarks install PyTorch and run for minutes on a quiet "
    "machine; their figures are measured by hand",
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'": "the development install and "
    "test run are .ci/run's own steps",
}
"""Text in an example -> why that example is not run."""


@dataclass
class Example:
    line: int  # where it starts in the README, for the test's id
    script: str  # what the shell runs
    expected: list | None  # the shown output's lines; None for a bash block (status 0 only)
    changed: Change | None = None  # then only its output above a "..." is compared

    @property
    def must_fail(self):
        return self.expected is not None and any(FAILURE.match(line) for line in self.expected)


def readme_examples(text):
    """Every shell example of ``text`` (the README), in order, with its replacements made."""
    examples = []
    for start, language, body in _fenced_blocks(text):
        if language == "bash":
            examples.append(Example(start + 1, "\n".join(body), None))
        elif language == "text" and body and body[0].startswith("$ "):
            for offset, command, output in _session(body):
                examples.append(Example(start + 1 + offset, command, output))
    kept = []
    for example in examples:
        if any(text in example.script for text in LEFT_OUT):
            continue
        for text, change in CHANGED.items():
            if text in example.script:
                example.script = example.script.replace(text, change.instead)
                example.changed = change
        kept.append(example)
    return kept


def _fenced_blocks(text):
    """(line number of the opening fence, language, lines) of each fenced block."""
    lines = text.splitlines()
    blocks, inside = [], None
    for number, line in enumerate(lines, start=1):
        if line.startswith("```"):
            if inside is None:
                inside = (number, line[3:].strip(), [])
            else:
                blocks.append(inside)
                inside = None
        elif inside is not None:
            inside[2].append(line)
    return blocks


def _session(lines):
    """(offset, command, output lines) of each ``$ `` command of a terminal session."""
    commands = []
    for offset, line in enumerate(lines):
        if line.startswith("$ "):
            commands.append((offset, line[2:], []))
        else:
            commands[-1][2].append(line)
    for _, _, output in commands:  # a blank line before the next command only spaces them
        while output and not output[-1].strip():
            output.pop()
    return commands


def normalised(line, clone):
    """``line`` with what differs between runs made alike: the date and time in run folders'
    names, durations (one decimal before " s", or ending a table's row), the count of worker
    processes (one per core), the clone's own folder (shown as ``~/deepcat``), and the run of
    spaces that aligns columns around them."""
    line = line.replace(str(clone), "~/deepcat")
    line = re.sub(r"\b\d{8}-\d{6}\b", "<date>-<time>", line)
    line = re.sub(r"(?<![\d.])\d+\.\d(?= s\b)", "<t>", line)
    line = re.sub(r"(?<=[\d ])\d+\.\d(?=\s*$)", "<t>", line)  # a table's seconds column
    line = re.sub(r"\bin \d+ process(es)?\b", "in <n> processes", line)  # one per core
    return " ".join(line.split())


def matches(shown, printed):
    """Whether the printed lines are the shown ones, where a shown ``...`` stands for any
    number of lines (both already :func:`normalised`)."""
    pattern = "".join(
        r"(?:.*\n)*?" if line == ANY_LINES else re.escape(line) + r"\n" for line in shown
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in printed)) is not None


def test_the_readme_is_read():
    """The parser finds the examples the README is known to hold, so a change of its fences
    cannot silently leave this test with nothing to run."""
    examples = readme_examples(README.read_text())
    scripts = [example.script for example in examples]
    assert len(examples) >= 20
    assert any(script.startswith("deepcat train --out runs/course") for script in scripts)
    assert sum(example.expected is None for example in examples) >= 3
    assert any(example.must_fail for example in examples)


@pytest.mark.parametrize("text", [*CHANGED, *LEFT_OUT])
def test_every_change_still_matches_the_readme(text):
    assert text in README.read_text(), f"{text!r} is no longer in the README: update this test"


@pytest.fixture(scope="module")
def session(catvnoncat_path, tmp_path_factory):
    """Runs every example once; returns the examples, each with its ``status`` and
    ``printed`` lines, and the clone's folder."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("the README test copies the files git tracks; this is not a git checkout")
    base = tmp_path_factory.mktemp("readme")
    clone = _fresh_copy(base / "deepcat")
    (base / "shared" / "datasets").mkdir(parents=True)
    (base / "shared" / "datasets" / "catvnoncat").symlink_to(catvnoncat_path)
    examples = readme_examples(README.read_text())
    outputs = base / "outputs"
    outputs.mkdir()
    script = ["cd " + _quoted(clone)]
    for number, example in enumerate(examples):
        # Braces, not a subshell: what an example exports or starts stays for the next one.
        script.append(
            f"{{\n{example.script}\n}} > {outputs}/{number} 2>&1 < /dev/null; "
            f"echo $? > {outputs}/{number}.status"
        )
    script.append("kill $(jobs -p) 2> /dev/null; wait")
    # A session of its own, so that what an example left running (the Dask scheduler and
    # worker) is stopped with it even when the examples run out of time.
    shell = subprocess.Popen(
        ["bash", "-c", "\n".join(script)], env=_new_user_environment(base), start_new_session=True
    )
    try:
        shell.wait(timeout=SESSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the README's examples ran longer than {SESSION_TIMEOUT} s together")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGKILL)
        shell.wait()
    for number, example in enumerate(examples):
        example.status = int((outputs / f"{number}.status").read_text())
        example.printed = (outputs / str(number)).read_text().splitlines()
    return examples, clone


def _fresh_copy(target):
    """The files of the repository that git tracks or would track, copied to ``target``."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _new_user_environment(base):
    """A shell as a new user's: no deepcat on PATH, no DEEPCAT_DATA, a home of its own.

    ``README_TEST_PREFIX`` is the environment the install step would make (see
    :data:`CHANGED`); ``PYTHONPATH`` points at the deepcat under test, as for every command-line
    test; unbuffered output keeps stdout and stderr in the order a terminal shows them.
    """
    venv_bin = str(Path(sys.prefix) / "bin")
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p and p != venv_bin]
    home = base / "home"
    home.mkdir()
    environment = {
        "PATH": os.pathsep.join(path),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "README_TEST_PREFIX": sys.prefix,
    }
    for name in ("PYTHONPATH", "DEEPCAT_CACHE", "TMPDIR"):
        if os.environ.get(name):
            environment[name] = os.environ[name]
    assert DATA_ENV not in environment
    return environment


def _quoted(path):
    return "'" + str(path).replace("'", "'\\''") + "'"


EXAMPLES = readme_examples(README.read_text())


@pytest.mark.parametrize(
    "position", range(len(EXAMPLES)), ids=[f"line-{example.line}" for example in EXAMPLES]
)
def test_readme_example(session, position):
    examples, clone = session
    example = examples[position]
    printed = "\n".join(example.printed)
    where = f"README line {example.line}: {example.script.splitlines()[0]}\n{printed}"
    if example.must_fail:
        assert example.status != 0, where
    else:
        assert example.status == 0, f"exit status {example.status}\n{where}"
    assert "Traceback" not in printed, where
    if example.expected is None:
        return
    shown = [normalised(line, clone) for line in example.expected]
    got = [normalised(line, clone) for line in example.printed]
    if example.changed:  # a shorter run: what the README shows above its first "..."
        shown = shown[: shown.index(ANY_LINES)] + [ANY_LINES] if ANY_LINES in shown else []
        if example.changed.shown:
            shown = [line.replace(*example.changed.shown) for line in shown]
    assert matches(shown, got), f"{where}\n--- the README shows:\n" + "\n".join(example.expected)

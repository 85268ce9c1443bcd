"""docs/notebooks/course_seeds.py: run as a learner runs it, and opened by jupytext.

The notebook runs seed 001's training on the course data and prints what the seed printed;
the figures are seed 001's (seeds/001_bc836cd5ba930d3f.txt, the article's shapes at lines 13
and 19, its costs at line 84, its accuracies at line 89). Its costs are checked as in
tests/test_course_seeds.py: the first digit for digit, all of them to 1e-15, since the last of
their 17 digits depends on the BLAS library's order of summation.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from deepcat.plots import mislabeled_grid_size

jupytext = pytest.importorskip("jupytext")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "course_seeds.py"

SEED_001_COSTS = [
    (0, 0.6933973875299138),
    (500, 0.5054817305127275),
    (1000, 0.3024003130312214),
    (1500, 0.10870519536443567),
    (2000, 0.05241476625572783),
    (2499, 0.030590797593466793),
]
SEED_001_LINES = [
    # seeds/001_bc836cd5ba930d3f.txt:13 and :19
    "y = 1. It's a cat picture.",
    "train_x_orig shape: (209, 64, 64, 3)",
    "train_y shape: (1, 209)",
    "test_x_orig shape: (50, 64, 64, 3)",
    "test_y shape: (1, 50)",
    "train_x's shape: (12288, 209)",
    "test_x's shape: (12288, 50)",
    # seeds/001_bc836cd5ba930d3f.txt:84, the first cost
    "Cost after iteration 0: 0.6933973875299138",
    # seeds/001_bc836cd5ba930d3f.txt:89
    "Training accuracy:",
    "Accuracy: 0.9999999999999998",
    "Testing accuracy:",
    "Accuracy: 0.74",
]
MISLABELED = 13  # test accuracy 0.74 of 50 pictures


@pytest.fixture(scope="module")
def notebook_run(catvnoncat_path, tmp_path_factory):
    """The notebook as a plain script in a fresh folder, its figures written to another."""
    out = tmp_path_factory.mktemp("notebook_out")
    cwd = tmp_path_factory.mktemp("notebook_cwd")
    env = {
        **os.environ,
        # tests/conftest.py has put this checkout's src first on PYTHONPATH for subprocesses.
        "PYTHONPATH": os.environ["PYTHONPATH"],
        "MPLBACKEND": "Agg",
        "DEEPCAT_NOTEBOOK_OUT": str(out),
        "DEEPCAT_DATA": str(catvnoncat_path),
    }
    result = subprocess.run(
        [sys.executable, str(NOTEBOOK)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return result, out, cwd


def test_notebook_runs_cleanly(notebook_run):
    result, _, cwd = notebook_run
    assert result.returncode == 0, result.stderr
    # matplotlib may note that it is building its font cache; nothing else may be said.
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert list(cwd.iterdir()) == []  # everything went to DEEPCAT_NOTEBOOK_OUT


def test_notebook_prints_the_seeds_figures(notebook_run):
    lines = notebook_run[0].stdout.splitlines()
    positions = [lines.index(line) for line in SEED_001_LINES]
    assert positions == sorted(positions)
    printed = {
        int(line.split()[3].rstrip(":")): float(line.rsplit(": ", 1)[1])
        for line in lines
        if line.startswith("Cost after iteration ")
    }
    assert sorted(printed) == [i for i, _ in SEED_001_COSTS]
    for iteration, published in SEED_001_COSTS:
        assert printed[iteration] == pytest.approx(published, rel=1e-15, abs=0)
    assert f"{MISLABELED} of the 50 test pictures mislabeled" in notebook_run[0].stdout


@pytest.mark.parametrize(
    "name, size",
    [
        ("seed_001_costs.png", (800, 500)),  # the seed's figsize=(8, 5) at 100 dpi
        ("seed_000_costs.png", (640, 480)),  # deepcat.plots.plot_costs
        ("seed_001_mislabeled.png", mislabeled_grid_size(MISLABELED)),
    ],
)
def test_notebook_figures_are_pngs(notebook_run, name, size):
    path = notebook_run[1] / name
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == size
        image.load()
        assert len(np.unique(np.asarray(image.convert("L")))) > 10  # drawn, not blank


def test_jupytext_reads_the_notebook():
    notebook = jupytext.read(NOTEBOOK)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[0] == "markdown" and kinds.count("markdown") >= 5 and kinds.count("code") >= 5
    assert notebook.cells[0].source.startswith("# The seed articles' cat classifiers")
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "seed_001.nn_model(" in code and "seed_000.nn_model(" in code
    assert "plot_mislabeled(" in code
    assert notebook.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    # Written back in the percent format, the notebook is the file itself.
    assert jupytext.writes(notebook, fmt="py:percent") == NOTEBOOK.read_text(encoding="utf-8")

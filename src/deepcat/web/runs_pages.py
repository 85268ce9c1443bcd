"""The Runs page and a run's page: what the runs under ``--runs`` hold, and their figures.

``GET /api/runs`` lists every run with its settings and results (the page sorts them);
``GET /api/run?id=ID`` gives one run's metrics with its costs, for the page to draw and to
overlay on others'; ``GET /api/figure?id=ID&name=cost.png`` serves one of a run's figures.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route

from deepcat.formatting import printable
from deepcat.web.http import WebError

LISTED_SETTINGS = (
    "hidden",
    "activation",
    "learning_rate",
    "optimizer",
    "iterations",
    "epochs",
    "batch_size",
    "lambd",
    "keep_prob",
)
"""The settings the list shows of each run; a run's page shows all it records."""


def run_summary(run):
    """One row of the list: the run's id, data set, layers, main settings and results (each
    None where the run does not record it)."""
    metrics = run.metrics
    row = {
        "id": run.id,
        "kind": "comparison" if run.is_comparison else "run",
        "dataset": metrics["dataset"],
        "layer_dims": metrics["layer_dims"],
        "modified": run.modified,
        "figures": list(run.figures),
        "has_model": run.has_model,
    }
    if run.is_comparison:
        row["learning_rates"] = metrics["learning_rates"]
        row["runs"] = metrics["runs"]
        return row
    settings = metrics["hyperparameters"] or {}
    row["settings"] = {key: settings.get(key) for key in LISTED_SETTINGS}
    costs = metrics["costs"]
    row["final_cost"] = costs[-1][1] if costs else None
    for key in ("train_accuracy", "test_accuracy", "iterations", "fit_seconds"):
        row[key] = metrics[key]
    return row


async def list_runs(request):
    """``GET /api/runs``: ``{"root": ..., "runs": [row, ...]}``, newest first."""
    catalogue = request.app.state.catalogue
    runs = await run_in_threadpool(catalogue.runs)
    return JSONResponse(
        {"root": printable(catalogue.root), "runs": [run_summary(run) for run in runs]}
    )


async def show_run(request):
    """``GET /api/run?id=ID``: the row of :func:`run_summary` and the whole ``metrics.json``."""
    run = await run_in_threadpool(request.app.state.catalogue.get, _run_id(request))
    return JSONResponse({**run_summary(run), "metrics": run.metrics})


async def figure(request):
    """``GET /api/figure?id=ID&name=NAME``: a PNG figure of a run."""
    name = request.query_params.get("name", "")
    path = await run_in_threadpool(request.app.state.catalogue.figure, _run_id(request), name)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "no-cache"})


def _run_id(request):
    run_id = request.query_params.get("id")
    if not run_id:
        raise WebError(400, "name a run: ?id=RUN")
    return run_id


ROUTES = [
    Route("/api/runs", list_runs, methods=["GET"]),
    Route("/api/run", show_run, methods=["GET"]),
    Route("/api/figure", figure, methods=["GET"]),
]

"""The Train page's endpoints over real HTTP, with real training threads and real files.

A run trained from the web is compared with the run the real ``deepcat train`` writes with the
same settings (the same files, the same numbers), and with the course's published first cost;
a bad value gets the command line's own message; one run trains at a time; a stopped run, and
a server stopped by Ctrl-C (once, or twice at once) while it trains, leave nothing behind. A
page joining late, or reconnecting after any event, is told every cost point once, however
many progress events a long run told.
"""

import json
import math
import os
import re
import signal
import time
import urllib.request

import pytest
from starlette.testclient import TestClient

from cli_runner import deepcat
from deepcat.data import DATA_ENV
from deepcat.web import jobs, training
from deepcat.web.app import create_app
from web_server import served

# Course 1 week 4, "Deep Neural Network - Application": L_layer_model prints "Cost after
# iteration 0: 0.771749" for layers_dims [12288, 20, 7, 5, 1] and learning_rate 0.0075, the
# settings deepcat train gives catvnoncat (tests/test_cli_course.py pins it for the CLI).
PUBLISHED_FIRST_COST = 0.771749

LONG = {"iterations": "1000000", "record_every": "10000"}
"""Settings of a flower run that trains far longer than any test waits: it is stopped."""


@pytest.fixture
def runs(tmp_path):
    return tmp_path / "runs"


@pytest.fixture
def client(runs):
    with TestClient(create_app(runs), base_url="http://127.0.0.1") as client:
        yield client


def start(client, dataset, **settings):
    response = client.post("/api/train", json={"dataset": dataset, "settings": settings})
    assert response.status_code == 202, response.text
    return response.json()


def read_stream(text):
    """The ``(id, event)`` pairs of a server-sent event stream's text."""
    pairs = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in fields:
            pairs.append((int(fields["id"]), json.loads(fields["data"])))
    return pairs


def job_stream(client, job, last_id=None):
    """Every ``(id, event)`` of ``job`` after ``last_id``, reconnecting as a browser's
    EventSource does (each response of the stream lasts a moment) until the server answers
    204."""
    told = []
    while True:
        headers = {} if last_id is None else {"Last-Event-ID": str(last_id)}
        response = client.get("/api/train/events", params={"job": job}, headers=headers)
        if response.status_code == 204:
            return told
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        for event_id, event in read_stream(response.text):
            assert last_id is None or event_id > last_id, (last_id, event_id)
            told.append((event_id, event))
            last_id = event_id


def job_events(client, job, last_id=None):
    """The events of :func:`job_stream`, without their ids."""
    return [event for _, event in job_stream(client, job, last_id)]


def cost_points(events):
    """The ``[iteration, cost]`` points of the progress events, in the order told."""
    return [point for event in events if event["type"] == "progress" for point in event["points"]]


def story(events):
    """The events but progress."""
    return [event for event in events if event["type"] != "progress"]


def rate_iterations(told):
    """``[rate, iteration]`` of each cost point of the ``(id, event)`` pairs, in the order told."""
    return [
        [event["rate"], iteration]
        for _, event in told
        if event["type"] == "progress"
        for iteration, _ in event["points"]
    ]


def sent_iterations(total):
    """The iterations whose cost a run of ``total`` updates sends: every
    ``ceil(total / MAX_POINTS)``-th, and the last."""
    stride = math.ceil(total / jobs.MAX_POINTS)
    return sorted({*range(0, total, stride), total - 1})


def wait_until_training(client, job):
    """Wait until ``job`` has sent its first progress event."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = client.get("/api/train/status").json()["running"]
        assert running is not None and running["job"] == job, running
        if running["events"] >= 3:  # job, start, progress
            return
        time.sleep(0.05)
    raise AssertionError(f"job {job} sent no progress in 60 s")


def tree(folder):
    """Every file under ``folder``, by its path relative to it."""
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _, names in os.walk(folder)
        for name in names
    )


def leftovers(runs):
    """What is in the runs folder (an empty list when it is not there)."""
    return sorted(os.listdir(runs)) if runs.exists() else []


def test_a_web_run_is_the_run_deepcat_train_writes(client, runs, tmp_path):
    started = start(client, "flower", learning_rate="1.2,0.5", iterations="300")
    events = job_events(client, started["job"])
    assert [e["type"] for e in events if e["type"] != "progress"] == [
        "job", "start", "finish", "start", "finish", "done",
    ]  # fmt: skip
    out = started["out"]
    assert events[-1]["runs"] == [out, f"{out}/lr-1.2", f"{out}/lr-0.5"]
    cli = deepcat(
        "train", "--dataset", "flower", "--learning-rate", "1.2,0.5", "--iterations", "300",
        "--out", "cli", cwd=tmp_path,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    web_run, cli_run = runs / out, tmp_path / "cli"
    assert tree(web_run) == tree(cli_run)
    assert {"learning_rates.png", "lr-1.2/cost.png", "lr-0.5/model.npz"} <= set(tree(web_run))
    for rate in ("1.2", "0.5"):
        web = json.loads((web_run / f"lr-{rate}" / "metrics.json").read_text())
        cli = json.loads((cli_run / f"lr-{rate}" / "metrics.json").read_text())
        web.pop("fit_seconds"), cli.pop("fit_seconds")
        assert web == cli


def test_the_live_costs_are_the_recorded_ones_and_the_accuracies_the_final_ones(client, runs):
    started = start(client, "flower", iterations="300")
    events = job_events(client, started["job"])
    start_event = next(e for e in events if e["type"] == "start")
    assert start_event["total"] == 300 and start_event["layer_dims"] == [2, 4, 1]
    assert start_event["live_accuracy"] is True
    progress = [e for e in events if e["type"] == "progress"]
    live = dict(point for e in progress for point in e["points"])
    assert sorted(live) == list(range(300))  # 300 iterations, under MAX_POINTS: every one
    assert progress[-1]["updates"] == 300
    assert 0 <= progress[0]["train_accuracy"] <= 1 and 0 <= progress[0]["test_accuracy"] <= 1
    metrics = json.loads((runs / started["out"] / "metrics.json").read_text())
    for iteration, cost in metrics["costs"]:
        assert live[iteration] == cost
    finish = next(e for e in events if e["type"] == "finish")
    assert finish["train_accuracy"] == metrics["train_accuracy"]
    assert finish["test_accuracy"] == metrics["test_accuracy"]
    assert finish["iterations"] == 300 and finish["cost"] == metrics["costs"][-1][1]


def test_the_course_network_starts_from_the_published_cost(
    client, runs, catvnoncat_path, monkeypatch
):
    monkeypatch.setenv(DATA_ENV, str(catvnoncat_path))  # where deepcat train looks, too
    started = start(client, "catvnoncat", iterations="10")
    events = job_events(client, started["job"])
    assert events[-1]["type"] == "done", events[-1]
    metrics = json.loads((runs / started["out"] / "metrics.json").read_text())
    assert metrics["layer_dims"] == [12288, 20, 7, 5, 1]
    assert metrics["costs"][0][1] == pytest.approx(PUBLISHED_FIRST_COST, abs=5e-7)
    live = dict(point for e in events if e["type"] == "progress" for point in e["points"])
    assert live[0] == metrics["costs"][0][1]
    # Ten updates of gradient descent on 12288 inputs are cheaper through the Gram matrix (the
    # fit chooses it), whose W[1] is written back only at the end: no live accuracy, then the
    # final one.
    assert next(e for e in events if e["type"] == "start")["live_accuracy"] is False
    assert not any("train_accuracy" in e for e in events if e["type"] == "progress")
    finish = next(e for e in events if e["type"] == "finish")
    assert finish["train_accuracy"] == metrics["train_accuracy"]


@pytest.mark.parametrize(
    ("dataset", "settings", "options"),
    [
        ("flower", {"learning_rate": "fast"}, ["--learning-rate", "fast"]),
        ("flower", {"keep_prob": "1.5"}, ["--keep-prob", "1.5"]),
        ("flower", {"optimizer": "sgd"}, ["--optimizer", "sgd"]),
        ("flower", {"patience": "3"}, ["--patience", "3"]),
        ("flower", {"hidden": "4,x"}, ["--hidden", "4,x"]),
    ],
)
def test_a_bad_value_gets_the_command_lines_message(
    client, runs, tmp_path, dataset, settings, options
):
    response = client.post("/api/train", json={"dataset": dataset, "settings": settings})
    assert response.status_code == 400
    message = response.json()["error"]
    cli = deepcat("train", "--dataset", dataset, *options, "--out", "cli", cwd=tmp_path)
    assert cli.returncode == 2
    assert f"Error: {message}\n" in cli.stderr, (message, cli.stderr)
    assert client.get("/api/train/status").json() == {"running": None, "latest": None}
    assert leftovers(runs) == []


def test_the_data_sets_are_those_a_page_may_train_on(client):
    response = client.post("/api/train", json={"dataset": "folder", "settings": {}})
    assert response.status_code == 400
    # --dataset's own message, over the data sets that need no folder named on the server.
    assert response.json()["error"] == (
        "Invalid value for '--dataset': 'folder' is not one of 'catvnoncat', 'breast-cancer', "
        "'digits', 'flower', 'circles', 'moons'."
    )


def test_malformed_requests_are_refused_in_words(client):
    cases = [
        ({"dataset": "flower", "settings": {"hidden": 4}}, "--hidden must be given as text"),
        ({"dataset": "flower", "settings": {"colour": "red"}}, "unknown setting 'colour'"),
        ({"dataset": "flower", "speed": "max"}, "unknown field 'speed'"),
    ]
    for body, words in cases:
        response = client.post("/api/train", json=body)
        assert response.status_code == 400 and words in response.json()["error"], response.text


def test_a_failing_run_ends_with_the_command_lines_line_and_writes_nothing(client, runs, tmp_path):
    started = start(client, "flower", learning_rate="1000", iterations="300")
    failed = job_events(client, started["job"])[-1]
    assert failed["type"] == "failed"
    assert failed["message"] == f"Nothing was written to {runs / started['out']}."
    cli = deepcat(
        "train", "--dataset", "flower", "--learning-rate", "1000", "--iterations", "300",
        "--out", "cli", cwd=tmp_path,
    )  # fmt: skip
    assert cli.returncode == 1
    assert f"Error: {failed['error']}\n" in cli.stderr, (failed, cli.stderr)
    assert "diverged" in failed["error"]
    assert leftovers(runs) == []


def test_missing_course_files_are_said_as_deepcat_train_says_it(
    client, runs, tmp_path, monkeypatch
):
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)  # ./datasets is looked in too, from where the server runs
    started = start(client, "catvnoncat", iterations="3")
    failed = job_events(client, started["job"])[-1]
    assert failed["type"] == "failed"
    cli = deepcat("train", "--dataset", "catvnoncat", cwd=tmp_path, data_dir=tmp_path / "empty")
    assert cli.returncode == 1
    assert f"Error: {failed['error']}\n" in cli.stderr, (failed, cli.stderr)
    assert leftovers(runs) == []


def test_a_second_run_is_refused_while_one_trains(client, runs):
    first = start(client, "flower", **LONG)
    wait_until_training(client, first["job"])
    response = client.post("/api/train", json={"dataset": "flower", "settings": {}})
    assert response.status_code == 409
    assert response.json()["error"] == (
        f"job {first['job']} is training already (into {runs / first['out']}); one run trains "
        "at a time: wait for it to end, or stop it"
    )
    assert client.post("/api/train/stop", json={}).status_code == 202
    assert job_events(client, first["job"])[-1]["type"] == "stopped"
    assert client.get("/api/train/status").json()["latest"]["job"] == first["job"]


def test_a_stopped_run_writes_nothing(client, runs):
    started = start(client, "flower", learning_rate="1.2,0.5", **LONG)
    wait_until_training(client, started["job"])
    response = client.post("/api/train/stop", json={"job": started["job"]})
    assert response.status_code == 202 and response.json()["job"] == started["job"]
    stopped = job_events(client, started["job"])[-1]
    assert stopped == {
        "type": "stopped",
        "message": f"training stopped and nothing was written to {runs / started['out']}",
    }
    assert leftovers(runs) == []  # no run, no .partial staging folder, no lock file
    response = client.post("/api/train/stop", json={"job": started["job"]})
    assert response.status_code == 409
    assert response.json()["error"] == f"job {started['job']} is not training: it has been stopped"
    response = client.post("/api/train/stop", json={})
    assert response.status_code == 409 and response.json()["error"] == "no training run is running"


def test_the_event_stream_replays_the_history_to_a_late_page(client):
    started = start(client, "flower", iterations="300")
    events = job_events(client, started["job"])
    assert events[0] == {
        "type": "job",
        "job": started["job"],
        "out": started["out"],
        "dataset": "flower",
        "settings": events[0]["settings"],
        "rates": [1.2],
    }
    assert events[0]["settings"]["hidden"] == [4] and events[0]["settings"]["iterations"] == 300
    # A second page gets it all, the progress in one event: every point, the last accuracies.
    late = job_stream(client, started["job"])
    assert [event["type"] for _, event in late] == ["job", "start", "progress", "finish", "done"]
    assert story(event for _, event in late) == story(events)
    assert cost_points(event for _, event in late) == cost_points(events)
    progress = [event for event in events if event["type"] == "progress"]
    last_scored = next(event for event in reversed(progress) if "train_accuracy" in event)
    assert late[2][1] == {
        "type": "progress",
        "rate": 0,
        "updates": 300,
        "points": cost_points(events),
        "train_accuracy": last_scored["train_accuracy"],
        "test_accuracy": last_scored["test_accuracy"],
    }
    assert job_stream(client, started["job"], last_id=late[1][0]) == late[2:]
    response = client.get(
        "/api/train/events",
        params={"job": started["job"]},
        headers={"Last-Event-ID": str(late[-1][0])},
    )
    assert response.status_code == 204  # nothing more: the browser stops reconnecting


def test_a_long_run_is_told_to_a_late_page_in_a_few_events(client, monkeypatch):
    monkeypatch.setattr(jobs, "SEND_SECONDS", 0)  # a progress event after every update
    started = start(client, "flower", learning_rate="1.2,0.5", iterations="2000")
    job_events(client, started["job"])  # its end
    told = client.get("/api/train/status").json()["latest"]["events"]
    assert told > 2 * 2000  # job, 2 * (start, 2000 progress, finish), done
    late = job_events(client, started["job"])
    assert [event["type"] for event in late] == [
        "job", "start", "progress", "finish", "start", "progress", "finish", "done",
    ]  # fmt: skip
    for progress in (late[2], late[5]):
        assert [iteration for iteration, _ in progress["points"]] == sent_iterations(2000)
        assert len(progress["points"]) <= jobs.MAX_POINTS + 1 and progress["updates"] == 2000


def test_a_page_reconnecting_after_any_event_misses_and_repeats_no_point(client, monkeypatch):
    # Many progress events, and a stream that ends every moment: the page reconnects with
    # Last-Event-ID again and again while the run trains.
    monkeypatch.setattr(jobs, "SEND_SECONDS", 0)
    monkeypatch.setattr(training, "STREAM_SECONDS", 0.02)
    monkeypatch.setattr(training, "POLL_SECONDS", 0.005)
    started = start(client, "flower", learning_rate="1.2,0.5", iterations="3000")
    live = job_stream(client, started["job"])
    expected = [[rate, iteration] for rate in (0, 1) for iteration in sent_iterations(3000)]
    assert rate_iterations(live) == expected
    # After whichever event it last got, a page reconnecting is told all that followed it,
    # once: the events of the story after it, and the points after it.
    for index in range(0, len(live), max(1, len(live) // 40)):
        last_id = live[index][0]
        rest = job_stream(client, started["job"], last_id=last_id)
        assert rate_iterations(live[: index + 1] + rest) == expected, last_id
        seen = story(event for _, event in live[: index + 1])
        assert seen + story(event for _, event in rest) == story(event for _, event in live)


def test_a_job_id_from_an_earlier_server_names_no_job_on_a_new_one(runs):
    with TestClient(create_app(runs), base_url="http://127.0.0.1") as before:
        first = start(before, "flower", iterations="20")
        job_events(before, first["job"])
        second = start(before, "flower", iterations="20")
        job_events(before, second["job"])
        assert before.get("/api/train/status").json()["latest"]["job"] == second["job"]
    with TestClient(create_app(runs), base_url="http://127.0.0.1") as after:  # a restart
        third = start(after, "flower", iterations="20")
        job_events(after, third["job"])
        for job in (first["job"], second["job"], third["job"]):
            assert re.fullmatch("[0-9a-f]{16}", job), job
        assert len({first["job"], second["job"], third["job"]}) == 3
        # The page that watched the first server's job reconnects: it is not told this run.
        response = after.get(
            "/api/train/events", params={"job": first["job"]}, headers={"Last-Event-ID": "2"}
        )
        assert response.status_code == 404
        assert response.json() == {"error": f"no training job '{first['job']}' on this server"}


def test_unknown_jobs_are_404_and_a_missing_one_400(client):
    response = client.get("/api/train/events", params={"job": "7"})
    assert response.status_code == 404
    assert response.json() == {"error": "no training job '7' on this server"}
    response = client.get("/api/train/events")
    assert response.status_code == 400 and response.json() == {
        "error": "name the training job: job=ID"
    }
    assert client.post("/api/train/stop", json={"job": "7"}).status_code == 404


def test_the_form_is_the_settings_declaration(client):
    form = client.get("/api/train/form").json()
    fields = {field["name"]: field for field in form["settings"]}
    assert fields["learning_rate"]["flag"] == "--learning-rate" and fields["learning_rate"]["main"]
    assert fields["keep_prob"]["several"] and not fields["beta1"]["main"]
    names = [entry["name"] for entry in form["datasets"]["datasets"]]
    assert "flower" in names and "folder" not in names  # a page names no folder on the server
    page = client.get("/train")
    assert page.status_code == 200 and "<title>Train · deepcat</title>" in page.text


def test_get_never_changes_anything(client, runs):
    for path in ("/train", "/api/train/form", "/api/train/status", "/static/train.js"):
        assert client.get(path).status_code == 200
    for path in ("/api/train", "/api/train/stop"):
        response = client.get(path)
        assert response.status_code == 405, path
    assert client.get("/api/train/status").json() == {"running": None, "latest": None}
    assert leftovers(runs) == []
    started = start(client, "flower", **LONG)
    wait_until_training(client, started["job"])
    assert client.get("/api/train/stop").status_code == 405
    assert client.get("/api/train/status").json()["running"]["job"] == started["job"]
    client.post("/api/train/stop", json={})


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def post_json(url, value):
    request = urllib.request.Request(
        url, data=json.dumps(value).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_ctrl_c_on_the_server_stops_its_run_and_leaves_nothing(tmp_path):
    runs = tmp_path / "runs"
    with served(runs) as server:
        started = post_json(server.url + "api/train", {"dataset": "flower", "settings": LONG})
        deadline = time.monotonic() + 60
        while get_json(server.url + "api/train/status")["running"]["events"] < 3:
            assert time.monotonic() < deadline, "no progress event in 60 s"
            time.sleep(0.05)
        assert any(name.endswith(".partial") for name in os.listdir(runs))  # it is training
        # A page watching the run must not hold the server up.
        with urllib.request.urlopen(
            f"{server.url}api/train/events?job={started['job']}", timeout=30
        ) as stream:
            assert stream.readline() == b"retry: 100\n"
            status, stdout, stderr = server.stop(signal.SIGINT)
    assert status == 130, (stdout, stderr)
    assert stderr.strip() == "interrupted" and "Traceback" not in stderr
    assert leftovers(runs) == []


@pytest.mark.parametrize("presses", [2, 3])
def test_ctrl_c_pressed_again_while_the_run_is_written_still_leaves_nothing(
    tmp_path, catvnoncat_path, monkeypatch, presses
):
    # A second Ctrl-C makes uvicorn skip its shutdown, the application's with it: the job
    # is waited for when asyncio cancels the application. A third interrupts that wait: the
    # interpreter still waits for the job before it exits.
    monkeypatch.setenv(DATA_ENV, str(catvnoncat_path))  # the server's environment
    runs = tmp_path / "runs"
    with served(runs) as server:
        settings = {"iterations": "5"}
        post_json(server.url + "api/train", {"dataset": "catvnoncat", "settings": settings})
        # Its fit is over and its files are being written, the pictures mislabelled last.
        server.running.wait_for(
            lambda: any(runs.glob(".*.partial/model.npz")), "the run's model written", timeout=60
        )
        # The presses a moment apart, so that they are as many signals, not one the kernel
        # merges, and the last comes once the server waits for the job.
        for pause in (0.05, 0.5)[: presses - 1]:
            server.running.send_signal(signal.SIGINT)
            time.sleep(pause)
        status, stdout, stderr = server.stop(signal.SIGINT)
    assert status == 130, (stdout, stderr)
    assert stderr.strip() == "interrupted" and "Traceback" not in stderr, stderr
    assert leftovers(runs) == []  # no run, no .partial staging folder, no lock file

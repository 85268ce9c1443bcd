"""The web application's endpoints over real HTTP (Starlette's test client): the models and
their answers, the runs and their figures, and everything a hostile request might try.

The course model is trained by the real ``deepcat train`` with the course's settings; its
answers to the course's 50 test pictures, uploaded as PNG files, give the published accuracy.
"""

import base64
import io
import json
import os
import socket
import zlib

import h5py
import numpy as np
import pytest
from PIL import Image
from starlette.testclient import TestClient

from cli_runner import assert_user_error, deepcat
from deepcat.web import predict
from deepcat.web.app import create_app
from deepcat.web.server import exposure_note

# Course 1 week 4, "Deep Neural Network - Application": L_layer_model with layers_dims
# [12288, 20, 7, 5, 1], learning_rate 0.0075 and 2500 iterations prints "Accuracy: 0.8" on
# the test set (40 of the 50 pictures); deepcat train's defaults are that model.
PUBLISHED_TEST_CORRECT = 40


@pytest.fixture(scope="module")
def served_root(tmp_path_factory, catvnoncat_path):
    """A folder whose ``runs/`` holds the course model (``course``) and a breast-cancer run
    (``bc``), both written by the command line."""
    root = tmp_path_factory.mktemp("web")
    result = deepcat("train", "--out", "runs/course", cwd=root, data_dir=catvnoncat_path)
    assert result.returncode == 0, result.stderr
    result = deepcat(
        "train", "--dataset", "breast-cancer", "--iterations", "50", "--out", "runs/bc", cwd=root
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def client(served_root):
    with TestClient(create_app(served_root / "runs"), base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture(scope="module")
def test_pictures(catvnoncat_path):
    """The course's 50 test pictures as PNG files' bytes, and their labels."""
    with h5py.File(catvnoncat_path / "test_catvnoncat.h5") as course_file:
        pixels, labels = course_file["test_set_x"][:], course_file["test_set_y"][:]
    files = []
    for picture in pixels:
        buffer = io.BytesIO()
        Image.fromarray(picture).save(buffer, format="PNG")
        files.append(buffer.getvalue())
    return files, labels


def ask(client, model, pictures):
    """POST ``pictures`` ([(name, bytes)]) to the model; the response."""
    files = [("pictures", (name, data, "application/octet-stream")) for name, data in pictures]
    return client.post("/api/predict", data={"model": model}, files=files)


def test_the_course_model_answers_the_course_test_pictures_as_published(client, test_pictures):
    files, labels = test_pictures
    answers = []
    for first in range(0, len(files), predict.MAX_PICTURES):
        batch = [(f"test-{k}.png", files[k]) for k in range(first, min(len(files), first + 32))]
        response = ask(client, "course", batch)
        assert response.status_code == 200, response.text
        answers += response.json()["answers"]
    predicted = np.array([answer["label"] for answer in answers])
    assert int(np.sum(predicted == labels)) == PUBLISHED_TEST_CORRECT
    for answer in answers:
        pair = [entry["probability"] for entry in answer["probabilities"]]
        assert [entry["class"] for entry in answer["probabilities"]] == ["non-cat", "cat"]
        assert pair[0] + pair[1] == pytest.approx(1, abs=1e-12)
        assert answer["probability"] == pair[answer["label"]] and answer["probability"] >= 0.5
        assert answer["class"] == ["non-cat", "cat"][answer["label"]]


def test_the_picture_as_the_model_sees_it_is_the_resized_picture(client, tmp_path):
    # A 640 x 480 picture, left half red and right half blue, seen at 64 x 64.
    pixels = np.zeros((480, 640, 3), np.uint8)
    pixels[:, :320, 0] = 255
    pixels[:, 320:, 2] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    answer = ask(client, "course", [("wide.png", buffer.getvalue())]).json()["answers"][0]
    header, encoded = answer["seen"].split(",", 1)
    assert header == "data:image/png;base64"

    with Image.open(io.BytesIO(base64.b64decode(encoded))) as seen:
        assert seen.size == (64, 64) and seen.mode == "RGB"
        seen_pixels = np.asarray(seen)
    # Lanczos resampling rings by a shade or two next to the edge at column 32.
    assert seen_pixels[:, :28].tolist() == [[[255, 0, 0]] * 28] * 64
    assert seen_pixels[:, 36:].tolist() == [[[0, 0, 255]] * 28] * 64


def test_a_broken_picture_is_named_and_the_others_are_answered(client, test_pictures):
    files, _ = test_pictures
    response = ask(client, "course", [("cat.png", files[0]), ("notes.jpg", b"not a picture")])
    assert response.status_code == 200
    first, broken = response.json()["answers"]
    assert "label" in first
    assert broken["error"].startswith("notes.jpg: ") and "picture" in broken["error"]
    assert "/tmp" not in broken["error"] and "deepcat-upload" not in broken["error"]


def test_a_picture_too_large_to_decode_is_refused_before_decoding(client):
    # A valid PNG header claiming 20000 x 20000 pixels (400 megapixels) in a few bytes.
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = (20000).to_bytes(4, "big") * 2  # IHDR's width and height
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # and its checksum
    answer = ask(client, "course", [("bomb.png", bytes(data))]).json()["answers"][0]
    assert answer["error"].startswith("bomb.png: ") and "pixels" in answer["error"]


def test_uploads_have_limits(client, monkeypatch):
    too_many = [(f"p{k}.png", b"x") for k in range(predict.MAX_PICTURES + 1)]
    response = ask(client, "course", too_many)
    assert response.status_code == 400 and "32" in response.json()["error"]
    huge = b"\0" * (predict.MAX_PICTURE_BYTES + 1)
    answer = ask(client, "course", [("huge.png", huge)]).json()["answers"][0]
    assert answer["error"].startswith("huge.png: is 20.0 MB, more than the 20 MB")
    response = client.post(
        "/api/predict",
        content=b"x",
        headers={"Content-Length": str(predict.MAX_REQUEST_BYTES + 1), "Content-Type":
                 "multipart/form-data; boundary=b"},
    )  # fmt: skip
    assert response.status_code == 413 and "64 MB" in response.json()["error"]


def test_a_body_that_grows_past_the_limit_is_cut_off(client, monkeypatch):
    monkeypatch.setattr(predict, "MAX_REQUEST_BYTES", 1000)

    def chunks():  # no Content-Length: the body is counted as it arrives
        yield b'--b\r\nContent-Disposition: form-data; name="pictures"; filename="a.png"\r\n\r\n'
        for _ in range(100):
            yield b"\0" * 100

    response = client.post(
        "/api/predict",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"model": "nothing"}, 404, "no run named 'nothing'"),
        ({"model": "../course"}, 404, "no run named '../course'"),
        ({"model": "/etc"}, 404, "no run named '/etc'"),
        ({"model": "course/../course"}, 404, "no run named"),
        ({"model": "bc"}, 400, "not on pictures"),
        ({}, 400, "choose a model"),
    ],
)
def test_a_model_is_only_a_run_under_the_runs_folder(client, test_pictures, form, status, words):
    files = [("pictures", ("cat.png", test_pictures[0][0], "image/png"))]
    response = client.post("/api/predict", data=form, files=files)
    assert response.status_code == status and words in response.json()["error"]


def test_a_form_without_pictures_is_refused(client):
    response = client.post("/api/predict", data={"model": "course"})
    assert response.status_code == 400 and "choose one or more pictures" in response.text


def test_only_picture_models_are_offered(client):
    listing = client.get("/api/models").json()
    assert [model["id"] for model in listing["models"]] == ["course"]
    course = listing["models"][0]
    assert course["classes"] == ["non-cat", "cat"] and course["image_shape"] == [64, 64, 3]
    assert course["test_accuracy"] == 0.8  # the published 80 %
    assert [(s["id"], "features per example" in s["reason"]) for s in listing["skipped"]] == [
        ("bc", True)
    ]


def test_runs_are_listed_with_their_settings_and_results(client, served_root):
    rows = {row["id"]: row for row in client.get("/api/runs").json()["runs"]}
    assert set(rows) == {"course", "bc"}
    course = rows["course"]
    assert course["layer_dims"] == [12288, 20, 7, 5, 1]
    assert course["settings"]["learning_rate"] == 0.0075
    assert (course["train_accuracy"], course["test_accuracy"]) == (206 / 209, 0.8)
    assert course["final_cost"] == pytest.approx(0.092878, abs=5e-3)  # the cost at 2499
    assert course["figures"] == ["cost.png", "mislabeled.png"]
    detail = client.get("/api/run", params={"id": "course"}).json()
    on_disk = json.loads((served_root / "runs" / "course" / "metrics.json").read_text())
    for key in ("costs", "classes", "hyperparameters", "test_confusion_matrix", "m_test"):
        assert detail["metrics"][key] == on_disk[key]


def test_figures_are_served_and_nothing_else(client, served_root):
    response = client.get("/api/figure", params={"id": "course", "name": "cost.png"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content == (served_root / "runs" / "course" / "cost.png").read_bytes()
    for name in ("model.npz", "metrics.json", "../bc/cost.png", "/etc/passwd", ""):
        response = client.get("/api/figure", params={"id": "course", "name": name})
        assert response.status_code == 404, name
    assert client.get("/api/figure", params={"id": "..", "name": "cost.png"}).status_code == 404


def test_links_hidden_folders_and_foreign_files_are_not_runs(served_root, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    os.symlink(served_root / "runs" / "course", runs / "linked")
    hidden = runs / ".course.123@host.abc.partial"
    hidden.mkdir()
    (hidden / "metrics.json").write_bytes((served_root / "runs/course/metrics.json").read_bytes())
    (runs / "notes").mkdir()
    (runs / "notes" / "metrics.json").write_text('{"some": "json"}')
    with TestClient(create_app(runs), base_url="http://127.0.0.1") as client:
        assert client.get("/api/runs").json()["runs"] == []
        assert client.get("/api/run", params={"id": "linked"}).status_code == 404


def test_a_missing_runs_folder_is_an_empty_list(tmp_path):
    with TestClient(create_app(tmp_path / "none"), base_url="http://127.0.0.1") as client:
        assert client.get("/api/runs").json()["runs"] == []
        assert client.get("/api/models").json() == {"models": [], "skipped": []}


def test_pages_are_served(client):
    for path, title in (("/", "Is it a cat?"), ("/runs", "Runs"), ("/run", "Run")):
        response = client.get(path)
        assert response.status_code == 200 and f"<title>{title}" in response.text
    assert client.get("/favicon.ico").headers["content-type"].startswith("image/svg")
    assert client.get("/static/common.js").status_code == 200


def test_unknown_paths_and_methods_get_json_errors(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.json() == {
        "error": "nothing here: /api/nothing"
    }
    response = client.get("/api/predict")
    assert response.status_code == 405 and response.json() == {"error": "GET is not allowed here"}
    assert client.post("/api/runs").status_code == 405


def test_writes_from_another_site_are_refused(client, test_pictures):
    files = [("pictures", ("cat.png", test_pictures[0][0], "image/png"))]
    for origin in ("http://evil.example", "null", "http://127.0.0.1.evil.example"):
        response = client.post(
            "/api/predict", data={"model": "course"}, files=files, headers={"Origin": origin}
        )
        assert response.status_code == 403, origin
        assert "another site" in response.json()["error"]
    same = client.post(
        "/api/predict", data={"model": "course"}, files=files,
        headers={"Origin": "http://127.0.0.1"},
    )  # fmt: skip
    assert same.status_code == 200


def test_a_loopback_server_answers_only_to_loopback_names(client):
    # A page on a DNS name made to point at 127.0.0.1 (DNS rebinding) is not answered.
    response = client.get("/api/runs", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert response.json()["error"] == (
        "refused: this server answers to localhost and its addresses, not to attacker.example"
    )
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
        assert client.get("/api/runs", headers={"Host": host}).status_code == 200, host
    for host in ("127.0.0.1.attacker.example", "[::1].attacker.example:80", "::1", ""):
        assert client.get("/api/runs", headers={"Host": host}).status_code == 400, host


@pytest.mark.parametrize(
    ("host", "allowed", "answered", "refused"),
    [
        ("127.0.0.2", (), ["127.0.0.2:8000", "localhost"], ["attacker.example"]),
        ("::1", (), ["[::1]:8000"], ["attacker.example"]),
        ("0.0.0.0", ("cats.lab.example",), ["cats.lab.example:8000", "127.0.0.1",
                                            socket.gethostname()], ["attacker.example"]),
        ("192.0.2.7", (), ["192.0.2.7:8000"], ["0.0.0.0", "attacker.example"]),
    ],
)  # fmt: skip
def test_a_server_answers_to_its_own_names(tmp_path, host, allowed, answered, refused):
    app = create_app(tmp_path, host=host, allowed_hosts=allowed)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        for name in answered:
            assert client.get("/api/runs", headers={"Host": name}).status_code == 200, name
        for name in refused:
            assert client.get("/api/runs", headers={"Host": name}).status_code == 400, name


def test_every_response_forbids_framing_and_foreign_scripts(client):
    for path in ("/", "/runs", "/api/runs", "/api/nothing", "/static/common.js"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY", path
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert "script-src 'self';" in policy  # the server's own script files, nothing inline
    refused = client.get("/", headers={"Host": "attacker.example"})
    assert refused.headers["x-frame-options"] == "DENY"


def test_a_body_nested_too_deep_is_a_clear_refusal(client):
    body = '{"settings": ' + "[" * 20_000 + "]" * 20_000 + "}"
    response = client.post("/api/train", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "expected a JSON object in the request's body"


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ('{"dataset": "x", "data": {}, "layer_dims": [2, 1], "costs": [[0, NaN]]}', False),
        ('{"dataset": "x", "data": {}, "layer_dims": [2, 1], "costs": [[0, Infinity]]}', False),
        ("[" * 100_000 + "]" * 100_000, False),
        ('{"dataset": "x", "data": {}, "layer_dims": [2, 1], "costs": [[0]], '
         '"hyperparameters": "x", "classes": [1, 2], "test_confusion_matrix": [[1]], '
         '"train_accuracy": "high", "iterations": -3}', True),
    ],
)  # fmt: skip
def test_a_hostile_metrics_file_cannot_break_the_pages(tmp_path, text, listed):
    (tmp_path / "runs" / "odd").mkdir(parents=True)
    (tmp_path / "runs" / "odd" / "metrics.json").write_text(text)
    with TestClient(create_app(tmp_path / "runs"), base_url="http://127.0.0.1") as client:
        rows = client.get("/api/runs").json()["runs"]
        assert [row["id"] for row in rows] == (["odd"] if listed else [])
        detail = client.get("/api/run", params={"id": "odd"})
    if listed:
        row, metrics = rows[0], detail.json()["metrics"]
        assert row["final_cost"] is None and row["train_accuracy"] is None
        assert row["iterations"] is None and row["settings"] == dict.fromkeys(row["settings"])
        assert metrics["costs"] is None and metrics["classes"] is None
        assert metrics["hyperparameters"] is None and metrics["test_confusion_matrix"] is None
    else:
        assert detail.status_code == 404


def test_the_note_for_a_server_open_to_other_machines():
    assert exposure_note("127.0.0.1") is None and exposure_note("::1") is None
    note = exposure_note("0.0.0.0")
    assert note.startswith("note: listening on 0.0.0.0, not on 127.0.0.1: anyone who can reach")


def test_a_softmax_model_gives_every_class_its_bar(tmp_path):
    # scikit-learn's digits store ink as 0..16 on a zero background; a photo of a digit is dark
    # ink on white paper, which deepcat inverts, so each picture here is one digit drawn so.
    from sklearn.datasets import load_digits

    result = deepcat(
        "train", "--dataset", "digits", "--epochs", "20", "--out", "runs/digits", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    digits = load_digits()
    pictures, paths = [], []
    for digit in range(10):
        ink = digits.images[np.flatnonzero(digits.target == digit)[0]]
        paper = np.rint(255 - ink * (255 / 16)).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(paper).save(buffer, format="PNG")
        pictures.append((f"{digit}.png", buffer.getvalue()))
        paths.append(tmp_path / f"{digit}.png")
        paths[-1].write_bytes(buffer.getvalue())
    told = deepcat("predict", "runs/digits/model.npz", *paths, cwd=tmp_path)
    assert told.returncode == 0, told.stderr
    with TestClient(create_app(tmp_path / "runs"), base_url="http://127.0.0.1") as client:
        response = ask(client, "digits", pictures)
    assert response.status_code == 200, response.text
    answers = response.json()["answers"]
    for answer, line in zip(answers, told.stdout.splitlines(), strict=True):
        assert line.endswith(f": {answer['class']} (probability {answer['probability']:.4f})")
        classes = [entry["class"] for entry in answer["probabilities"]]
        assert classes == [str(k) for k in range(10)]
        total = sum(entry["probability"] for entry in answer["probabilities"])
        assert total == pytest.approx(1, abs=1e-12)
    # Twenty epochs of the digits' defaults learn these ten well; most are told right.
    assert sum(answer["class"] == answer["name"][0] for answer in answers) >= 8
    with Image.open(io.BytesIO(base64.b64decode(answers[0]["seen"].split(",", 1)[1]))) as seen:
        assert seen.size == (8, 8) and seen.mode == "L"
        # As the model sees it: the ink bright again (16 - 16 * (paper / 255)), to a shade.
        ink = digits.images[0] * (255 / 16)
        assert np.abs(np.asarray(seen, float) - ink).max() <= 1


def test_runs_under_a_path_that_is_a_file_are_refused(tmp_path):
    (tmp_path / "runs").write_text("not a folder")
    result = deepcat("serve", "--runs", "runs", "--port", "0", cwd=tmp_path, timeout=60)
    assert_user_error(result, 1, "--runs runs is a file, not a folder")

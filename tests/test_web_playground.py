"""The playground's endpoints over real HTTP: sessions, steps of deepcat's own training, and
refusals in the command line's words.

The numbers a session reports are checked against training done by hand (one step of
gradient descent written out in NumPy) and against a plain ``Network.fit`` on the very points
the session sent; its refusals against what the real ``deepcat train`` prints for the same
option.
"""

import sys
import threading

import numpy as np
import pytest
from starlette.testclient import TestClient

from cli_runner import deepcat
from deepcat import Network
from deepcat.core.activations import HIDDEN_ACTIVATIONS
from deepcat.data.splits import split_indices
from deepcat.data.toy_sets import TOY_SETS, make_toy_set
from deepcat.web.app import create_app
from deepcat.web.playground import Playgrounds
from deepcat.web.playground_session import MAX_CURVE_POINTS, Curve
from deepcat.web.playground_spec import PLAYGROUND_SETTINGS

MOONS = {
    "dataset": "moons",
    "m": "120",
    "noise": "0.2",
    "data_seed": "4",
    "settings": {"hidden": "4,3", "activation": "tanh", "learning_rate": "0.5"},
}


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(tmp_path / "runs"), base_url="http://127.0.0.1") as client:
        yield client


def create(client, body=MOONS):
    answer = client.post("/api/playground", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def step(client, session_id, iterations):
    answer = client.post(f"/api/playground/{session_id}/step", json={"iterations": iterations})
    assert answer.status_code == 200, answer.text
    return answer.json()["state"]


def refusal(answer, status=400):
    assert answer.status_code == status, answer.text
    return answer.json()["error"]


def grid(box, size):
    """The documented grid: row i at x2 = x2s[i], column j at x1 = x1s[j]."""
    x1, x2 = np.meshgrid(np.linspace(box[0], box[1], size), np.linspace(box[2], box[3], size))
    return np.vstack([x1.ravel(), x2.ravel()])


def test_the_form_offers_the_sets_and_the_settings_deepcat_declares(client):
    form = client.get("/api/playground/form").json()
    assert [entry["name"] for entry in form["datasets"]] == list(TOY_SETS)
    assert [field["name"] for field in form["settings"]] == list(PLAYGROUND_SETTINGS)
    fields = {field["name"]: field for field in form["settings"]}
    assert fields["activation"]["choices"] == list(HIDDEN_ACTIVATIONS)
    assert fields["learning_rate"]["flag"] == "--learning-rate"
    assert fields["hidden"]["default"] == "4,4"
    assert form["numbers"]["m"] == {
        "low": 20,
        "high": 1000,
        "default": 200,
        "text": "in [20, 1000]",
    }
    assert form["limits"]["hidden_layers"] == 6 and form["limits"]["units"] == 16
    assert form["limits"]["step"]["low"] == 1 and form["limits"]["step"]["high"] == 100


def test_a_new_session_sends_its_points_and_its_first_state(client):
    created = create(client)
    spec, points, state = created["spec"], created["points"], created["state"]
    assert spec["layer_dims"] == [2, 4, 3, 1] and spec["activations"] == ["tanh", "tanh", "sigmoid"]
    assert spec["settings"]["learning_rate"] == "0.5" and spec["settings"]["seed"] == "1"
    # The points are the toy set's, split as deepcat splits: 20 % of each class for testing.
    X, Y = make_toy_set("moons", 120, 0.2, 4)
    train, test = split_indices(Y[0], 0.2, 4)
    np.testing.assert_array_equal(np.array(points["train"]["x"]).T, X[:, train])
    np.testing.assert_array_equal(points["test"]["y"], Y[0, test])
    assert len(points["test"]["y"]) == 24
    low, high = X.min(axis=1), X.max(axis=1)
    box = points["box"]
    assert box[0] < low[0] and high[0] < box[1] and box[2] < low[1] and high[1] < box[3]
    assert box[1] - box[0] == pytest.approx(box[3] - box[2])  # a square
    assert state["iteration"] == 0 and state["costs"]["train"] == []
    assert state["costs"]["test"] == [[0, state["cost"]["test"]]]
    p = np.array(state["boundary"]["p"])
    assert state["boundary"]["size"] == 50 and p.shape == (2500,)
    assert ((0 <= p) & (p <= 1)).all()
    layers = state["units"]["layers"]
    assert [len(layer) for layer in layers] == [4, 3]
    assert all(len(unit) == 20 * 20 for layer in layers for unit in layer)
    # tanh units: every activation in [-1, 1]
    assert max(abs(v) for layer in layers for unit in layer for v in unit) <= 1


def test_one_step_is_the_gradient_descent_update_written_out_by_hand(client):
    body = {
        "dataset": "blobs",
        "m": "40",
        "noise": "0.8",
        "settings": {"hidden": "3", "activation": "tanh", "learning_rate": "0.7", "lambd": "0.5"},
    }
    created = create(client, body)
    X = np.array(created["points"]["train"]["x"]).T
    Y = np.array(created["points"]["train"]["y"]).reshape(1, -1)
    m, alpha, lambd = X.shape[1], 0.7, 0.5
    first = Network([2, 3, 1], "tanh", seed=1).parameters  # what the session drew
    W1, b1, W2, b2 = (first[k] for k in ("W1", "b1", "W2", "b2"))

    def forward(W1, b1, W2, b2, X):
        A1 = np.tanh(W1 @ X + b1)
        return A1, 1 / (1 + np.exp(-(W2 @ A1 + b2)))

    def cost(W1, b1, W2, b2):
        _, A2 = forward(W1, b1, W2, b2, X)
        cross_entropy = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
        return cross_entropy + lambd / (2 * m) * (np.sum(W1**2) + np.sum(W2**2))

    A1, A2 = forward(W1, b1, W2, b2, X)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m + lambd / m * W2
    db2 = dZ2.mean(axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (1 - A1**2)
    dW1 = dZ1 @ X.T / m + lambd / m * W1
    db1 = dZ1.mean(axis=1, keepdims=True)
    after = (W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2)

    state = step(client, created["id"], 1)
    assert state["iteration"] == 1
    assert state["costs"]["train"] == [[0, pytest.approx(cost(W1, b1, W2, b2), rel=1e-12)]]
    assert state["cost"]["train"] == pytest.approx(cost(*after), rel=1e-12)
    _, expected = forward(*after, grid(created["points"]["box"], 50))
    np.testing.assert_allclose(state["boundary"]["p"], expected[0], atol=5.1e-5)  # 4 decimals
    units = np.tanh(after[0] @ grid(created["points"]["box"], 20) + after[1])
    np.testing.assert_allclose(state["units"]["layers"][0], units, atol=5.1e-5)


def test_steps_continue_exactly_as_one_fit_of_as_many_iterations(client):
    body = {**MOONS, "settings": {**MOONS["settings"], "keep_prob": "0.8"}}
    created = create(client, body)
    for iterations in (7, 1, 12):
        state = step(client, created["id"], iterations)
    assert state["iteration"] == 20
    train = created["points"]["train"]
    X, Y = np.array(train["x"]).T, np.array(train["y"]).reshape(1, -1)
    test = created["points"]["test"]
    X_test, Y_test = np.array(test["x"]).T, np.array(test["y"]).reshape(1, -1)
    network = Network([2, 4, 3, 1], "tanh", seed=1)
    history = network.fit(X, Y, 0.5, 20, keep_prob=0.8, record_every=1)
    # Dropout's masks too come from the network's generator, in the same order.
    assert state["costs"]["train"] == [[k, cost] for k, cost in history.costs]
    assert [k for k, _ in state["costs"]["test"]] == [0, 7, 8, 20]
    assert state["costs"]["test"][-1][1] == network.cost(X_test, Y_test)
    assert state["accuracy"] == {
        "train": network.score(X, Y),
        "test": network.score(X_test, Y_test),
    }
    np.testing.assert_allclose(
        state["boundary"]["p"],
        network.predict_proba(grid(created["points"]["box"], 50))[0],
        atol=5.1e-5,
    )


def test_training_an_easy_set_lowers_the_cost_and_moves_the_boundary(client):
    created = create(client, {"dataset": "blobs", "m": "100", "noise": "0.3"})
    step(client, created["id"], 100)
    state = step(client, created["id"], 100)
    costs = [cost for _, cost in state["costs"]["train"]]
    assert len(costs) == 200 and costs[-1] < costs[0] / 4
    assert state["accuracy"]["train"] >= 0.95 and state["accuracy"]["test"] >= 0.95
    before, after = np.array(created["state"]["boundary"]["p"]), np.array(state["boundary"]["p"])
    assert np.abs(after - before).max() > 0.2
    assert ((0 <= after) & (after <= 1)).all()


def test_reset_gives_back_the_first_state_and_get_changes_nothing(client):
    created = create(client)
    session = f"/api/playground/{created['id']}"
    assert client.get(session).json() == created
    step(client, created["id"], 15)
    seen = client.get(session).json()
    assert client.get(session).json() == seen and seen["state"]["iteration"] == 15
    reset = client.post(f"{session}/reset")
    assert reset.status_code == 200
    assert reset.json()["state"] == created["state"]
    assert client.get(session).json() == created


def test_sessions_are_independent(client):
    first, second = create(client), create(client)
    assert first["id"] != second["id"]
    step(client, first["id"], 30)
    assert client.get(f"/api/playground/{second['id']}").json() == second


def test_the_oldest_sessions_are_dropped_and_a_get_does_not_keep_one(client):
    client.app.state.playgrounds = Playgrounds(most=2)
    a, b = create(client)["id"], create(client)["id"]
    assert client.get(f"/api/playground/{a}").status_code == 200
    c = create(client)["id"]  # a was used last before b: a goes
    message = refusal(client.get(f"/api/playground/{a}"), 404)
    assert message.startswith(f"no playground session '{a}': it ended or was dropped")
    assert "keeps the 2 most recently used" in message
    step(client, b, 1)
    create(client)  # c is now the least recently used
    assert client.get(f"/api/playground/{c}").status_code == 404
    assert client.get(f"/api/playground/{b}").status_code == 200


def test_unknown_and_ended_sessions_are_404(client):
    for method, path in (
        ("get", "/api/playground/nosuch"),
        ("post", "/api/playground/nosuch/step"),
        ("post", "/api/playground/nosuch/reset"),
        ("delete", "/api/playground/nosuch"),
    ):
        options = {"json": {}} if path.endswith("step") else {}
        message = refusal(getattr(client, method)(path, **options), 404)
        assert message.startswith("no playground session 'nosuch'")
    session = create(client)["id"]
    assert client.delete(f"/api/playground/{session}").json() == {"deleted": session}
    assert client.get(f"/api/playground/{session}").status_code == 404


@pytest.fixture
def frequent_thread_switches():
    """Python hands the GIL to another thread every 10 microseconds instead of every 5 ms, so
    that requests running at once interleave inside each other's training steps: a short step
    would otherwise finish before any switch, with or without the session's lock."""
    usual = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(usual)


def test_one_request_at_a_time_trains_a_session(client, frequent_thread_switches):
    created = create(client, {**MOONS, "m": "40"})
    threads, steps, iterations = 4, 4, 3
    answers = []

    def make_steps():
        for _ in range(steps):
            answer = client.post(
                f"/api/playground/{created['id']}/step", json={"iterations": iterations}
            )
            answers.append((answer.status_code, answer.json()["state"]["iteration"]))

    workers = [threading.Thread(target=make_steps) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # Each step saw the session between two others: its own 3 updates after all those before.
    total = threads * steps * iterations
    assert sorted(answers) == [(200, k) for k in range(iterations, total + 1, iterations)]
    state = client.get(f"/api/playground/{created['id']}").json()["state"]
    assert state["iteration"] == total
    train = created["points"]["train"]
    network = Network([2, 4, 3, 1], "tanh", seed=1)
    X, Y = np.array(train["x"]).T, np.array([train["y"]])
    history = network.fit(X, Y, 0.5, total, record_every=1)
    assert state["costs"]["train"] == [[k, cost] for k, cost in history.costs]
    assert [k for k, _ in state["costs"]["test"]] == list(range(0, total + 1, iterations))
    assert state["cost"]["train"] == network.cost(X, Y)


@pytest.mark.parametrize(
    "settings, option",
    [
        ({"learning_rate": "-1"}, ["--learning-rate", "-1"]),
        ({"activation": "swish"}, ["--activation", "swish"]),
        ({"hidden": "4,0"}, ["--hidden", "4,0"]),
        ({"lambd": "-0.5"}, ["--lambd", "-0.5"]),
        ({"hidden": "4", "keep_prob": "0.5,0.5"}, ["--hidden", "4", "--keep-prob", "0.5,0.5"]),
        ({"hidden": "none", "keep_prob": "0.5"}, ["--hidden", "none", "--keep-prob", "0.5"]),
    ],
)
def test_bad_settings_get_the_command_lines_message(client, tmp_path, settings, option):
    message = refusal(client.post("/api/playground", json={"settings": settings}))
    told = deepcat("train", "--dataset", "flower", *option, "--out", "run", cwd=tmp_path)
    assert told.returncode == 2
    assert f"Error: {message}\n" in told.stderr


def test_the_playgrounds_own_limits_are_stated(client):
    cases = [
        ({"hidden": "4,17"}, "at most 6 hidden layers of at most 16 units each; got 4,17"),
        ({"hidden": "1,1,1,1,1,1,1"}, "at most 6 hidden layers of at most 16 units each"),
        ({"learning_rate": "0.1,0.2"}, "one learning rate; got 2"),
        ({"optimizer": "adam"}, "--optimizer is not a playground setting"),
        ({"colour": "red"}, "'colour' is not a playground setting"),
    ]
    for settings, words in cases:
        assert words in refusal(client.post("/api/playground", json={"settings": settings}))


def test_bad_data_values_get_deepcats_messages(client):
    for field, text, value in [
        ("m", "5", 5),
        ("m", "1001", 1001),
        ("noise", "1.5", 1.5),
        ("noise", "nan", float("nan")),
        ("data_seed", "-1", -1),
    ]:
        library = field if field != "data_seed" else "seed"
        with pytest.raises(ValueError) as error:
            make_toy_set("moons", **{library: value})
        message = refusal(client.post("/api/playground", json={"dataset": "moons", field: text}))
        assert message == str(error.value).replace("seed", field, 1)
    assert refusal(client.post("/api/playground", json={"m": "many"})) == (
        "m must be an int in [20, 1000], got 'many'"
    )
    # JSON that is no number of the field's kind: the same message, the range stated.
    for field, value, message in [
        ("m", True, "m must be an int in [20, 1000], got True"),
        ("m", 20.0, "m must be an int in [20, 1000], got 20.0"),
        ("m", 10**30, f"m must be an int in [20, 1000], got {10**30}"),
        ("m", 1e308, "m must be an int in [20, 1000], got 1e+308"),
        ("m", [[[[20]]]], "m must be an int in [20, 1000], got [[[[20]]]]"),
        ("data_seed", False, "data_seed must be an int in [0, 2**32 - 1], got False"),
        ("data_seed", -1, "data_seed must be an int in [0, 2**32 - 1], got -1"),
        ("noise", True, "noise must be a number in [0, 1], got True"),
        ("noise", {"sd": 0.1}, "noise must be a number in [0, 1], got {'sd': 0.1}"),
        ("noise", "NaN", "noise must be in [0, 1], got nan"),
        ("noise", 10**30, "noise must be in [0, 1], got 1e+30"),
        # Too large for a float: once an OverflowError, a 500.
        ("noise", 10**400, f"noise must be a number in [0, 1], got {10**400}"),
    ]:
        answer = client.post("/api/playground", json={"dataset": "moons", field: value})
        assert refusal(answer) == message
    for content in (b'{"noise": NaN}', b'{"noise": -Infinity}', b'{"m": Infinity}'):
        # Python's json reads these words; they are refused like any number out of range.
        answer = client.post("/api/playground", content=content)
        assert answer.status_code == 400 and "must be" in answer.json()["error"]
    assert refusal(client.post("/api/playground", json={"dataset": "spiral"})).startswith(
        "unknown toy data set 'spiral'; expected one of 'flower', 'moons'"
    )
    assert "unknown field 'colour'" in refusal(client.post("/api/playground", json={"colour": 1}))
    assert refusal(client.post("/api/playground", content=b"[1]")) == (
        "expected a JSON object, got list"
    )


def test_bad_steps_are_refused_and_change_nothing(client):
    created = create(client)
    path = f"/api/playground/{created['id']}/step"
    # One message whatever the JSON: the range is always stated.
    for iterations, got in [
        (0, "0"),
        (101, "101"),
        ("ten", "'ten'"),
        (True, "True"),
        (2.5, "2.5"),
        ([10], "[10]"),
        ({"n": 10}, "{'n': 10}"),
        (10**30, str(10**30)),
        (1e308, "1e+308"),
        ("nan", "'nan'"),
    ]:
        answer = client.post(path, json={"iterations": iterations})
        assert refusal(answer) == f"iterations must be an int in [1, 100], got {got}"
    assert "unknown field 'rate'" in refusal(client.post(path, json={"rate": 1}))
    assert client.get(f"/api/playground/{created['id']}").json() == created
    assert step(client, created["id"], "12")["iteration"] == 12  # text, as a page sends it


def test_a_diverging_step_is_an_error_line_and_leaves_the_session_as_it_was(client):
    created = create(client, {"settings": {"learning_rate": "100"}})
    message = refusal(client.post(f"/api/playground/{created['id']}/step", json={"iterations": 50}))
    assert message.startswith("training diverged at iteration ")
    assert "Try a smaller learning rate than 100." in message
    assert client.get(f"/api/playground/{created['id']}").json() == created


def test_a_step_that_overflows_the_outputs_is_an_error_line_not_a_500(client):
    body = {"dataset": "blobs", "m": "40", "noise": "0", "settings": {"hidden": "2"}}
    body["settings"].update(activation="relu", learning_rate="1e300")
    created = create(client, body)
    # fit itself lets this through: its one update leaves finite parameters, whose outputs
    # overflow (the cost is checked before each update, not after the last).
    train = created["points"]["train"]
    X, Y = np.array(train["x"]).T, np.array([train["y"]])
    network = Network([2, 2, 1], "relu", seed=1)
    with np.errstate(all="ignore"):
        network.fit(X, Y, 1e300, 1)
        assert all(np.isfinite(value).all() for value in network.parameters.values())
        assert not np.isfinite(network.cost(X, Y))
    path = f"/api/playground/{created['id']}/step"
    message = refusal(client.post(path, json={"iterations": 1}))
    assert message == (
        "training diverged: the step's last update made the cost or the outputs NaN or "
        "infinite. Try a smaller learning rate than 1e+300. The network's parameters are back "
        "to their values before the step."
    )
    assert client.get(f"/api/playground/{created['id']}").json() == created


def test_a_curve_stays_evenly_spaced_and_bounded():
    curve = Curve()
    for iteration in range(5001):
        curve.add(iteration, 1.0 / (iteration + 1))
    points = curve.points()
    assert len(points) <= MAX_CURVE_POINTS + 1
    assert points[0] == [0, 1.0] and points[-1] == [5000, 1 / 5001]
    gaps = {b[0] - a[0] for a, b in zip(points[:-2], points[1:-1], strict=True)}
    assert gaps == {curve.every}

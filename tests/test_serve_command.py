"""``deepcat serve`` as a user runs it: a real server process, real requests, real signals."""

import json
import signal
import socket
import urllib.request

import pytest

from cli_runner import assert_user_error, deepcat
from deepcat.web.server import is_loopback
from web_server import served


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, json.loads(response.read())


def test_serve_prints_its_address_answers_and_stops_on_ctrl_c(tmp_path):
    (tmp_path / "runs").mkdir()
    with served(tmp_path / "runs") as server:
        status, listing = get_json(server.url + "api/runs")
        assert status == 200 and listing == {"root": "runs", "runs": []}
        with urllib.request.urlopen(server.url, timeout=30) as response:
            assert b"<title>Is it a cat?" in response.read()
        status, stdout, stderr = server.stop(signal.SIGINT)
    assert status == 130, (stdout, stderr)
    assert stdout.startswith(f"deepcat is serving the runs in runs at {server.url}\n")
    assert "Ctrl-C" in stdout and "note:" not in stdout
    assert stderr.strip() == "interrupted" and "Traceback" not in stderr


def test_sigterm_stops_the_server_as_it_stops_any_command(tmp_path):
    with served(tmp_path / "runs") as server:
        status, stdout, stderr = server.stop(signal.SIGTERM)
    assert status == 128 + signal.SIGTERM, (stdout, stderr)
    assert stderr.strip() == "interrupted by SIGTERM"


def test_a_port_in_use_is_a_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = deepcat("serve", "--port", port, cwd=tmp_path, timeout=60)
    assert_user_error(result, 1, f"cannot listen on 127.0.0.1:{port}:", "in use")


@pytest.mark.parametrize(("args", "words"), [(["--port", "70000"], "0<=x<=65535")])
def test_bad_options_are_usage_errors(tmp_path, args, words):
    assert_user_error(deepcat("serve", *args, cwd=tmp_path), 2, words)


def test_serve_is_listed_in_the_help(tmp_path):
    result = deepcat("--help", cwd=tmp_path)
    assert "serve" in result.stdout


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("example.com", False)],
)  # fmt: skip
def test_which_addresses_are_this_machine_only(host, loopback):
    assert is_loopback(host) is loopback

"""A real ``deepcat serve`` for the web application's tests, and the browser that drives it.

:func:`served` starts the command in a subprocess on a free port of 127.0.0.1 and waits for the
address it prints; the fixtures ``browser`` and ``page`` (tests/conftest.py) drive Debian's
Chromium through Playwright. :func:`screenshot` writes the README's pictures of the pages when
``DEEPCAT_SCREENSHOTS=1``.
"""

import os
import re
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

from cli_runner import Running

ADDRESS = re.compile(r"at (http://127\.0\.0\.1:\d+/)")
CHROMIUM = os.environ.get("DEEPCAT_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER_ENV = "DEEPCAT_REQUIRE_BROWSER"
SCREENSHOTS_ENV = "DEEPCAT_SCREENSHOTS"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
# Chromium as a root process in a container, with nothing reaching out to the network (the
# machine has none: background requests would only fill the console with refusals).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Server:
    """A running ``deepcat serve``: its ``url``, its ``runs`` folder and its process."""

    def __init__(self, running, url, runs):
        self.running = running
        self.url = url
        self.runs = runs
        self.process = running.process

    def output(self):
        return "".join(self.running.stdout_lines), "".join(self.running.stderr_lines)

    def stop(self, signum=signal.SIGINT, timeout=60):
        """Stop the server with ``signum``; its exit status, stdout and stderr."""
        if self.process.poll() is None:
            self.running.send_signal(signum)
        return self.running.finish(timeout)


@contextmanager
def served(runs, *extra, cwd=None):
    """``deepcat serve --runs RUNS --port 0 EXTRA`` running for the block, then Ctrl-C."""
    runs = Path(runs)
    # Named relative to the folder it runs in, as a user types it (the pages show the name).
    where = cwd or runs.parent
    name = os.path.relpath(runs, where)
    with Running("serve", "--runs", name, "--port", "0", *extra, cwd=where) as running:
        found = []

        def address():
            found[:] = ADDRESS.findall("".join(running.stdout_lines))
            return found

        running.wait_for(address, "deepcat serve printing its address", timeout=60)
        server = Server(running, found[0], runs)
        try:
            yield server
        finally:
            server.stop()


def browser_missing():
    """Why no browser can be driven here, or None."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    return None


def skip_without_browser():
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
        pytest.fail(f"{REQUIRE_BROWSER_ENV}=1 but {reason}")
    pytest.skip(reason)


def screenshot(page, name):
    """Save ``docs/screenshots/NAME.png`` of the page, when ``DEEPCAT_SCREENSHOTS=1``."""
    if os.environ.get(SCREENSHOTS_ENV) != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

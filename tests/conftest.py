"""Shared fixtures: the real course data, found through DEEPCAT_DATA."""

import os
from pathlib import Path

import numpy as np
import pytest

import deepcat
from deepcat.data import DATA_ENV, find_catvnoncat, load_catvnoncat
from deepcat.data.picture_cache import CACHE_ENV

REQUIRE_DATA_ENV = "DEEPCAT_REQUIRE_DATA"

# Subprocesses (the command line, tune's workers) run in other folders: they must import the
# deepcat under test, not another copy that a relative PYTHONPATH or an install would give them.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [
        str(Path(deepcat.__file__).resolve().parents[1]),
        *filter(None, [os.environ.get("PYTHONPATH")]),
    ]
)


def catvnoncat_dir() -> Path:
    """The folder with the course's .h5 files, as an absolute path (the CLI tests hand it to
    subprocesses running in other folders); skips, or fails under DEEPCAT_REQUIRE_DATA=1."""
    try:
        return find_catvnoncat(os.environ.get(DATA_ENV) or None).resolve()
    except FileNotFoundError as error:
        if os.environ.get(REQUIRE_DATA_ENV) == "1":
            pytest.fail(f"{REQUIRE_DATA_ENV}=1 but the course data is missing: {error}")
        pytest.skip(f"course data not found (set {DATA_ENV}): {error}")


@pytest.fixture(scope="session", autouse=True)
def picture_cache(tmp_path_factory):
    """The folder data set's picture caches go to a folder of this run, never to the user's
    ~/.cache (the subprocesses that tests start inherit it)."""
    folder = tmp_path_factory.mktemp("picture-cache")
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = previous


@pytest.fixture(scope="session")
def catvnoncat_path():
    return catvnoncat_dir()


@pytest.fixture(scope="session")
def catvnoncat(catvnoncat_path):
    """The course data set: train_x (12288, 209), test_x (12288, 50), scaled by 1/255."""
    return load_catvnoncat(catvnoncat_path)


@pytest.fixture
def tiny_binary():
    """A small separable problem: X (4, 30), Y (1, 30)."""
    rng = np.random.RandomState(0)
    X = rng.randn(4, 30)
    Y = (X[0] + 0.5 * X[1] > 0).astype(float).reshape(1, -1)
    return X, Y


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright; skipped where it is missing, unless
    DEEPCAT_REQUIRE_BROWSER=1 (CI) makes that a failure."""
    from web_server import CHROMIUM, CHROMIUM_ARGS, skip_without_browser

    skip_without_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page 1280 x 900. The test fails if the page logs an error to its console or
    throws one: a page that works only for the eye still counts as broken.

    The pages' Content-Security-Policy is not applied here, since it forbids the evaluated
    scripts through which Playwright reads a page; tests/test_browser_pages.py loads every
    page under it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], f"the browser's console reported errors: {errors}"

"""The "Is it a cat?", Runs and run pages, driven in a real browser as a person would.

A real ``deepcat serve`` serves runs that real ``deepcat train`` commands wrote; Chromium
uploads real pictures (the course's own test pictures, saved as PNG files) and reads the
answers off the page. The ``page`` fixture fails a test whose page logged any console error.
"""

import h5py
import pytest
from PIL import Image

from cli_runner import deepcat
from web_server import screenshot, served

# Course 1 week 4, "Deep Neural Network - Application": the 4-layer model after 2500
# iterations classifies the test set with 80% accuracy; deepcat train's defaults are that
# model (tests/test_cli_course.py pins the figure, tests/test_web_app.py the page's 40 of
# 50), so the page's answers here are compared with deepcat predict's.


@pytest.fixture(scope="module")
def trained(tmp_path_factory, catvnoncat_path):
    """A runs folder holding a course model (``course``) and a comparison of two learning
    rates on breast-cancer (``bc``), written by the real command line; and three of the
    course's test pictures as PNG files."""
    root = tmp_path_factory.mktemp("served")
    course = deepcat("train", "--out", "runs/course", cwd=root, data_dir=catvnoncat_path)
    assert course.returncode == 0, course.stderr
    rates = deepcat(
        "train", "--dataset", "breast-cancer", "--learning-rate", "0.01,0.003",
        "--iterations", "200", "--out", "runs/bc", cwd=root,
    )  # fmt: skip
    assert rates.returncode == 0, rates.stderr
    with h5py.File(catvnoncat_path / "test_catvnoncat.h5") as course_file:
        pictures = course_file["test_set_x"][:3]
    paths = []
    for index, pixels in enumerate(pictures):
        paths.append(root / f"test-{index}.png")
        Image.fromarray(pixels).save(paths[-1])
    return root, paths


def test_a_person_asks_whether_their_pictures_are_cats(page, trained):
    root, pictures = trained
    broken = root / "broken.jpg"
    broken.write_bytes(b"this is not a picture")
    told = deepcat("predict", "runs/course/model.npz", *pictures, cwd=root)
    assert told.returncode == 0, told.stderr
    expected = [line.rsplit(": ", 1)[1] for line in told.stdout.splitlines()]
    with served(root / "runs") as server:
        page.goto(server.url)
        page.wait_for_selector("#model option[value='course']", state="attached")
        assert "catvnoncat" in page.inner_text("#model-facts")
        page.set_input_files("#pictures", [*map(str, pictures), str(broken)])
        page.wait_for_selector(".answer[data-name='broken.jpg'] .error")
        verdicts = [card.inner_text() for card in page.query_selector_all(".answer .verdict")]
        screenshot(page, "predict")
        error = page.inner_text(".answer[data-name='broken.jpg'] .error")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.answer img.seen')].every(i => i.complete)"
        )
        seen = page.eval_on_selector(
            ".answer img.seen", "img => [img.naturalWidth, img.naturalHeight]"
        )
    # deepcat predict writes "cat (probability 0.6127)"; the page "cat (61.3 %)".
    for verdict, line in zip(verdicts, expected, strict=True):
        label, probability = line.split(" (probability ")
        assert verdict == f"{label} ({100 * float(probability[:-1]):.1f} %)"
    assert error.startswith("broken.jpg: ") and "picture" in error
    assert seen == [64, 64]  # the picture as the model sees it: 64 x 64


def test_the_runs_page_sorts_and_compares_runs(page, trained):
    root, _ = trained
    with served(root / "runs") as server:
        page.goto(server.url + "runs")
        page.wait_for_selector("#runs tbody tr")
        ids = page.eval_on_selector_all("#runs tbody tr", "rows => rows.map(r => r.dataset.id)")
        assert sorted(ids) == ["bc", "bc/lr-0.003", "bc/lr-0.01", "course"]
        page.click("button[data-key='id']")  # text columns sort A to Z first
        ids = page.eval_on_selector_all("#runs tbody tr", "rows => rows.map(r => r.dataset.id)")
        assert ids == ["bc", "bc/lr-0.003", "bc/lr-0.01", "course"]
        page.check("input[aria-label='compare bc/lr-0.01']")
        page.check("input[aria-label='compare course']")
        page.click("#compare")
        page.wait_for_selector("#comparison-chart[data-series='2']")
        screenshot(page, "runs")
        page.click("a[href='/run?id=bc']")
        page.wait_for_selector("#rate-runs tbody tr")
        rates = page.eval_on_selector_all(
            "#rate-runs tbody tr td:first-child", "c => c.map(x => x.innerText)"
        )
        assert rates == ["0.01", "0.003"]
        page.wait_for_selector("img[data-figure='learning_rates.png']")
        page.goto(server.url + "run?id=course")
        page.wait_for_selector("img[data-figure='mislabeled.png']")
        # Every figure has finished loading or failing (a broken one is complete with no width).
        page.wait_for_function(
            "() => [...document.querySelectorAll('img[data-figure]')].every(i => i.complete)"
        )
        screenshot(page, "run")
        loaded = page.eval_on_selector_all(
            "img[data-figure]", "images => images.map(i => [i.dataset.figure, i.naturalWidth > 0])"
        )
        assert dict(loaded) == {"cost.png": True, "mislabeled.png": True}
        assert "Test accuracy" in page.inner_text("#facts")


def test_every_page_runs_under_its_content_security_policy(browser, trained):
    # The page fixture lifts the policy for Playwright's own scripts; here it holds, and the
    # only thing asked of the page is what its own scripts wrote into it.
    root, _ = trained
    context = browser.new_context()
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        with served(root / "runs") as server:
            for path, ready in (
                ("", "#model option[value='course']"),
                ("train", "#dataset option"),
                ("playground", "#dataset option"),
                ("runs", "#runs tbody tr"),
                ("run?id=course", "img[data-figure='cost.png']"),
            ):
                page.goto(server.url + path)
                page.wait_for_selector(ready, state="attached")
                page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert errors == []

"""The Train page driven in a real browser as a person would, against a real ``deepcat serve``.

A person fills the form, starts a run of two learning rates, watches the cost curves grow,
follows the link to the finished run and finds it in the runs list; a second browser window
opened meanwhile watches the same run. Another stops a run and is told that nothing was
written. The ``page`` fixture fails a test whose page logged any console error.
"""

from web_server import screenshot, served

POINTS = "Number(document.querySelector('#cost-chart').dataset.points)"


def test_a_person_trains_two_learning_rates_and_watches_them_learn(page, tmp_path):
    runs = tmp_path / "runs"
    with served(runs) as server:
        page.goto(server.url + "train")
        page.wait_for_selector("#dataset option[value='flower']", state="attached")
        page.select_option("#dataset", "flower")
        # An empty field stands for the data set's default, as deepcat train fills it in.
        assert page.get_attribute("#setting-learning_rate", "placeholder") == "1.2"
        assert page.get_attribute("#setting-hidden", "placeholder") == "4"
        page.fill("#setting-learning_rate", "1.2,0.5")
        page.fill("#setting-iterations", "4000")
        page.click("#start")
        page.wait_for_function(f"{POINTS} > 0")
        drawn = page.evaluate(POINTS)
        page.wait_for_function(f"{POINTS} > {drawn}")  # the curve grows as it trains
        assert page.is_disabled("#start") and page.is_enabled("#stop")
        screenshot(page, "train")
        watcher = page.context.new_page()  # a second window joins the run late
        watcher.goto(server.url + "train")
        watcher.wait_for_function(f"{POINTS} > 0")
        assert watcher.is_disabled("#start")
        page.wait_for_selector("#result a", timeout=120_000)
        watcher.wait_for_selector("#result a", timeout=120_000)
        assert page.is_enabled("#start") and page.is_disabled("#stop")
        assert page.evaluate(POINTS) == watcher.evaluate(POINTS)  # both drew the whole curves
        rows = page.eval_on_selector_all(
            "#rates tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
        )
        assert [row[:2] for row in rows] == [["1.2", "4000 / 4000"], ["0.5", "4000 / 4000"]]
        run_id = page.inner_text("#result a")
        assert sorted(path.name for path in (runs / run_id).iterdir()) == [
            ".deepcat-run", "learning_rates.png", "lr-0.5", "lr-1.2", "metrics.json",
        ]  # fmt: skip
        page.click("#result a")
        page.wait_for_selector("img[data-figure='learning_rates.png']")
        rates = page.eval_on_selector_all(
            "#rate-runs tbody tr td:first-child", "cells => cells.map(c => c.innerText)"
        )
        assert rates == ["1.2", "0.5"]
        page.goto(server.url + "runs")
        page.wait_for_selector("#runs tbody tr")
        ids = page.eval_on_selector_all("#runs tbody tr", "rows => rows.map(r => r.dataset.id)")
        assert sorted(ids) == sorted([run_id, f"{run_id}/lr-1.2", f"{run_id}/lr-0.5"])


def test_a_stopped_run_says_that_nothing_was_written(page, tmp_path):
    runs = tmp_path / "runs"
    with served(runs) as server:
        page.goto(server.url + "train")
        page.wait_for_selector("#dataset option[value='flower']", state="attached")
        page.select_option("#dataset", "flower")
        page.fill("#setting-iterations", "1000000")
        page.click("#start")
        page.wait_for_function(f"{POINTS} > 0")
        page.click("#stop")
        page.wait_for_selector("#start:enabled")
        status = page.inner_text("#status")
        assert status.startswith("Training stopped and nothing was written to runs/"), status
        assert not runs.exists() or list(runs.iterdir()) == []


def test_a_bad_value_shows_the_command_lines_message(page, tmp_path):
    with served(tmp_path / "runs") as server:
        # The refusal is a 400, which the browser logs as a failed load: a page of its own, so
        # that the page the fixture watches stays free of console errors.
        form = page.context.new_page()
        form.goto(server.url + "train")
        form.wait_for_selector("#dataset option[value='flower']", state="attached")
        form.select_option("#dataset", "flower")
        form.fill("#setting-keep_prob", "1.5")
        form.click("#start")
        form.wait_for_selector("#error:not([hidden])")
        assert form.inner_text("#error").startswith("Invalid value for '--keep-prob': ")
        assert form.is_enabled("#start")

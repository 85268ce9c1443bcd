"""The playground page, driven in a real browser: play, pause, step and reset a real network.

A real ``deepcat serve`` trains; Chromium presses the page's buttons and reads the iteration
counter and the decision boundary's pixels off the page. The ``page`` fixture fails a test
whose page logged any console error.
"""

from web_server import screenshot, served

ITERATION = "Number(document.getElementById('iteration').textContent)"


def boundary_pixels(page):
    return page.eval_on_selector("#boundary", "canvas => canvas.toDataURL()")


def iteration(page):
    return page.evaluate(ITERATION)


def test_a_person_plays_pauses_steps_and_resets(page, tmp_path):
    with served(tmp_path / "runs") as server:
        page.goto(server.url + "playground")
        page.wait_for_selector("#play:not([disabled])")
        assert iteration(page) == 0
        # The starting network, 4,4 hidden units: one small picture for each of the 8 (drawn
        # once the first state arrives, which may be just after the buttons are enabled).
        page.wait_for_function("document.querySelectorAll('#units canvas').length >= 8")
        assert page.eval_on_selector_all("#units canvas", "c => c.length") == 8
        start = boundary_pixels(page)
        per_step = int(page.input_value("#per-step"))

        page.click("#play")
        page.wait_for_function(f"{ITERATION} >= 30 * {per_step}")
        assert page.is_disabled("#step") and page.is_enabled("#pause")
        screenshot(page, "playground")
        page.click("#pause")
        page.wait_for_selector("#step:not([disabled])")
        paused = iteration(page)
        assert paused >= 30 * per_step and paused % per_step == 0
        trained = boundary_pixels(page)
        assert trained != start
        assert page.inner_text("#error") == ""

        page.click("#step")
        page.wait_for_function(f"{ITERATION} === {paused + per_step}")
        page.wait_for_selector("#step:not([disabled])")
        assert boundary_pixels(page) != trained

        page.click("#reset")
        page.wait_for_function(f"{ITERATION} === 0")
        page.wait_for_selector("#play:not([disabled])")
        # The same seeds draw the same points and the same first network.
        assert boundary_pixels(page) == start


def test_changing_a_control_starts_a_new_network(page, tmp_path):
    with served(tmp_path / "runs") as server:
        page.goto(server.url + "playground")
        page.wait_for_selector("#play:not([disabled])")
        page.click("#step")
        page.wait_for_function(f"{ITERATION} > 0")
        page.wait_for_selector("#step:not([disabled])")
        page.fill("#setting-hidden", "3")
        page.select_option("#dataset", "xor")
        page.wait_for_function(f"{ITERATION} === 0")
        page.wait_for_selector("#play:not([disabled])")
        assert page.eval_on_selector_all("#units canvas", "c => c.length") == 3
        assert "2 → 3 → 1" in page.inner_text("#network")
        assert page.input_value("#noise") == "0.1"  # xor starts with its own noise


def test_two_browsers_train_their_own_networks(page, browser, tmp_path):
    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    errors = []
    other.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        with served(tmp_path / "runs") as server:
            for each in (page, other):
                each.goto(server.url + "playground")
                each.wait_for_selector("#play:not([disabled])")
            per_step = int(page.input_value("#per-step"))
            for each in (page, other, page):
                each.click("#step")
                each.wait_for_selector("#step:not([disabled])")
            page.wait_for_function(f"{ITERATION} === {2 * per_step}")
            assert iteration(other) == per_step
    finally:
        other_context.close()
    assert errors == []


def test_a_refused_setting_shows_the_command_lines_message(browser, tmp_path):
    # Not the page fixture: the refused request is itself logged, as a failed resource.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        with served(tmp_path / "runs") as server:
            page.goto(server.url + "playground")
            page.wait_for_selector("#play:not([disabled])")
            page.fill("#setting-learning_rate", "-1")
            page.press("#setting-learning_rate", "Enter")
            page.wait_for_selector("#error:not([hidden])")
            assert page.inner_text("#error") == (
                "Invalid value for '--learning-rate': expected learning rates > 0; got -1"
            )
            assert page.is_disabled("#play") and page.is_disabled("#step")
            page.fill("#setting-learning_rate", "0.1")
            page.press("#setting-learning_rate", "Enter")
            page.wait_for_selector("#play:not([disabled])")
            assert page.is_hidden("#error")
            assert "--learning-rate 0.1 " in page.inner_text("#network")
    finally:
        context.close()
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]

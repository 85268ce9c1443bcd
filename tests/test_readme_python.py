"""The README's Python examples, run as written, in order, in one Python session.

A reader pastes the README's ``python`` blocks into one interpreter, top to bottom, so a later
block may use what an earlier one made (``deepcat``, ``net``, ``cat.npz``). This test does the
same in a fresh folder, with ``DEEPCAT_DATA`` set as the README's "Before the examples" sets
it. A statement whose comment is a Python literal (``net.score(...)  # 0.8``) says what it
gives: the value must be that literal, exactly for a short figure (``0.8``), to its last digit
for one of four decimals or more (``0.9785``). ``print(x)  # 0.91`` is read as
``x  # 0.91``.

Blocks that are not programs but lists of options (they use the reader's own ``X_new``,
``X_val``) are left out, each for the reason in :data:`FRAGMENTS`; every entry must still match
the README, so none can go stale.
"""

import ast
import json
import os
import subprocess
import sys
import textwrap

import pytest

from deepcat.data import DATA_ENV
from test_readme import README, _fenced_blocks

FRAGMENTS = {
    "validation_data=(X_val, Y_val)": "a list of fit's options with comments, on the reader's "
    "X_val; tests/test_training.py checks each option",
    "new = base.transfer(": "it fits the reader's own X_new and labels_new; "
    "tests/test_network.py checks transfer on real data",
}
"""Text in a block -> why that block is not run."""

ROUNDED_DECIMALS = 4
"""A float shown with this many decimals or more is rounded; a shorter one is exact."""
SESSION_TIMEOUT = 600  # seconds; the blocks take about half a minute together

DRIVER = textwrap.dedent(
    """
    import ast, io, json, sys, tokenize

    def literal_comments(source):
        # line -> the comment's text, for each comment that is a Python literal
        found = {}
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                try:
                    ast.literal_eval(token.string[1:].strip())
                except (ValueError, SyntaxError):
                    continue
                found[token.start[0]] = token.string[1:].strip()
        return found

    def plain(value):
        if hasattr(value, "item") and getattr(value, "shape", None) == ():
            return value.item()
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        return value

    checks = []

    def record(value, block, source, comment):
        checks.append({"block": block, "source": source, "comment": comment, "value": plain(value)})
        return value

    class Recorded(ast.NodeTransformer):
        # Wraps each expression statement that a literal comment ends, at any depth (in a
        # with block too), in record(...); print(x) records x.
        def __init__(self, block, source):
            self.block, self.source = block, source
            self.comments = literal_comments(source)

        def visit_Expr(self, statement):
            comment = self.comments.get(statement.end_lineno)
            if comment is None:
                return statement
            expression = statement.value
            if isinstance(expression, ast.Call) and getattr(expression.func, "id", "") == "print":
                (expression.args[0],) = [self.wrapped(expression.args[0], statement, comment)]
            else:
                statement.value = self.wrapped(expression, statement, comment)
            return statement

        def wrapped(self, expression, statement, comment):
            text = ast.get_source_segment(self.source, expression)
            arguments = [expression, *map(ast.Constant, (self.block, text, comment))]
            return ast.Call(ast.Name("__record__", ast.Load()), arguments, [])

    namespace = {"__name__": "__main__", "__record__": record}
    for index, source in enumerate(json.load(sys.stdin)):
        tree = ast.fix_missing_locations(Recorded(index, source).visit(ast.parse(source)))
        exec(compile(tree, f"<README block {index}>", "exec"), namespace)
    print("README-CHECKS " + json.dumps(checks))
    """
)


def python_blocks(text):
    """(line, source) of every README ``python`` block that is a program, in order."""
    blocks = []
    for start, language, body in _fenced_blocks(text):
        source = "\n".join(body) + "\n"
        if language == "python" and not any(mark in source for mark in FRAGMENTS):
            blocks.append((start, source))
    return blocks


def shows(comment, value):
    """Whether ``value`` is the literal ``comment``, each float to the decimals written."""
    shown = json.loads(json.dumps(ast.literal_eval(comment)))  # tuples as lists, as sent
    return _same(shown, value)


def _same(shown, value):
    if isinstance(shown, float):
        decimals = len(repr(shown).split(".")[1]) if "." in repr(shown) else 0
        # A short figure is exact (an accuracy of 40/50 is written 0.8); one of four decimals
        # or more is rounded to its last digit (0.9785 for 0.978466...).
        tolerance = 0.5 * 10**-decimals if decimals >= ROUNDED_DECIMALS else 0.0
        return isinstance(value, (int, float)) and abs(value - shown) <= tolerance + 1e-12
    if isinstance(shown, list):
        return (
            isinstance(value, list)
            and len(value) == len(shown)
            and all(_same(a, b) for a, b in zip(shown, value, strict=True))
        )
    return type(value) is type(shown) and value == shown


@pytest.mark.parametrize("text", list(FRAGMENTS))
def test_every_fragment_still_matches_the_readme(text):
    assert text in README.read_text(), f"{text!r} is no longer in the README: update this test"


@pytest.mark.parametrize(
    "comment, value, expected",
    [
        ("0.8", 0.8, True),
        ("0.8", 0.78, False),  # a short figure is exact: 39/50 is not 0.8
        ("0.98", 0.98222, False),
        ("0.9785", 0.97854, True),  # rounded to its four decimals
        ("0.9785", 0.97845, True),
        ("0.9785", 0.9786, False),
        ("[(0, 0.7712), (100, 0.6701)]", [[0, 0.77124], [100, 0.67006]], True),
        ("[(0, 0.7712), (100, 0.6701)]", [[0, 0.77124]], False),
        ("[(0, 0.7712), (100, 0.6701)]", [[1, 0.77124], [100, 0.67006]], False),
    ],
)
def test_a_shown_value_is_matched_to_its_digits(comment, value, expected):
    assert shows(comment, value) is expected


def test_the_readme_python_examples_run_and_give_what_they_show(catvnoncat_path, tmp_path):
    blocks = python_blocks(README.read_text())
    assert len(blocks) >= 4, "the README's python blocks were not found"
    result = subprocess.run(
        [sys.executable, "-c", DRIVER],
        input=json.dumps([source for _, source in blocks]),
        cwd=tmp_path,
        env={**_environment(), DATA_ENV: str(catvnoncat_path), "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=SESSION_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("README-CHECKS ")]
    checks = json.loads(line.removeprefix("README-CHECKS "))
    # The quick start's costs and test accuracy, scikit-learn's scores, the streamed fit's score.
    assert len(checks) >= 5, checks
    wrong = [
        f"README line {blocks[check['block']][0]}: {check['source']} gave {check['value']!r}, "
        f"the README shows {check['comment']}"
        for check in checks
        if not shows(check["comment"], check["value"])
    ]
    assert not wrong, "\n".join(wrong)


def _environment():
    return {name: value for name, value in os.environ.items() if name != DATA_ENV}

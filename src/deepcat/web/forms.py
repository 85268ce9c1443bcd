"""The training form's fields, and what a submitted form becomes: the settings of a run.

Nothing here declares a setting, a range, a default or a help line: the fields are
:data:`deepcat.training.settings.SETTINGS` and the data sets are
:data:`deepcat.data.datasets.DATASETS`, as the command line's options are. A submitted value is
the text a person would type after the option (``0.01,0.001``, ``20,7,5``, ``none``), read by
the option's own click type (:mod:`deepcat.runs.option_types`), so a bad value gets the
command line's message word for word: ``Invalid value for '--keep-prob': ...``. The run's
settings are then resolved and checked by :mod:`deepcat.runs.train`, as ``deepcat train``
does, and their complaints name the options as ``deepcat train``'s do.
"""

from __future__ import annotations

import re

import click

from deepcat.data.datasets import DATASETS, default_dataset
from deepcat.formatting import value_text
from deepcat.runs.messages import usage_message
from deepcat.runs.option_types import flag, value_type
from deepcat.runs.train import check_settings, resolve_settings
from deepcat.training.settings import BY_NAME, SETTINGS
from deepcat.training.values import Choice, Sizes
from deepcat.web.http import WebError

MAIN_SETTINGS = (
    "hidden",
    "activation",
    "learning_rate",
    "iterations",
    "epochs",
    "optimizer",
    "batch_size",
    "lambd",
    "keep_prob",
)
"""The settings the form shows first; the others are under "More settings"."""

_DEFAULT_NOTE = re.compile(r"\s*(\[default: [^\]]*\]|Default: [^.]*\.$)")
"""``[default: relu]`` or ``Default: see the data sets below.`` in a help line: the command
line's default, before a data set's. A form shows the default that applies, the chosen data
set's, in the field itself."""

WEB_DATASETS = tuple(name for name, source in DATASETS.items() if "data_dir" not in source.options
                     or source.usual_places)  # fmt: skip
"""The data sets a form may train on: those that need no folder named by the user (a page
must not name folders on the server); catvnoncat is looked for where ``deepcat train`` looks."""


def setting_fields():
    """One field per setting, for the page to build its form from.

    Returns
    -------
    list of dict
        ``name``, ``flag`` (``--keep-prob``), ``help``, ``kind`` (``choice``, ``sizes``,
        ``numbers`` for a setting that takes several, ``number``), ``choices``, ``default``
        (the command line's, as text; ``""`` when the data set or the library decides),
        ``several`` and ``main``.
    """
    fields = []
    for setting in SETTINGS:
        value = setting.value
        if isinstance(value, Choice):
            kind, choices = "choice", list(value.names)
        elif isinstance(value, Sizes):
            kind, choices = "sizes", []
        else:
            kind, choices = ("numbers" if setting.several else "number"), []
        default = setting.cli_default
        fields.append(
            {
                "name": setting.name,
                "flag": flag(setting),
                "help": _DEFAULT_NOTE.sub("", setting.help),
                "kind": kind,
                "choices": choices,
                "default": ""
                if default is None or setting.name == "hidden"
                else value_text(default),
                "several": setting.several,
                "main": setting.name in MAIN_SETTINGS,
            }
        )
    return fields


def dataset_fields():
    """The data sets a form may train on, with their summaries and default settings as text,
    and the one a plain ``deepcat train`` would choose (with the reason)."""
    name, reason = default_dataset()
    return {
        "default": name,
        "reason": reason,
        "datasets": [
            {
                "name": key,
                "summary": DATASETS[key].summary,
                "defaults": {k: value_text(v) for k, v in DATASETS[key].defaults.items()},
            }
            for key in WEB_DATASETS
        ],
    }


def read_dataset(text):
    """The data set a form names, refused as ``--dataset`` refuses it."""
    return _convert(click.Choice(list(WEB_DATASETS)), "--dataset", text)


def read_settings(texts):
    """The settings a form gives, as ``deepcat train`` would read the same options.

    Parameters
    ----------
    texts : dict
        Setting name to the text typed for it; an empty text is a setting not given.

    Returns
    -------
    dict
        Setting name to value, ``None`` for those not given.

    Raises
    ------
    WebError
        400 for an unknown setting, a value that is not text, or text its option refuses.
    """
    if not isinstance(texts, dict):
        raise WebError(400, f"expected the settings as an object, got {type(texts).__name__}")
    unknown = sorted(set(texts) - set(BY_NAME))
    if unknown:
        raise WebError(400, f"unknown setting {unknown[0]!r}; expected one of {list(BY_NAME)}")
    given = {}
    for setting in SETTINGS:
        text = texts.get(setting.name, "")
        if not isinstance(text, str):
            raise WebError(400, f"{flag(setting)} must be given as text, got {type(text).__name__}")
        text = text.strip()
        given[setting.name] = _convert(value_type(setting), flag(setting), text) if text else None
    return given


def run_settings(dataset, given):
    """The settings of a run on ``dataset``, resolved and checked as ``deepcat train`` does.

    Returns
    -------
    dict
        From :func:`deepcat.runs.train.resolve_settings`.

    Raises
    ------
    WebError
        400 with ``deepcat train``'s message, its argument names written as options.
    """
    settings = resolve_settings(dataset, given)
    try:
        check_settings(settings, n_hidden=len(settings["hidden"]))
    except (ValueError, TypeError) as error:
        raise WebError(400, usage_message(error)) from None
    return settings


def _convert(kind, option, text):
    if not isinstance(text, str):
        raise WebError(400, f"{option} must be given as text, got {type(text).__name__}")
    try:
        return kind.convert(text, click.Option([option]), None)
    except click.BadParameter as error:
        raise WebError(400, error.format_message()) from None

"""Text for people: the one table formatter and the one way to write a setting's value.

Used by every layer that prints (the network's summary, the search results, the command line's
reports), so that tables align the same way and a setting reads the same everywhere.
"""

from __future__ import annotations

import re


def table(rows, align_right=()):
    """Rows of cells as aligned columns, a rule of dashes under the first row.

    Parameters
    ----------
    rows : list of sequences of str
        The first row is the header.
    align_right : collection of int
        Column indices aligned right (numbers).

    Returns
    -------
    str
        One line per row, cells separated by two spaces, trailing spaces removed.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row):
        cells = [
            cell.rjust(width) if i in align_right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    lines = [line(row) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def value_text(value, *, exact=False, none="none"):
    """A setting as a person types or reads it: ``20,7,5``, ``0.0075``, ``adam``.

    Parameters
    ----------
    value : list, tuple, float, int, str or None
    exact : bool, default False
        Floats as ``repr`` (every digit, as a command line must repeat them) rather than ``%g``.
    none : str, default "none"
        The text for ``None`` (``"all"`` for a batch size that is the whole set).

    Returns
    -------
    str
        Lists joined by commas, ``"none"`` when empty (no hidden layer).
    """
    if value is None:
        return none
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value) or "none"
    if isinstance(value, float):
        return repr(value) if exact else f"{value:g}"
    return str(value)


def option_flag(name):
    """The command-line option of a setting: ``keep_prob`` is typed ``--keep-prob``."""
    return "--" + name.replace("_", "-")


def byte_text(n_bytes):
    """A size as people read it: ``512 B``, ``3.8 KB``, ``9.6 GB`` (powers of 1000); beyond
    what any machine has, ``more than 10^18 TB``."""
    if n_bytes >= 10**30:  # an int of any size: too large for a float, and for any memory
        return "more than 10^18 TB"
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000


def listed(names, limit=5):
    """``a, b, c and 4 more``: at most ``limit`` names, for a message of one line."""
    names = list(names)
    text = ", ".join(names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def printable(text):
    """``text`` safe to print: each control character written as ``repr`` writes it.

    A file, folder or class name is the user's (or an attacker's): a newline in it could forge
    a line of output, and an escape sequence (``\\x1b[2J``, ``\\x1b]0;title\\x07``) would act on
    the terminal. C0 controls, DEL and C1 controls become ``\\n``, ``\\t``, ``\\x1b``, ``\\x9b``;
    a backslash is kept as it is, and everything else is unchanged (``café``, ``猫``).
    """
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""The control characters: C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F)."""

"""The limits a catalog file is read within, each with its reason (listed in the README).

A limit turns hostile or mistaken input (a billion-laughs file, brackets nested 30,000 deep, a
number of a million digits) into one located problem instead of exhausted memory, a crash in the
C parser, or arithmetic that never ends.
"""

from __future__ import annotations

from decimal import Decimal

# Limits on one file, each with its reason (the README lists them under "Limits").
# Values a file may hold, aliases expanded: a billion-laughs file stops here, not in memory.
MAX_NODES = 200_000
# Nesting depth: a catalog file nests about six levels; deeper is a mistake or an attack.
MAX_DEPTH = 64
# Numbers stay below 10^15 in size and above 10^-12 in precision: no amount or count in a catalog
# comes near, and Decimal arithmetic and formatting stay fast and exact within them.
MAX_NUMBER = Decimal("1e15")
MIN_PRECISION = -12
# The largest catalog file read: the largest shipped file is under 20 KB and a product of a large
# catalog about 6 KB; a bigger file is a mistake (or an attack on memory), refused before reading.
MAX_FILE_BYTES = 1024 * 1024


def flow_too_deep(text: str) -> int | None:
    """The offset of the first ``[`` or ``{`` nested past MAX_DEPTH, if any.

    libyaml recurses once per flow level and crashes (not raises) some tens of thousands of
    levels down, before this module's own depth limit could apply; so the brackets are counted
    first, cheaply. Quoted strings and comments are skipped, and a bracket opens a collection
    only where a value starts (after ``:``, ``-``, ``?``, ``,``, another bracket, or at the start
    of a line), as in YAML; elsewhere it is part of plain text.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None  # too few brackets to nest that deep: the common case costs two C scans
    depth = 0
    quote = ""
    previous = "\n"
    index, size = 0, len(text)
    while index < size:
        ch = text[index]
        if quote:
            if ch == quote:
                if quote == "'" and text.startswith("''", index):
                    index += 1
                else:
                    quote = ""
            elif ch == "\\" and quote == '"':
                index += 1
        elif ch == "#" and previous in " \t\n":
            newline = text.find("\n", index)
            index = size if newline < 0 else newline
            continue
        elif ch in "[{" and (depth or previous in "\n:-?,[{"):
            depth += 1
            if depth > MAX_DEPTH:
                return index
        elif ch in "]}" and depth:
            depth -= 1
        elif ch in "'\"" and (depth or previous in "\n:-?,[{"):
            quote = ch
        if ch not in " \t":
            previous = ch
        index += 1
    return None

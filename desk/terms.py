"""What a search box's text means, and where it matched: pure, no Django.

A query is read as words (letters and digits; anything else separates them, so the syntax of
PostgreSQL's tsquery, `& | ! : * ( )`, never reaches the database), each matched as the start of
a word: "omar pet" finds "Omar Petrov".
"""

import re

MAX_TERMS = 8  # words of a query that count; the rest are ignored
MAX_TERM_LENGTH = 40
SNIPPET_WIDTH = 160

WORD = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    """The words of a query, lower case, each once, in order, at most MAX_TERMS."""
    found: list[str] = []
    for word in WORD.findall(text.lower()):
        word = word[:MAX_TERM_LENGTH]
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def prefix_tsquery(words: list[str]) -> str:
    """The raw tsquery that asks for every word as a prefix: `omar:* & pet:*`."""
    return " & ".join(f"{word}:*" for word in words)


def highlight(text: str, words: list[str], width: int = SNIPPET_WIDTH) -> list[tuple[str, bool]]:
    """A window of `text` around its first match, cut in pieces: (piece, is it a match).

    A match is a word of `text` that starts with one of `words` (case-insensitive); the window
    is `width` characters at most, with an ellipsis where it cuts the text. Without a match it
    is the start of the text."""
    text = " ".join(text.split())
    if not text:
        return []
    pattern = (
        re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, words)) + r")[^\W_]*", re.I)
        if words
        else None
    )
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - width // 4) if first else 0
    if start and (space := text.rfind(" ", 0, start)) > 0:
        start = space + 1
    end = min(len(text), start + width)
    if end < len(text) and (space := text.rfind(" ", start, end)) > start:
        end = space
    window = text[start:end]
    pieces: list[tuple[str, bool]] = [("… ", False)] if start else []
    at = 0
    for match in pattern.finditer(window) if pattern else ():
        if match.start() > at:
            pieces.append((window[at : match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(window):
        pieces.append((window[at:], False))
    if end < len(text):
        pieces.append((" …", False))
    return pieces

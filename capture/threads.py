"""What a thread of mail says beyond each message: how long a message is for its kind
(verbosity), and whether the customer is asking again for something they asked before (a
repeated request, one of seed 003's early signs of frustration). Plain Python."""

import re

SHORT_WORDS = 25  # fewer words than this: a short message
LONG_WORDS = 150  # more: a long one

# Words that say "I asked this before".
_AGAIN = re.compile(
    r"\b(following up|follow(ing)?[- ]up on|any (update|news|progress)|still (waiting|no|not|"
    r"haven'?t|have not|hoping)|(i|we) (already )?asked|asking again|as (i|we) (asked|mentioned|"
    r"said)|second time|third time|(gentle |friendly )?reminder|(haven'?t|have not) heard back|"
    r"(no|without an?) (answer|reply|response) (yet|so far)|once again)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_STOP = frozenset(
    re.findall(
        r"\S+",
        "the and for you your with this that have has are was were can could would will our "
        "their they them from about what when which there here please thanks thank hi hello "
        "dear regards best just also not but any all get got let know need like its it's",
    )
)
SAME_REQUEST = 0.5  # share of content words two requests have in common to be the same one
MIN_CONTENT_WORDS = 5


def verbosity(words: int) -> str:
    """short, normal or long (Interaction.Verbosity) for a message of this many own words."""
    if words < SHORT_WORDS:
        return "short"
    return "long" if words > LONG_WORDS else "normal"


def _content(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in _STOP}


def asks_again(text: str, earlier: list[str]) -> bool:
    """Whether a customer's message `text` repeats a request they made in `earlier` messages
    of the same thread (their own words, oldest first): it says so ("following up", "still
    waiting", "as I asked"), or it asks much the same in much the same words. Without an
    earlier message from them there is nothing to repeat."""
    earlier = [words for words in earlier if words.strip()]
    if not earlier or not text.strip():
        return False
    if _AGAIN.search(text):
        return True
    now = _content(text)
    if len(now) < MIN_CONTENT_WORDS:
        return False
    return any(
        len(before) >= MIN_CONTENT_WORDS and len(now & before) / len(now | before) >= SAME_REQUEST
        for before in map(_content, earlier)
    )

"""Exported mailboxes: the raw messages of an mbox file or a Maildir folder, one at a time.

`read_mailbox(path)` tells the two apart by themselves (a folder with cur/ and new/ is a
Maildir; a file that starts with a "From " line, or is empty, is an mbox) and yields each
message's bytes, as `capture.messages.parse` takes them. Neither kind is loaded whole: the mbox
is scanned once for where its messages start and each one is then read from there; a Maildir
is a file per message. Plain Python: the standard library's `mailbox` module.
"""

import mailbox
import os
import re
from collections.abc import Iterator
from pathlib import Path


def read_mailbox(path: str | os.PathLike) -> Iterator[bytes]:
    """The raw bytes of each message in the mbox file or Maildir folder at `path`, in the
    order they were stored. Raises ValueError, in words, when the path is neither."""
    where = Path(path)
    if where.is_dir():
        if not ((where / "cur").is_dir() and (where / "new").is_dir()):
            raise ValueError(
                f"{where} is a folder but not a Maildir: a Maildir has the folders cur and new."
            )
        return _maildir(where)
    if where.is_file():
        with where.open("rb") as file:
            start = file.read(5)
        if start and start != b"From ":
            raise ValueError(
                f"{where} is not an mbox file: an mbox starts with a line beginning 'From '."
            )
        return _mbox(where)
    raise ValueError(f"{where} does not exist: give an mbox file or a Maildir folder.")


def _mbox(path: Path) -> Iterator[bytes]:
    box = mailbox.mbox(path, create=False)
    try:
        for key in sorted(box.keys()):  # keys count up in the file's order
            yield box.get_bytes(key)
    finally:
        box.close()


def _delivery_order(key: str) -> tuple:
    """Maildir file names start with the delivery time ("1733490000.M123456P789Q1.host"):
    its numbers, compared as numbers, then the name."""
    numbers = re.findall(r"\d+", key.split(":")[0].rsplit(".", 1)[0])
    return tuple(int(number) for number in numbers), key


def _maildir(path: Path) -> Iterator[bytes]:
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys(), key=_delivery_order):
        try:
            yield box.get_bytes(key)
        except (KeyError, FileNotFoundError):
            continue  # moved or deleted by a mail program since the folder was listed

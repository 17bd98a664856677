"""Exported mailboxes: the raw messages of an mbox file or a Maildir folder, one at a time.

`read_mailbox(path)` tells the two apart by themselves (a folder with cur/ and new/ is a
Maildir; a file that starts with a "From " line, or is empty, is an mbox) and yields each
message as `capture.messages.parse` takes it. Neither kind is loaded whole: the mbox is scanned
once for where its messages start and stop, and each is yielded as that place (a
`StoredMessage`, read by `bytes(message)` where it is parsed, so that only the place travels to
a reading process); a Maildir is a file per message, yielded as its bytes. Plain Python: the
standard library's `mailbox` module.
"""

import mailbox
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple


class StoredMessage(NamedTuple):
    """A message of an mbox file by its place in the file; `bytes(message)` reads it."""

    path: str
    start: int  # where its "From " line starts
    stop: int

    def __bytes__(self) -> bytes:
        data = os.pread(_descriptor(self.path), self.stop - self.start, self.start)
        return data[data.find(b"\n") + 1 :]  # without the "From " line, as mailbox reads it


_opened: tuple[str, int] | None = None  # the mbox this process reads messages of, and its file


def _descriptor(path: str) -> int:
    """The file of the mbox at `path`, opened once per process (positional reads need no
    seeking, so a forked process may share it)."""
    global _opened
    if _opened is None or _opened[0] != path:
        if _opened is not None:
            os.close(_opened[1])
        _opened = (path, os.open(path, os.O_RDONLY))
    return _opened[1]


def read_mailbox(path: str | os.PathLike) -> Iterator[bytes | StoredMessage]:
    """Each message in the mbox file or Maildir folder at `path`, in the order they were
    stored. Raises ValueError, in words, when the path is neither."""
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


def _mbox(path: Path) -> Iterator[StoredMessage]:
    box = mailbox.mbox(path, create=False)
    try:
        keys = sorted(box.keys())  # keys count up in the file's order
        places = [box._toc[key] for key in keys]  # the module's own table of starts and stops
    finally:
        box.close()
    name = str(path)
    for start, stop in places:
        yield StoredMessage(name, start, stop)


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

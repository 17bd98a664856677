"""Exported mailboxes read back message by message (capture.mailboxes)."""

import mailbox

import pytest

from capture.mailboxes import read_mailbox
from capture.messages import Address, parse
from tests.capture.mail import message

SUBJECTS = [f"Message {number}" for number in range(1, 8)]


def messages():
    return [message(f"Body of {subject}.", subject=subject) for subject in SUBJECTS]


def test_read_mailbox_mbox_in_order(tmp_path):
    path = tmp_path / "export.mbox"
    box = mailbox.mbox(path)
    for mail in messages():
        box.add(mail)
    box.close()

    read = [parse(raw) for raw in read_mailbox(path)]

    assert [item.subject for item in read] == SUBJECTS
    assert read[0].text == "Body of Message 1."
    assert read[0].sender == Address("jane.doe@acme.example", "Jane Doe")
    assert read[0].message_id == "20261201.1234@mail.acme.example"


def test_read_mailbox_maildir_in_order(tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir")
    for mail in messages():
        box.add(mail)
    box.close()

    read = [parse(raw) for raw in read_mailbox(str(tmp_path / "Maildir"))]

    assert [item.subject for item in read] == SUBJECTS
    assert read[0].sender == Address("jane.doe@acme.example", "Jane Doe")


def test_read_mailbox_maildir_in_delivery_order_not_name_order(tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.close()
    names = ["1733490000.M999P7Q1.host", "1733490000.M1000P7Q2.host", "1733490001.M5P7Q3.host"]
    for number, name in enumerate(names, start=1):
        path = tmp_path / "Maildir" / "new" / name
        path.write_bytes(message(subject=f"Message {number}").as_bytes())

    read = [parse(raw).subject for raw in read_mailbox(tmp_path / "Maildir")]

    assert read == ["Message 1", "Message 2", "Message 3"]


def test_read_mailbox_reads_maildir_messages_already_seen(tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir")
    key = box.add(message(subject="Seen"))
    seen = box.get_message(key)
    seen.set_subdir("cur")
    seen.add_flag("S")
    box[key] = seen
    box.add(message(subject="New"))
    box.close()

    assert sorted(parse(raw).subject for raw in read_mailbox(tmp_path / "Maildir")) == [
        "New",
        "Seen",
    ]


def test_read_mailbox_empty_mbox_has_no_messages(tmp_path):
    path = tmp_path / "empty.mbox"
    path.write_bytes(b"")

    assert list(read_mailbox(path)) == []


def test_read_mailbox_is_lazy(tmp_path):
    path = tmp_path / "export.mbox"
    box = mailbox.mbox(path)
    for mail in messages():
        box.add(mail)
    box.close()

    reader = read_mailbox(path)
    first = next(reader)
    reader.close()

    assert parse(first).subject == "Message 1"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda path: path.mkdir(), "is a folder but not a Maildir"),
        (lambda path: path.write_text("Dear diary,\nnothing happened.\n"), "is not an mbox file"),
        (lambda path: None, "does not exist"),
    ],
    ids=["plain-folder", "text-file", "missing"],
)
def test_read_mailbox_refuses_what_is_neither(tmp_path, make, words):
    path = tmp_path / "thing"
    make(path)

    with pytest.raises(ValueError, match=words):
        read_mailbox(path)

"""Fuzzing the parser: whatever bytes arrive, `parse` returns a well-formed Message or raises
ParseError, never anything else (RAPPORT_FUZZ_EXAMPLES examples each; 1,000 in CI)."""

from datetime import UTC, datetime
from email.message import Message as EmailMessage
from email.utils import getaddresses

from hypothesis import given
from hypothesis import strategies as st

from capture.messages import (
    SNIPPET_LENGTH,
    Address,
    Message,
    ParseError,
    content_charset,
    is_attachment,
    mailbox_pairs,
    parse,
)
from tests.capture.mail import message
from tests.capture.test_messages import REPLY, delivery_status_notification
from tests.fuzz import FUZZ


def samples() -> list[bytes]:
    html = message()
    html.set_content("<p>Hi <b>Sam</b></p><blockquote>old</blockquote>", subtype="html")
    attached = message("See the file.")
    attached.add_attachment(b"\x00\x01" * 500, maintype="application", subtype="pdf",
                            filename="a.pdf")  # fmt: skip
    latin = message(sender="=?iso-8859-1?q?J=FCrgen?= <j@acme.example>")
    latin.set_content("Grüße aus Köln".encode("latin-1"), "text", "plain")
    return [
        message(REPLY, In_Reply_To="<a@b>", References="<a@b> <c@d>").as_bytes(),
        html.as_bytes(),
        attached.as_bytes(),
        latin.as_bytes(),
        message(List_Unsubscribe="<https://x.example/u>", message_id=None).as_bytes(),
        delivery_status_notification(),
    ]


SAMPLES = samples()
FRAGMENTS = [
    b"\r\n", b"\r\n\r\n", b"\r\n ", b"\n\t", b":", b"<", b">", b"@", b",", b";", b'"', b"--",
    b"=?", b"?=", b"=?utf-8?q?=C3?=", b"=?x-bogus?b?////?=", b"=?utf-8?b?=?=", b"\xff\xfe\x00",
    b"\xc3", b"\x00", b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"Content-Type: text/plain; charset=base64\r\n", b"Content-Type: text/html; charset=\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Disposition: attachment; filename*=utf-8''%ff%fe\r\n",
    b"Content-Type: message/delivery-status\r\n", b"Content-Type: multipart/report\r\n",
    b"Date: Mon, 32 Foo 99999 25:61:61 +9999\r\n", b"Message-ID: <<>>\r\n",
    b"From: <@>, ,,\"\\\r\n", b"To: a@b@c, =?utf-8?q?x?= <\r\n", b"References: < > <a@>\r\n",
    b"Auto-Submitted: auto-replied\r\n", b"<html><blockquote><p>", b"</p></blockquote>",
    b"<!-- ", b"<![CDATA[", b"> quoted\r\n", b"-- \r\n", b"On Mon wrote:\r\n", b"=\r\n", b"=ZZ",
]  # fmt: skip


@st.composite
def mutated(draw) -> bytes:
    """A real message with a few bytes inserted, deleted, overwritten or cut off."""
    raw = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["insert", "fragment", "delete", "overwrite", "cut"]))
        if kind == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "fragment":
            raw[at:at] = draw(st.sampled_from(FRAGMENTS))
        elif kind == "delete":
            del raw[at : at + draw(st.integers(1, 40))]
        elif kind == "overwrite" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[at:]
    return bytes(raw)


def assert_well_formed(raw: bytes) -> None:
    try:
        parsed = parse(raw)
    except ParseError as error:
        refusal = str(error)
        parsed = None
    if parsed is None:
        assert refusal, "a refusal says why in words"
        return
    assert isinstance(parsed, Message)
    assert isinstance(parsed.message_id, str)
    assert parsed.message_id
    assert parsed.message_id == parsed.message_id.lower()
    for ids in (parsed.in_reply_to, parsed.references):
        assert isinstance(ids, tuple)
        assert all(isinstance(item, str) and item and item == item.lower() for item in ids)
    addresses = (parsed.sender, *parsed.to, *parsed.cc, *parsed.bcc)
    for address in addresses:
        assert isinstance(address, Address)
        assert isinstance(address.address, str)
        assert isinstance(address.name, str)
        assert address.address == address.address.lower()
    assert parsed.sent_at is None or (
        isinstance(parsed.sent_at, datetime) and parsed.sent_at.tzinfo == UTC
    )
    assert isinstance(parsed.subject, str)
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.snippet, str)
    assert len(parsed.snippet) <= SNIPPET_LENGTH
    assert parsed.snippet == " ".join(parsed.text.split())[:SNIPPET_LENGTH]
    assert isinstance(parsed.words, int)
    assert parsed.words >= 0
    assert isinstance(parsed.automated, bool)
    assert isinstance(parsed.left_signal, str)


@FUZZ
@given(st.binary(max_size=3000))
def test_parse_arbitrary_bytes(raw):
    assert_well_formed(raw)


@FUZZ
@given(mutated())
def test_parse_mutated_real_messages(raw):
    assert_well_formed(raw)


def test_parse_every_sample_unmutated():
    for raw in SAMPLES:
        assert parse(raw).text


_HEADER_CHARACTERS = st.sampled_from(list("ab.J D-_'\"<>@,;:()[]\\ \t=?é1"))


@given(st.text(_HEADER_CHARACTERS, max_size=40))
@FUZZ
def test_reading_an_address_header_plainly_agrees_with_the_email_package(value):
    assert mailbox_pairs(value) == getaddresses([value])


@given(
    name=st.text(st.sampled_from(list("ab.J D-_'é1=?")), max_size=20),
    local=st.text(st.sampled_from(list("ab.-_+1")), min_size=1, max_size=10),
    domain=st.text(st.sampled_from(list("ab.-1")), min_size=1, max_size=10),
)
@FUZZ
def test_a_plainly_written_mailbox_reads_as_the_email_package_reads_it(name, local, domain):
    for value in (f"{name} <{local}@{domain}>", f"{local}@{domain}"):
        assert mailbox_pairs(value) == getaddresses([value])


_CONTENT_PIECES = st.sampled_from(
    ["text/plain", "TEXT/Html", "application/pdf", ";", " ", "\t", "charset=", "CHARSET =",
     '"', "utf-8", "ISO-8859-1", "x:y", "name=", "NAME*0=", "a.pdf", "*", "'", "=",
     "format=flowed", "\\", "é", "attachment", "inline", "filename=", "Filename*="]
)  # fmt: skip


def part_with(headers: dict[str, str]) -> EmailMessage:
    part = EmailMessage()
    for name, value in headers.items():
        part[name] = value
    return part


@given(
    st.one_of(
        st.lists(_CONTENT_PIECES, max_size=12).map("".join),
        st.sampled_from(
            ["text/plain; charset=UTF-8", 'TEXT/HTML;charset="ISO-8859-1" ', "text/plain;",
             'text/plain; charset="utf-8', "text/plain; charset=utf-8; format=flowed"]
        ),
    )
)  # fmt: skip
@FUZZ
def test_reading_a_charset_plainly_agrees_with_the_email_package(value):
    part = part_with({"Content-Type": value})

    assert content_charset(part) == part.get_content_charset()


@given(
    st.one_of(st.none(), st.lists(_CONTENT_PIECES, max_size=8).map("".join)),
    st.one_of(st.none(), st.lists(_CONTENT_PIECES, max_size=8).map("".join)),
)
@FUZZ
def test_telling_an_attachment_plainly_agrees_with_the_email_package(kind, disposition):
    headers = {"Content-Type": kind, "Content-Disposition": disposition}
    part = part_with({name: value for name, value in headers.items() if value is not None})
    try:
        expected = part.get_content_disposition() == "attachment" or bool(part.get_filename())
    except Exception:
        expected = True

    assert is_attachment(part) == expected

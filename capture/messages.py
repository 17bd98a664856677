"""One email, read: the parsing step of capture (docs/capture.md, "What a message becomes").

`parse(raw)` turns the bytes of one message into a `Message`: the headers capture needs (ids of
the message and its thread, who wrote to whom, when, the subject), the author's own words (the
plain-text part, else the HTML one as text; quoted history and the signature taken off), and
what the pipeline decides with (a 280-character snippet, a word count, whether a machine sent
it, whether it says that the person has left).

Mail is written by every program under the sun, so nothing here trusts it: an unknown or wrong
charset is decoded with replacement characters, a header the email package cannot read is read
raw, and an attachment is skipped without decoding its payload. The only refusal is
`ParseError`, for input that is not an email at all. Plain Python: the standard library only.
"""

import codecs
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import NamedTuple, SupportsBytes

SNIPPET_LENGTH = 280
# The author's own words are looked for in at most this much decoded text: a text part larger
# than this is a log or a data dump pasted into the mail, not something anyone wrote.
TEXT_LIMIT = 200_000


class ParseError(ValueError):
    """The input is not an email at all."""


class Address(NamedTuple):
    address: str  # lower-cased
    name: str  # the display name as written, "" when there is none


@dataclass(frozen=True)
class Message:
    message_id: str  # normalised: no angle brackets, lower case; "sha256:<hex>" when missing
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    sent_at: datetime | None  # aware, UTC
    subject: str
    text: str  # the author's own words
    snippet: str  # the first 280 characters of text, whitespace collapsed
    words: int  # words in text
    automated: bool  # a newsletter, an auto-reply, a bounce, a no-reply sender
    left_signal: str  # why an auto-reply or bounce says the person has left, or ""
    left_address: str  # whom left_signal is about: an auto-reply's sender, a bounce's recipient
    title: str = ""  # the sender's title, from the line under their name in the signature


def parse(raw: bytes | SupportsBytes) -> Message:
    """Read one message from its bytes (as they sit in a mailbox), or from what gives them
    (`bytes(raw)`). Raises `ParseError` only when the input is not an email at all."""
    data = bytes(raw or b"")
    if not data.strip():
        raise ParseError("The message is empty.")
    # compat32: headers are read raw here anyway (_Headers), and its header access costs a
    # fraction of the default policy's header registry (a third of the whole capture's time).
    email = BytesParser(policy=policy.compat32).parsebytes(data)
    headers = _Headers(email)
    if not headers.names:
        raise ParseError("The input has no mail headers, so it is not an email.")

    senders = _addresses(headers.all("from")) or _addresses(headers.all("sender"))
    sender = senders[0] if senders else Address("", "")
    ids = _ids(_decoded(headers.first("message-id")))
    body = _body_text(email)
    lines = _lines(body)
    history = _history_index(lines)  # where quoted history starts, for the words and the title
    text = _own_words(lines, history)
    words = text.split()
    bounce, auto_reply = _bounce(email, sender), _auto_reply(headers)
    left = _left_signal(email, headers, text, bounce=bounce, auto_reply=auto_reply)
    return Message(
        message_id=ids[0] if ids else _synthetic_id(headers),
        in_reply_to=tuple(_ids(_decoded(headers.first("in-reply-to")))),
        references=tuple(_ids(_decoded(" ".join(headers.all("references"))))),
        sender=sender,
        to=tuple(_addresses(headers.all("to"))),
        cc=tuple(_addresses(headers.all("cc"))),
        bcc=tuple(_addresses(headers.all("bcc"))),
        sent_at=_date(headers.first("date")),
        subject=" ".join(_decoded(headers.first("subject")).split()),
        text=text,
        snippet=" ".join(words)[:SNIPPET_LENGTH],
        words=len(words),
        automated=bounce or auto_reply or _bulk(headers, sender),
        left_signal=left,
        left_address=(_bounced_address(email, text, sender) if bounce else sender.address)
        if left
        else "",
        title=_title(lines, history, sender.name),
    )


# Headers ----------------------------------------------------------------------------------


class _Headers:
    """The message's headers read raw (unfolded, 8-bit bytes decoded), so a header that the
    email package's parser would choke on is still a string here. Names are lower-cased."""

    def __init__(self, email: EmailMessage):
        self.items: list[tuple[str, str]] = []
        self.values: dict[str, list[str]] = {}  # name -> its values, in order
        for name, value in email.raw_items():
            name, value = str(name).strip().lower(), _unfold(_eight_bit(str(value)))
            self.items.append((name, value))
            self.values.setdefault(name, []).append(value)
        self.names = self.values.keys()

    def all(self, name: str) -> list[str]:
        return list(self.values.get(name, ()))

    def first(self, name: str) -> str:
        values = self.values.get(name)
        return values[0] if values else ""


def _eight_bit(value: str) -> str:
    """Header bytes outside ASCII reach us as surrogate escapes: read them as UTF-8, else as
    Windows-1252 (what 8-bit headers nearly always are)."""
    if value.isascii():
        return value
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _unfold(value: str) -> str:
    if "\n" not in value:
        return value.strip()
    return re.sub(r"\r?\n[ \t]*", " ", value).strip()


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset; a charset that does not exist, is not a text encoding, or
    does not fit the bytes falls back to UTF-8, then Windows-1252, with replacements."""
    declared = None
    if charset:
        try:
            declared = codecs.lookup(charset).name
            return data.decode(declared)
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass  # bytes.decode refuses codecs that are not text encodings (LookupError)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(declared or "cp1252", "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return data.decode("cp1252", "replace")


def _decoded(value: str) -> str:
    """A header with RFC 2047 encoded words (=?utf-8?q?...?=) as plain text."""
    if "=?" not in value:
        return value
    try:
        parts = decode_header(value)
    except Exception:  # the email package raises all sorts on broken encoded words
        return value
    return "".join(
        chunk if isinstance(chunk, str) else _decode_bytes(chunk, charset)
        for chunk, charset in parts
    )


def _ids(value: str) -> list[str]:
    """Message ids in a header, normalised: <Abc@Host> -> abc@host. Ids written without angle
    brackets are taken word by word when they look like ids (they have an @)."""
    found = re.findall(r"<([^<>]*)>", value)
    if not found:
        found = [word for word in value.split() if "@" in word]
    ids = []
    for item in found:
        normal = "".join(item.split()).strip("<>").lower()
        if normal and normal not in ids:
            ids.append(normal)
    return ids


def _synthetic_id(headers: _Headers) -> str:
    """A stable id for a message without one: a hash of the headers that say what it is (not
    of those that say how it travelled, so the same message from two mailboxes agrees)."""
    names = ("from", "sender", "to", "cc", "date", "subject", "in-reply-to", "references")
    lines = [f"{name}:{' '.join(value.split())}" for name in names for value in headers.all(name)]
    if not lines:
        lines = [f"{name}:{' '.join(value.split())}" for name, value in headers.items]
    digest = hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest}"


_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"@]+")
# One mailbox written plainly: "Jane Doe <jane@acme.example>" or "jane@acme.example", with no
# quotes, comments, groups or lists for the full parser to work out.
_PLAIN = r"[^\s<>()\[\],;:\"@\\]+@[^\s<>()\[\],;:\"@\\.]+(?:\.[^\s<>()\[\],;:\"@\\.]+)*"
_ONE_MAILBOX = re.compile(
    rf"[ \t]*(?:(?P<name>[^\s<>()\[\],;:\"@\\](?:[^<>()\[\],;:\"@\\]*[^\s<>()\[\],;:\"@\\])?)?"
    rf"[ \t]*<(?P<bracketed>{_PLAIN})>|(?P<bare>{_PLAIN}))[ \t]*"
)


def mailbox_pairs(value: str) -> list[tuple[str, str]]:
    """`email.utils.getaddresses([value])`, the (name, address) pairs of an address header,
    answered without the full parser for one plainly written mailbox (most headers)."""
    plain = _ONE_MAILBOX.fullmatch(value)
    if plain is None:
        return getaddresses([value])
    return [(" ".join((plain["name"] or "").split()), plain["bracketed"] or plain["bare"])]


def _addresses(values: list[str]) -> list[Address]:
    """The addresses of address headers, lower-cased, each with its (decoded) display name.
    What the strict parser refuses is read by pattern, without names."""
    found: list[Address] = []
    for value in values:
        try:
            pairs = mailbox_pairs(value)
        except Exception:  # a header odd enough to break the parser: read it by pattern
            pairs = []
        pairs = [(name, address) for name, address in pairs if "@" in address]
        if not pairs:
            pairs = [("", address) for address in _ADDRESS.findall(value)]
        for name, address in pairs:
            entry = Address("".join(address.split()).lower(), " ".join(_decoded(name).split()))
            if entry.address not in (known.address for known in found):
                found.append(entry)
    return found


def _date(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": the time is UTC, the zone unknown
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):  # at the edge of the calendar
        return None


# Body -------------------------------------------------------------------------------------


def _content_type(part: EmailMessage) -> str:
    try:
        return part.get_content_type()
    except Exception:  # a Content-Type header the parser cannot read
        return "text/plain"


def is_attachment(part: EmailMessage) -> bool:
    """Whether a part is an attachment (by its disposition, or a file name), answered without
    the email package's parameter parser for a part with neither (most parts)."""
    kind = part.get("content-type")
    if part.get("content-disposition") is None and (
        kind is None or (isinstance(kind, str) and "name" not in kind.lower())
    ):
        return False  # no disposition, and no name parameter for a file name (most parts)
    try:
        return part.get_content_disposition() == "attachment" or bool(part.get_filename())
    except Exception:
        return True  # when in doubt, do not decode it


# A Content-Type with a charset as its one parameter, written plainly ("text/plain;
# charset=utf-8" or charset="utf-8"): read without the email package's parameter parser.
_PLAIN_CHARSET = re.compile(
    r"[ \t]*[a-z0-9.+-]+/[a-z0-9.+-]+[ \t]*;[ \t]*charset="
    r'(?:"([a-z0-9_.:-]+)"|([a-z0-9_.:-]+))[ \t]*',
    re.IGNORECASE | re.ASCII,
)


def content_charset(part: EmailMessage) -> str | None:
    """`part.get_content_charset()`, answered without the parameter parser for a plainly
    written Content-Type (most parts)."""
    kind = part.get("content-type")
    if isinstance(kind, str):
        plain = _PLAIN_CHARSET.fullmatch(kind)
        if plain is not None:
            return (plain[1] or plain[2]).lower()
    return part.get_content_charset()


def _leaves(part: EmailMessage, depth: int = 0):
    """The non-multipart parts, in order, without descending into attached messages (a
    forwarded or bounced message is someone else's words)."""
    if depth > 50:
        return
    kind = _content_type(part)
    if kind.startswith("multipart/"):
        payload = part.get_payload()
        if isinstance(payload, list):
            for child in payload:
                if isinstance(child, EmailMessage):
                    yield from _leaves(child, depth + 1)
        return
    yield kind, part


def _part_text(part: EmailMessage) -> str:
    """A text part's payload, decoded (transfer encoding, then charset)."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    try:
        charset = content_charset(part)
    except Exception:
        charset = None
    return _decode_bytes(payload, charset)[:TEXT_LIMIT]


def _body_text(email: EmailMessage) -> str:
    """The plain-text part if it says anything, else the HTML part as text, else ""."""
    plain = html = None
    for kind, part in _leaves(email):
        if is_attachment(part):
            continue
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    text = _part_text(plain) if plain is not None else ""
    if not text.strip() and html is not None:
        return html_to_text(_part_text(html))
    return text


class _HTMLText(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "table", "ul", "ol", "hr", "pre", "section", "article",
              "h1", "h2", "h3", "h4", "h5", "h6"}  # fmt: skip
    HIDDEN = {"script", "style", "head", "title", "blockquote", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML mail, a line per block; quoted history (<blockquote>),
    scripts and styles left out."""
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # markup odd enough to stop the parser: keep what it had read
        pass
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# The author's own words ------------------------------------------------------------------

_ORIGINAL = re.compile(
    r"^\s*(-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine)"
    r"\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(from|von|de)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(sent|date|to|gesendet|envoyé)\s*:", re.IGNORECASE)
_ON_WROTE_START = re.compile(r"^\s*(on|am|le|el)\s", re.IGNORECASE)
_ON_WROTE_END = re.compile(r"(wrote|schrieb|a écrit|escribió)\s*:\s*$", re.IGNORECASE)
_SENT_FROM = re.compile(r"^\s*(sent from my |get outlook for )", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"^\s*((best|kind|warm|warmest|many thanks and|with)?\s*(regards|wishes)|best|cheers|"
    r"thanks|thank you|many thanks|thanks again|sincerely|yours sincerely|yours|all the best|"
    r"talk soon|br)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
NAME_BLOCK_LINES = 5  # a sign-off is a signature only when at most this many short lines follow
NAME_BLOCK_WIDTH = 60


# What a line where quoted history starts begins with (the first character of _ORIGINAL,
# _OUTLOOK_FROM and _ON_WROTE_START): a line that does not is passed over at once.
_MAY_START_HISTORY = re.compile(r"\s*[-_*fvdoale]", re.IGNORECASE)


def _history_starts(lines: list[str], index: int) -> bool:
    """Whether quoted history (a reply's attribution, a forwarded or original message) starts
    at this line."""
    line = lines[index]
    if not _MAY_START_HISTORY.match(line):
        return False
    if _ORIGINAL.match(line):
        return True
    if _OUTLOOK_FROM.match(line):
        following = lines[index + 1 : index + 5]
        return any(_OUTLOOK_NEXT.match(candidate) for candidate in following)
    if _ON_WROTE_START.match(line):
        # Mail programs wrap a long attribution ("On Mon, ... Jane Doe <\njane@x.com> wrote:").
        joined = ""
        for candidate in lines[index : index + 3]:
            joined += " " + candidate.strip()
            if _ON_WROTE_END.search(joined):
                return len(joined) < 400
    return False


_COMPANY_ENDINGS = {"inc.", "ltd.", "co.", "corp.", "llc.", "plc.", "ag.", "s.a.", "gmbh."}


def _named(line: str) -> bool:
    """Whether a line could belong to a name block (a name, a title, a company, a phone
    number) rather than be a sentence: short, not a question, and if it ends with a full stop,
    of at most three words or a company's name ("Acme Holdings Inc.")."""
    line = line.strip()
    if len(line) > NAME_BLOCK_WIDTH or line.endswith(("?", "!", ":")):
        return False
    words = line.lower().split()
    return not line.endswith(".") or len(words) <= 3 or words[-1] in _COMPANY_ENDINGS


def _without_sign_off(lines: list[str]) -> list[str]:
    """Take off a closing sign-off ("Best regards,") and the short name block under it, when
    it ends the text and something was said before it."""
    content = [index for index, line in enumerate(lines) if line.strip()]
    for position in range(len(content) - 1, max(-1, len(content) - NAME_BLOCK_LINES - 2), -1):
        index = content[position]
        if _SIGN_OFF.match(lines[index]):
            block = [lines[i] for i in content[position + 1 :]]
            if position > 0 and 0 < len(block) <= NAME_BLOCK_LINES and all(map(_named, block)):
                return lines[:index]
            break
    return lines


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _history_index(lines: list[str]) -> int:
    """The index of the line where quoted history starts, or len(lines)."""
    return next((i for i in range(len(lines)) if _history_starts(lines, i)), len(lines))


def own_words(text: str) -> str:
    """What the author wrote in this message: quoted lines (">"), the quoted history under an
    attribution ("On ... wrote:", "-----Original Message-----", an Outlook "From: ... Sent:"
    block, a forwarded message), the signature under "-- ", "Sent from my phone" lines and a
    closing sign-off with its name block taken off."""
    lines = _lines(text)
    return _own_words(lines, _history_index(lines))


def _own_words(lines: list[str], history: int) -> str:
    """own_words of these lines, quoted history starting at index `history`."""
    kept: list[str] = []
    for line in lines[:history]:
        if line.rstrip("\n") in ("-- ", "--"):
            break
        if line.lstrip().startswith(">") or _SENT_FROM.match(line):
            continue
        kept.append(line.rstrip())
    kept = _without_sign_off(kept)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


_CONTACT = re.compile(r"@|https?://|www\.|\d[\d\s().+-]{6,}|\|")


def signature_title(text: str, name: str) -> str:
    """The line under the author's name in their signature ("Jane Doe" / "Head of Operations"),
    when it reads as a title (short, no address, link or phone number); "" otherwise."""
    if not name:
        return ""
    lines = _lines(text)
    return _title(lines, _history_index(lines), name)


def _title(lines: list[str], history: int, name: str) -> str:
    """signature_title of these lines, quoted history starting at index `history`."""
    wanted = " ".join(name.lower().split())
    if not wanted:
        return ""
    own = [line.strip() for line in lines[:history] if line.strip() not in ("", "--")]
    for index in range(len(own) - 2, max(-1, len(own) - NAME_BLOCK_LINES - 3), -1):
        if " ".join(own[index].lower().split()) == wanted:
            title = own[index + 1]
            if _named(title) and not _CONTACT.search(title) and not title.endswith("."):
                return title
            return ""
    return ""


# What kind of message ---------------------------------------------------------------------

_NO_REPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?)\b",
    re.IGNORECASE,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|"
    r"undeliverable|undelivered mail|delivery status notification|mail delivery failed|"
    r"delivery failure|returned mail|failure notice|abwesenheitsnotiz)",
    re.IGNORECASE,
)


def _bounce(email: EmailMessage, sender: Address) -> bool:
    """A delivery report, or mail from the mail system itself."""
    return _content_type(email) == "multipart/report" or bool(
        re.match(r"^(mailer[-_.]?daemon|postmaster)\b", sender.address)
    )


def _auto_reply(headers: _Headers) -> bool:
    """An answer written by a machine: auto-submitted, marked as an auto-reply, or titled as
    one (an out-of-office, an undeliverable notice)."""
    return (
        headers.first("auto-submitted").strip().lower() not in ("", "no")
        or headers.first("precedence").strip().lower() == "auto_reply"
        or bool(headers.names & {"x-autoreply", "x-autorespond"})
        or bool(_AUTO_SUBJECT.match(_decoded(headers.first("subject"))))
    )


def _bulk(headers: _Headers, sender: Address) -> bool:
    """Bulk or list mail (newsletters, notifications), or a no-reply sender."""
    return (
        headers.first("precedence").strip().lower() in ("bulk", "list", "junk")
        or bool(headers.names & {"list-unsubscribe", "list-id"})
        or bool(_NO_REPLY.match(sender.address))
    )


_LEFT = [
    (re.compile(r"\bno longer (with|at|employed|part of|a member of)\b", re.I),
     "no longer with the company"),
    (re.compile(r"\b(has|have) (now )?left (the|our|this) (company|organi[sz]ation|firm|business"
                r"|team)\b", re.I), "has left the company"),
    (re.compile(r"\bno longer (works?|working)\b", re.I), "no longer works there"),
    (re.compile(r"\b(mailbox|account|address) (is |has been )?(disabled|deactivated|unavailable"
                r"|inactive|closed)\b", re.I), "mailbox disabled"),
]  # fmt: skip
_UNKNOWN_USER = re.compile(
    r"\b5\.1\.1\b|\buser unknown\b|\bunknown user\b|\bno such user\b|"
    r"\brecipient address rejected\b|\baddress (couldn't|could not) be found\b",
    re.IGNORECASE,
)


def _delivery_report(email: EmailMessage) -> str:
    """The text of a delivery report's machine-readable part (message/delivery-status)."""
    found = []
    for kind, part in _leaves(email):
        if kind == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else [payload]
            for block in blocks[:50]:
                if isinstance(block, EmailMessage):
                    found.extend(f"{n}: {_unfold(str(v))}" for n, v in block.raw_items())
                else:
                    found.append(str(block)[:10_000])
    return "\n".join(found)


_RECIPIENT = re.compile(r"^(final|original)-recipient:\s*rfc822\s*;\s*(\S+@\S+)", re.I | re.M)


def _bounced_address(email: EmailMessage, text: str, sender: Address) -> str:
    """The address a bounce could not deliver to: the delivery report's recipient, else the
    first address in its text that is not the mail system's."""
    found = _RECIPIENT.search(_delivery_report(email))
    if found:
        return found.group(2).strip("<>").lower()
    for address in _ADDRESS.findall(text):
        if address.lower() != sender.address:
            return address.strip(".").lower()
    return ""


def _left_signal(
    email: EmailMessage, headers: _Headers, text: str, *, bounce: bool, auto_reply: bool
) -> str:
    """Why an auto-reply or a bounce says that the person has left, or "" (also for any other
    message: a person writing "she is no longer with us" is not a signal)."""
    if not (bounce or auto_reply):
        return ""
    said = f"{_decoded(headers.first('subject'))}\n{text}"
    for pattern, reason in _LEFT:
        if pattern.search(said):
            return reason
    if bounce and _UNKNOWN_USER.search(f"{said}\n{_delivery_report(email)}"):
        return "address unknown (5.1.1)"
    return ""

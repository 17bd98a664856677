"""The parsing step of capture: what one email becomes (capture.messages)."""

from datetime import UTC, datetime

import pytest

from capture import messages
from capture.messages import SNIPPET_LENGTH, Address, ParseError, parse
from tests.capture.mail import message

REPLY = """\
Hi Sam,

Thanks for the numbers. We are considering termination of the contract
unless the export works by Friday.

On Mon, Nov 30, 2026 at 4:12 PM Sam Csm <sam@rapport.example>
wrote:
> Hi Jane,
>
> here are the numbers you asked for.
>
> Sam
--\x20
Jane Doe
Head of Operations, Acme
+1 555 0100
"""


def test_parse_reply_keeps_only_the_new_words():
    parsed = parse(message(REPLY, subject="Re: numbers").as_bytes())

    assert parsed.text == (
        "Hi Sam,\n\nThanks for the numbers. We are considering termination of the contract\n"
        "unless the export works by Friday."
    )
    assert parsed.words == 19
    assert parsed.snippet == (
        "Hi Sam, Thanks for the numbers. We are considering termination of the contract unless"
        " the export works by Friday."
    )


def test_parse_interleaved_reply_keeps_the_answers_between_quotes():
    body = "> Can you make Tuesday?\nYes, Tuesday works.\n> And the export?\nStill broken.\n"

    assert parse(message(body).as_bytes()).text == "Yes, Tuesday works.\nStill broken."


@pytest.mark.parametrize(
    "history",
    [
        "-----Original Message-----\nFrom: Sam Csm\nSent: Monday, November 30, 2026 4:12 PM\n"
        "To: Jane Doe\nSubject: numbers\n\nHere are the numbers.\n",
        "________________________________\nFrom: Sam Csm <sam@rapport.example>\n"
        "Sent: Monday, November 30, 2026 4:12 PM\nTo: Jane Doe\n\nHere are the numbers.\n",
        "From: Sam Csm <sam@rapport.example>\nDate: Monday, November 30, 2026\n"
        "Subject: numbers\n\nHere are the numbers.\n",
        "---------- Forwarded message ---------\nFrom: Sam Csm <sam@rapport.example>\n"
        "Here are the numbers.\n",
    ],
    ids=["original-message", "outlook-rule", "outlook-header-block", "forwarded"],
)
def test_parse_outlook_history_is_taken_off(history):
    body = f"The numbers look wrong to us.\n\n{history}"

    assert parse(message(body).as_bytes()).text == "The numbers look wrong to us."


def test_parse_sign_off_with_name_block_is_taken_off():
    body = (
        "The export works now, thank you.\n\nBest regards,\nJane Doe\n"
        "VP Operations | Acme Holdings Inc.\n+1 555 0100\n\nSent from my iPhone\n"
    )

    assert parse(message(body).as_bytes()).text == "The export works now, thank you."


def test_parse_signature_under_its_delimiter_is_taken_off():
    body = "Fine by us.\n\n-- \nJane Doe | Head of Operations\nAcme, 1 Main Street, Springfield\n"

    assert parse(message(body).as_bytes()).text == "Fine by us."


def test_parse_sign_off_followed_by_real_sentences_is_kept():
    body = (
        "Here is the list.\n\nThanks,\n\nI also wanted to ask about the invoice.\n"
        "And the export is slow again.\n"
    )

    assert parse(message(body).as_bytes()).text == body.strip()


def test_parse_closing_thanks_without_a_name_is_kept():
    body = "Can you send the report?\n\nThanks!\n"

    assert parse(message(body).as_bytes()).text == "Can you send the report?\n\nThanks!"


def test_parse_message_that_is_only_thanks_keeps_it():
    assert parse(message("Thanks!\nJane").as_bytes()).text == "Thanks!\nJane"


def test_parse_headers_are_normalised():
    mail = message(
        sender="=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <Juergen.Mueller@ACME.example>",
        to='"Csm, Sam" <Sam@Rapport.example>, ops@acme.example',
        message_id="<AbC.123@Mail.Acme.example>",
        date="Tue, 01 Dec 2026 09:30:00 +0100",
        subject="Re:  the   renewal",
        In_Reply_To="<X1@rapport.example>",
        References="<x0@rapport.example> <X1@Rapport.example>",
        Cc="Lee <LEE@acme.example>",
        Bcc="log@rapport.example",
    )

    parsed = parse(mail.as_bytes())

    assert parsed.message_id == "abc.123@mail.acme.example"
    assert parsed.in_reply_to == ("x1@rapport.example",)
    assert parsed.references == ("x0@rapport.example", "x1@rapport.example")
    assert parsed.sender == Address("juergen.mueller@acme.example", "Jürgen Müller")
    assert parsed.to == (
        Address("sam@rapport.example", "Csm, Sam"),
        Address("ops@acme.example", ""),
    )
    assert parsed.cc == (Address("lee@acme.example", "Lee"),)
    assert parsed.bcc == (Address("log@rapport.example", ""),)
    assert parsed.sent_at == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    assert parsed.subject == "Re: the renewal"
    assert not parsed.automated
    assert parsed.left_signal == ""


@pytest.mark.parametrize("date", [None, "sometime next week", "Tue, 41 Dec 2026 99:30:00 +0100"])
def test_parse_missing_or_unreadable_date_is_none(date):
    assert parse(message(date=date).as_bytes()).sent_at is None


def test_parse_html_only_message_gives_its_visible_text():
    mail = message()
    mail.set_content(
        "<html><head><title>Mail</title><style>p {color: red}</style></head><body>"
        "<p>Hi&nbsp;Sam,</p><p>The <b>export</b> fails again &amp; we are <i>frustrated</i>."
        "</p><div class='gmail_quote'><blockquote>Old words from Sam</blockquote></div>"
        "<script>alert(1)</script></body></html>",
        subtype="html",
    )

    parsed = parse(mail.as_bytes())

    assert parsed.text == "Hi Sam,\n\nThe export fails again & we are frustrated."


def test_parse_outlook_html_reply_keeps_only_the_new_words():
    mail = message()
    mail.set_content(
        "<html><body><div>Thanks Sam, the fix works.</div><div><br></div>"
        "<div>Kind regards,<br>Jane</div><hr><div id='divRplyFwdMsg'><font face='Calibri'>"
        "<b>From:</b> Sam Csm &lt;sam@rapport.example&gt;<br><b>Sent:</b> Monday, November 30,"
        " 2026 4:12 PM<br><b>To:</b> Jane Doe<br><b>Subject:</b> fix</font></div>"
        "<div>Here is the fix.</div></body></html>",
        subtype="html",
    )

    assert parse(mail.as_bytes()).text == "Thanks Sam, the fix works."


def test_parse_plain_part_is_preferred_to_html():
    mail = message("The plain words.")
    mail.add_alternative("<p>The HTML words.</p>", subtype="html")

    assert parse(mail.as_bytes()).text == "The plain words."


def test_parse_empty_plain_part_falls_back_to_html():
    mail = message("\n")
    mail.add_alternative("<p>The HTML words.</p>", subtype="html")

    assert parse(mail.as_bytes()).text == "The HTML words."


def test_parse_latin1_message():
    mail = message()
    mail.set_content("Grüße aus Köln, à bientôt".encode("latin-1"), "text", "plain")
    mail.set_param("charset", "iso-8859-1")

    assert parse(mail.as_bytes()).text == "Grüße aus Köln, à bientôt"


@pytest.mark.parametrize("charset", ["x-unknown-charset", "base64", "utf-8", "us-ascii"])
def test_parse_wrong_or_unknown_charset_decodes_without_raising(charset):
    raw = (
        b"From: Jane <jane@acme.example>\r\nTo: sam@rapport.example\r\n"
        b"Subject: =?x-bogus?q?Gr=FC=DFe?= \xe9t\xe9\r\n"
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nGr\xfc\xdfe aus K\xf6ln\r\n"
    )

    parsed = parse(raw)

    assert parsed.text in ("Grüße aus Köln", "Gr\ufffd\ufffde aus K\ufffdln")
    assert parsed.subject.endswith("été")


def test_parse_malformed_mime_does_not_raise():
    raw = (
        b"From: <<jane@@acme..example\r\nTo: ,,,;\r\nDate: Mon, 99 Foo\r\n"
        b"Message-ID: <>\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n"
        b"--\r\nContent-Type: text/plain; charset=\r\n\r\nbody\r\n--"
    )

    parsed = parse(raw)

    assert parsed.to == ()
    assert parsed.message_id.startswith("sha256:")


@pytest.mark.parametrize(
    "headers",
    [
        {"List_Unsubscribe": "<https://news.example/unsubscribe>", "List_Id": "news.example"},
        {"Precedence": "bulk"},
        {"Auto_Submitted": "auto-replied"},
        {"X_Autoreply": "yes"},
        {"subject": "Automatic reply: Tuesday"},
    ],
    ids=["newsletter", "bulk", "auto-submitted", "x-autoreply", "auto-reply-subject"],
)
def test_parse_machine_mail_is_automated(headers):
    assert parse(message(**headers).as_bytes()).automated


@pytest.mark.parametrize(
    "sender", ["noreply@acme.example", "No-Reply <no-reply@acme.example>", "donotreply@x.example",
               "MAILER-DAEMON@mx.acme.example"],
)  # fmt: skip
def test_parse_no_reply_sender_is_automated(sender):
    assert parse(message(sender=sender).as_bytes()).automated


def test_parse_person_writing_is_not_automated():
    parsed = parse(message(Auto_Submitted="no", sender="reply@acme.example").as_bytes())

    assert not parsed.automated


def test_parse_auto_reply_saying_the_person_left_gives_a_signal():
    mail = message(
        "Thank you for your message. Jane Doe is no longer with Acme.\n"
        "Please write to ops@acme.example instead.",
        subject="Automatic reply: Tuesday",
        Auto_Submitted="auto-replied",
    )

    parsed = parse(mail.as_bytes())

    assert parsed.automated
    assert parsed.left_signal == "no longer with the company"
    assert parsed.left_address == "jane.doe@acme.example"  # the auto-reply's sender


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ("Jane has left the company.", "has left the company"),
        ("Jane no longer works at Acme.", "no longer works there"),
        ("This mailbox is disabled.", "mailbox disabled"),
    ],
)
def test_parse_auto_reply_reasons(words, reason):
    mail = message(words, subject="Out of office", Auto_Submitted="auto-replied")

    assert parse(mail.as_bytes()).left_signal == reason


def delivery_status_notification(status: str = "5.1.1") -> bytes:
    """A bounce as Postfix writes it: a report with a human part, the machine-readable
    delivery status and the returned message's headers."""
    return f"""\
From: Mail Delivery System <MAILER-DAEMON@mx.rapport.example>
To: sam@rapport.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce.1@mx.rapport.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.rapport.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--b1
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.rapport.example

Final-Recipient: rfc822; jane.doe@acme.example
Action: failed
Status: {status}
Diagnostic-Code: smtp; 550 {status} recipient rejected

--b1
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Sam Csm <sam@rapport.example>
To: jane.doe@acme.example
Subject: Tuesday

--b1--
""".replace("\n", "\r\n").encode()


def test_parse_delivery_report_5_1_1_gives_a_signal():
    parsed = parse(delivery_status_notification("5.1.1"))

    assert parsed.automated
    assert parsed.left_signal == "address unknown (5.1.1)"
    assert parsed.left_address == "jane.doe@acme.example"  # the recipient, not the mail system


def test_parse_auto_reply_naming_a_status_code_is_not_a_bounce():
    mail = message("I am out until Monday; about section 5.1.1, ask Lee.", subject="Out of office")

    assert parse(mail.as_bytes()).left_signal == ""


def test_parse_delivery_report_for_a_full_mailbox_gives_no_signal():
    parsed = parse(delivery_status_notification("4.2.2"))

    assert (parsed.left_signal, parsed.left_address) == ("", "")


def test_parse_person_saying_someone_left_is_not_a_signal():
    mail = message("Our champion Lee is no longer with the company, sadly.")

    assert parse(mail.as_bytes()).left_signal == ""


def test_parse_without_message_id_gets_the_same_synthetic_id_twice():
    first = message(message_id=None)
    second = message(message_id=None, Received="from mx2.rapport.example by mx3")
    other = message(message_id=None, subject="Wednesday")

    first_id = parse(first.as_bytes()).message_id

    assert first_id.startswith("sha256:")
    assert len(first_id) == len("sha256:") + 64
    assert parse(first.as_bytes()).message_id == first_id
    assert parse(second.as_bytes()).message_id == first_id
    assert parse(other.as_bytes()).message_id != first_id


def test_parse_20_mb_attachment_is_skipped_without_decoding_it(monkeypatch):
    mail = message()
    mail.set_content("<p>The file you asked for.</p>", subtype="html")
    mail.add_attachment(
        b"SECRETCOLUMN " * (20 * 1024 * 1024 // 13),
        maintype="text",
        subtype="plain",
        filename="export.txt",
    )
    raw = mail.as_bytes()
    decoded = []
    decode = messages._part_text
    monkeypatch.setattr(messages, "_part_text", lambda part: decoded.append(part) or decode(part))

    parsed = parse(raw)

    assert parsed.text == "The file you asked for."
    assert "SECRETCOLUMN" not in parsed.snippet
    assert [part.get_filename() for part in decoded] == [None]  # the body only, not the file


def test_parse_snippet_is_280_characters_of_collapsed_text():
    parsed = parse(message("word   \n\n " * 200).as_bytes())

    assert len(parsed.snippet) == SNIPPET_LENGTH
    assert parsed.snippet.startswith("word word word")
    assert parsed.words == 200


@pytest.mark.parametrize(
    "raw", [b"", b"  \r\n\r\n ", b"just some words, no headers at all\n", b"\x00\xff\xfe"]
)
def test_parse_input_that_is_not_an_email_raises_parse_error(raw):
    with pytest.raises(ParseError, match=r"[a-z]+ "):
        parse(raw)


def test_parse_reads_the_senders_title_under_their_name_in_the_signature():
    mail = message(
        "Can we meet on Friday?\n\nBest regards,\nJane Doe\nHead of Operations\nAcme Corp.\n"
        "+1 555 0100 200\n\nOn Mon, 2 Nov 2026, Sam wrote:\n> Jane Doe\n> Not this one",
    )

    assert parse(mail.as_bytes()).title == "Head of Operations"


@pytest.mark.parametrize(
    "signature",
    [
        "Jane Doe\n+1 555 0100 200",  # a phone number is no title
        "Jane Doe\njane.doe@acme.example",
        "Jane Doe",  # nothing under the name
        "Janet Doe\nChief of Staff",  # someone else's name
    ],
)
def test_parse_finds_no_title_where_there_is_none(signature):
    mail = message(f"Can we meet on Friday?\n\nThanks,\n{signature}\n")

    assert parse(mail.as_bytes()).title == ""


def test_parse_reads_thread_ids_a_mail_program_wrote_as_encoded_words():
    """Python's own email package encodes an id header too long to fold (RFC 2047)."""
    long_id = "x" * 300 + "@acme.example"
    mail = message(In_Reply_To=f"<{long_id}>", References=f"<{long_id}>")

    parsed = parse(mail.as_bytes())

    assert b"=?utf-8?q?" in mail.as_bytes()
    assert parsed.in_reply_to == parsed.references == (long_id,)

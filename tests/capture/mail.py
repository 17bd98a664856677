"""Real-looking messages for the capture tests, built with the standard library."""

from email.message import EmailMessage


def message(
    body: str = "Hello, see you on Tuesday.",
    *,
    sender: str = "Jane Doe <jane.doe@acme.example>",
    to: str = "Sam Csm <sam@rapport.example>",
    subject: str = "Tuesday",
    message_id: str | None = "<20261201.1234@mail.acme.example>",
    date: str | None = "Tue, 01 Dec 2026 09:30:00 +0100",
    **headers: str,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    if date is not None:
        mail["Date"] = date
    if message_id is not None:
        mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail

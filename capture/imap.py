"""Reading a mailbox over IMAP: a thin client over imapclient (docs/capture.md, "IMAP mailboxes").

`ImapSession` connects (TLS or not), logs in with an app password or an OAuth2 bearer token
(XOAUTH2), names the folders capture reads (INBOX and the Sent folder), plans what to fetch from a
folder (the UIDs after the last one read, or everything since the backfill date when the folder's
UIDVALIDITY changed) and fetches the raw messages in batches, without marking them read
(BODY.PEEK[]). It stores nothing: `capture.sync` decides what is committed.

Every failure is an `ImapError` whose message says in words what went wrong, for the mailbox's
owner and the admin; the secret is never part of it.
"""

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError
from imapclient.imapclient import SENT

TIMEOUT = 30.0  # seconds a connect or a read may take
FETCH_BATCH = 100
SENT_NAMES = ("Sent", "Sent Items", "Sent Messages")


class ImapError(Exception):
    """Reading the mailbox failed; the message says why, in words."""


@dataclass(frozen=True)
class FolderPlan:
    """What to fetch from one folder: its UIDVALIDITY, the UIDs to fetch (ascending), whether
    reading starts again (first read, or a new UIDVALIDITY) and the highest UID the folder had
    when it was planned (what `last_uid` becomes once the plan is read)."""

    name: str
    uidvalidity: int
    uids: list[int]
    restarted: bool
    highest_uid: int


@dataclass(frozen=True)
class Batch:
    """Raw messages fetched together, with their UIDs ascending; `last_uid` is the highest UID
    asked for (a message deleted in the meantime is not in `messages`)."""

    last_uid: int
    messages: list[tuple[int, bytes]]


class ImapSession:
    """One connection to a mailbox; use it as a context manager (connects and logs in on enter,
    logs out on exit)."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        use_tls: bool,
        username: str,
        auth: str,
        secret: str,
        timeout: float = TIMEOUT,
    ):
        self.host, self.port, self.use_tls = host, port, use_tls
        self.username, self.auth = username, auth
        self._secret = secret
        self.timeout = timeout
        self.client: IMAPClient | None = None

    def __repr__(self) -> str:  # never the secret
        return f"ImapSession({self.username}@{self.host}:{self.port})"

    def __enter__(self) -> "ImapSession":
        with self._in_words("connecting"):
            self.client = IMAPClient(
                self.host,
                port=self.port,
                ssl=self.use_tls,
                ssl_context=ssl.create_default_context() if self.use_tls else None,
                timeout=self.timeout,
            )
        try:
            with self._in_words("logging in"):
                if self.auth == "xoauth2":
                    self.client.oauth2_login(self.username, self._secret)
                else:
                    self.client.login(self.username, self._secret)
        except ImapError:
            self._close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self._close()

    def _close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.logout()
        except Exception:  # the connection is gone already: nothing to say goodbye to
            with suppress(Exception):
                self.client.shutdown()
        self.client = None

    def folders(self) -> list[str]:
        """INBOX, and the Sent folder when there is one: the folder flagged \\Sent (RFC 6154),
        else one named as mail programs name it."""
        with self._in_words("listing the folders"):
            sent = self.client.find_special_folder(SENT)
            if sent is None:
                names = {folder[2] for folder in self.client.list_folders()}
                sent = next((name for name in SENT_NAMES if name in names), None)
        return ["INBOX"] + ([sent] if sent and sent.upper() != "INBOX" else [])

    def plan(
        self, folder: str, *, uidvalidity: int | None, last_uid: int, since: date
    ) -> FolderPlan:
        """What to fetch from `folder`, given where reading it stopped: the UIDs after
        `last_uid`, or, when the folder's UIDVALIDITY is not `uidvalidity` (first read, or the
        server rebuilt the folder), the messages that arrived on or after `since`."""
        with self._in_words(f"opening the folder {folder}"):
            selected = self.client.select_folder(folder, readonly=True)
            current = int(selected[b"UIDVALIDITY"])
            restarted = current != uidvalidity
            if restarted:
                found = self.client.search(["SINCE", since])
                after = 0
            else:
                found = self.client.search(["UID", f"{last_uid + 1}:*"])
                after = last_uid
        uids = sorted(uid for uid in found if uid > after)
        highest = int(selected.get(b"UIDNEXT", 1)) - 1
        return FolderPlan(folder, current, uids, restarted, max([highest, after, *uids[-1:]]))

    def fetch(self, plan: FolderPlan, *, batch: int | None = None) -> Iterator[Batch]:
        """The raw messages of the plan, `batch` (FETCH_BATCH) at a time, without marking them
        read."""
        batch = batch or FETCH_BATCH
        with self._in_words(f"opening the folder {plan.name}"):
            selected = self.client.select_folder(plan.name, readonly=True)
        if int(selected[b"UIDVALIDITY"]) != plan.uidvalidity:
            raise ImapError(
                f"The folder {plan.name} was rebuilt on the server while it was being read; "
                "it is read again next time."
            )
        for start in range(0, len(plan.uids), batch):
            uids = plan.uids[start : start + batch]
            with self._in_words(f"reading the folder {plan.name}"):
                found = self.client.fetch(uids, ["BODY.PEEK[]"])
            messages = [
                (uid, bytes(found[uid][b"BODY[]"]))
                for uid in uids
                if uid in found and found[uid].get(b"BODY[]") is not None
            ]
            yield Batch(uids[-1], messages)

    @contextmanager
    def _in_words(self, doing: str):
        """Turn what the network, TLS and the server raise into an ImapError in words."""
        where = f"{self.host}:{self.port}"
        try:
            yield
        except ImapError:
            raise
        except LoginError:
            raise ImapError("The server refused the user name or password.") from None
        except socket.gaierror:
            raise ImapError(f"The mail server {self.host} could not be found.") from None
        except ConnectionRefusedError:
            raise ImapError(
                f"{where} refused the connection: check the server name and port."
            ) from None
        except TimeoutError:
            raise ImapError(
                f"{where} did not answer within {self.timeout:g} seconds ({doing})."
            ) from None
        except ssl.SSLCertVerificationError as error:
            raise ImapError(
                f"The TLS certificate of {where} could not be verified: {error.verify_message}."
            ) from None
        except ssl.SSLError as error:
            raise ImapError(
                f"The TLS connection to {where} failed ({error.reason or error}): check the port "
                "and whether the server expects TLS."
            ) from None
        except (IMAPClientAbortError, ConnectionError, EOFError) as error:
            raise ImapError(
                f"The connection to {where} was dropped while {doing}; the next read carries on "
                "from the last message stored."
            ) from error
        except IMAPClientError as error:
            said = _short(str(error))
            raise ImapError(
                f"The mail server answered with an error while {doing}: {said}"
            ) from None
        except OSError as error:
            raise ImapError(
                f"Could not reach {where} ({error.strerror or error.__class__.__name__})."
            ) from None


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def connect_check(
    *, host: str, port: int, use_tls: bool, username: str, auth: str, secret: str
) -> str:
    """Try to log in: "" when it works, else what went wrong, in words."""
    try:
        with ImapSession(
            host=host, port=port, use_tls=use_tls, username=username, auth=auth, secret=secret
        ) as session:
            session.folders()
    except ImapError as error:
        return str(error)
    return ""

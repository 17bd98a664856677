"""What a user does with the sources capture reads: connect a mailbox (the login is tried
first), add a calendar feed, change them, pause and resume them, have them read now, remove them.
Form-free, like every write service: keyword arguments, a refusal is a `ValidationError` by
field and writes nothing, and a read is queued by task name once the write has committed.

Secrets (a mailbox's app password or token, a calendar's address) are stored encrypted
(core.secrets) and never given back: an edit with a blank secret keeps the stored one."""

from urllib.parse import urlsplit
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from capture.models import CalendarFeed, Health, Mailbox
from capture.sync import mailbox_connect_check
from core.idempotency import submission_claim
from core.queue import enqueue_on_commit
from core.secrets import SecretUnreadable, decrypt, encrypt

READ_MAILBOX = "capture.sync_mailbox"
READ_FEED = "capture.sync_calendar"
FEED_SCHEMES = ("https", "http", "webcal", "webcals")
LOGIN_REFUSED = "The server refused the user name or password."
REQUIRED = "This field is required."
TAKEN = "This mailbox is connected already."
# What changes how a mailbox is reached: changing any of them tries the login again.
CONNECTION = ("host", "port", "use_tls", "username", "auth")


def excluded_normalize(text: str) -> str:
    """Addresses and domains one per line, lower-cased, without blanks or repeats."""
    lines = (line.strip().lower() for line in text.replace(",", "\n").splitlines())
    return "\n".join(dict.fromkeys(line for line in lines if line))


def _login_refusal(error: str) -> ValidationError:
    """What the login check said, on the field it concerns."""
    return ValidationError({"secret" if error == LOGIN_REFUSED else "host": error})


def _mailbox_validate(mailbox: Mailbox, errors: dict) -> None:
    """The model's rules and the one-mailbox-per-login rule, with `errors` found already;
    raises ValidationError by field."""
    try:
        mailbox.full_clean(exclude=["secret", *errors], validate_constraints=False)
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    if mailbox.owner_id is None and not mailbox.is_bcc_log:
        errors.setdefault("owner", []).append("A mailbox has an owner, or is the BCC mailbox.")
    taken = Mailbox.objects.filter(
        host__iexact=mailbox.host, username__iexact=mailbox.username
    ).exclude(pk=mailbox.pk)
    if "username" not in errors and "host" not in errors and taken.exists():
        errors["username"] = [TAKEN]
    if errors:
        raise ValidationError(errors)


def mailbox_connect(
    *,
    owner,
    name: str,
    host: str,
    username: str,
    secret: str,
    port: int = 993,
    use_tls: bool = True,
    auth: str = Mailbox.Auth.PASSWORD,
    excluded: str = "",
    is_bcc_log: bool = False,
    check: bool = True,
    user=None,
    submission_key: UUID | None = None,
) -> Mailbox:
    """Connect a mailbox for `owner` (None with `is_bcc_log`: the team's BCC-to-log mailbox).
    With `check`, the login is tried first and a refusal says why, in words; the first read is
    queued once the mailbox is saved. A form's `submission_key` (sent by `user`) connects once:
    AlreadySubmitted the second time."""
    mailbox = Mailbox(
        owner=None if is_bcc_log else owner,
        name=name.strip(),
        host=host.strip().lower(),
        port=port,
        use_tls=use_tls,
        username=username.strip(),
        auth=auth,
        excluded=excluded_normalize(excluded),
        is_bcc_log=is_bcc_log,
    )
    errors = {} if secret else {"secret": [REQUIRED]}
    _mailbox_validate(mailbox, errors)
    if check and (error := _connect_check(mailbox, secret)):
        raise _login_refusal(error)
    try:
        with transaction.atomic():
            if submission_key is not None:
                submission_claim(key=submission_key, user=user)
            mailbox.secret = encrypt(secret)
            mailbox.save()
            enqueue_on_commit(READ_MAILBOX, mailbox_id=mailbox.pk)
    except IntegrityError:  # connected at the same moment by another request
        raise ValidationError({"username": TAKEN}) from None
    return mailbox


def _connect_check(mailbox: Mailbox, secret: str) -> str:
    return mailbox_connect_check(
        host=mailbox.host,
        port=mailbox.port,
        use_tls=mailbox.use_tls,
        username=mailbox.username,
        auth=mailbox.auth,
        secret=secret,
    )


def mailbox_update(
    *,
    mailbox: Mailbox,
    name: str,
    host: str,
    username: str,
    port: int,
    use_tls: bool,
    auth: str,
    excluded: str = "",
    secret: str = "",
    check: bool = True,
) -> Mailbox:
    """Change a mailbox; a blank `secret` keeps the stored one. A new login (server, user name,
    way of signing in or secret) is tried first, and reading starts again from the backfill
    date when the server or the user name changed."""
    old = {field: getattr(mailbox, field) for field in CONNECTION}
    old["host"] = old["host"].lower()  # as it is typed, a server's name has no case
    changed = Mailbox(pk=mailbox.pk, owner_id=mailbox.owner_id, is_bcc_log=mailbox.is_bcc_log)
    changed._state.adding = False  # the row as it would be saved: its own id is no clash
    changed.name, changed.host, changed.port = name.strip(), host.strip().lower(), port
    changed.use_tls, changed.username, changed.auth = use_tls, username.strip(), auth
    changed.excluded = excluded_normalize(excluded)
    _mailbox_validate(changed, {})
    relogin = bool(secret) or any(getattr(changed, f) != value for f, value in old.items())
    if relogin and not secret:
        try:
            secret = decrypt(mailbox.secret)
        except SecretUnreadable as error:
            raise ValidationError({"secret": str(error)}) from None
    if relogin and check and (error := _connect_check(changed, secret)):
        raise _login_refusal(error)
    moved = (changed.host, changed.username.lower()) != (old["host"], old["username"].lower())
    fields = ["name", *CONNECTION, "excluded"]
    with transaction.atomic():
        for field in fields:
            setattr(mailbox, field, getattr(changed, field))
        if relogin:
            mailbox.secret = encrypt(secret)
            mailbox.last_error = ""
            fields += ["secret", "last_error"]
        if moved:
            mailbox.folders.all().delete()
        mailbox.save(update_fields=fields)
        if relogin and not mailbox.paused:
            enqueue_on_commit(READ_MAILBOX, mailbox_id=mailbox.pk)
    return mailbox


def _feed_url_clean(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in FEED_SCHEMES or not parts.hostname:
        raise ValidationError(
            {"url": "Enter the calendar's address, starting with https://, http:// or webcal://."}
        )
    return url


def calendar_feed_add(
    *, owner, url: str, name: str = "Calendar", submission_key: UUID | None = None
) -> CalendarFeed:
    """Add `owner`'s calendar, published at `url` (secret: stored encrypted); its first read is
    queued once it is saved. A form's `submission_key` adds it once: AlreadySubmitted the
    second time."""
    errors = {}
    try:
        url = _feed_url_clean(url)
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    feed = CalendarFeed(owner=owner, name=name.strip())
    try:
        feed.full_clean(exclude=["url", *errors])
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if submission_key is not None:
            submission_claim(key=submission_key, user=owner)
        feed.url = encrypt(url)
        feed.save()
        enqueue_on_commit(READ_FEED, feed_id=feed.pk)
    return feed


def calendar_feed_update(*, feed: CalendarFeed, name: str, url: str = "") -> CalendarFeed:
    """Rename a feed, or give it a new address (a blank `url` keeps the stored one; a new one is
    read at once)."""
    errors = {}
    if url:
        try:
            url = _feed_url_clean(url)
        except ValidationError as refusal:
            errors = refusal.update_error_dict(errors)
    changed = CalendarFeed(pk=feed.pk, owner_id=feed.owner_id, name=name.strip())
    changed._state.adding = False
    try:
        changed.full_clean(exclude=["url", *errors])
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    fields = ["name"]
    with transaction.atomic():
        feed.name = changed.name
        if url:
            feed.url, feed.last_error = encrypt(url), ""
            fields += ["url", "last_error"]
        feed.save(update_fields=fields)
        if url and not feed.paused:
            enqueue_on_commit(READ_FEED, feed_id=feed.pk)
    return feed


# Pausing, resuming, reading now, removing: the same for both kinds of source. -----------------


def _task(source) -> tuple[str, dict]:
    if isinstance(source, Mailbox):
        return READ_MAILBOX, {"mailbox_id": source.pk}
    return READ_FEED, {"feed_id": source.pk}


def source_pause(*, source: Mailbox | CalendarFeed) -> Mailbox | CalendarFeed:
    """Stop reading the source (a read under way finishes)."""
    if not source.paused:
        source.paused = True
        source.save(update_fields=["paused"])
    return source


def _read_queue(source) -> None:
    """Queue a read of the source once the write commits. The last read's error is forgotten:
    until the new read says how it went, there is none (the page waits for it)."""
    source.last_error = ""
    source.save(update_fields=["paused", "last_error"])
    task, arguments = _task(source)
    enqueue_on_commit(task, **arguments)


def source_resume(*, source: Mailbox | CalendarFeed) -> Mailbox | CalendarFeed:
    """Read the source again, starting now."""
    if source.paused:
        with transaction.atomic():
            source.paused = False
            _read_queue(source)
    return source


def source_read_now(*, source: Mailbox | CalendarFeed) -> Mailbox | CalendarFeed:
    """Queue a read of the source now (a read under way already is left to finish)."""
    if source.paused:
        raise ValidationError("This source is paused: resume it to read it.")
    if source.health != Health.SYNCING:
        with transaction.atomic():
            _read_queue(source)
    return source


def source_remove(*, source: Mailbox | CalendarFeed) -> None:
    """Forget the source and its secret; what it captured stays."""
    source.delete()


def mailbox_pause(*, mailbox: Mailbox) -> Mailbox:
    return source_pause(source=mailbox)


def mailbox_resume(*, mailbox: Mailbox) -> Mailbox:
    return source_resume(source=mailbox)


def mailbox_read_now(*, mailbox: Mailbox) -> Mailbox:
    return source_read_now(source=mailbox)


def mailbox_remove(*, mailbox: Mailbox) -> None:
    source_remove(source=mailbox)


def calendar_feed_pause(*, feed: CalendarFeed) -> CalendarFeed:
    return source_pause(source=feed)


def calendar_feed_resume(*, feed: CalendarFeed) -> CalendarFeed:
    return source_resume(source=feed)


def calendar_feed_read_now(*, feed: CalendarFeed) -> CalendarFeed:
    return source_read_now(source=feed)


def calendar_feed_remove(*, feed: CalendarFeed) -> None:
    source_remove(source=feed)

"""An account's badges, drawn by both template engines: its lifecycle status and whether its
relationships hang on one person."""

from django.utils.html import format_html
from django.utils.safestring import SafeString


def status_badge(account) -> SafeString:
    return format_html(
        '<span class="badge status-{} align-middle fs-6">{}</span>',
        account.status,
        account.get_status_display(),
    )


def threading_badge(account, people: int) -> SafeString:
    """Single-threaded with `people` active stakeholders on the map; none at all says so."""
    if not account.single_threaded:
        return SafeString("")
    if people:
        return SafeString(
            '<span class="badge text-bg-danger" title="At most one active stakeholder the CSM'
            ' rates 4 or 5.">Single-threaded</span>'
        )
    return SafeString(
        '<span class="badge text-bg-secondary" title="No active stakeholder is on the map.">'
        "No relationships yet</span>"
    )

"""What turns an alert or an event into a task: the triggers a task rule may name, the title it
writes and the day the task is due. Pure: the standard library only."""

import datetime as dt

# The alert kinds of the recompute (relationships.models.Alert.Kind) and the event kinds of
# core.events that a rule may name; tests/relationships/test_work.py checks they match.
ALERT_TRIGGERS = {
    "engagement_drop": "Alert: engagement dropped",
    "sentiment_drop": "Alert: sentiment dropped",
    "score_drop": "Alert: score dropped",
    "champion_left": "Alert: champion left",
}
EVENT_TRIGGERS = {
    "survey.detractor": "Survey: a detractor answer (NPS 6 or less)",
    "survey.answered": "Survey: any answer",
}
TRIGGER_CHOICES = [*ALERT_TRIGGERS.items(), *EVENT_TRIGGERS.items()]
ALERT_EVENTS = {"alert.raised", "score.dropped"}  # the events that announce a new alert
MAX_DUE_IN_DAYS = 365
SNOOZE_DAYS = (1, 3, 7)  # the snooze buttons: tomorrow, in three days, next week
DEFAULT_DUE_DAYS = 2  # a task made by hand is due the day after tomorrow unless told


def triggers_of(kind: str, payload: dict) -> set[str]:
    """The triggers an event fires: its own kind, and for an alert's event the alert's kind."""
    fired = {kind}
    if kind in ALERT_EVENTS:
        alert = payload.get("alert") or {}
        if alert.get("kind"):
            fired.add(alert["kind"])
    return fired


def alert_key(payload: dict) -> str:
    """The key of the alert an event announces, as the recompute writes it: the kind, and the
    stakeholder's id after a colon for an alert about a person."""
    alert = payload.get("alert") or {}
    if not alert.get("kind"):
        return ""
    person = alert.get("stakeholder_id")
    return f"{alert['kind']}:{person}" if person else alert["kind"]


def stakeholder_of(payload: dict) -> int | None:
    """The person an event is about, if it names one."""
    alert = payload.get("alert") or {}
    person = alert.get("stakeholder_id") or (payload.get("stakeholder") or {}).get("id")
    return int(person) if person else None


def title_render(template: str, *, account: str, stakeholder: str = "") -> str:
    """A rule's title with {account} and {stakeholder} replaced (nothing else is read)."""
    title = template.replace("{account}", account).replace("{stakeholder}", stakeholder or "")
    return " ".join(title.split())


def due_on(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


def source_key(event_id: int) -> str:
    """What a rule's task was made of, unique per rule: the event."""
    return f"event:{event_id}"

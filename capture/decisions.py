"""What a CSM decides about what capture found: add or dismiss a suggested stakeholder, confirm
or dismiss that someone may have left, correct a captured message's sentiment, hide a captured
message's text. Form-free, like every write service: views and the API call them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from capture.models import CapturedMessage, Decision, PersonSignal, SuggestedStakeholder
from capture.pipeline import log_waiting
from relationships.models import Interaction, Stakeholder
from relationships.people.services import stakeholder_create, stakeholder_mark_left
from relationships.scoring.recompute import recompute_request


def suggestion_accept(*, suggestion: SuggestedStakeholder) -> Stakeholder:
    """Add the suggested person as a stakeholder of the account (their name, title and
    address), and log the captured messages that were waiting for them."""
    if suggestion.state != Decision.OPEN:
        raise ValidationError("This suggestion was decided already.")
    with transaction.atomic():
        person = Stakeholder.objects.filter(
            account_id=suggestion.account_id, email__iexact=suggestion.email
        ).first()
        if person is None:
            person = stakeholder_create(
                account=suggestion.account,
                name=suggestion.name or suggestion.email.partition("@")[0],
                title=suggestion.title,
                email=suggestion.email,
            )
        suggestion.state, suggestion.stakeholder = Decision.ACCEPTED, person
        suggestion.save(update_fields=["state", "stakeholder"])
        log_waiting(account_id=suggestion.account_id, address=suggestion.email.lower())
    return person


def suggestion_dismiss(*, suggestion: SuggestedStakeholder) -> SuggestedStakeholder:
    """Not a stakeholder: not suggested again, however often they write."""
    if suggestion.state == Decision.OPEN:
        suggestion.state = Decision.DISMISSED
        suggestion.save(update_fields=["state"])
    return suggestion


def signal_confirm(*, signal: PersonSignal) -> PersonSignal:
    """The person has left: they are marked as left (a champion leaving raises the
    champion-left alert with the recompute that follows)."""
    if signal.kind != PersonSignal.Kind.MAY_HAVE_LEFT:
        raise ValidationError("Only a may-have-left signal is confirmed.")
    return _decide(signal, PersonSignal.State.CONFIRMED, mark_left=True)


def signal_dismiss(*, signal: PersonSignal) -> PersonSignal:
    """The person has not left (the auto-reply was wrong, or they are back)."""
    if signal.kind != PersonSignal.Kind.MAY_HAVE_LEFT:
        raise ValidationError("A going-dark signal clears when the person answers.")
    return _decide(signal, PersonSignal.State.DISMISSED, mark_left=False)


def _decide(signal: PersonSignal, state: str, *, mark_left: bool) -> PersonSignal:
    if signal.state != PersonSignal.State.OPEN:
        return signal
    with transaction.atomic():
        signal.state, signal.decided_at = state, timezone.now()
        signal.save(update_fields=["state", "decided_at"])
        if mark_left and signal.stakeholder.is_active:
            stakeholder_mark_left(stakeholder=signal.stakeholder)
    return signal


def captured_sentiment_correct(*, message: CapturedMessage, sentiment: int) -> CapturedMessage:
    """The CSM's reading of the message's sentiment (-2..+2) replaces the computed one, on the
    message and its interaction; reading the mailbox again keeps it."""
    if sentiment not in range(-2, 3):
        raise ValidationError({"sentiment": "Between -2 (very negative) and +2 (very positive)."})
    with transaction.atomic():
        message.sentiment, message.corrected = sentiment, True
        message.save(update_fields=["sentiment", "corrected"])
        if message.interaction_id is not None:
            Interaction.objects.filter(pk=message.interaction_id).update(
                sentiment=sentiment, updated_at=timezone.now()
            )
            recompute_request(account_ids=[message.account_id])
    return message


def captured_hide(*, message: CapturedMessage) -> CapturedMessage:
    """Remove the message's text (subject, snippet, body, the interaction's summary); what it
    counts for (direction, time, sentiment, response time) stays."""
    with transaction.atomic():
        message.hidden = True
        message.subject = message.snippet = message.body = ""
        message.save(update_fields=["hidden", "subject", "snippet", "body"])
        if message.interaction_id is not None:
            Interaction.objects.filter(pk=message.interaction_id).update(
                summary="", updated_at=timezone.now()
            )
    return message

"""Survey operations: campaigns and their audience, sending and reminding through the outbox,
answering (what it says reaches relationships through relationships.activity.voice) and
opting out."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.events import AccountEvent, account_events_record
from accounts.models import Account, Competitor
from core import events
from core.mail.models import OutboundEmail
from core.mail.outbox import Draft, outbox_enqueue_many
from core.versions import version_next
from relationships.activity.services import competitor_rating_create, moment_create
from relationships.activity.voice import feedback_items_record, stated_feelings_record
from relationships.models import (
    CompetitorDimension,
    CompetitorRating,
    Moment,
    MomentType,
    Stakeholder,
)
from relationships.scoring.recompute import recompute_request
from relationships.work.services import task_rules_apply
from surveys.models import (
    Answer,
    Campaign,
    FeedbackSource,
    Invitation,
    InvitationToken,
    Response,
    SurveyOptOut,
)
from surveys.questions import QUESTION_TYPES, Effects, Spec, reminder_days
from surveys.tokens import token_new

EMAIL_TEMPLATE = "surveys/email/invitation"
SEND_BATCH = 500


@dataclass
class Audience:
    invite: list[Stakeholder] = field(default_factory=list)
    skipped: list[tuple[Stakeholder, str]] = field(default_factory=list)


def campaign_audience(
    *,
    user,
    accounts: list[Account],
    roles: list[str],
    stakeholders: list[Stakeholder],
    quiet_days: int,
    send_at: dt.datetime,
) -> Audience:
    """Who a campaign would invite, and who it skips and why. Only stakeholders of accounts the
    user may see: the people of the chosen accounts (of the chosen roles, if any) plus those
    picked by hand."""
    visible = Account.objects.visible_to(user)
    chosen = Q(pk__in=[person.pk for person in stakeholders])
    if accounts:
        by_account = Q(account__in=[account.pk for account in accounts])
        chosen |= by_account & Q(role__in=roles) if roles else by_account
    people = list(
        Stakeholder.objects.filter(chosen, account__in=visible)
        .select_related("account", "survey_opt_out")
        .order_by("account__name", "name")
    )
    recent = set(
        Invitation.objects.filter(
            stakeholder__in=[person.pk for person in people],
            campaign__send_at__gt=send_at - dt.timedelta(days=quiet_days),
            campaign__send_at__lt=send_at + dt.timedelta(days=quiet_days),
        ).values_list("stakeholder_id", flat=True)
    )
    audience = Audience()
    for person in people:
        reason = _skip_reason(person, recent)
        if reason:
            audience.skipped.append((person, reason))
        else:
            audience.invite.append(person)
    return audience


def _skip_reason(person: Stakeholder, recent: set[int]) -> str:
    if not person.is_active:
        return "Left the company"
    if hasattr(person, "survey_opt_out"):
        return "Opted out of surveys"
    if not person.email:
        return "No email address"
    if person.pk in recent:
        return "Surveyed within the quiet period"
    return ""


def campaign_create(
    *,
    user,
    data: dict,
    audience: Audience,
    chosen_accounts: list[Account] = (),
    picked_stakeholders: list[Stakeholder] = (),
) -> Campaign:
    """Create the campaign and one invitation per invited stakeholder; if it is due now, the
    invitation emails are written to the outbox in the same transaction. The accounts and
    people chosen are kept to describe the audience later, to each reader as they may see it."""
    with transaction.atomic():
        campaign = Campaign.objects.create(created_by=user, **data)
        campaign.chosen_accounts.set(chosen_accounts)
        campaign.picked_stakeholders.set(picked_stakeholders)
        expires_at = campaign.send_at + dt.timedelta(days=campaign.expiry_days)
        Invitation.objects.bulk_create(
            [
                Invitation(
                    campaign=campaign,
                    stakeholder=person,
                    account_id=person.account_id,
                    expires_at=expires_at,
                )
                for person in audience.invite
            ],
            batch_size=1000,
        )
        if campaign.send_at <= timezone.now():
            invitations_send_due(campaign_id=campaign.pk)
    return campaign


def _claim(candidates, still: Q, **changes) -> list[Invitation]:
    """Claim invitations with one conditional update: of the candidates, only rows for which
    `still` (conditions on the invitation's own columns, which PostgreSQL re-checks after
    waiting for a competing update) holds get this claim's id. Two ticks or two workers never
    take the same invitation."""
    claim = uuid.uuid4()
    ids = list(candidates.values_list("pk", flat=True)[:SEND_BATCH])
    if not ids:
        return []
    Invitation.objects.filter(still, pk__in=ids).update(claim=claim, **changes)
    return list(
        Invitation.objects.filter(claim=claim).select_related("campaign", "stakeholder", "account")
    )


def _in_batches(send_batch) -> int:
    """Run `send_batch` (one transaction each) until a batch comes back short; the total."""
    total = 0
    while True:
        with transaction.atomic():
            done = send_batch()
        total += done
        if done < SEND_BATCH:
            return total


def invitations_send_due(*, campaign_id: int | None = None) -> int:
    """Email the invitations whose campaign's send time has come (once each)."""
    now = timezone.now()
    unsent = Q(sent_at__isnull=True, expires_at__gt=now, cancelled=False)
    due = Invitation.objects.filter(unsent, campaign__send_at__lte=now)
    if campaign_id is not None:
        due = due.filter(campaign_id=campaign_id)

    def send_batch() -> int:
        invitations = _claim(due, unsent, sent_at=now)
        emails = _email(invitations, reminder=False)
        for invitation, email in zip(invitations, emails, strict=True):
            invitation.email = email
            invitation.next_reminder_at = _next_reminder(invitation, now)
        Invitation.objects.bulk_update(invitations, ["email", "next_reminder_at"])
        return len(invitations)

    return _in_batches(send_batch)


def reminders_send_due() -> int:
    """Remind the invited who have not answered, opted out or expired, on the campaign's days."""
    now = timezone.now()
    due = Q(
        next_reminder_at__lte=now,
        answered_at__isnull=True,
        opted_out_at__isnull=True,
        expires_at__gt=now,
        cancelled=False,
    )

    def send_batch() -> int:
        invitations = _claim(Invitation.objects.filter(due), due, next_reminder_at=None)
        for invitation in invitations:
            invitation.reminders_sent += 1
            invitation.next_reminder_at = _next_reminder(invitation, now)
        _email(invitations, reminder=True)
        Invitation.objects.bulk_update(invitations, ["reminders_sent", "next_reminder_at"])
        return len(invitations)

    return _in_batches(send_batch)


class AlreadyCancelled(Exception):
    pass


def campaign_cancel(*, campaign: Campaign, user) -> int:
    """Stop the campaign, in one transaction: its open invitations are marked cancelled, which
    the sending and reminding claims check (so a send already running skips them), and their
    links expire now. First emails still waiting in the outbox are withdrawn (locked, so the
    outbox cannot claim them meanwhile, and deleted: their invitations count as never sent);
    one the outbox is sending at that moment still goes. Answers already given are kept.
    Returns how many invitations were stopped; raises AlreadyCancelled."""
    now = timezone.now()
    with transaction.atomic():
        if not Campaign.objects.filter(pk=campaign.pk, cancelled_at=None).update(
            cancelled_at=now, cancelled_by=user
        ):
            raise AlreadyCancelled
        stopped = Invitation.objects.filter(
            campaign=campaign, answered_at__isnull=True, opted_out_at__isnull=True
        ).filter(expires_at__gt=now)
        waiting = list(
            OutboundEmail.objects.select_for_update()
            .filter(
                pk__in=stopped.values("email"),
                state__in=[OutboundEmail.State.QUEUED, OutboundEmail.State.RETRY],
            )
            .values_list("pk", flat=True)
        )
        stopped.filter(email__in=waiting).update(email=None, sent_at=None)
        OutboundEmail.objects.filter(pk__in=waiting).delete()
        count = stopped.update(cancelled=True, expires_at=now, next_reminder_at=None)
    campaign.cancelled_at, campaign.cancelled_by = now, user
    return count


def _next_reminder(invitation: Invitation, now: dt.datetime) -> dt.datetime | None:
    days = reminder_days(invitation.campaign.reminder_days)[invitation.reminders_sent :]
    if not days:
        return None
    when = invitation.sent_at + dt.timedelta(days=days[0])
    return when if when < invitation.expires_at else None


def _email(invitations: list[Invitation], *, reminder: bool):
    """One email per invitation, each with its own fresh tokens: one for the survey link, one
    for the opt-out link."""
    tokens, drafts = [], []
    for invitation in invitations:
        links = {}
        for purpose, url_name, key in LINKS:
            token, hashed = token_new()
            tokens.append(
                InvitationToken(invitation=invitation, token_hash=hashed, purpose=purpose)
            )
            links[key] = settings.SITE_URL + reverse(url_name, args=[token])
        drafts.append(_draft(invitation, links, reminder=reminder))
    InvitationToken.objects.bulk_create(tokens, batch_size=1000)
    return outbox_enqueue_many(drafts=drafts)


# Each link of a survey email: its token's purpose, its page, its name in the email templates.
LINKS = [
    (InvitationToken.Purpose.ANSWER, "survey_answer", "survey_url"),
    (InvitationToken.Purpose.OPT_OUT, "survey_opt_out", "opt_out_url"),
]


def _draft(invitation: Invitation, links: dict[str, str], *, reminder: bool) -> Draft:
    return Draft(
        to=invitation.stakeholder.email,
        template=EMAIL_TEMPLATE,
        context={
            "campaign": invitation.campaign,
            "stakeholder": invitation.stakeholder,
            "account": invitation.account,
            "expires_at": invitation.expires_at,
            "reminder": reminder,
            **links,
        },
        headers={
            "List-Unsubscribe": f"<{links['opt_out_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        from_name=invitation.campaign.sender_name,
        sensitive=True,
    )


def invitation_mark_opened(*, invitation: Invitation) -> None:
    """Count the first view of the survey page as an open (the only thing a GET records)."""
    if invitation.opened_at is None:
        now = timezone.now()
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        invitation.opened_at = now


def invitation_opt_out(*, invitation: Invitation) -> None:
    """The stakeholder asks for no more surveys: this and every later campaign skip them."""
    now = timezone.now()
    with transaction.atomic():
        SurveyOptOut.objects.get_or_create(stakeholder_id=invitation.stakeholder_id)
        Invitation.objects.filter(
            stakeholder_id=invitation.stakeholder_id, answered_at__isnull=True
        ).update(opted_out_at=now, next_reminder_at=None)


class AlreadyAnswered(Exception):
    pass


def response_submit(
    *, invitation: Invitation, questions: list[tuple[int, Spec]], cleaned: dict
) -> Response:
    """Store the answers and feed the relationship model, all in one transaction: trust and
    respect update the stakeholder, named moments and competitor ratings are logged through the
    activity services (as customer-identified moments and survey ratings), free text becomes a
    feedback item, and what scale and NPS answers say about how the stakeholder feels
    goes through relationships' door for stated feelings into sentiment and the gap's customer
    voice, counted by the recompute requested for after the commit. Raises AlreadyAnswered on a
    second submission."""
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answered_at is not None:
            raise AlreadyAnswered
        locked.answered_at = now
        locked.next_reminder_at = None
        locked.save(update_fields=["answered_at", "next_reminder_at"])
        response = Response.objects.create(invitation=locked, submitted_at=now)
        effects, answers, texts = Effects(), [], []
        for question_id, spec in questions:
            question_type = QUESTION_TYPES[spec.kind]
            value = question_type.value(spec, cleaned)
            if value is None:
                continue
            answers.append(
                Answer(
                    response=response,
                    question_id=question_id,
                    account_id=locked.account_id,
                    stakeholder_id=locked.stakeholder_id,
                    answered_on=today,
                    kind=spec.kind,
                    value=value,
                    feeling=question_type.feeling(spec, value),
                )
            )
            before = len(effects.feedback)
            question_type.apply(spec, value, effects)
            texts.extend((answers[-1], text) for text in effects.feedback[before:])
        Answer.objects.bulk_create(answers)
        stated_feelings_record(
            account_id=locked.account_id,
            stakeholder_id=locked.stakeholder_id,
            stated_on=today,
            feelings=[answer.feeling for answer in answers if answer.feeling is not None],
        )
        _apply(locked, effects, texts, today)
        _answered_events(locked, response, answers)
        recompute_request(account_ids=[locked.account_id])
    invitation.answered_at = now
    return response


DETRACTOR_MAX = 6  # an NPS answer of 0-6


def _answered_events(invitation: Invitation, response: Response, answers: list[Answer]) -> None:
    """survey.answered for every response; survey.detractor too when an NPS answer is 6 or
    less."""
    person, campaign = invitation.stakeholder, invitation.campaign
    scores = [answer.value for answer in answers if answer.kind == "nps"]
    detractor = next((score for score in scores if score <= DETRACTOR_MAX), None)
    payload = {
        "survey": {"campaign_id": campaign.pk, "campaign": campaign.name},
        "response_id": response.pk,
        "stakeholder": {"id": person.pk, "name": person.name},
        "nps": scores[0] if scores else None,
    }
    said = [
        AccountEvent(
            kind=events.SURVEY_ANSWERED,
            account_id=invitation.account_id,
            summary=f"{person.name} at {{account}} answered the survey “{campaign.name}”.",
            payload=payload,
        )
    ]
    if detractor is not None:
        said.append(
            AccountEvent(
                kind=events.SURVEY_DETRACTOR,
                account_id=invitation.account_id,
                summary=f"{person.name} at {{account}} answered {detractor} out of 10 to the"
                f" NPS question of “{campaign.name}”: a detractor.",
                payload=payload,
            )
        )
    task_rules_apply(events=account_events_record(events=said))


def _apply(invitation: Invitation, effects: Effects, texts, today: dt.date) -> None:
    stakeholder = invitation.stakeholder
    changed = [
        name for name, value in effects.stakeholder.items() if getattr(stakeholder, name) != value
    ]
    if changed:
        for name in changed:
            setattr(stakeholder, name, effects.stakeholder[name])
        stakeholder._change_reason = (
            f"{stakeholder.name}, answering the survey “{invitation.campaign.name}”"
        )[:100]
        version_next(stakeholder)
        stakeholder.save(update_fields=[*changed, "version"])
    account, note = invitation.account, f"Named in the survey “{invitation.campaign.name}”."
    moment_types = MomentType.objects.in_bulk({type_id for type_id, _ in effects.moments})
    for type_id, emotion in effects.moments:
        moment_create(
            account=account,
            stakeholder=stakeholder,
            moment_type=moment_types.get(type_id),
            occurred_on=today,
            emotion=emotion,
            identified_by=Moment.IdentifiedBy.CUSTOMER,
            note=note,
        )
    dimensions = CompetitorDimension.objects.in_bulk({rating[0] for rating in effects.ratings})
    competitors = Competitor.objects.in_bulk({rating[1] for rating in effects.ratings})
    for dimension_id, competitor_id, ours, theirs in effects.ratings:
        competitor_rating_create(
            account=account,
            stakeholder=stakeholder,
            competitor=competitors.get(competitor_id),
            dimension=dimensions.get(dimension_id),
            our_rating=ours,
            their_rating=theirs,
            rated_on=today,
            source=CompetitorRating.Source.SURVEY,
        )
    items = feedback_items_record(
        account_id=invitation.account_id,
        stakeholder_id=stakeholder.pk,
        received_on=today,
        texts=[text for _answer, text in texts],
    )
    FeedbackSource.objects.bulk_update(
        [
            FeedbackSource(pk=item.pk, answer=answer)
            for item, (answer, _text) in zip(items, texts, strict=True)
        ],
        ["answer"],
    )

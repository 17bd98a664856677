"""An organisation with rows in every table the pages and the admin read."""

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.events import account_event_record
from accounts.models import WorkerHeartbeat
from api.services import api_token_create
from capture.models import PersonSignal, RepeatedRequest, TouchpointKeyword
from core import events
from core.models import ChatHook, WebhookEndpoint
from core.secrets import encrypt
from relationships.gaps.mail import gap_emails_queue
from relationships.models import Alert, Touchpoint
from relationships.scoring.recompute import scores_recompute
from surveys.models import SurveyTemplate
from tests.capture.factories import (
    CalendarFeedFactory,
    CapturedMessageFactory,
    MailboxFactory,
    PersonSignalFactory,
    SuggestedStakeholderFactory,
    captured_interaction,
)
from tests.factories import (
    CompetitorRatingFactory,
    FeedbackItemFactory,
    GapCaseFactory,
    InteractionFactory,
    InvitationFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    TaskFactory,
    catalog,
    invitation_token,
)


def populate(org) -> None:
    """People (one reporting to the other), each kind of activity, a competitor rating, a gap
    case, a campaign with an invitation and its link, feedback, an email, the scores, and what
    capture keeps: the CSM's mailbox and calendar, the team's BCC mailbox, captured messages (the
    newest waiting for a stakeholder), a suggestion, signals and a repeated request."""
    people = [StakeholderFactory(account=org.account, email=f"p{n}@acme.example") for n in (1, 2)]
    api_token_create(user=org.csm, name="CRM sync")
    people[1].reports_to = people[0]
    people[1].save()
    InteractionFactory(account=org.account, stakeholders=[people[0]])
    for factory in (MomentFactory, OpenItemFactory, PulseCheckFactory):
        factory(account=org.account)
    CompetitorRatingFactory(stakeholder=people[0])
    FeedbackItemFactory(account=org.account, stakeholder=people[0])
    case = GapCaseFactory(account=org.other_account, gap_class="uses_needs_unmet")
    invitation = InvitationFactory(
        account=org.account,
        stakeholder=people[0],
        campaign__template=SurveyTemplate.objects.get(slug="relationship-check"),
    )
    invitation_token(invitation)
    type(org.account).objects.update(arr=120_000, cost_to_serve=40_000)  # placed on the board
    scores_recompute(account_ids=[org.account.pk, org.other_account.pk])
    gap_emails_queue(case_ids=[case.pk], reopened=set())
    Alert.objects.create(
        account=org.account,
        stakeholder=people[0],
        kind=Alert.Kind.CHAMPION_LEFT,
        key=f"champion_left:{people[0].pk}",
        reason="The champion has left.",
        first_seen=timezone.now(),
    )
    TaskFactory(account=org.account, stakeholder=people[0], title="Call Ada back")
    populate_capture(org, people)
    populate_hooks(org)
    WorkerHeartbeat.objects.create(worker="celery@web-1", seen_at=timezone.now())
    Group.objects.create(name="Readers")


def populate_hooks(org) -> None:
    """A webhook endpoint, a team's and a user's chat hook, and an event delivered to each
    and in the CSM's bell."""
    WebhookEndpoint.objects.create(url="https://hooks.example/rapport", events=[events.GAP_OPENED])
    for owner in ({"team": org.team}, {"user": org.csm}):
        ChatHook.objects.create(
            kind="slack", name="#cs", url=encrypt("https://hooks.slack.com/x"),
            events=[events.GAP_OPENED], **owner,
        )  # fmt: skip
    account_event_record(
        kind=events.GAP_OPENED, account_id=org.account.pk, summary="A gap opened at {account}."
    )


def populate_capture(org, people) -> None:
    mailbox = MailboxFactory(owner=org.csm, username="csm@example.com")
    MailboxFactory(owner=None, is_bcc_log=True, name="Team log", username="log@example.com")
    mailbox.folders.create(name="INBOX", uidvalidity=7, last_uid=120)
    CalendarFeedFactory(owner=org.csm)
    TouchpointKeyword.objects.create(keyword="renewal", touchpoint=catalog(Touchpoint, "service"))
    logged = captured_interaction(org.account, person=people[0], mailbox=mailbox)
    CapturedMessageFactory(account=org.account, interaction=None, mailbox=mailbox)
    SuggestedStakeholderFactory(account=org.account)
    PersonSignalFactory(stakeholder=people[1])
    PersonSignalFactory(
        stakeholder=people[0],
        kind=PersonSignal.Kind.GOING_DARK,
        reason="Has not answered our last 3 messages.",
    )
    RepeatedRequest.objects.create(
        account=org.account, thread=logged.thread, open_item=OpenItemFactory(account=org.account)
    )

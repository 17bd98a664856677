"""The relationships app's models, one module per package of the app; all importable from here."""

from relationships.models.activity import (
    Channel,
    FeedbackItem,
    ImportKeyed,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    StatedFeeling,
    Touchpoint,
)
from relationships.models.gaps import (
    GapAction,
    GapCase,
    GapClass,
    GapTransition,
    Playbook,
    PlaybookStep,
)
from relationships.models.people import Scale, ScalePoint, Stakeholder
from relationships.models.positioning import (
    CompetitorDimension,
    CompetitorRating,
    CompetitorStanding,
    QuadrantSettings,
)
from relationships.models.scoring import (
    AccountScore,
    Alert,
    RecomputeRequest,
    ScoringConfiguration,
    ScoringEvaluation,
    Snapshot,
    StakeholderScore,
)
from relationships.models.work import Priority, Task, TaskRule

__all__ = [
    "AccountScore",
    "Alert",
    "Channel",
    "CompetitorDimension",
    "CompetitorRating",
    "CompetitorStanding",
    "FeedbackItem",
    "GapAction",
    "GapCase",
    "GapClass",
    "GapTransition",
    "ImportKeyed",
    "Interaction",
    "Moment",
    "MomentType",
    "OpenItem",
    "Playbook",
    "PlaybookStep",
    "Priority",
    "PulseCheck",
    "QuadrantSettings",
    "RecomputeRequest",
    "Scale",
    "ScalePoint",
    "ScoringConfiguration",
    "ScoringEvaluation",
    "Snapshot",
    "Stakeholder",
    "StakeholderScore",
    "StatedFeeling",
    "Task",
    "TaskRule",
    "Touchpoint",
]

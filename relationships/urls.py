from django.urls import path

from relationships.activity import views as activity_views
from relationships.gaps import bulk_views as gap_bulk_views
from relationships.gaps import views as gap_views
from relationships.people import views as people_views
from relationships.positioning import views as positioning_views
from relationships.scoring import views as scoring_views
from relationships.work import views as work_views

urlpatterns = [
    # the account page's sections (accounts.panels)
    path("accounts/<int:pk>/people/", people_views.people_section, name="account_people"),
    path("accounts/<int:pk>/activity/", activity_views.activity_section, name="account_activity"),
    path("accounts/<int:pk>/score/", scoring_views.account_score, name="account_score"),
    path("accounts/<int:pk>/gaps/", gap_views.gaps_section, name="account_gaps"),
    path(
        "accounts/<int:pk>/competitors/",
        positioning_views.competitors_section,
        name="account_competitors",
    ),
    path("accounts/<int:pk>/goals/", positioning_views.goals_section, name="account_goals"),
    path(
        "accounts/<int:account_pk>/stakeholders/new/",
        people_views.stakeholder_create,
        name="stakeholder_create",
    ),
    path("stakeholders/<int:pk>/", people_views.stakeholder_detail, name="stakeholder_detail"),
    path("moments/", activity_views.moments_report, name="moments_report"),
    path("attention/", work_views.attention, name="attention"),
    path("attention/<int:pk>/assign/", work_views.alert_assign_view, name="alert_assign"),
    path("attention/<int:pk>/snooze/", work_views.alert_snooze_view, name="alert_snooze"),
    path("attention/<int:pk>/dismiss/", work_views.alert_dismiss_view, name="alert_dismiss"),
    path("attention/<int:pk>/restore/", work_views.alert_restore_view, name="alert_restore"),
    path("attention/<int:pk>/task/", work_views.alert_task_view, name="alert_task"),
    path("tasks/", work_views.task_list, name="task_list"),
    path("tasks/<int:pk>/complete/", work_views.task_complete_view, name="task_complete"),
    path("tasks/<int:pk>/snooze/", work_views.task_snooze_view, name="task_snooze"),
    path("tasks/<int:pk>/dismiss/", work_views.task_dismiss_view, name="task_dismiss"),
    path("tasks/<int:pk>/reopen/", work_views.task_reopen_view, name="task_reopen"),
    path("accounts/<int:pk>/tasks/", work_views.account_tasks_section, name="account_tasks"),
    path("accounts/<int:pk>/tasks/new/", work_views.task_new, name="task_new"),
    path("stakeholders/<int:pk>/edit/", people_views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:pk>/left/", people_views.stakeholder_left, name="stakeholder_left"),
    path(
        "accounts/<int:account_pk>/log/<slug:kind>/",
        activity_views.activity_log,
        name="activity_log",
    ),
    path("accounts/<int:pk>/timeline/", activity_views.account_timeline, name="account_timeline"),
    path("open-items/<int:pk>/close/", activity_views.open_item_close_view, name="open_item_close"),
    path("gaps/", gap_views.gap_board_view, name="gap_board"),
    path("gaps/bulk/", gap_bulk_views.gap_bulk, name="gap_bulk"),
    path("gaps/<int:pk>/", gap_views.gap_detail, name="gap_detail"),
    path("gaps/<int:pk>/move/", gap_views.gap_move, name="gap_move"),
    path("gaps/<int:pk>/edit/", gap_views.gap_edit, name="gap_edit"),
    path(
        "gaps/actions/<int:pk>/toggle/",
        gap_views.gap_action_toggle_view,
        name="gap_action_toggle",
    ),
    path("board/", positioning_views.quadrant_board, name="quadrant_board"),
    path("competitors/", positioning_views.competitor_overview, name="competitor_overview"),
    path("goals/", positioning_views.goals_rollup, name="goals_rollup"),
    path(
        "accounts/<int:account_pk>/competitor-ratings/",
        positioning_views.competitor_rating_add,
        name="competitor_rating_add",
    ),
]

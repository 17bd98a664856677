from django.urls import path

from relationships import gap_views, views, views_positioning

urlpatterns = [
    path(
        "accounts/<int:account_pk>/stakeholders/new/",
        views.stakeholder_create,
        name="stakeholder_create",
    ),
    path("stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder_detail"),
    path("moments/", views.moments_report, name="moments_report"),
    path("attention/", views.attention, name="attention"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:pk>/left/", views.stakeholder_left, name="stakeholder_left"),
    path("accounts/<int:account_pk>/log/<slug:kind>/", views.activity_log, name="activity_log"),
    path("accounts/<int:pk>/timeline/", views.account_timeline, name="account_timeline"),
    path("open-items/<int:pk>/close/", views.open_item_close_view, name="open_item_close"),
    path("gaps/", gap_views.gap_board_view, name="gap_board"),
    path("gaps/<int:pk>/", gap_views.gap_detail, name="gap_detail"),
    path("gaps/<int:pk>/move/", gap_views.gap_move, name="gap_move"),
    path("gaps/<int:pk>/edit/", gap_views.gap_edit, name="gap_edit"),
    path(
        "gaps/actions/<int:pk>/toggle/",
        gap_views.gap_action_toggle_view,
        name="gap_action_toggle",
    ),
    path("board/", views_positioning.quadrant_board, name="quadrant_board"),
    path("competitors/", views_positioning.competitor_overview, name="competitor_overview"),
    path("goals/", views_positioning.goals_rollup, name="goals_rollup"),
    path(
        "accounts/<int:account_pk>/competitor-ratings/",
        views_positioning.competitor_rating_add,
        name="competitor_rating_add",
    ),
]

from django.urls import path

from capture import views


def _source_urls(kind: str, prefix: str) -> list:
    """A source's row (polled while it is read) and its actions, for mailboxes and feeds."""
    urls = [
        path(f"{prefix}<int:pk>/", views.source_status, {"kind": kind}, name=f"{kind}_status"),
        path(
            f"{prefix}<int:pk>/remove/",
            views.source_remove,
            {"kind": kind},
            name=f"{kind}_remove",
        ),
    ]
    for action in views.ACTIONS:
        urls.append(
            path(
                f"{prefix}<int:pk>/{action}/",
                views.source_action,
                {"kind": kind, "action": action},
                name=f"{kind}_{action}",
            )
        )
    return urls


urlpatterns = [
    # a user's "Mail and calendar" page
    path("capture/", views.sources, name="capture_sources"),
    path("capture/mailboxes/new/", views.mailbox_new, name="mailbox_new"),
    path("capture/mailboxes/<int:pk>/edit/", views.mailbox_edit, name="mailbox_edit"),
    *_source_urls("mailbox", "capture/mailboxes/"),
    path("capture/calendars/new/", views.feed_new, name="feed_new"),
    path("capture/calendars/<int:pk>/edit/", views.feed_edit, name="feed_edit"),
    *_source_urls("feed", "capture/calendars/"),
    # the account page's section (accounts.panels) and its decisions
    path("accounts/<int:pk>/captured/", views.captured_section, name="account_captured"),
    path("capture/suggestions/<int:pk>/add/", views.suggestion_accept, name="suggestion_accept"),
    path(
        "capture/suggestions/<int:pk>/dismiss/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    path("capture/signals/<int:pk>/confirm/", views.signal_confirm, name="signal_confirm"),
    path("capture/signals/<int:pk>/not-left/", views.signal_dismiss, name="signal_dismiss"),
    # a captured message, from the timeline
    path("capture/interactions/<int:pk>/", views.captured_message, name="captured_message"),
    path(
        "capture/interactions/<int:pk>/sentiment/",
        views.captured_sentiment,
        name="captured_sentiment",
    ),
    path("capture/interactions/<int:pk>/hide/", views.captured_hide, name="captured_hide"),
]

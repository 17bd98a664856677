from django.urls import path

from accounts import views
from accounts.notifications import views as notification_views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/bulk/", views.accounts_bulk, name="accounts_bulk"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/archive/", views.account_archive_view, name="account_archive"),
    path("accounts/<int:pk>/restore/", views.account_restore_view, name="account_restore"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/history/", views.account_history, name="account_history"),
    path("accounts/<int:pk>/usage/", views.usage_section, name="account_usage"),
    path("preferences/", views.preferences, name="preferences"),
    path("views/", views.saved_views, name="saved_views"),
    path("views/default/", views.saved_view_default, name="saved_view_default"),
    path("views/<int:pk>/edit/", views.saved_view_edit, name="saved_view_edit"),
    path("views/<int:pk>/delete/", views.saved_view_remove, name="saved_view_delete"),
    path("notifications/", notification_views.notifications, name="notifications"),
    path("notifications/bell/", notification_views.bell, name="notifications_bell"),
    path("notifications/read/", notification_views.notifications_read, name="notifications_read"),
    path(
        "notifications/read/all/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("preferences/chat/", notification_views.chat_hooks, name="chat_hooks"),
    path("preferences/chat/new/", notification_views.chat_hook_add, name="chat_hook_add"),
    path(
        "preferences/chat/<int:pk>/remove/",
        notification_views.chat_hook_remove,
        name="chat_hook_remove",
    ),
    path(
        "preferences/chat/<int:pk>/test/", notification_views.chat_hook_test, name="chat_hook_test"
    ),
]

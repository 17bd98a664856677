from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/archive/", views.account_archive_view, name="account_archive"),
    path("accounts/<int:pk>/restore/", views.account_restore_view, name="account_restore"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/history/", views.account_history, name="account_history"),
    path("accounts/<int:pk>/usage/", views.usage_section, name="account_usage"),
    path("preferences/", views.preferences, name="preferences"),
]

"""Top-level URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.signin import AdminSignInForm, PasswordChangePage, SignInView, SignOutView
from api.api import api
from config.views import healthz

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("relationships.urls")),
    path("", include("surveys.urls")),
    path("", include("capture.urls")),
    path("", include("desk.urls")),
    path("", include("api.urls")),
    path("api/v1/", api.urls),
    path("data/", include("dataio.urls")),
    path("healthz", healthz, name="healthz"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", SignOutView.as_view(), name="logout"),
    path("password/", PasswordChangePage.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Rapport configuration"
admin.site.site_title = "Rapport admin"
admin.site.login_form = AdminSignInForm

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
]

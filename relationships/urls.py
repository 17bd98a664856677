from django.urls import path

from relationships import views

urlpatterns = [
    path(
        "accounts/<int:account_pk>/stakeholders/new/",
        views.stakeholder_create,
        name="stakeholder_create",
    ),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:pk>/left/", views.stakeholder_left, name="stakeholder_left"),
]

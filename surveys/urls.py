from django.urls import path

from surveys import views

urlpatterns = [
    path("accounts/<int:pk>/surveys/", views.surveys_section, name="account_surveys"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/cancel/", views.campaign_cancel_view, name="campaign_cancel"),
    path(
        "survey-templates/<int:pk>/preview/",
        views.survey_template_preview,
        name="survey_template_preview",
    ),
    path(
        "feedback/<int:pk>/acknowledge/",
        views.feedback_acknowledge_view,
        name="feedback_acknowledge",
    ),
    path("feedback/<int:pk>/acted/", views.feedback_act_view, name="feedback_act"),
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
    path("s/<str:token>/opt-out/", views.survey_opt_out, name="survey_opt_out"),
]

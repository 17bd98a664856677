from django.urls import path

from api import views

urlpatterns = [
    path("preferences/tokens/", views.tokens, name="api_tokens"),
    path("preferences/tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]

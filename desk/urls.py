from django.urls import path

from desk import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
]

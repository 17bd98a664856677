from django.urls import path

from desk import views

urlpatterns = [
    path("day/", views.my_day, name="my_day"),
    path("search/", views.search_page, name="search"),
]

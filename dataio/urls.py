"""/data/: the CSV import page and the account report download."""

from django.urls import path

from dataio import views as views_data

urlpatterns = [
    path("import/", views_data.import_upload, name="import_upload"),
    path("export.csv", views_data.report_export, name="report_export"),
]

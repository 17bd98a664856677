"""Data in and out: the CSV import page (managers and admins) and the report download."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from dataio.forms import ImportForm
from dataio.hooks import hook
from dataio.importing import ImportRejected, file_specs
from dataio.services import csv_import, report_lines


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload CSV files; show every row error and write nothing (422), or the summary."""
    if not hook("may_import")(request.user):
        raise PermissionDenied("Only managers and admins import data.")
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "specs": file_specs(), "summary": None, "rejected": None}
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            context["summary"] = summary = csv_import(files=form.contents(), user=request.user)
        except ImportRejected as rejected:
            context.update(rejected=rejected, ignored=rejected.ignored)
            messages.error(request, f"Nothing was imported: {rejected}. Fix the rows listed below.")
        else:
            context["ignored"] = summary.ignored
            messages.success(request, "Import done.")
            status = 200
    return render(request, "dataio/import_upload.html", context, status=status)


@require_GET
def report_export(request):
    """The account report as CSV: the accounts the user may see. Other query parameters (the
    account list's filters) are accepted and ignored for now."""
    accounts = hook("visible_accounts")(request.user)
    response = StreamingHttpResponse(
        report_lines(accounts=accounts), content_type="text/csv; charset=utf-8"
    )
    filename = f"rapport-accounts-{date.today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

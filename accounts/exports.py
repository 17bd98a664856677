"""accounts.csv and usage.csv written from Rapport's data (dataio/snapshot.py), so that importing
them again changes nothing."""

from collections.abc import Iterator

from accounts.models import UsageSnapshot
from dataio.snapshot import CHUNK, FileExport, Snapshot, cell, counted, exported


@exported("accounts.csv")
def accounts_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    fields = [
        "external_id", "name", "domain", "segment", "owner__email", "team__name",
        "customer_since", "renewal_date", "arr", "cost_to_serve", "seats_purchased",
        "share_of_wallet", "status", "leading_competitor__name", "notes",
    ]  # fmt: skip
    rows = snapshot.accounts.order_by("external_id", "pk").values_list(*fields)
    return counted((list(map(cell, row)) for row in rows.iterator(CHUNK)), result)


@exported("usage.csv")
def usage_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    rows = (
        UsageSnapshot.objects.filter(account__in=snapshot.accounts.values("pk"))
        .order_by("account__external_id", "period_start", "pk")
        .values_list(
            "account__external_id",
            "period_start",
            "active_users",
            "usage_value",
            "features_used",
            "features_available",
        )
    )
    return counted((list(map(cell, row)) for row in rows.iterator(CHUNK)), result)

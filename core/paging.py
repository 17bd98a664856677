"""The page a paginated view shows, read from ?page= whatever a visitor typed there."""

# Beyond any list Rapport shows, yet small enough that the rows it skips fit every database's
# 64-bit integers (a larger offset is an error in SQLite and PostgreSQL alike).
LAST_PAGE = 1_000_000


def page_number(request) -> int:
    """?page= as a whole number from 1 to LAST_PAGE: a larger one is LAST_PAGE (a Paginator then
    shows its last page), anything else page 1."""
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return 1
    return min(max(number, 1), LAST_PAGE)

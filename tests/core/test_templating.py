"""A drawn page lets its data go with the request, not when the garbage collector comes by."""

import gc
import weakref

from django.template import engines


class Row:
    """Stands for what a view hands its template: a board's dot, a list's row."""

    name = "Initech"


def test_what_a_page_was_given_is_freed_once_it_is_drawn(rf):
    page = engines["django"].from_string("<p>{{ row.name }} {{ request.path }}</p>")
    row = Row()
    freed = weakref.ref(row)
    gc.disable()
    try:
        assert page.render({"row": row}, rf.get("/board/")) == "<p>Initech /board/</p>"
        del row
        assert freed() is None
    finally:
        gc.enable()

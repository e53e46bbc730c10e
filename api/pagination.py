"""Cursor pagination for every list: stable under inserts, no page counting."""

from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """Newest first by default; a view may set `cursor_ordering` (the inbox follows its
    sort). Ties of the first ordering field are resolved by DRF's offset in the cursor."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)
    invalid_cursor_message = "Неверный курсор страницы."

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", None) or self.ordering
        return tuple(ordering) if not isinstance(ordering, str) else (ordering,)

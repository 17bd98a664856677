"""Spreadsheet formulas in CSV files: every CSV Rapport writes and reads goes through this pair.

A text cell that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is
written with a single quote before it, so Excel, LibreOffice and Google Sheets show it as text
instead of running it (`=HYPERLINK(...)` in an account name). The import removes that quote.
A text that already starts with quotes before such a character gets one more (`'=1` is written
`''=1`), so reading back what was written gives every text exactly.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Whether `text`, after the single quotes it may start with, starts like a formula."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def quote_formula(text: str) -> str:
    """A text as a CSV cell: with a leading single quote when it looks like a formula."""
    return "'" + text if looks_like_formula(text) else text


def unquote_formula(cell: str) -> str:
    """The text of a CSV cell: without the quote `quote_formula` added."""
    return cell[1:] if cell.startswith("'") and looks_like_formula(cell) else cell

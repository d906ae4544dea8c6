"""One rule for CSV cells a spreadsheet might run as a formula (CSV injection)."""

from __future__ import annotations

# OWASP's list: a cell starting with one of these is read as a formula by Excel,
# LibreOffice or Google Sheets (tab and carriage return can hide the sign behind them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value with a leading formula character neutralised by a single quote.

    Numbers are left alone (a negative number is not a formula); text that starts with
    ``= + - @``, a tab or a carriage return gets a ``'`` in front, as OWASP recommends,
    so the spreadsheet shows the text instead of running it.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

"""Amounts of money as people read them: the currency's symbol (or its code) and whole units
with thousands separated, e.g. "$120,000", "€9,500", "CHF 4,200", "-$1,250"."""

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$"}


def money(value, currency: str) -> str:
    """`value` (a number, or None for "—") in whole units of `currency` (an ISO 4217 code)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        amount = int(value)  # whole already: no Decimal to round it (the quadrant board's ARR)
    else:
        amount = Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency)
    digits = f"{abs(amount):,}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"

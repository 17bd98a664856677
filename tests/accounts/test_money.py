"""Amounts shown with the organisation's currency, rounded to whole units."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from accounts.money import money


def test_money_shows_the_symbol_or_the_code():
    assert money(Decimal("120000.40"), "USD") == "$120,000"
    assert money(9500, "EUR") == "€9,500"
    assert money(Decimal("-1250.5"), "USD") == "-$1,251"
    assert money(4200, "CHF") == "CHF 4,200"
    assert money(None, "USD") == "—"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_money_reads_back_as_the_amount_rounded(amount):
    shown = money(amount, "USD")
    digits = shown.replace("$", "").replace(",", "")
    assert abs(Decimal(digits) - amount) <= Decimal("0.5")


@given(st.floats(min_value=-(10**12), max_value=10**12))
def test_money_shows_a_float_as_its_decimal_text_rounded_half_up(amount):
    """Whole floats take a shorter path than the others: both print what the float's own text
    gives, rounded half up (2.5 is $3, -2.5 is -$3)."""
    whole = Decimal(str(amount)).quantize(Decimal(1), "ROUND_HALF_UP")
    assert money(amount, "USD") == f"{'-' if whole < 0 else ''}${abs(whole):,}"
    assert money(int(amount), "USD") == money(float(int(amount)), "USD")


def test_account_list_and_page_show_arr_in_the_currency(client, org, settings):
    settings.CURRENCY = "EUR"
    org.account.arr = Decimal("120000")
    org.account.save()
    client.force_login(org.csm)
    assert "€120,000" in client.get("/").content.decode()
    assert "€120,000" in client.get(org.account.get_absolute_url()).content.decode()

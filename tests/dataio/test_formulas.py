"""Texts that look like spreadsheet formulas: written behind a single quote by every CSV export,
read back exactly by the import (dataio/formulas.py)."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Account, Competitor
from dataio.formulas import FORMULA_STARTS, quote_formula, unquote_formula
from relationships.models import CompetitorRating, Interaction
from tests.dataio.files import account, all_good_files, as_csv, competitor_rating
from tests.factories import AccountFactory

HYPERLINK = '=HYPERLINK("http://x","y")'
# Mostly quotes and the characters a formula starts with, so that prefixes like "''=" are common.
TEXTS = st.text(st.sampled_from(["'", *FORMULA_STARTS, "a", " ", "1"])) | st.text()


@given(TEXTS)
def test_a_quoted_text_reads_back_exactly(text):
    quoted = quote_formula(text)

    assert quoted in (text, "'" + text)
    assert unquote_formula(quoted) == text


@given(TEXTS)
def test_a_quoted_text_never_starts_like_a_formula(text):
    assert not quote_formula(text).startswith(FORMULA_STARTS)


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1"])
def test_a_text_that_starts_like_a_formula_is_quoted(text):
    assert quote_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["", "1", "a=1", " =1", "'", "''a", "Zoë"])
def test_other_texts_are_written_as_they_are(text):
    assert quote_formula(text) == text


def rows(data: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data, newline="")))


def test_the_report_download_quotes_a_formula_and_keeps_negative_numbers(client, org):
    AccountFactory(name=HYPERLINK, team=org.team, owner=org.csm, score_trend_30d=Decimal("-2"))
    client.force_login(org.csm)

    response = client.get(reverse("report_export"))

    report = rows(b"".join(response.streaming_content).decode())
    assert [(row["name"], row["score_trend_30d"]) for row in report] == [
        ("'" + HYPERLINK, "-2.00"),
        ("Acme", ""),
    ]


def test_the_report_command_quotes_a_formula(org):
    org.account.name = HYPERLINK
    org.account.save()
    out = io.StringIO()

    call_command("export_report", stdout=out)

    assert [row["name"] for row in rows(out.getvalue())] == ["'" + HYPERLINK, "Globex"]


def test_export_csv_quotes_a_formula_and_import_csv_reads_it_back_unchanged(org, tmp_path):
    Competitor.objects.create(name="@Rival")
    accounts = [account("A-1", name=HYPERLINK), account("A-2", owner_email="teammate@example.com")]
    ratings = [competitor_rating(competitor="@Rival")]
    files = {
        **all_good_files(),
        "accounts.csv": as_csv("accounts.csv", accounts),
        "competitor_ratings.csv": as_csv("competitor_ratings.csv", ratings),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    call_command("import_csv", str(tmp_path), stdout=io.StringIO())
    assert Account.objects.get(external_id="A-1").name == HYPERLINK
    Account.objects.filter(external_id="A-1").update(segment="'=typed with a quote")

    call_command("export_csv", "--output", str(tmp_path / "out"), stdout=io.StringIO())

    exported = {
        name: rows((tmp_path / "out" / name).read_text(encoding="utf-8"))
        for name in ("accounts.csv", "interactions.csv", "competitor_ratings.csv")
    }
    a1 = exported["accounts.csv"][0]
    assert (a1["name"], a1["segment"]) == ("'" + HYPERLINK, "''=typed with a quote")
    assert [row["sentiment"] for row in exported["interactions.csv"]] == ["2", "-1", "0"]
    assert [row["competitor"] for row in exported["competitor_ratings.csv"]] == ["'@Rival"]

    Account.objects.filter(external_id__in=["A-1", "A-2"]).delete()
    call_command("import_csv", str(tmp_path / "out"), stdout=io.StringIO())

    a1 = Account.objects.get(external_id="A-1")
    assert (a1.name, a1.segment) == (HYPERLINK, "'=typed with a quote")
    assert sorted(Interaction.objects.values_list("sentiment", flat=True)) == [-1, 0, 2]
    assert CompetitorRating.objects.get().competitor.name == "@Rival"

"""The import page at /data/import/: managers and admins upload CSV files."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Account
from relationships.models import Interaction, Stakeholder
from tests.dataio.files import account, all_good_files, as_csv, good_files, moment, stakeholder

URL = reverse("import_upload")


def uploads(files: dict[str, bytes]) -> dict:
    return {"files": [SimpleUploadedFile(name, data, "text/csv") for name, data in files.items()]}


def test_import_page_shows_the_form_and_the_files_it_takes(client, org):
    client.force_login(org.manager)

    response = client.get(URL)

    assert response.status_code == 200
    assert 'accept=".csv,text/csv" multiple' in response.text
    assert "<code>stakeholders.csv</code>" in response.text
    assert "<strong>account_external_id</strong>" in response.text


def test_manager_imports_files_and_sees_the_summary(client, org):
    client.force_login(org.manager)

    response = client.post(URL, uploads({**good_files(), "readme.md": b"hello"}))

    assert response.status_code == 200
    assert "Import done." in response.text
    assert '<td>stakeholders.csv</td><td class="text-end">5</td>' in response.text
    assert "Ignored readme.md: not a file Rapport imports." in response.text
    assert Stakeholder.objects.filter(account__team=org.team).count() == 5
    assert Stakeholder.history.filter(history_user=org.manager).count() == 5


def test_bad_rows_are_listed_and_nothing_is_written(client, org, database_state):
    client.force_login(org.admin)
    before = database_state()
    files = {
        "accounts.csv": as_csv("accounts.csv", [account("A-1", team="Nowhere")]),
        "stakeholders.csv": as_csv("stakeholders.csv", [stakeholder("S-1", strength="9")]),
    }

    response = client.post(URL, uploads(files))

    assert response.status_code == 422
    assert "Nothing was imported: 2 errors." in response.text
    assert "<td>accounts.csv</td><td>2</td><td>team</td>" in response.text
    assert "no team is named &quot;Nowhere&quot;" in response.text
    assert "<td>stakeholders.csv</td><td>2</td><td>strength</td>" in response.text
    assert database_state() == before


def test_csm_may_not_import(client, org, database_state):
    client.force_login(org.csm)
    before = database_state()

    response = client.post(URL, uploads(good_files()))

    assert response.status_code == 403
    assert database_state() == before


def test_the_same_file_twice_is_a_form_error(client, org):
    client.force_login(org.manager)
    data = as_csv("accounts.csv", [account("A-1")])

    response = client.post(
        URL,
        {
            "files": [
                SimpleUploadedFile("accounts.csv", data),
                SimpleUploadedFile("accounts.csv", data),
            ]
        },
    )

    assert response.status_code == 422
    assert "Pick each file once: accounts.csv is there twice." in response.text
    assert not Account.objects.filter(external_id="A-1").exists()


def test_manager_imports_activity_files_on_the_page(client, org):
    client.force_login(org.manager)

    response = client.post(URL, uploads(all_good_files()))

    assert "Import done." in response.text
    assert '<td>interactions.csv</td><td class="text-end">3</td>' in response.text
    assert '<td>open_items.csv</td><td class="text-end">3</td>' in response.text
    assert "<code>pulse_checks.csv</code>" in response.text
    assert Interaction.objects.filter(account__team=org.team).count() == 3


def test_activity_row_errors_are_listed_on_the_page(client, org, database_state):
    client.force_login(org.manager)
    before = database_state()
    files = {**all_good_files(), "moments.csv": as_csv("moments.csv", [moment(emotion="meh")])}

    response = client.post(URL, uploads(files))

    assert response.status_code == 422
    assert "Nothing was imported: 1 error." in response.text
    assert "<td>moments.csv</td><td>2</td><td>emotion</td>" in response.text
    assert database_state() == before


def total_size(files: dict[str, bytes]) -> int:
    return sum(map(len, files.values()))


def test_files_larger_than_the_limit_are_a_field_error(client, org, settings, database_state):
    client.force_login(org.manager)
    settings.IMPORT_MAX_BYTES = 1_000_000
    files = {**good_files(), "usage.csv": b"x" * 1_100_000}
    before = database_state()

    response = client.post(URL, uploads(files))

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "files": [
            f"The files are {total_size(files) / 1e6:.1f} MB in all, more than the 1.0 MB this"
            " page takes. Split them (by account or by period) and upload the parts one after"
            " the other, or import them with the import_csv command."
        ]
    }
    assert "Nothing was imported" not in response.text
    assert database_state() == before


def test_files_of_exactly_the_limit_are_imported(client, org, settings):
    client.force_login(org.manager)
    files = good_files()
    settings.IMPORT_MAX_BYTES = total_size(files)

    response = client.post(URL, uploads(files))

    assert "Import done." in response.text
    assert Stakeholder.objects.filter(account__team=org.team).count() == 5


def test_a_21_mb_upload_is_refused_by_default(client, org, database_state):
    client.force_login(org.manager)
    before = database_state()
    padding = b"A-1,Acme\n" * (21_000_000 // 9 + 1)  # read, it would be 2.3 million rows

    response = client.post(URL, uploads({"accounts.csv": padding}))

    assert (
        response.context["form"]
        .errors["files"][0]
        .startswith("The files are 21.0 MB in all, more than the 20.0 MB this page takes.")
    )
    assert database_state() == before

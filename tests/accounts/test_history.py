"""An account's change history: its profile's versions and those the apps above register."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import history
from accounts.history import PROFILE, HistorySource, account_changes, register_history
from relationships.people.history import STAKEHOLDER_HISTORY
from tests.factories import StakeholderFactory


def test_the_history_shows_the_profile_and_the_people_newest_first_with_names(org):
    account = org.account
    boss = StakeholderFactory(account=account, name="Bea Boss")
    report = StakeholderFactory(account=account, name="Rob Report")
    report.reports_to = boss
    report.save()
    account.owner = org.teammate
    account.save()
    changes = account_changes(account)
    assert [(change.subject, change.action) for change in changes] == [
        ("Profile", "changed"),
        ("Rob Report", "changed"),
        ("Rob Report", "created"),
        ("Bea Boss", "created"),
        ("Profile", "created"),
    ]
    assert changes[0].fields == [("owner", str(org.csm), str(org.teammate))]
    assert changes[1].fields == [("reports to", "—", "Bea Boss")]
    assert changes[0].who == "Import or system"


def test_relationships_registers_the_stakeholders_history_after_the_profile():
    assert history.SOURCES[:2] == [PROFILE, STAKEHOLDER_HISTORY]


def test_a_registered_source_shows_in_the_history_once(org, monkeypatch):
    monkeypatch.setattr(history, "SOURCES", [PROFILE])
    notes = HistorySource(
        versions=PROFILE.versions, fields=["notes"], subject=lambda version: "Notes"
    )
    register_history(notes)
    register_history(notes)
    org.account.notes = "Renewal talk in May"
    org.account.save()
    subjects = [(change.subject, change.action) for change in account_changes(org.account)]
    assert subjects.count(("Notes", "changed")) == 1
    assert ("Profile", "changed") in subjects


def test_the_names_are_read_once_per_kind_of_object(org):
    people = [StakeholderFactory(account=org.account) for _ in range(3)]
    for person in people[1:]:
        person.reports_to = people[0]
        person.save()
    with CaptureQueriesContext(connection) as queries:
        account_changes(org.account)
    # the profile's versions, the people's, and the names of the team, owner and manager
    assert len(queries) == 5

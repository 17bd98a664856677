"""What the CSV framework asks of the apps goes through named hooks the apps provide."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from dataio import hooks
from dataio.hooks import HOOKS, Parts, hook, provides
from dataio.importing import ImportContext


def test_every_hook_is_provided_by_an_app():
    for name in HOOKS:
        assert callable(hook(name))


def test_a_hook_the_framework_does_not_know_is_refused():
    with pytest.raises(ValueError, match="no hook 'nonesuch'"):
        provides("nonesuch")


def test_a_hook_no_app_provides_says_which_and_what_it_is_for(monkeypatch):
    hook("imported")  # the apps have registered theirs
    monkeypatch.delitem(hooks._provided, "imported")
    with pytest.raises(ImproperlyConfigured, match="'imported'"):
        hook("imported")


def test_an_import_asks_the_app_whether_its_user_sees_everything(monkeypatch):
    asked = []

    def sees_only_their_teams(user):
        asked.append(user)
        return False

    monkeypatch.setitem(hooks._provided, "sees_everything", sees_only_their_teams)
    context = ImportContext(user="someone")
    assert context.no("account") == "no account of your teams"
    assert asked == ["someone"]


def test_an_apps_part_is_made_once_per_run():
    class Counted:
        made = 0

        def __init__(self, run):
            Counted.made += 1
            self.run = run

    first, second = Parts(), Parts()
    assert first.part(Counted) is first.part(Counted)
    assert first.part(Counted).run is first
    assert second.part(Counted) is not first.part(Counted)
    assert Counted.made == 2

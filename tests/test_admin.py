"""The configuration admin is a product surface: for every registered model, as an admin, the
changelist, the add page and a change page answer, a valid add form saves, and the changelist
costs the same number of queries at two sizes.

The models are read from the admin's registry, so a new ModelAdmin is covered without editing
this file.
"""

import datetime as dt
import json

import pytest
from django import forms
from django.contrib import admin
from django.db import connection, models
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.populated import populate

ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODELS = [model for model, _model_admin in ADMINS]
LABELS = [model._meta.label for model in MODELS]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.fixture
def rows(org):
    populate(org)


@pytest.mark.parametrize("model", MODELS, ids=LABELS)
def test_admin_changelist_add_and_change_pages_answer(client, org, rows, model):
    model_admin = admin.site._registry[model]
    client.force_login(org.admin)
    name = str(model._meta.verbose_name_plural)
    changelist = client.get(url(model, "changelist"))
    assert changelist.status_code == 200
    assert name.lower() in changelist.content.decode().lower()
    if model_admin.has_add_permission(admin_request(org.admin)):
        add = client.get(url(model, "add"))
        assert add.status_code == 200
        assert f"Add {model._meta.verbose_name}" in add.content.decode()
    row = model._default_manager.first()
    assert row is not None, f"populate() leaves no {name} to open"
    change = client.get(url(model, "change", row.pk))
    assert change.status_code == 200
    assert str(row) in change.content.decode().replace("&#x27;", "'").replace("&amp;", "&")


def addable():
    """Models an admin may add, whose add form the test fills from an existing row."""
    return [
        model
        for model, model_admin in ADMINS
        if type(model_admin).has_add_permission is admin.ModelAdmin.has_add_permission
    ]


@pytest.mark.parametrize("model", addable(), ids=[model._meta.label for model in addable()])
def test_admin_add_form_saves_a_new_row(client, org, rows, model):
    model_admin = admin.site._registry[model]
    request = admin_request(org.admin)
    source = model._default_manager.first()
    data = form_data(model_admin.get_form(request), source)
    for formset, _inline in model_admin.get_formsets_with_inlines(request):
        prefix = formset.get_default_prefix()
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    if _unique_choice(model):
        source.delete()  # its value is the only one free: the copy takes it
    before = model._default_manager.count()
    client.force_login(org.admin)
    response = client.post(url(model, "add"), data)
    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors
    assert model._default_manager.count() == before + 1


STRONG_PASSWORD = "Blue-harbour-lantern-2026"
SECRET_URL = "https://calendar.example/private-copy/basic.ics"


def form_data(form_class, source) -> dict:
    """What a person would type into the add form to make a copy of `source`, unique fields
    changed so that the copy is allowed."""
    initial = model_to_dict(source)
    unique = _unique_fields(type(source))
    data = {}
    for name, field in form_class.base_fields.items():
        if name.startswith("password"):
            data[name] = STRONG_PASSWORD
            continue
        if isinstance(field.widget, forms.PasswordInput):  # a secret, never shown: typed anew
            data[name] = SECRET_URL if isinstance(field, forms.URLField) else STRONG_PASSWORD
            continue
        value = initial.get(name, field.initial)
        if callable(value):
            value = value()
        if name in unique and isinstance(value, str) and not getattr(field, "choices", None):
            value = f"copy-{value}" if isinstance(field, forms.EmailField) else f"{value}-copy"
        data |= _typed(name, field, value)
    return data


def _unique_choice(model) -> bool:
    """Whether a unique field has choices (one row per choice, e.g. one playbook per gap)."""
    return any(field.unique and field.choices for field in model._meta.concrete_fields)


def _unique_fields(model) -> set[str]:
    names = {field.name for field in model._meta.concrete_fields if field.unique}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(_constraint_fields(constraint))
    return names


def _constraint_fields(constraint: models.UniqueConstraint) -> list[str]:
    """The fields a unique constraint covers, named or in its expressions (Lower("email"))."""
    if constraint.fields:
        return list(constraint.fields)
    nodes = [
        node
        for expression in constraint.expressions
        for node in (expression.flatten() if hasattr(expression, "flatten") else [expression])
    ]
    return [node.name for node in nodes if isinstance(node, models.F)]


def _typed(name: str, field: forms.Field, value) -> dict:
    """The POST values of one form field holding `value`."""
    if value is None:
        return {}
    if isinstance(field, forms.SplitDateTimeField):
        return {f"{name}_0": value.date().isoformat(), f"{name}_1": value.strftime("%H:%M:%S")}
    if isinstance(field, forms.BooleanField):
        return {name: "on"} if value else {}
    if isinstance(field, forms.ModelMultipleChoiceField):
        return {name: [getattr(item, "pk", item) for item in value]}
    if isinstance(field, forms.JSONField):
        return {name: json.dumps(value)}
    if isinstance(value, (dt.date, dt.datetime)):
        return {name: value.isoformat()}
    return {name: getattr(value, "pk", value)}


# One row per account and gap class, one playbook per gap class, one open signal per person and
# kind: their lists stay short.
# A delivery is one per event and endpoint (or chat hook), a notification one per event and user.
ONE_PER_CHOICE = {
    "relationships.GapCase",
    "relationships.Playbook",
    "capture.PersonSignal",
    "core.Delivery",
    "core.Notification",
}


def grow(model, copies: int) -> bool:
    """Copies of the model's first row, with new values in its unique text and ids; False
    where a copy cannot be (one row per choice or per parent, or a singleton)."""
    source = model._default_manager.first()
    fields = {field.name: field for field in model._meta.concrete_fields}
    uniques = [[name] for name, field in fields.items() if field.unique and not field.primary_key]
    uniques += [
        _constraint_fields(constraint)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    ]
    changed = set()
    for names in uniques:
        free = [name for name in names if _renewable(fields[name]) or getattr(source, name) is None]
        if not free:
            return False
        changed.add(free[0])
    for n in range(copies):
        clone = model._default_manager.get(pk=source.pk)
        clone.pk = None
        clone._state.adding = True
        for name in changed:
            field = fields[name]
            if isinstance(field, models.UUIDField):
                setattr(clone, name, field.default())
            elif isinstance(field, models.DateField):
                setattr(clone, name, getattr(source, name) - dt.timedelta(days=n + 1))
            elif getattr(source, name) is not None:
                setattr(clone, name, f"{n}-{getattr(source, name)}"[: field.max_length])
        clone.save()
    return True


def _renewable(field) -> bool:
    """A unique field a copy can take a new value of."""
    if isinstance(field, models.UUIDField):
        return field.has_default()
    if isinstance(field, models.DateField):
        return True
    return isinstance(field, models.CharField) and not field.choices


@pytest.mark.parametrize("model", MODELS, ids=LABELS)
def test_admin_changelist_queries_do_not_grow_with_its_rows(client, org, rows, model):
    client.force_login(org.admin)
    address = url(model, "changelist")
    client.get(address)  # sessions and catalogs cached, as for any page after the first
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    if not grow(model, copies=6):
        assert model._meta.label in ONE_PER_CHOICE
        return
    with CaptureQueriesContext(connection) as many:
        assert client.get(address).status_code == 200
    assert len(many) == len(few), [query["sql"][:120] for query in many.captured_queries]
    assert len(few) <= 12

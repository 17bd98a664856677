"""A row's constraints checked before it is written, in one query: Django's full_clean asks one
query per constraint, each inside a savepoint of its own."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, Model, Q, Value
from django.db.models.constraints import BaseConstraint, CheckConstraint, UniqueConstraint
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def constraints_broken(instance: Model, *, exclude=()) -> list[BaseConstraint]:
    """The check constraints and unique constraints over fields of `instance`'s model that it
    breaks, in one query; those over a field in `exclude` are not checked. A check holds when its
    condition is true or unknown, as in the database; a unique constraint holds when a field is
    null, or its condition is false for the row, or no other row has the same values. A unique
    constraint over expressions is left to the database (and to the model's clean(), which may
    say it on a field: a stakeholder's email, in any case, at their account)."""
    model = type(instance)
    exclude = set(exclude)
    query = Query(None)
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    for name, value in against.items():
        query.add_annotation(value, name, select=False)
    checked = []
    for constraint in model._meta.constraints:
        holds = _holds(model, instance, constraint, exclude)
        if holds is not None:
            query.add_annotation(holds, f"_holds_{len(checked)}")
            checked.append(constraint)
    if not checked:
        return []
    row = query.get_compiler(connection=connection).execute_sql(SINGLE)
    return [constraint for constraint, held in zip(checked, row, strict=True) if not held]


def _holds(model, instance, constraint, exclude):
    """An expression true when `instance` keeps `constraint`; None if it is not checked."""
    if isinstance(constraint, CheckConstraint):
        if constraint._expression_refs_exclude(model, constraint.condition, exclude):
            return None
        return Coalesce(Q(constraint.condition), Value(True), output_field=BooleanField())
    if not isinstance(constraint, UniqueConstraint) or not constraint.fields:
        return None
    if exclude & set(constraint.fields) or constraint.expressions:
        return None
    values = {
        name: getattr(instance, model._meta.get_field(name).attname) for name in constraint.fields
    }
    if any(value is None for value in values.values()):
        return None
    others = model._default_manager.filter(**values)
    if not instance._state.adding:
        others = others.exclude(pk=instance.pk)
    if constraint.condition is None:
        return ~Exists(others)
    others = others.filter(constraint.condition)
    return Coalesce(
        ~Q(constraint.condition) | ~Exists(others), Value(True), output_field=BooleanField()
    )


def read_already(instance: Model) -> set[str]:
    """The foreign keys of `instance` given as rows read from the database: a check need not
    look them up again."""
    return {
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one
        and field.is_cached(instance)
        and (related := field.get_cached_value(instance)) is not None
        and not related._state.adding
    }


def constraints_validate(instance: Model, *, exclude=()) -> None:
    """Model.validate_constraints in one query (constraints_broken): a ValidationError saying
    what Django's would, a unique constraint of one field without a condition on its field."""
    errors = {}
    for constraint in constraints_broken(instance, exclude=exclude):
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, UniqueConstraint) and constraint.condition is None:
            message = instance.unique_error_message(type(instance), fields)
            errors.setdefault(fields[0] if len(fields) == 1 else NON_FIELD_ERRORS, []).append(
                message
            )
        else:
            message = ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
            errors.setdefault(NON_FIELD_ERRORS, []).append(message)
    if errors:
        raise ValidationError(errors)

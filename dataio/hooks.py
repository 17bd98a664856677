"""What the CSV framework asks of the apps, by name, so that it imports none of them.

Each app's `imports` module registers its import files (`importing.register`) and provides the
hooks it owns with `@provides(name)`; its `exports` module, if any, registers what the exports
write. dataio imports those modules on first use (`discover`) and calls `hook(name)`.
"""

import functools
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

HOOKS = {  # name: what it is called with, and what it gives
    "visible_accounts": (
        "(user) the accounts the user may import into and export; every account for None"
        " (the command line)"
    ),
    "sees_everything": "(user) whether the user (None: the command line) sees every account",
    "may_import": "(user) whether the user may use the import page",
    "imported": (
        "(account_ids=) what an import that changed these accounts asks for next, written in"
        " its transaction"
    ),
    "report_columns": "() the account report's columns, in order (exporting.ReportColumn)",
}

_provided: dict[str, Callable] = {}


def provides(name: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as the hook `name`."""
    if name not in HOOKS:
        raise ValueError(f"dataio has no hook {name!r}; its hooks are {', '.join(HOOKS)}")

    def register(function: Callable) -> Callable:
        _provided[name] = function
        return function

    return register


@functools.cache
def discover() -> None:
    """Import every app's `imports` and `exports` modules (once): they register themselves."""
    autodiscover_modules("imports", "exports")


def hook(name: str) -> Callable:
    """The function an app provides as the hook `name`."""
    discover()
    if name not in _provided:
        raise ImproperlyConfigured(f"No app provides the dataio hook {name!r}: {HOOKS[name]}.")
    return _provided[name]


class Parts:
    """Each app's own state in one import or export, shared by its files: `part(kind)` is one
    `kind(self)`, made on first use."""

    def part[T](self, kind: Callable[["Parts"], T]) -> T:
        parts = self.__dict__.setdefault("_parts", {})
        if kind not in parts:
            parts[kind] = kind(self)
        return parts[kind]

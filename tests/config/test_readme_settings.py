"""The README's settings table names only settings that config/settings.py reads: a setting
renamed or dropped in the code cannot stay documented."""

import re

from django.conf import settings

SETTINGS_SOURCE = (settings.BASE_DIR / "config" / "settings.py").read_text()


def documented_settings() -> list[str]:
    """The variables named in the first column of the README's Configuration table."""
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])]


def read_by_settings(name: str) -> bool:
    """Whether config/settings.py reads the variable (a NAME_FILE through env_str of NAME)."""
    base = name.removesuffix("_FILE")
    reads = r'(env_\w+|os\.environ\.get)\(\s*"{}"'
    return bool(
        re.search(reads.format(name), SETTINGS_SOURCE)
        or (base != name and re.search(rf'env_str\(\s*"{base}"', SETTINGS_SOURCE))
    )


def test_the_readme_documents_only_settings_the_code_reads():
    names = documented_settings()
    assert len(names) > 40  # the table was found
    assert [name for name in names if not read_by_settings(name)] == []

"""Template source rules Django does not enforce itself."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def template_files():
    return [
        path
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "staticfiles" not in path.parts
    ]


def test_no_template_comment_spans_lines():
    """`{# ... #}` ends on its own line; one that spans lines is printed on the page as text.
    Longer notes use {% comment %}."""
    assert template_files()
    unclosed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in template_files()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert unclosed == []

"""HTML is written in templates: no Python string of the project's code holds a tag, except the
form renderer's (matchmaker/lib/form_renderer.py builds Django's stock widgets, with a parity
test), and nothing marks strings safe but the Jinja2 partials' renderer."""

import io
import re
import tokenize
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "node_modules", "tests", "var", "static", "docs", "migrations", ".git"}
ALLOWED_TAGS = {"matchmaker/lib/form_renderer.py"}
ALLOWED_SAFE = {"matchmaker/lib/partials.py"}
TAG = re.compile(
    r"</?(a|b|br|button|div|em|form|input|li|option|p|select|small|span|strong|t[dhr]|table|ul)[\s>/]"
)


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIP_DIRS.intersection(relative.parts):
            yield relative.as_posix(), path.read_text()


def _strings(source: str):
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            yield token.start[0], token.string


def test_no_tags_in_python_strings():
    found = [
        f"{name}:{line}: {text[:60]}"
        for name, source in _sources()
        if name not in ALLOWED_TAGS
        for line, text in _strings(source)
        if TAG.search(text) and not text.lstrip("rbuf").startswith(('"""', "'''"))
    ]
    assert found == []


def test_nothing_is_marked_safe_by_hand():
    found = [
        name
        for name, source in _sources()
        if name not in ALLOWED_SAFE and re.search(r"\b(mark_safe|format_html|Markup)\(", source)
    ]
    assert found == []

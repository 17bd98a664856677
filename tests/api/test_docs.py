"""docs/api.md's worked example, run as written: each curl command of its example section is
sent to the API, and the answer holds the fields the documentation shows."""

import json
import re
import shlex
from pathlib import Path

from django.test import Client

from accounts.models import Account
from api.services import api_token_create
from tests.api.conftest import bearer

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def examples() -> list[tuple[list[str], object]]:
    """The (curl words, documented answer) pairs of the example section."""
    section = DOC.read_text().split("## Example:", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(sh|json)\n(.*?)```", section, re.DOTALL)
    pairs = []
    for (kind, command), (answer_kind, answer) in zip(blocks[::2], blocks[1::2], strict=True):
        assert (kind, answer_kind) == ("sh", "json")
        pairs.append((shlex.split(command.replace("\\\n", " ")), json.loads(answer)))
    return pairs


def holds(answer, shown) -> bool:
    """Whether the answer has what the documentation shows of it."""
    if isinstance(shown, dict):
        return isinstance(answer, dict) and all(
            key in answer and holds(answer[key], value) for key, value in shown.items()
        )
    if isinstance(shown, list):
        return (
            isinstance(answer, list)
            and len(answer) == len(shown)
            and all(holds(a, s) for a, s in zip(answer, shown, strict=True))
        )
    return answer == shown


def test_the_documented_crm_sync_and_usage_ingestion_work_as_shown(org):
    Account.objects.filter(pk=org.account.pk).update(external_id="CRM-1001")
    client = Client(headers=bearer(api_token_create(user=org.manager, name="CRM sync")[1]))
    pairs = examples()
    assert len(pairs) == 4
    for words, shown in pairs:
        assert words[0] == "curl"
        method = words[words.index("-X") + 1] if "-X" in words else "GET"
        body = words[words.index("-d") + 1] if "-d" in words else None
        url = words[-1].replace("$RAPPORT", "").replace("$ACCOUNT_ID", str(org.account.pk))
        assert "Authorization: Bearer $RAPPORT_TOKEN" in words
        if body is None:
            response = client.generic(method, url)
        else:
            response = client.generic(method, url, body, content_type="application/json")
        assert response.status_code in (200, 201), (url, response.content)
        assert holds(response.json(), shown), (url, response.json(), shown)

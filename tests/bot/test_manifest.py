"""The app manifest is valid against Slack's schema and asks only for what is used."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from bot.standin.api_spec import MANIFEST_SCHEMA_FILE, vendored_file

ROOT = Path(__file__).resolve().parents[2]
# Slack's manifest schema, vendored with its MIT notice (bot/standin/slack_spec/).
SCHEMA = vendored_file(*MANIFEST_SCHEMA_FILE)


def _manifest() -> dict:
    return yaml.safe_load((ROOT / "app_manifest.yml").read_text())


def test_manifest_matches_slacks_schema() -> None:
    jsonschema.validate(_manifest(), json.loads(SCHEMA.read_text()))


def test_manifest_declares_what_the_bot_needs() -> None:
    manifest = _manifest()
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/actions"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    shortcut = manifest["features"]["shortcuts"][0]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", "record_as_action")


def test_only_used_scopes() -> None:
    """Each scope maps to Web API methods the code calls (and /actions itself)."""
    needs = {
        "commands": None,
        "chat:write": "chat_postMessage",
        "users:read": "users_info",
        "usergroups:read": "usergroups_users_list",
        "files:write": "files_upload_v2",
        "im:write": "conversations_open",
        "im:history": "conversations_history",
        "channels:history": "conversations_history",
        "groups:history": "conversations_history",
    }
    scopes = _manifest()["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == sorted(needs)
    source = "\n".join(p.read_text() for p in (ROOT / "bot").rglob("*.py")
                       if "standin" not in p.relative_to(ROOT).parts)
    for scope, method in needs.items():
        assert method is None or f".{method}(" in source, f"{scope} is not used"

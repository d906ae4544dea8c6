"""The app manifest is valid against Slack's schema and asks only for what is used."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from bot.standin.api_spec import MANIFEST_SCHEMA_FILE, load_methods, vendored_file

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
    # Off, Slack sends "@julian" as plain words, and mentions cannot be read.
    assert [c["should_escape"] for c in manifest["features"]["slash_commands"]] == [True]
    shortcut = manifest["features"]["shortcuts"][0]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", "record_as_action")
    importing = manifest["features"]["shortcuts"][1]
    assert (importing["type"], importing["callback_id"]) == ("message", "import_from_minutes")
    assert "message.im" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False


# slack_sdk helpers that call several Web API methods under one Python name.
SDK_HELPERS = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}
# For conversations.* methods the scope depends on the kind of conversation. The kinds the
# bot uses each method on: DMs with owners, and the team channel, public or private.
CONVERSATION_KINDS = {
    "conversations.open": {"im"},
    "conversations.history": {"im", "public_channel", "private_channel"},
    "conversations.info": {"public_channel", "private_channel"},
    "conversations.list": {"public_channel", "private_channel"},
}
SOURCE_ROOTS = ("bot", "reminders", "storage")
_CALL = re.compile(r"\.([a-z]+_[A-Za-z0-9_]+)\(")
_API_CALL = re.compile(r"api_call\(\s*[\"']([\w.]+)[\"']")


def methods_called() -> dict[str, set[str]]:
    """Web API methods the bot's code calls, each with the files that call it."""
    by_python_name = {name.replace(".", "_"): name for name in load_methods()}
    found: dict[str, set[str]] = {}
    for root in SOURCE_ROOTS:
        for path in (ROOT / root).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if relative.parts[:2] == ("bot", "standin"):
                continue  # the stand-in answers calls; it does not make them
            source = path.read_text(encoding="utf-8")
            names: list[str] = list(_API_CALL.findall(source))
            for python_name in _CALL.findall(source):
                if python_name in SDK_HELPERS:
                    names += SDK_HELPERS[python_name]
                elif python_name in by_python_name:
                    names.append(by_python_name[python_name])
            for name in names:
                found.setdefault(name, set()).add(str(relative))
    return found


def needed_scopes() -> dict[str, set[str]]:
    """Each bot scope the code needs, with the methods that need it."""
    specs = load_methods()
    needs: dict[str, set[str]] = {}
    manifest = _manifest()
    if manifest["features"].get("slash_commands") or manifest["features"].get("shortcuts"):
        needs["commands"] = {"/actions and the message shortcut"}
    for method in methods_called():
        assert method in specs, (
            f"the code calls {method}, which bot/standin/slack_spec/web_api/slack_web_api.json "
            "does not describe: add it from Slack's method reference, marked as added")
        spec = specs[method]
        if spec.scopes_by_conversation:
            assert method in CONVERSATION_KINDS, (
                f"{method} needs a scope per kind of conversation: say in CONVERSATION_KINDS "
                "which kinds (im, mpim, public_channel, private_channel) the bot uses it on")
            scopes = {spec.scopes_by_conversation[kind] for kind in CONVERSATION_KINDS[method]}
        else:
            scopes = set(spec.scopes)
        for scope in scopes:
            needs.setdefault(scope, set()).add(method)
    return needs


def test_the_scan_finds_the_calls_the_bot_makes() -> None:
    """Guards the scan itself: it must see calls we know are there."""
    called = methods_called()
    assert {"chat.postMessage", "views.open", "views.publish", "users.info"} <= set(called)
    assert "bot/messenger.py" in called["chat.postMessage"]
    assert "bot/uploads.py" in called["files.completeUploadExternal"]  # via files_upload_v2


def test_bot_scopes_are_exactly_what_the_code_needs() -> None:
    """Every scope a called method needs is asked for, and no scope nothing needs."""
    asked = set(_manifest()["oauth_config"]["scopes"]["bot"])
    needs = needed_scopes()
    missing = {scope: sorted(needs[scope]) for scope in sorted(set(needs) - asked)}
    extra = sorted(asked - set(needs))
    problems = [f"add bot scope {scope} to app_manifest.yml (needed by {', '.join(methods)})"
                for scope, methods in missing.items()]
    problems += [f"remove bot scope {scope} from app_manifest.yml (no call needs it)"
                 for scope in extra]
    assert not problems, "\n".join(problems)

"""Which bot scopes the app was granted (from its manifest) and which a call needs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.standin.api_spec import ApiError, MethodSpec

MANIFEST_NAME = "app_manifest.yml"


def find_manifest(start: Path | None = None) -> Path | None:
    """The app_manifest.yml the app runs with: beside the `bot` package, or in the cwd."""
    package_root = Path(__file__).resolve().parents[2]
    for folder in (start, package_root, Path.cwd()):
        if folder is not None and (folder / MANIFEST_NAME).is_file():
            return folder / MANIFEST_NAME
    return None


def manifest_bot_scopes(path: Path) -> frozenset[str]:
    """The bot scopes an app manifest asks for."""
    manifest = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    scopes = manifest.get("oauth_config", {}).get("scopes", {}).get("bot", []) or []
    return frozenset(str(scope) for scope in scopes)


def granted_scopes(scopes: Iterable[str] | None) -> frozenset[str] | None:
    """The scopes a stand-in grants: those given, else the manifest's (None: no manifest)."""
    if scopes is not None:
        return frozenset(scopes)
    manifest = find_manifest()
    return manifest_bot_scopes(manifest) if manifest else None


def needed_scopes(spec: MethodSpec, conversation_kinds: Iterable[str] = ()) -> list[str]:
    """Scopes a call needs: the method's own, or one per kind of conversation it touches."""
    if spec.scopes_by_conversation:
        return sorted({spec.scopes_by_conversation[kind] for kind in conversation_kinds
                       if kind in spec.scopes_by_conversation})
    return list(spec.scopes)


def check_scopes(needed: Iterable[str], granted: frozenset[str] | None) -> None:
    """Answer `missing_scope` with `needed` and `provided`, as Slack does."""
    if granted is None:
        return
    missing = [scope for scope in needed if scope not in granted]
    if missing:
        raise ApiError("missing_scope", extra={"needed": ",".join(missing),
                                               "provided": ",".join(sorted(granted))})

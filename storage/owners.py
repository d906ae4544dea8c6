"""Who an action is written against: a Slack user or a role code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserOwner:
    user_id: str


@dataclass(frozen=True)
class RoleOwner:
    code: str


OwnerRef = UserOwner | RoleOwner

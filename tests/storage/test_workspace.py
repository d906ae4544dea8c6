"""A fresh workspace: settings and roles created once, one first secretariat, even racing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from storage.db import transaction
from storage.models import Role, SecretariatMember, WorkspaceSettings
from storage.services import workspace

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_first_requests_racing_create_one_workspace_and_one_secretariat(sessions) -> None:  # type: ignore[no-untyped-def]
    users = [f"U{n}" for n in range(6)]
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []
    became: list[str] = []

    def first_use(user: str) -> None:
        try:
            barrier.wait()
            with transaction(sessions) as session:
                if workspace.welcome(session, team_id="TNEW", user_id=user, now=NOW):
                    became.append(user)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=first_use, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(became) == 1
    with transaction(sessions) as session:
        count = session.scalar(select(func.count()).select_from(WorkspaceSettings))
        members = session.scalars(select(SecretariatMember.user_id)).all()
        roles = session.scalar(select(func.count()).select_from(Role))
    assert count == 1 and members == became and roles == len(workspace.STANDARD_ROLES)

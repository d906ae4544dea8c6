"""B4: render the pre-meeting summary and the weekly digest over many actions."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk.models.blocks import Block

from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import LONDON, TEAM, Shape, load
from benchmarks.profiling import Profile
from benchmarks.report import Row, Section
from bot.render.common import HEADER_TEXT_LIMIT, MESSAGE_BLOCK_LIMIT, SECTION_TEXT_LIMIT, Reply
from bot.render.reminders import render_meeting_summary, render_weekly_digest
from bot.standin.api_spec import ApiError
from bot.standin.block_kit import check_message
from reminders.planner import (
    Schedule,
    build_digest,
    build_summary,
    latest_digest_slot,
    live_actions,
)
from storage.db import make_engine, make_session_factory, read_transaction
from storage.models import ActionStatus, WorkspaceSettings
from storage.services import meetings, roles
from storage.views import meeting_view

BUDGET_MS = 200.0
# Every action open, so both messages are built over all of them: the worst case.
ALL_OPEN = ((ActionStatus.NOT_STARTED, 45), (ActionStatus.IN_PROGRESS, 40),
            (ActionStatus.COMPLETE, 15))


def run(sizes: Sizes, workdir: Path, postgres_url: str, profile: Profile) -> Section:
    """Build the summary and digest from the actions, then time rendering them."""
    section = Section("B4 rendering")
    with migrated_database("sqlite", workdir, postgres_url) as url:
        engine = make_engine(url)
        try:
            loaded = load(engine, Shape(sizes.b4_actions, max(50, sizes.b4_actions // 20),
                                        max(10, sizes.b4_actions // 100), datetime.now(UTC),
                                        statuses=ALL_OPEN))
            at = loaded.reminder_slot(2)
            with read_transaction(make_session_factory(engine)) as session:
                holders = roles.role_holders(session, team_id=TEAM)
                live = live_actions(session, TEAM, holders, LONDON, since=at - timedelta(days=8))
                upcoming = meeting_view(meetings.next_meeting(session, team_id=TEAM, now=at))
                settings = session.get(WorkspaceSettings, TEAM)
            assert upcoming is not None and settings is not None
            slot = latest_digest_slot(Schedule.of(settings), at, LONDON) or at
        finally:
            engine.dispose()
    summary = build_summary(upcoming, live, at, LONDON)
    digest = build_digest(upcoming, live, slot, LONDON)
    renders: dict[str, Callable[[], Reply]] = {
        "pre-meeting summary": lambda: render_meeting_summary(summary, at, LONDON),
        "weekly digest": lambda: render_weekly_digest(digest, at, LONDON),
    }
    for name, render in renders.items():
        best, payload = _best_ms(render, sizes.b4_repeats)
        if profile.enabled:
            with profile.section(f"b4-{name.replace(' ', '-')}"):
                render().payload()
        problems = validate(payload)
        section.rows.append(Row("B4", "–", f"render {name}, {len(live):,} live of "
                                f"{sizes.b4_actions:,} actions (ms)", best, BUDGET_MS,
                                "target", "ms", limit=1.0))
        section.rows.append(Row("B4", "–", f"{name}: Block Kit and limit problems",
                                float(len(problems)), None, "must be 0", decimals=0))
        section.notes.append(
            f"{name}: {len(payload['blocks'])} blocks, longest text "
            f"{_longest(payload)} characters, {len(json.dumps(payload)):,} bytes of JSON; "
            f"problems: {'; '.join(problems) or 'none'} (best of {sizes.b4_repeats}, "
            f"timed including the to_dict() the messenger does)"
        )
    return section


def _best_ms(render: Callable[[], Reply], repeats: int) -> tuple[float, dict]:
    best, payload = float("inf"), {}
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        payload = render().payload()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, payload


def validate(payload: dict) -> list[str]:
    """Block Kit model validation, the stand-in's message checks and Slack's limits."""
    problems: list[str] = []
    blocks = payload["blocks"]
    if len(blocks) > MESSAGE_BLOCK_LIMIT:
        problems.append(f"{len(blocks)} blocks (limit {MESSAGE_BLOCK_LIMIT})")
    for index, block in enumerate(blocks):
        try:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
        except Exception as exc:  # noqa: BLE001 - any failure is a finding to report
            problems.append(f"block {index}: {exc}")
        for text, limit in _texts(block):
            if len(text) > limit:
                problems.append(f"block {index}: {len(text)} characters (limit {limit})")
    try:
        check_message({"channel": "C0TEAM", "text": payload["text"], "blocks": blocks})
    except ApiError as exc:
        problems.append(f"stand-in refused it: {exc.payload()}")
    return problems


def _texts(block: dict) -> list[tuple[str, int]]:
    found = []
    if isinstance(block.get("text"), dict):
        limit = HEADER_TEXT_LIMIT if block.get("type") == "header" else SECTION_TEXT_LIMIT
        found.append((block["text"].get("text", ""), limit))
    for element in block.get("elements", []) or []:
        if isinstance(element, dict) and "text" in element and isinstance(element["text"], str):
            found.append((element["text"], SECTION_TEXT_LIMIT))
    return found


def _longest(payload: dict) -> int:
    return max((len(t) for b in payload["blocks"] for t, _ in _texts(b)), default=0)

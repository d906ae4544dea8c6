"""B3: deliver a round of owner reminders through the stand-in's Slack rate limits.

The stand-in enforces chat.postMessage at about one per second per channel (with a short
burst) and a workspace-wide ceiling, conversations.open at Tier 3, and answers 429 with
Retry-After. The reminders go through the real ``Deliverer`` and ``SlackMessenger`` with
the bot's Web API client, which waits out 429s. The deliverer's pacer is set to the
workspace ceiling under test, as a deployment would set it to its workspace's. The
reference is the least time the limits allow for the same messages.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import procs
from benchmarks.config import Sizes
from benchmarks.databases import migrated_database
from benchmarks.dataset import LONDON, TEAM, TEAM_CHANNEL, Shape, load
from benchmarks.profiling import Profile
from benchmarks.report import Row, Section
from bot.app import make_web_client
from bot.messenger import SlackMessenger
from bot.settings import Settings
from bot.standin.server import SlackStandIn
from reminders.clock import ManualClock
from reminders.delivery import Deliverer, RoundReport
from reminders.pacing import Pacer
from reminders.planner import Planned, plan_round
from storage.db import make_engine, make_session_factory, read_transaction

WALL_LIMIT = 1.2


def minimum_seconds(per_channel: Counter[str], sizes: Sizes) -> float:
    """The least time the token buckets allow: every bucket starts full, then refills."""
    total = sum(per_channel.values())
    burst = sizes.b3_workspace_burst or math.ceil(sizes.b3_workspace_per_min / 6)
    workspace = max(0.0, (total - burst) / (sizes.b3_workspace_per_min / 60))
    busiest = max(per_channel.values(), default=0)
    channel = max(0.0, (busiest - sizes.b3_channel_burst) / sizes.b3_channel_per_sec)
    return max(workspace, channel)


def run(sizes: Sizes, workdir: Path, postgres_url: str, profile: Profile) -> Section:
    """Plan a round with one reminder per owner, then deliver it and check every DM."""
    section = Section("B3 delivery")
    owners = sizes.b3_reminders
    with migrated_database("sqlite", workdir, postgres_url) as url:
        engine = make_engine(url)
        try:
            loaded = load(engine, Shape(owners * 2, owners, 50, datetime.now(UTC)))
            sessions = make_session_factory(engine)
            at = loaded.reminder_slot()
            with read_transaction(sessions) as session:
                planned = [p for p in plan_round(session, team_id=TEAM, at=at, zone=LONDON)
                           if p.kind == "reminder"]
            with SlackStandIn(team_id=TEAM) as standin:
                standin.add_channel(TEAM_CHANNEL, "opcc-team")
                standin.invite(TEAM_CHANNEL)  # as the secretariat would
                for user in loaded.owners:
                    standin.add_user(user, user.lower())
                standin.rate_limits(
                    per_channel_per_sec=sizes.b3_channel_per_sec, burst=sizes.b3_channel_burst,
                    workspace_per_min=sizes.b3_workspace_per_min,
                    tier3_per_min=sizes.b3_tier3_per_min, minute_burst=sizes.b3_workspace_burst,
                )
                settings = Settings(
                    _env_file=None,  # type: ignore[call-arg]
                    SLACK_BOT_TOKEN=procs.BOT_TOKEN, SLACK_API_URL=standin.api_url,
                )
                clock = ManualClock(at)
                messenger = SlackMessenger(make_web_client(settings), clock, LONDON)
                pacer = Pacer(sizes.b3_workspace_per_min, sizes.b3_workspace_burst)
                deliverer = Deliverer(sessions, messenger, clock, "bench:b3", pacer=pacer)
                with profile.section("b3-delivery"):
                    started = time.perf_counter()
                    report = deliverer.deliver(TEAM, planned)
                    wall = time.perf_counter() - started
                _results(section, sizes, planned, standin, report, wall, loaded.owners)
        finally:
            engine.dispose()
    return section


def _results(section: Section, sizes: Sizes, planned: list[Planned], standin: SlackStandIn,
             report: RoundReport, wall: float, owners: list[str]) -> None:
    per_channel = Counter(p.recipient for p in planned)
    minimum = minimum_seconds(per_channel, sizes)
    received = {user: len(standin.messages_in(user)) for user in owners}
    lost = sum(1 for user in owners if received[user] == 0)
    duplicated = sum(count - 1 for count in received.values() if count > 1)
    posts = standin.calls_to("chat.postMessage")
    limited = sum(1 for call in posts if call.status == 429)
    opens = len(standin.calls_to("conversations.open"))
    section.rows += [
        Row("B3", "sqlite", f"deliver {len(planned):,} reminders, wall time (s)", wall,
            minimum, "limits' minimum", "s", limit=WALL_LIMIT),
        Row("B3", "sqlite", "messages lost + duplicated", float(lost + duplicated), None,
            "must be 0", decimals=0),
    ]
    rate = len(planned) / wall if wall else 0.0
    section.notes.append(
        f"{len(planned):,} reminders to {len(per_channel):,} owners under "
        f"chat.postMessage {sizes.b3_channel_per_sec:g}/s per channel (burst "
        f"{sizes.b3_channel_burst}) and {sizes.b3_workspace_per_min:g}/min per workspace "
        f"(burst {sizes.b3_workspace_burst or math.ceil(sizes.b3_workspace_per_min / 6)}), "
        f"conversations.open {sizes.b3_tier3_per_min:g}/min: {rate:.1f} messages/s against a "
        f"ceiling of {sizes.b3_workspace_per_min / 60:.1f}/s; lost {lost}, duplicated "
        f"{duplicated}; {limited} answers were 429 and waited out; conversations.open "
        f"calls: {opens}; sent {len(report.sent)}, failed {len(report.failed)}"
    )

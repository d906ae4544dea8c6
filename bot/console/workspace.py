"""The console's pretend workspace: its people, their roles and the team channel."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.standin.server import SlackStandIn

TEAM_ID = "T0OPCC"
TEAM_NAME = "OPCC (console)"


@dataclass(frozen=True)
class Person:
    """Someone the console can act as."""

    alias: str  # what you type after :as, and how mentions are shown (@dana)
    user_id: str
    handle: str
    real_name: str
    role: str | None  # the role code they hold, if any
    title: str
    nicknames: tuple[str, ...] = ()


@dataclass(frozen=True)
class Channel:
    """A channel the bot can post to."""

    channel_id: str
    name: str


PEOPLE: tuple[Person, ...] = (
    Person("sam", "USEC", "sam.policy", "Sam Policy", None,
           "policy officer, secretariat (takes the minutes)", ("sec", "secretariat")),
    Person("dana", "UDCC", "dana.dcc", "Dana Deputy", "DCC", "Deputy Chief Constable"),
    Person("alex", "UACC", "alex.acc", "Alex Assistant", "ACC", "Assistant Chief Constable"),
    Person("john", "UPCC", "john.pcc", "John Commissioner", "PCC",
           "Police and Crime Commissioner (chair)", ("chair",)),
)
SECRETARIAT = PEOPLE[0]
TEAM_CHANNEL = Channel("C0TEAM", "opcc-team")

_MENTION_RE = re.compile(r"(?<![\w<])@(?P<name>[A-Za-z][\w.-]*)")
_CHANNEL_RE = re.compile(r"(?<![\w<])#(?P<name>[a-z][\w-]*)")


def find_person(word: str) -> Person | None:
    """The person an alias, role code, handle, user id or nickname names."""
    wanted = word.strip().lstrip("@").lower()
    for person in PEOPLE:
        names = {person.alias, person.user_id.lower(), person.handle, *person.nicknames}
        if person.role:
            names.add(person.role.lower())
        if wanted in names:
            return person
    return None


def user_names() -> dict[str, str]:
    """User id → alias, for showing mentions as @dana."""
    return {p.user_id: p.alias for p in PEOPLE}


def channel_names() -> dict[str, str]:
    """Channel id → name, for showing <#C0TEAM> as #opcc-team."""
    return {TEAM_CHANNEL.channel_id: TEAM_CHANNEL.name}


def slack_text(typed: str) -> str:
    """@dana and #opcc-team as the mentions Slack sends when they are picked from its list."""

    def person(match: re.Match[str]) -> str:
        found = find_person(match["name"])
        return f"<@{found.user_id}>" if found else match.group(0)

    def channel(match: re.Match[str]) -> str:
        if match["name"] == TEAM_CHANNEL.name:
            return f"<#{TEAM_CHANNEL.channel_id}|{TEAM_CHANNEL.name}>"
        return match.group(0)

    return _CHANNEL_RE.sub(channel, _MENTION_RE.sub(person, typed))


def install(standin: SlackStandIn) -> None:
    """Make the people and the channel known to the stand-in's directory."""
    for person in PEOPLE:
        standin.add_user(person.user_id, person.handle, real_name=person.real_name)
    standin.add_channel(TEAM_CHANNEL.channel_id, TEAM_CHANNEL.name,
                        members=[person.user_id for person in PEOPLE])
    # The secretariat has added the app to the channel, as /invite @Action Log does.
    standin.invite(TEAM_CHANNEL.channel_id)


def setup_commands() -> list[str]:
    """What the secretariat types once to set the workspace up: roles and the team channel."""
    lines = [f"role {p.role} <@{p.user_id}>" for p in PEOPLE if p.role]
    lines.append(f"settings channel <#{TEAM_CHANNEL.channel_id}|{TEAM_CHANNEL.name}>")
    return lines


def describe() -> list[str]:
    """One line per person, for :as with no name and for the welcome."""
    lines = []
    for p in PEOPLE:
        also = ", ".join(n for n in (p.role.lower() if p.role else None, *p.nicknames) if n)
        lines.append(f"  {p.alias:<5} {p.real_name}, {p.title}" + (f" (or :as {also})"
                                                                   if also else ""))
    return lines

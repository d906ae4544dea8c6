"""The console loop: read a line, act on it as the current person, print what the bot did."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.console import workspace
from bot.console.demo import demo_steps
from bot.console.forms import FillError, Form
from bot.console.printer import Output, Pressable, render_calls
from bot.console.session import ConsoleBot
from bot.console.timing import local_words, parse_duration, parse_local_time
from bot.standin.server import Call

HELP = """\
Type /actions commands as the current person, e.g. /actions add DCC to review the metric by \
next meeting (@dana and #opcc-team become Slack mentions). Console commands:
  :as NAME          act as someone else: sam (secretariat), dana (DCC), alex (ACC), john (PCC)
  :home             open your Home tab
  :press N          press button [N] from the output; or by label: :press Mark complete A-1
  :fill N VALUE     fill field (N) of the open form (dates dd/mm/yyyy, choices by number,
                    people by name); then :submit, or :cancel; :form shows it again
  :advance SPAN     move the clock on (5d, 3h, 2w, 30m) and deliver what falls due on the way
  :at TIME          move the clock to a local time, e.g. :at 2026-11-19 09:00
  :time             show the clock
  :demo             load demo meetings and actions in the style of the minutes
  :help             this help
  :quit             stop (end of input does the same)"""
_REF_RE = re.compile(r"^(?P<label>.*?)\s+(?P<ref>A-?\d+)$", re.IGNORECASE)


class Console:
    """Holds who you are, the buttons last shown and the open form."""

    def __init__(self, bot: ConsoleBot, write: Callable[[str], None]) -> None:
        self.bot, self.write = bot, write
        self.person = workspace.SECRETARIAT
        self.buttons: list[Pressable] = []
        self.form: Form | None = None
        self.commands: dict[str, Callable[[str], None]] = {
            "help": lambda _: self.write(HELP), "h": lambda _: self.write(HELP),
            "as": self.switch, "home": self.home, "press": self.press, "fill": self.fill,
            "submit": self.submit, "cancel": self.cancel, "form": self.show_form,
            "advance": self.advance, "at": self.at, "time": self.time, "demo": self.demo,
        }

    @property
    def prompt(self) -> str:
        return f"{self.person.alias}> "

    def handle(self, line: str) -> bool:
        """Act on one line; False when it asks to quit."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line.startswith(":"):
            name, _, rest = line[1:].partition(" ")
            if name.lower() in ("quit", "q", "exit"):
                return False
            handler = self.commands.get(name.lower())
            if handler is None:
                self.write(f"I don't know :{name}. Type :help for the console commands.")
            else:
                handler(rest.strip())
        elif line.startswith("/"):
            self.slash(line)
        else:
            self.write("Type a /actions command, or :help for the console commands.")
        return True

    def show(self, calls: list[Call], full_home: bool = False, more: bool = False) -> Output:
        """Print calls; remember their buttons (``more``: besides those just shown) and form."""
        first = len(self.buttons) + 1 if more else 1
        out = render_calls(calls, self.person.user_id if full_home else None, first)
        for line in out.lines:
            self.write(line)
        if out.buttons:
            self.buttons = (self.buttons if more else []) + out.buttons
        if out.form is not None:
            self.form = out.form
        return out

    def slash(self, line: str) -> None:
        """Type a slash command in the team channel, as Slack would send it."""
        command, _, text = line.partition(" ")
        if command != "/actions":
            self.write(f"{command} is not a command here; this workspace has /actions.")
            return
        answer = self.bot.command(self.person, workspace.slack_text(text.strip()))
        if answer.status != 200:
            self.write(f"[the bot answered HTTP {answer.status}]")
            return
        self.show(self.bot.settle())

    def switch(self, name: str) -> None:
        """:as NAME, or the list of people when NAME is missing or unknown."""
        found = workspace.find_person(name) if name else None
        if found is None:
            self.write(("" if not name else f"I don't know {name!r}. ") + "People here:")
            for line in workspace.describe():
                self.write(line)
            return
        self.person = found
        self.write(f"You are now @{found.alias} ({found.real_name}, {found.title}).")

    def home(self, _: str) -> None:
        """Open the current person's Home tab, as clicking the app in Slack does."""
        self.bot.open_home(self.person)
        self.show(self.bot.settle(), full_home=True)

    def press(self, which: str) -> None:
        """Press a button shown in the latest output, by number or by label (and ref)."""
        target = self._find_button(which)
        if target is None:
            return
        button = target.button
        action = {"action_id": button.action_id, "block_id": button.block_id,
                  "text": {"type": "plain_text", "text": button.label}}
        if button.value is not None:
            action["value"] = button.value
        reply = None if "view" in target.container else self.bot.response_url(
            self.person.user_id)
        self.write(f"(pressed [{target.number}] {button.label}"
                   + (f" on {button.about}" if button.about else "") + ")")
        self.bot.sender.block_action(action, user_id=self.person.user_id,
                                     user_name=self.person.handle, container=target.container,
                                     response_url=reply)
        self.show(self.bot.settle(), full_home=True)

    def _find_button(self, which: str) -> Pressable | None:
        if not self.buttons:
            self.write("There are no buttons to press yet; try :home.")
            return None
        if which.isdigit():
            found = [b for b in self.buttons if b.number == int(which)]
        else:
            label, ref = which, None
            match = _REF_RE.match(which)
            if match:  # "Mark complete A-1": the button under the line about A-1
                label, ref = match["label"], "A-" + re.sub(r"\D", "", match["ref"])
            found = [b for b in self.buttons if b.button.label.lower() == label.strip().lower()
                     and (ref is None or re.search(rf"\b{ref}\b", b.button.about))]
        if len({(b.button.action_id, b.button.value) for b in found}) == 1:
            return found[0]
        self.write(f"Which button? {'Several match' if found else 'None matches'}:")
        for b in found or self.buttons:
            self.write(f"  [{b.number}] {b.button.label}"
                       + (f" on {b.button.about}" if b.button.about else ""))
        return None

    def show_form(self, _: str = "") -> None:
        if self.form is None:
            self.write("No form is open.")
            return
        for line in self.form.describe():
            self.write(line)

    def fill(self, args: str) -> None:
        """:fill N value, for field N of the open form."""
        number, _, value = args.partition(" ")
        if self.form is None or not number.isdigit():
            self.write("No form is open." if self.form is None else "Say :fill N value.")
            return
        try:
            item = self.form.fill(int(number), value, self._user_id)
        except FillError as exc:
            self.write(str(exc))
            return
        self.write(f"({number}) {item.label} = {item.shown or '(empty)'}")

    def _user_id(self, name: str) -> str | None:
        person = workspace.find_person(name)
        return person.user_id if person else None

    def submit(self, _: str) -> None:
        """Send the open form; the bot may refuse it with errors beside the fields."""
        form = self.form
        if form is None:
            self.write("No form is open.")
            return
        view = {"id": form.view_id, "callback_id": form.callback_id, "blocks": form.blocks,
                "private_metadata": form.private_metadata,
                "title": {"type": "plain_text", "text": form.title},
                "state": {"values": form.state_values()}}
        sent = self.bot.sender.view_submission(view, user_id=self.person.user_id,
                                               user_name=self.person.handle)
        if sent.status != 200:
            self.write(f"[the bot answered HTTP {sent.status}]")
            return
        answer = sent.json()
        if answer.get("response_action") == "errors":
            self.write("The form was not accepted:")
            for line in form.describe(answer.get("errors") or {}):
                self.write(line)
            self.show(self.bot.settle(expect_activity=False))
            return
        self.form = None
        self.write("(form submitted)")
        if answer.get("response_action") in ("update", "push"):
            self.form = Form.of({"id": form.view_id, **answer.get("view", {})})
            self.show_form()
        self.show(self.bot.settle())

    def cancel(self, _: str) -> None:
        self.write("(form closed)" if self.form else "No form is open.")
        self.form = None

    def advance(self, span: str) -> None:
        try:
            by = parse_duration(span)
        except ValueError as exc:
            self.write(str(exc))
            return
        self._move(self.bot.clock.now() + by)

    def at(self, text: str) -> None:
        try:
            when = parse_local_time(text, self.bot.zone)
        except ValueError as exc:
            self.write(str(exc))
            return
        self._move(when)

    def _move(self, to: datetime) -> None:
        """Move the clock, printing what each reminder round on the way delivered."""
        if to < self.bot.clock.now():
            self.write("(moving the clock back: nothing is sent for times already passed)")
        shown = False
        for when, calls in self.bot.move_clock(to):
            if render_calls(calls).lines:
                if not shown:
                    self.buttons, shown = [], True
                self.write(f"-- {local_words(when, self.bot.zone)} --")
                # One numbering across the rounds, so every button shown can be pressed.
                self.show(calls, more=True)
        self.time("")

    def time(self, _: str) -> None:
        zone = self.bot.zone
        self.write(f"The time is {local_words(self.bot.clock.now(), zone)} ({zone.key}).")

    def demo(self, _: str) -> None:
        """Load the demo through real /actions commands, so it exercises the app."""
        if self.bot.has_actions():
            # Its sample update names A-1: on a log with actions it would go to the wrong one.
            self.write("The demo is for an empty action log, and this one already has actions, "
                       "so nothing was added. Start with a new --db file to load it.")
            return
        today = self.bot.clock.now().astimezone(self.bot.zone).date()
        demo = demo_steps(today)
        for alias, text in demo.steps:
            person = workspace.find_person(alias) or self.person
            self.write(f"{person.alias}> /actions {text}")
            self.bot.command(person, text)
            self.show(self.bot.settle())
        self.write(f"Demo loaded. Reminders for the meeting on {demo.next_meeting:%a %d %b} "
                   f"go out on {demo.first_reminder:%a %d %b}: try "
                   f":at {demo.first_reminder:%Y-%m-%d} 09:00")


def run(console: Console, lines: Iterable[str] | None = None, echo: bool = False) -> None:
    """Read lines until :quit or the end of input; ``lines`` None means prompt on a terminal."""
    if lines is not None:
        for line in lines:
            if not line.strip():
                continue
            if echo:
                console.write(console.prompt + line.rstrip("\n"))
            if not _handle(console, line):
                return
            console.write("")
        return
    while True:
        try:
            line = input(console.prompt)
        except EOFError:
            console.write("")
            return
        except KeyboardInterrupt:
            console.write("")
            continue
        try:
            if not _handle(console, line):
                return
        except KeyboardInterrupt:  # stop waiting for the bot, not the console
            console.write("(interrupted)")
        if line.strip():
            console.write("")


def _handle(console: Console, line: str) -> bool:
    """One line; a bug in the console must not end the session, so report it and go on."""
    try:
        return console.handle(line)
    except Exception as exc:
        print(f"console: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return True

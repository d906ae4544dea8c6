"""Import from minutes: the paste form, turning the review's pages, and recording at once."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.directory import SlackDirectory
from bot.file_download import download_file, minutes_file_ids
from bot.ids import ActionId, BlockId, CallbackId, ImportField
from bot.listeners.guard import acked_safely
from bot.minutes.extract import extract_actions
from bot.minutes.read import MinutesReadError, read_minutes
from bot.minutes.review import flags, minutes_meeting, review_data, to_record
from bot.open_form import open_form
from bot.parsing.owners import KnownRole
from bot.render.common import Reply, section
from bot.render.imports import (
    PAGE_SIZE,
    edits_from,
    file_offer,
    notice_form,
    paste_form,
    review_form,
)
from bot.replies import reply_privately
from storage.db import transaction
from storage.errors import ServiceError
from storage.models import PendingImport
from storage.services import imports, roles, workspace
from storage.services.actions import format_ref
from storage.services.people import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.app import Deps
    from bot.home import HomeRefresher

NO_ACTIONS = (
    "I found no agreed actions in that text, so nothing was recorded. I look for lines such as "
    "“ACTION: DCC to review …”, “DCC to … by 31/03/2027”, “It was agreed that the CC would …” "
    "or “… to be brought back to the November meeting”."
)
NO_FILE = (
    "That message has no file I can read. Use this on a message with the minutes attached as "
    ".docx, .pdf, .txt or .md, or paste the text with `/actions import`."
)
NO_ACTIONS_IN_FILE = (
    "I found no agreed actions in {name}, so nothing was recorded. I look for lines such as "
    "“ACTION: DCC to review …”, “DCC to … by 31/03/2027” or an action table with Action and "
    "Owner columns."
)
DEACTIVATED = "Only active members of this workspace can import actions; nothing was changed."
_FIELDS = {"text": ImportField.TEXT, "owners": ImportField.OWNERS, "due": ImportField.DUE}


def open_paste_form(client: WebClient, trigger_id: str, user_id: str) -> None:
    open_form(client, trigger_id, user_id, paste_form)


def register(app: App, deps: Deps, directory: SlackDirectory, home: HomeRefresher) -> None:
    def today() -> date:
        return deps.clock.now().astimezone(deps.timezone).date()

    def start_review(client: WebClient, team_id: str, user_id: str, file_id: str,
                     trigger_id: str) -> None:
        """Open a form at once (the trigger lasts 3 s), then fill it with the file's review."""
        opened = open_form(client, trigger_id, user_id,
                           lambda: notice_form("Reading the minutes…"))
        if opened is None:
            return  # the person has been told; nothing was read or stored
        view_id = opened["view"]["id"]
        if directory.is_deactivated(user_id):
            client.views_update(view_id=view_id, view=notice_form(DEACTIVATED))
            return
        try:
            name, data = download_file(client, file_id)
            blocks = read_minutes(name, data)
        except MinutesReadError as exc:
            client.views_update(view_id=view_id, view=notice_form(exc.message))
            return
        extraction = extract_actions(blocks, today=today())
        if not extraction.proposals:
            client.views_update(view_id=view_id,
                                view=notice_form(NO_ACTIONS_IN_FILE.format(name=name)))
            return
        form = _start(team_id, user_id, name, extraction)
        client.views_update(view_id=view_id, view=form)

    def _start(team_id: str, user_id: str, source_name: str, extraction: Any) -> Any:
        with transaction(deps.sessions) as session:
            workspace.get_settings(session, team_id=team_id, now=deps.clock.now())
            duplicates = imports.likely_duplicates(
                session, team_id=team_id, texts=[p.text for p in extraction.proposals])
            data = review_data(extraction, source_name=source_name, duplicates=duplicates)
            _flag(session, team_id, data, today())
            pending = imports.start_import(session, team_id=team_id, user_id=user_id,
                                           source_name=source_name, data=data,
                                           now=deps.clock.now())
            return review_form(pending.id, data, 0)

    @app.shortcut(CallbackId.IMPORT_FROM_MESSAGE)
    @acked_safely
    def on_import_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        found = minutes_file_ids((shortcut.get("message") or {}).get("files"))
        if not found:
            open_form(client, shortcut["trigger_id"], shortcut["user"]["id"],
                      lambda: notice_form(NO_FILE))
            return
        start_review(client, shortcut["team"]["id"], shortcut["user"]["id"], found[0],
                     shortcut["trigger_id"])

    @app.event("message")
    def on_direct_message(event: dict[str, Any], client: WebClient) -> None:
        # Only files sent to the bot in its DM are offered; other messages need no answer.
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        for file_id in minutes_file_ids(event.get("files")):
            name = next(str(f.get("name")) for f in event["files"] if str(f.get("id")) == file_id)
            text, blocks = file_offer(name, file_id)
            client.chat_postMessage(channel=event["channel"], text=text, blocks=blocks)

    @app.action(ActionId.IMPORT_FILE)
    @acked_safely
    def on_import_file(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        start_review(client, body["team"]["id"], body["user"]["id"],
                     str(body["actions"][0].get("value") or ""), body["trigger_id"])

    @app.view(CallbackId.IMPORT_PASTE)
    @acked_safely
    def on_paste(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        if directory.is_deactivated(user_id):
            ack(response_action="errors", errors={BlockId.MINUTES_TEXT: DEACTIVATED})
            return
        values = _values(view)
        text = str(_field(values, BlockId.MINUTES_TEXT).get("value") or "")
        picked = _field(values, BlockId.MINUTES_DATE).get("selected_date")
        try:
            blocks = read_minutes("pasted minutes.txt", text.encode("utf-8"))
        except MinutesReadError:
            ack(response_action="errors", errors={
                BlockId.MINUTES_TEXT: "Paste the minutes here, or the part with the actions."})
            return
        extraction = extract_actions(blocks, today=today(),
                                     meeting_date=date.fromisoformat(picked) if picked else None)
        if not extraction.proposals:
            ack(response_action="errors", errors={BlockId.MINUTES_TEXT: NO_ACTIONS})
            return
        form = _start(team_id, user_id, "Pasted minutes", extraction)
        ack(response_action="update", view=form)

    @app.action(re.compile(rf"^{ActionId.IMPORT_PAGE}:"))
    @acked_safely
    def on_page(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = body["view"]
        meta = _meta(view)
        target = int(body["actions"][0].get("value") or 0)
        try:
            with transaction(deps.sessions) as session:
                pending = _pending(session, body, meta)
                data = _with_edits(session, pending, view, meta, today())
                form = review_form(pending.id, data, target)
        except ServiceError as exc:
            reply_privately(client, None, body["user"]["id"], _notice(exc.message))
            return
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=form)

    @app.view(CallbackId.IMPORT_REVIEW)
    @acked_safely
    def on_review(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                  client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        meta = _meta(view)
        if directory.is_deactivated(user_id):
            ack(response_action="errors", errors={ImportField.KEEP.block(
                meta["page"] * PAGE_SIZE): DEACTIVATED})
            return
        try:
            with transaction(deps.sessions) as session:
                pending = _pending(session, body, meta)
                data = _with_edits(session, pending, view, meta, today())
                known = _known_roles(session, team_id)
        except ServiceError as exc:
            ack(response_action="update", view=_closed_notice(exc.message))
            return
        items, problems = to_record(data, today(), known)
        if problems:
            here = {_FIELDS[p.field].block(p.index): p.message for p in problems
                    if p.index // PAGE_SIZE == meta["page"]}
            if here:
                ack(response_action="errors", errors=here)
            else:
                first = problems[0]
                ack(response_action="update", view=review_form(
                    meta["import"], data, first.index // PAGE_SIZE,
                    note=f"Action {first.index + 1}: {first.message}"))
            return
        with transaction(deps.sessions) as session:
            group = workspace.get_settings(session, team_id=team_id,
                                           now=deps.clock.now()).secretariat_usergroup_id
        # Asked of Slack before the recording transaction opens, never inside it.
        actor = Actor(user_id, directory.in_group(group, user_id))
        try:
            with transaction(deps.sessions) as session:
                pending = _pending(session, body, meta)
                recorded = imports.record_import(
                    session, team_id=team_id, actor=actor, pending=pending, items=items,
                    meeting=minutes_meeting(data.get("meeting")),
                    next_meeting=minutes_meeting(data.get("next_meeting")),
                    now=deps.clock.now(), zone=deps.timezone)
                refs = [format_ref(action.ref) for action in recorded]
        except ServiceError as exc:
            ack(response_action="update", view=review_form(meta["import"], data, meta["page"],
                                                           note=exc.message))
            return
        ack(response_action="clear")
        meeting = (data.get("meeting") or {}).get("date")
        where = f" from the minutes of {meeting}" if meeting else ""
        reply_privately(client, None, user_id, _notice(
            f"Recorded {len(refs)} action{'s' if len(refs) != 1 else ''}{where}: "
            f"{', '.join(refs)}. See them with `/actions list`."))
        home.refresh(team_id, {user_id})


def _known_roles(session: Session, team_id: str) -> list[KnownRole]:
    """The workspace's roles, built-in and created from minutes, with their titles."""
    return [KnownRole(role.code, role.title)
            for role in roles.list_roles(session, team_id=team_id)]


def _flag(session: Session, team_id: str, data: dict[str, Any], today: date) -> None:
    known = _known_roles(session, team_id)
    for item in data["items"]:
        item["flags"] = flags(item, known, today)


def _with_edits(session: Session, pending: PendingImport, view: dict[str, Any],
                meta: dict[str, int], today: date) -> dict[str, Any]:
    """Keep the edits on the page just left, with the flags worked out again."""
    data = edits_from(_values(view), pending.data, meta["page"])
    _flag(session, pending.team_id, data, today)
    imports.save_review(pending, data)
    return data


def _pending(session: Session, body: dict[str, Any], meta: dict[str, int]) -> PendingImport:
    return imports.get_import(session, team_id=body["team"]["id"], import_id=meta["import"],
                              user_id=body["user"]["id"])


def _meta(view: dict[str, Any]) -> dict[str, int]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        return {"import": int(meta["import"]), "page": int(meta.get("page", 0))}
    except (ValueError, KeyError, TypeError):
        return {"import": 0, "page": 0}


def _values(view: dict[str, Any]) -> dict[str, Any]:
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def _field(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    entry = values.get(block_id, {}).get("value")
    return entry if isinstance(entry, dict) else {}


def _notice(text: str) -> Reply:
    return Reply(text=text, blocks=[section(text)])


def _closed_notice(message: str) -> Any:
    from slack_sdk.models.views import View

    return View(type="modal", title="Import from minutes", close="Close",
                blocks=[section(message)])

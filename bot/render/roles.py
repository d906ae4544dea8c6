"""Replies about roles: the directory, a new role, an owner the minutes name but we don't know."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.ids import ActionId
from bot.parsing.owners import BUILT_IN_TITLES, UnknownOwner
from bot.render.common import Reply, context, inline, section
from storage.models import Role

# Slack's limit on a button's value; a longer retry is offered as text to send again.
BUTTON_VALUE_LIMIT = 2000


def role_name(role: Role) -> str:
    """A role as people read it: its title as written, or a built-in's code and title."""
    if role.title:
        return inline(role.title)
    built_in = BUILT_IN_TITLES.get(role.code)
    return f"{role.code} ({built_in})" if built_in else role.code


def _role_line(role: Role) -> str:
    code = f" · `{role.code}`" if role.title else ""
    if role.external:
        contact = f" · contact: {inline(role.contact)}" if role.contact else ""
        return f"• *{role_name(role)}*{code}: outside Slack, chased by the secretariat{contact}"
    holder = f"<@{role.holder_user_id}>" if role.holder_user_id else "_vacant_"
    return f"• *{role_name(role)}*{code}: {holder}"


def render_roles(roles: Sequence[Role]) -> Reply:
    """Every role with its holder, or that it is outside Slack."""
    lines = [_role_line(r) for r in roles]
    text = "*Roles*\n" + (
        "\n".join(lines) or "None yet. Add one with `/actions role new <title>`."
    )
    return Reply(text=text, blocks=[section(text)])


def render_role_set(role: Role, user_id: str | None, previous: str | None) -> Reply:
    """Who holds a role now, and who did before."""
    holder = f"<@{user_id}>" if user_id else "nobody (vacant)"
    name = inline(role.title) if role.title else role.code
    text = f":bust_in_silhouette: {name} is now held by {holder}."
    if previous and previous != user_id:
        text += f" Before: <@{previous}>. Actions owned by {name} follow the new holder."
    return Reply(text=text, blocks=[section(text)])


def render_role_created(role: Role) -> Reply:
    """Confirm a new role, saying how to give it a holder or that it is chased."""
    if role.external:
        contact = f" Contact: {inline(role.contact)}." if role.contact else ""
        what = (
            f"It is outside Slack: the secretariat's reminders list its actions to chase.{contact}"
        )
    else:
        what = f"Give it a holder with `/actions role {role.code} @person`."
    text = f":bust_in_silhouette: Role *{role_name(role)}* created (code `{role.code}`). {what}"
    return Reply(text=text, blocks=[section(text)])


def render_role_external(role: Role) -> Reply:
    if role.external:
        contact = f" Contact: {inline(role.contact)}." if role.contact else ""
        text = (
            f":bust_in_silhouette: *{role_name(role)}* is outside Slack: reminders list its "
            f"actions for the secretariat to chase.{contact}"
        )
    else:
        text = (
            f":bust_in_silhouette: *{role_name(role)}* is inside Slack again: its holder is "
            "reminded directly."
        )
    return Reply(text=text, blocks=[section(text)])


def render_unknown_owners(
    unknown: Sequence[UnknownOwner], *, retry: str | None, can_create: bool
) -> Reply:
    """Nothing recorded: say which owners are unknown, suggest near names, offer to create.

    `retry` is the button's value (the roles to create and the command to run again).
    """
    lines = []
    for owner in unknown:
        line = f"• I don't know *{inline(owner.written)}* as an owner."
        if owner.nearest is not None:
            near = owner.nearest
            name = f"{inline(near.title)} ({near.code})" if near.title else near.code
            line += f" Did you mean *{name}*?"
        lines.append(line)
    titles = ", ".join(f"“{inline(o.written)}”" for o in unknown)
    if can_create:
        hint = (
            f"Nothing was recorded. Create {titles} as a new role (you can give it a holder "
            "or mark it external later), or send the command again with a known role."
        )
    else:
        hint = (
            "Nothing was recorded. Use a known role (see `/actions roles`), or ask the "
            f"secretariat to add {titles} with `/actions role new <title>`."
        )
    text = "\n".join(lines) + "\n" + hint
    blocks: list[Block] = [section(text)]
    if can_create and retry is not None and len(retry) <= BUTTON_VALUE_LIMIT:
        label = "Create role and record" if len(unknown) == 1 else "Create roles and record"
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(text=label, action_id=ActionId.CREATE_ROLES_AND_ADD,
                                  value=retry, style="primary")
                ]
            )
        )
    elif can_create:
        blocks.append(context("Create it with `/actions role new <title>`, then send it again."))
    return Reply(text=text, blocks=blocks)

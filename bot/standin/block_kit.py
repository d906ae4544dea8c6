"""Block Kit as Slack validates it: slack_sdk's model checks plus the limits it leaves out."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, BlockElement

from bot.standin.api_spec import ApiError, Args

# Limits from Slack's Block Kit reference (https://api.slack.com/reference/block-kit/...).
MAX_MESSAGE_BLOCKS = 50  # .../blocks: "up to 50 blocks in each message"
MAX_VIEW_BLOCKS = 100  # .../blocks: "up to 100 blocks in modals or Home tabs"
MAX_TEXT_OBJECT = 3000  # .../composition-objects#text: text max 3000 characters
MAX_HEADER_TEXT = 150  # .../blocks#header: text max 150 characters
MAX_MESSAGE_TEXT = 40_000  # chat.postMessage: text truncated past 40,000 -> msg_too_long
MAX_VIEW_TITLE = 24  # .../surfaces/modals: title max 24 characters
MAX_PRIVATE_METADATA = 3000  # .../surfaces/modals: private_metadata max 3000 characters
MAX_BUTTON_TEXT = 75  # .../block-elements#button: text max 75 characters
MAX_ID = 255  # action_id (.../block-elements) and block_id (.../blocks): max 255 characters
MAX_ACTIONS_ELEMENTS = 25  # .../blocks#actions: "a maximum of 25 elements"

# Context blocks hold text objects as well as elements; they are not element types.
_TEXT_OBJECTS = frozenset({"plain_text", "mrkdwn"})
# slack_sdk logs a warning for unknown types before returning None; the refusal says it.
logging.getLogger("slack_sdk.models").setLevel(logging.ERROR)


def _rejection(error: str, message: str) -> ApiError:
    """An error carrying Slack's `[ERROR] ...` explanation in response_metadata."""
    return ApiError(error, messages=[f"[ERROR] {message}"])


def _oversized_text(node: Any, pointer: str) -> str | None:
    """Return the JSON pointer of the first text object over Slack's length limits."""
    if isinstance(node, dict):
        text = node.get("text")
        if node.get("type") == "header" and isinstance(text, dict):
            if len(str(text.get("text", ""))) > MAX_HEADER_TEXT:
                return f"{pointer}/text"
        elif node.get("type") in _TEXT_OBJECTS and isinstance(text, str):
            return pointer if len(text) > MAX_TEXT_OBJECT else None
        children: Iterable[tuple[Any, Any]] = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return None
    for key, child in children:
        found = _oversized_text(child, f"{pointer}/{key}")
        if found:
            return found
    return None


def _elements(block: dict[str, Any], pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    """The interactive or image elements a block holds, with their JSON pointers."""
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            yield block[key], f"{pointer}/{key}"
    if block.get("type") in ("actions", "context") and isinstance(block.get("elements"), list):
        for index, element in enumerate(block["elements"]):
            if isinstance(element, dict) and element.get("type") not in _TEXT_OBJECTS:
                yield element, f"{pointer}/elements/{index}"


def _check_element(element: dict[str, Any], pointer: str, error: str) -> None:
    # Lengths first, for a precise pointer; slack_sdk checks some of them too.
    if len(str(element.get("action_id", ""))) > MAX_ID:
        raise _rejection(error, f"must be less than {MAX_ID + 1} characters "
                                f"[json-pointer:{pointer}/action_id]")
    label = element.get("text")
    if element.get("type") == "button" and isinstance(label, dict) and \
            len(str(label.get("text", ""))) > MAX_BUTTON_TEXT:
        raise _rejection(error, f"must be less than {MAX_BUTTON_TEXT + 1} characters "
                                f"[json-pointer:{pointer}/text/text]")
    try:
        parsed = BlockElement.parse(element)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise _rejection(error, f"invalid {element.get('type')} element: {exc} "
                                f"[json-pointer:{pointer}]") from None
    if parsed is None:
        raise _rejection(error, f"unknown element type {element.get('type')!r} "
                                f"[json-pointer:{pointer}/type]")
    try:
        parsed.validate_json()
    except (SlackObjectFormationError, TypeError, ValueError) as exc:
        raise _rejection(error, f"{exc} [json-pointer:{pointer}]") from None


def _check_block(block: Any, pointer: str, error: str) -> None:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        raise _rejection(error, f"missing required field: type [json-pointer:{pointer}]")
    if len(str(block.get("block_id", ""))) > MAX_ID:
        raise _rejection(error, f"must be less than {MAX_ID + 1} characters "
                                f"[json-pointer:{pointer}/block_id]")
    if block["type"] == "actions" and len(block.get("elements") or []) > MAX_ACTIONS_ELEMENTS:
        raise _rejection(error, f"no more than {MAX_ACTIONS_ELEMENTS} items allowed "
                                f"[json-pointer:{pointer}/elements]")
    try:
        parsed = Block.parse(block)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # slack_sdk's constructors refuse missing required fields with a TypeError.
        raise _rejection(error, f"invalid {block['type']} block: {exc} "
                                f"[json-pointer:{pointer}]") from None
    if parsed is None:
        raise _rejection(error, f"unknown block type {block['type']!r} "
                                f"[json-pointer:{pointer}/type]")
    try:
        parsed.validate_json()  # e.g. a section needs text or fields
    except (SlackObjectFormationError, TypeError, ValueError) as exc:
        raise _rejection(error, f"{exc} [json-pointer:{pointer}]") from None
    for element, where in _elements(block, pointer):
        _check_element(element, where, error)


def _check_blocks(blocks: Any, limit: int, pointer: str, error: str) -> None:
    """Apply Block Kit's shape, type, count and length limits to a block list."""
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format" if error == "invalid_blocks" else error)
    if len(blocks) > limit:
        raise _rejection(error, f"no more than {limit} items allowed [json-pointer:{pointer}]")
    for index, block in enumerate(blocks):
        _check_block(block, f"{pointer}/{index}", error)
    too_long = _oversized_text(blocks, pointer)
    if too_long:
        raise _rejection(error, f"text too long [json-pointer:{too_long}]")


def check_message(args: Args, *, require_content: bool = True) -> None:
    """Validate a message body (text, blocks, attachments) the way chat.* methods do."""
    text, blocks = args.get("text"), args.get("blocks")
    if require_content and not (text or blocks or args.get("attachments")):
        raise ApiError("no_text")
    if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        raise ApiError("msg_too_long")
    if blocks not in (None, ""):
        _check_blocks(blocks, MAX_MESSAGE_BLOCKS, "/blocks", "invalid_blocks")
    if args.get("metadata") not in (None, ""):
        check_metadata(args["metadata"])


def check_metadata(metadata: Any) -> None:
    """Message metadata is an object with a string `event_type` and an object
    `event_payload` (https://api.slack.com/metadata/using)."""
    if not isinstance(metadata, dict):
        raise ApiError("invalid_metadata_format")
    if not isinstance(metadata.get("event_type"), str) or not metadata["event_type"] or \
            not isinstance(metadata.get("event_payload"), dict):
        raise ApiError("invalid_metadata_schema")


def check_view(view: Any, expected_type: str | None) -> dict[str, Any]:
    """Validate a modal or Home tab view; Slack reports these as `invalid_arguments`."""
    invalid = "invalid_arguments"
    if not isinstance(view, dict):
        raise _rejection(invalid, "failed to match all allowed schemas [json-pointer:/view]")
    kind = view.get("type")
    if kind not in ("modal", "home") or (expected_type and kind != expected_type):
        raise _rejection(invalid, "invalid view type [json-pointer:/view/type]")
    blocks = view.get("blocks", [])
    if kind == "modal":
        title = view.get("title")
        if not isinstance(title, dict):
            raise _rejection(invalid, "missing required field: title [json-pointer:/view]")
        if len(str(title.get("text", ""))) > MAX_VIEW_TITLE:
            raise _rejection(invalid, f"must be less than {MAX_VIEW_TITLE + 1} characters "
                                      "[json-pointer:/view/title/text]")
        has_input = isinstance(blocks, list) and any(
            isinstance(block, dict) and block.get("type") == "input" for block in blocks)
        if has_input and not view.get("submit"):
            # .../surfaces/modals: submit is "required when an input block is within blocks"
            raise _rejection(invalid, "submit is required when an input block is present "
                                      "[json-pointer:/view/submit]")
    if len(str(view.get("private_metadata", ""))) > MAX_PRIVATE_METADATA:
        raise _rejection(invalid, f"must be less than {MAX_PRIVATE_METADATA + 1} characters "
                                  "[json-pointer:/view/private_metadata]")
    _check_blocks(blocks, MAX_VIEW_BLOCKS, "/view/blocks", invalid)
    return view

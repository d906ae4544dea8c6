"""Every action id, block id and callback id, named once."""

from enum import StrEnum


class Command(StrEnum):
    ACTIONS = "/actions"


class ActionId(StrEnum):
    ADD_UPDATE = "action_add_update"
    MARK_IN_PROGRESS = "action_mark_in_progress"
    MARK_COMPLETE = "action_mark_complete"
    NEED_MORE_TIME = "action_need_more_time"
    LIST_PAGE = "list_page"


class CallbackId(StrEnum):
    RECORD_ACTION = "record_action"
    RECORD_FROM_MESSAGE = "record_as_action"
    ADD_UPDATE = "add_update"
    NEED_MORE_TIME = "need_more_time"


class BlockId(StrEnum):
    TEXT = "text"
    OWNERS_PEOPLE = "owners_people"
    OWNERS_ROLES = "owners_roles"
    DUE_DATE = "due_date"
    DUE_MEETING = "due_meeting"
    AGENDA_ITEM = "agenda_item"
    SOURCE_MEETING = "source_meeting"
    NOTE = "note"
    NEW_DATE = "new_date"
    REASON = "reason"

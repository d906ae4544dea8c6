"""Every action id, block id and callback id, named once."""

from enum import StrEnum


class Command(StrEnum):
    ACTIONS = "/actions"


class ActionId(StrEnum):
    ADD_UPDATE = "action_add_update"
    MARK_IN_PROGRESS = "action_mark_in_progress"
    MARK_COMPLETE = "action_mark_complete"
    NEED_MORE_TIME = "action_need_more_time"
    IMPORT_PAGE = "import_page"
    IMPORT_FILE = "import_file"
    CREATE_ROLES_AND_ADD = "create_roles_and_add"


class CallbackId(StrEnum):
    RECORD_ACTION = "record_action"
    RECORD_FROM_MESSAGE = "record_as_action"
    ADD_UPDATE = "add_update"
    NEED_MORE_TIME = "need_more_time"
    IMPORT_PASTE = "import_paste"
    IMPORT_REVIEW = "import_review"
    IMPORT_FROM_MESSAGE = "import_from_minutes"


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
    MINUTES_TEXT = "minutes_text"
    MINUTES_DATE = "minutes_date"


class ImportField(StrEnum):
    """One field of one proposed action in the import review; its block id adds the index."""

    KEEP = "import_keep"
    TEXT = "import_text"
    OWNERS = "import_owners"
    DUE = "import_due"

    def block(self, index: int) -> str:
        return f"{self.value}:{index}"

"""The sentence forms minutes use for an agreed action, each read into owner and text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.minutes.owners import is_owner_phrase


@dataclass(frozen=True)
class Found:
    """An action sentence read: who (as written, may be empty), what, which rule, how sure."""

    owners: str
    text: str
    rule: str
    confidence: float


LABEL_RE = re.compile(
    r"^(?:(?:(?:new|agreed)\s+)?actions?(?:\s+(?:arising|agreed|points?|required|raised))?"
    r"|follow[- ]?ups?)"
    # "Action 3:", "Action 12/27:", "Action A4 –": the log's own number for the action.
    r"(?:\s+(?:no\.?\s*)?[A-Z]?\d[\w./-]{0,8})?"
    r"(?:\s*\([^)]{0,30}\))?\s*(?::|\s[-–—]\s|-\s|–)\s*(?P<rest>.*)$"
    r"|^actions?(?:\s+(?:arising|agreed|points?))?\s*$",
    re.IGNORECASE,
)
ACTIONS_HEADING_RE = re.compile(
    r"^(?:summary of |schedule of |list of |new |agreed )?actions?"
    r"(?: (?:agreed|arising|points|log|list|summary|raised)(?: at (?:the|this) meeting)?)?:?$",
    re.IGNORECASE,
)
# "Responsible: ACC   Deadline: 30/11/2027" under an action: who and when, in labelled fields.
DETAILS_RE = re.compile(
    r"(?:(?:responsible(?: officer)?|owner|lead(?: officer)?|action by|by whom)\s*:\s*"
    r"(?P<owner>[^:]+?)\s*)?(?:(?:deadline|due(?: date)?|target(?: date)?|by when|timescale)"
    r"\s*:\s*(?P<due>.+?))?\s*",
    re.IGNORECASE,
)
# "(ACTION: DCC to report …)" inside a sentence.
_INLINE_LABEL_RE = re.compile(r"\(\s*actions?\s*[:\-–]\s*(?P<rest>[^()]+?)\s*\)", re.IGNORECASE)
RESOLVED_RE = re.compile(r"^(?:RESOLVED|Resolved(?=\s*(?:that|:)))\b\s*[:\-–]?\s*(?:that\b)?\s*"
                         r"(?P<rest>.*)$")
# "Action for DCC: review …", "Action on the ACC to report …".
_ACTION_FOR_RE = re.compile(
    r"^actions?\s+(?:for|on)\s+(?P<owner>[^:]{2,60}?)(?:\s*:\s*|\s+to\s+)(?P<rest>[a-z].+)$",
    re.IGNORECASE)
_CONNECTIVES_TO = ("to",)
_CONNECTIVES_AGREED = ("would", "will", "should", "is to", "are to", "to", "must", "shall")
_TOOK_RE = re.compile(
    r"^(?P<owner>.+?)\s+(?:took away|has taken|have taken|will take|to take|agreed to take|"
    r"accepted|took)\s+(?:an|the|this)\s+action\s+(?:to|for)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_AGREED_THAT_RE = re.compile(
    r"^(?:it\s+(?:was|is|has\s+been)\s+|members\s+|the\s+meeting\s+)?"
    r"(?:agreed|decided|resolved)(?:\s*[:\-–]\s*|\s+that\s+|\s+)(?P<clause>.+)$",
    re.IGNORECASE,
)
_AGREED_TO_RE = re.compile(r"^(?P<owner>.+?)\s+(?:agreed|undertook|offered|committed)\s+to\s+"
                           r"(?P<rest>[a-z].+)$")
_PASSIVE_RE = re.compile(
    r"^(?P<subject>.+?)\s+to\s+(?:be\s+(?:brought\s+back|brought|reviewed|revisited|re-?visited|"
    r"reported|considered|discussed|presented|returned|circulated|shared|provided|updated|"
    r"added|scheduled|taken|tabled|picked up|followed up|re-?presented|covered)|"
    r"come\s+back|return)\b",
    re.IGNORECASE,
)
_WILL_RE = re.compile(r"^(?P<owner>.{2,80}?)\s+(?:will|would|is to|are to|shall)\s+"
                      r"(?P<rest>(?P<verb>[a-z]+)\b.+)$")
# Verbs after "will" that predict or describe rather than commit someone to do something.
_NOT_COMMITMENTS = frozenset({"be", "have", "need", "want", "expect", "hope", "see", "feel",
                              "not", "also", "still", "then", "now", "continue", "remain",
                              "take", "become", "get", "benefit"})
# "DCC / ACC – write to the DPCC ..." in a list of actions.
_DASH_RE = re.compile(r"^(?P<owner>[^–—:]{1,60}?)\s+[–—-]\s+(?P<rest>\S.+)$")
# "CC: write to the IOPC …" in a list of actions.
_COLON_RE = re.compile(r"^(?P<owner>[^:]{2,60}):\s+(?P<rest>[a-z]\S*\s.+)$")
_PERSON_RE = re.compile(r"[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+){1,2}")
_REQUESTED_FROM_RE = re.compile(
    r"^.{0,80}?\b(?:requested|asked\s+for|required|sought)\s+(?P<what>(?:a|an|the)\s+.+?)\s+"
    r"from\s+(?P<owner>(?:the\s+)?[A-Z][^,;]{1,60}?)"
    r"(?P<tail>\s+(?:by|before|at|for|to|within)\s+.+)?$")
_LEAD_BRACKET_RE = re.compile(
    r"^(?P<rest>\S.+?)\s*\(\s*(?:lead|owner|responsible|action(?: by)?|who)\s*[:\-–]\s*"
    r"(?P<owner>[^,;()]{2,60}?)\s*(?:[,;]\s*(?:by|due|deadline)?\s*:?\s*(?P<due>[^()]+?))?\s*\)$",
    re.IGNORECASE)
_WHICH_AGREED_RE = re.compile(
    r"^.{0,80}?\b(?:requested|asked\s+for|sought)\s+(?P<what>.+?),\s+which\s+"
    r"(?P<owner>(?:the\s+)?[A-Z][^,;]{1,60}?)\s+(?:agreed|undertook|offered)\s+to\s+"
    r"(?P<verb>[a-z]+)(?P<tail>.*)$")
_TRAILING_DASH_RE = re.compile(
    r"^(?P<rest>\S.+?)\s+[–—-]\s+(?P<owner>[^–—]{2,60}?)(?:\s+[–—-]\s+(?P<due>[^–—]+))?$")
_TRAILING_BRACKET_RE = re.compile(
    r"^(?P<rest>\S.+?)\s*\((?P<owner>[^()]{2,60})\)(?P<due>)$")
_FINITE_VERB_RE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|need|needs|would|will|should|could|might|may|can|"
    r"said|asked|noted|felt|explained|confirmed|agreed|commented|welcomed|did|does|do)\b",
    re.IGNORECASE,
)
_RESOLVED_ASKED_RE = re.compile(
    r"^(?P<owner>.+?)\s+be\s+(?:asked|requested|invited|instructed|required|tasked)\s+to\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)
_RESOLVED_VERBS = (
    "report|provide|circulate|share|bring|present|submit|write|arrange|prepare|review|update|"
    "consider|confirm|publish|send|seek|undertake|investigate|respond|return|produce|liaise|"
    "develop|ensure|include|attend|establish|set out|explore|clarify"
)
_RESOLVED_DOES_RE = re.compile(rf"^(?P<owner>.+?)\s+(?P<rest>(?:{_RESOLVED_VERBS})\b.+)$",
                               re.IGNORECASE)
# "The Chair asked that the Chief Executive circulate …": a request the meeting recorded.
_ASKED_THAT_RE = re.compile(r"\b(?:asked|requested)\s+that\s+(?P<clause>.+)$", re.IGNORECASE)
_CLAUSE_SPLIT_RE = re.compile(r";\s*(?:and\s+)?(?:that\s+)?|,?\s+and\s+that\s+", re.IGNORECASE)
_NOT_A_VERB = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her",
                         "their", "its", "our", "be", "date", "all"})
_MEETING_RE = re.compile(r"\bmeeting\b|\bby\s+\d|\bwithin\b", re.IGNORECASE)


def read_sentence(sentence: str, *, in_actions: bool) -> Found | None:
    """An action read from one sentence, or None; `in_actions` relaxes who may own it."""
    text = sentence.strip().rstrip(".").strip()
    if not text:
        return None
    action_for = _ACTION_FOR_RE.match(text)
    if action_for and is_owner_phrase(action_for["owner"], strict=False):
        return Found(action_for["owner"], action_for["rest"], "action-for", 0.9)
    took = _TOOK_RE.match(text)
    if took and is_owner_phrase(took["owner"], strict=not in_actions):
        return Found(took["owner"], took["rest"], "took-action", 0.9)
    agreed = _AGREED_THAT_RE.match(text)
    if agreed:
        split = _split_owner(agreed["clause"], _CONNECTIVES_AGREED, strict=True)
        if split:
            return Found(split[0], split[1], "agreed-that", 0.85)
    colon = _COLON_RE.match(text) if in_actions else None
    if colon and colon["rest"].split()[0].lower() not in _NOT_A_VERB and (
            is_owner_phrase(colon["owner"], strict=True) or _PERSON_RE.fullmatch(colon["owner"])):
        return Found(colon["owner"], colon["rest"], "owner-colon", 0.85)
    which = _WHICH_AGREED_RE.match(text)
    if which and is_owner_phrase(which["owner"], strict=True):
        # "Members requested X, which the Chief Executive agreed to provide before …".
        return Found(which["owner"], f"{which['verb']} {which['what']}{which['tail']}",
                     "which-agreed", 0.7)
    requested = _REQUESTED_FROM_RE.match(text)
    if requested and is_owner_phrase(requested["owner"], strict=True):
        # "The PCC requested a report on X from the ACC by the next meeting."
        return Found(requested["owner"], requested["what"] + (requested["tail"] or ""),
                     "requested-from", 0.7)
    dashed = _DASH_RE.match(text) if in_actions else None
    if dashed and is_owner_phrase(dashed["owner"], strict=False):
        return Found(dashed["owner"], dashed["rest"], "owner-dash", 0.85)
    lead = _LEAD_BRACKET_RE.match(text) if in_actions else None
    if lead and is_owner_phrase(lead["owner"], strict=False):
        # "Publish the timetable (Lead: RT, by 30/06/2028)".
        rest = lead["rest"] + (f" by {lead['due']}" if lead["due"] else "")
        return Found(lead["owner"], rest, "owner-bracket", 0.85)
    trailing = (_TRAILING_DASH_RE.match(text) or _TRAILING_BRACKET_RE.match(text)) \
        if in_actions else None
    if trailing and is_owner_phrase(trailing["owner"], strict=True) and \
            not is_owner_phrase(trailing["rest"], strict=False):
        # "Share the briefing note with the PCC – CC" or "… (CC)": the owner comes last.
        rest = trailing["rest"] + (f" by {trailing['due']}" if trailing["due"] else "")
        return Found(trailing["owner"], rest, "owner-last", 0.8)
    inline = _INLINE_LABEL_RE.search(text)
    if inline:
        found = read_sentence(inline["rest"], in_actions=True)
        if found is not None:
            return found
    asked = _ASKED_THAT_RE.search(text)
    if asked:
        does = _RESOLVED_DOES_RE.match(asked["clause"])
        if does and is_owner_phrase(does["owner"], strict=True):
            return Found(does["owner"], does["rest"], "asked-that", 0.7)
    passive = _PASSIVE_RE.match(text)
    if passive and _is_topic(passive["subject"]) and (in_actions or _MEETING_RE.search(text)):
        return Found("", text, "to-be-brought-back", 0.8 if in_actions else 0.75)
    split = _split_owner(text, _CONNECTIVES_TO, strict=not in_actions)
    if split:
        return Found(split[0], split[1], "owner-to", 0.9 if in_actions else 0.8)
    will = _WILL_RE.match(text)
    if will and will["verb"].lower() not in _NOT_COMMITMENTS and \
            is_owner_phrase(will["owner"], strict=True):
        # "The ACC will provide ..." commits a named role; weaker than a label, so less sure.
        return Found(will["owner"], will["rest"], "owner-will", 0.7 if not in_actions else 0.85)
    agreed_to = _AGREED_TO_RE.match(text)
    if agreed_to and agreed_to["rest"].split()[0].lower() not in _NOT_A_VERB and \
            is_owner_phrase(agreed_to["owner"], strict=True):
        return Found(agreed_to["owner"], agreed_to["rest"], "agreed-to", 0.75)
    return None


def is_owner_only(text: str) -> bool:
    """Whether a label's text names only owners ("ACTION: DCC", "Action: CC / ACC")."""
    words = text.rstrip(".").split()
    return 0 < len(words) <= 6 and " to " not in f" {text} " and \
        is_owner_phrase(text.rstrip("."), strict=False)


def owner_after(sentence: str, owners: str) -> Found:
    """The action in the sentence before an owner-only label, without its owner in front."""
    text = sentence.strip().rstrip(".")
    split = _split_owner(text, _CONNECTIVES_AGREED, strict=False)
    return Found(owners.rstrip("."), split[1] if split else text, "owner-after", 0.85)


def read_resolution(text: str) -> list[Found]:
    """The actions in a RESOLVED text: clauses asking someone to do something."""
    found = []
    for clause in _CLAUSE_SPLIT_RE.split(text.strip().rstrip(".")):
        clause = re.sub(r"^\(?[a-z0-9]{1,3}\)\s*|^that\s+", "", clause.strip(), flags=re.I)
        clause = re.sub(r"^that\s+", "", clause, flags=re.IGNORECASE).strip(" ,;")
        asked = _RESOLVED_ASKED_RE.match(clause)
        if asked and is_owner_phrase(asked["owner"], strict=False):
            found.append(Found(asked["owner"], asked["rest"], "resolved", 0.85))
            continue
        does = _RESOLVED_DOES_RE.match(clause)
        if does and is_owner_phrase(does["owner"], strict=True):
            found.append(Found(does["owner"], does["rest"], "resolved", 0.8))
    return found


def _split_owner(text: str, connectives: tuple[str, ...], *, strict: bool
                 ) -> tuple[str, str] | None:
    """Split "OWNER to do something" at the first connective after a real owner phrase."""
    pattern = re.compile(r"\s+(?:" + "|".join(re.escape(c) for c in connectives) + r")\s+")
    for match in pattern.finditer(text):
        if match.start() > 90:
            break
        owner, rest = text[: match.start()], text[match.end():]
        first = rest.split()[0].lower() if rest.split() else ""
        if not first or first in _NOT_A_VERB or not first[0].isalpha() or rest[0].isupper():
            continue
        if is_owner_phrase(owner, strict=strict):
            return owner, rest
    return None


def _is_topic(subject: str) -> bool:
    """A passive action's subject is a topic ("Use of outcome 16"), not a clause with a verb."""
    words = subject.split()
    return 0 < len(words) <= 14 and not _FINITE_VERB_RE.search(subject)

"""Score the minutes import against the hand-written corpus: precision, recall, owners, dues."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.minutes.extract import Extraction, extract_actions
from bot.minutes.read import read_minutes_file
from bot.minutes.report import extraction_json

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "minutes" / "corpus"
MINUTES_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
# Dates in the corpus are read from each meeting's own date; this only matters without one.
TODAY = date(2026, 11, 30)
# Two texts name the same action when this share of their words agree.
SAME_ACTION = 0.6


@dataclass
class DocumentScore:
    """How the extractor did on one set of minutes."""

    name: str
    expected: int
    found: int
    matched: int
    owners_right: int
    due_right: int
    meeting_right: bool
    next_meeting_right: bool
    brought_forward_right: bool
    seconds: float
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


@dataclass
class CorpusScore:
    """The corpus totals the benchmark reports."""

    documents: list[DocumentScore]

    def _sum(self, name: str) -> int:
        return sum(getattr(doc, name) for doc in self.documents)

    @property
    def precision(self) -> float:
        found = self._sum("found")
        return self._sum("matched") / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self._sum("expected")
        return self._sum("matched") / expected if expected else 1.0

    @property
    def owners_right(self) -> float:
        matched = self._sum("matched")
        return self._sum("owners_right") / matched if matched else 1.0

    @property
    def due_right(self) -> float:
        matched = self._sum("matched")
        return self._sum("due_right") / matched if matched else 1.0

    @property
    def meetings_right(self) -> float:
        return sum(d.meeting_right and d.next_meeting_right for d in self.documents) / max(
            1, len(self.documents))

    @property
    def seconds_per_document(self) -> float:
        return sum(d.seconds for d in self.documents) / max(1, len(self.documents))


def corpus_files(corpus: Path = CORPUS) -> list[Path]:
    """Every set of minutes in the corpus that has its expected results beside it."""
    return sorted(path for path in corpus.iterdir()
                  if path.suffix in MINUTES_SUFFIXES and _expected_path(path).exists())


def _expected_path(path: Path) -> Path:
    return path.with_name(path.stem + ".expected.json")


def score_corpus(corpus: Path = CORPUS) -> CorpusScore:
    return CorpusScore([score_document(path) for path in corpus_files(corpus)])


def score_document(path: Path) -> DocumentScore:
    """Extract one document and compare it with its expected results."""
    expected = json.loads(_expected_path(path).read_text(encoding="utf-8"))
    started = time.perf_counter()
    extraction = extract_actions(read_minutes_file(path), today=TODAY)
    seconds = time.perf_counter() - started
    got = extraction_json(extraction)
    pairs, misses, extras = _match(expected["actions"], got["actions"])
    score = DocumentScore(
        name=path.name, expected=len(expected["actions"]), found=len(got["actions"]),
        matched=len(pairs), owners_right=0, due_right=0,
        meeting_right=_same_meeting(expected["meeting"], got["meeting"]),
        next_meeting_right=_same_meeting(expected["next_meeting"], got["next_meeting"]),
        brought_forward_right=len(got["brought_forward"]) == expected.get("brought_forward", 0),
        seconds=seconds,
        misses=[action["text"] for action in misses],
        extras=[action["text"] for action in extras],
    )
    for want, have in pairs:
        if sorted(want["owners"]) == sorted(have["owners"]):
            score.owners_right += 1
        else:
            score.wrong.append(f"owners {have['owners']} != {want['owners']}: {want['text']}")
        if _same_due(want, have):
            score.due_right += 1
        else:
            score.wrong.append(f"due {have['due']} != {want['due']}: {want['text']}")
    return score


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _similarity(a: str, b: str) -> float:
    left, right = _words(a), _words(b)
    return len(left & right) / max(1, min(len(left), len(right))) if left and right else 0.0


def _match(expected: list[dict], got: list[dict]) -> tuple[list[tuple[dict, dict]], list, list]:
    """Pair expected and found actions by their words, best pairs first."""
    candidates = sorted(
        ((_similarity(want["text"], have["text"]), i, j)
         for i, want in enumerate(expected) for j, have in enumerate(got)),
        reverse=True,
    )
    used_expected: set[int] = set()
    used_got: set[int] = set()
    pairs = []
    for similarity, i, j in candidates:
        if similarity < SAME_ACTION or i in used_expected or j in used_got:
            continue
        used_expected.add(i)
        used_got.add(j)
        pairs.append((expected[i], got[j]))
    misses = [want for i, want in enumerate(expected) if i not in used_expected]
    extras = [have for j, have in enumerate(got) if j not in used_got]
    return pairs, misses, extras


def _same_due(want: dict, have: dict) -> bool:
    due_want, due_have = want["due"], have["due"]
    if due_want.get("kind") != due_have.get("kind") or due_want.get("date") != due_have.get("date"):
        return False
    if "month" in due_want and due_want["month"] != due_have.get("month"):
        return False
    return all(want.get(key) == have.get(key) for key in ("recurs", "first_due") if key in want)


def _same_meeting(want: dict | None, have: dict | None) -> bool:
    if want is None or have is None:
        return want is have
    return all(want.get(key) == have.get(key) for key in ("date", "time", "kind"))


def extraction_for(path: Path) -> Extraction:
    return extract_actions(read_minutes_file(path), today=TODAY)

"""The numbers Word draws in front of numbered paragraphs ("2.1"), which the text leaves out.

python-docx gives a paragraph's text without its list number, so minutes whose agenda is
numbered by Word's numbering lose "2.1" and "3." and, with them, where each item starts.
This works the numbers out from the paragraph's numbering (direct or from its style) and
the numbering definitions: decimal levels become "2.1 ", bullets become "• ".
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn


class WordNumbering:
    """Counts numbered paragraphs in document order, as Word does, per list."""

    def __init__(self, document: Any) -> None:
        try:
            self._numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self._numbering = None
        self._counters: dict[str, list[int]] = {}
        self._formats: dict[tuple[str, int], tuple[str, str] | None] = {}

    def prefix(self, paragraph: Any) -> str:
        """The number Word shows before this paragraph ("2.1 ", "• "), or ""."""
        if self._numbering is None:
            return ""
        found = _num_pr(paragraph)
        if found is None:
            return ""
        num_id, level = found
        shape = self._format(num_id, level)
        if shape is None:
            return ""
        kind, template, list_id = shape
        if kind == "bullet":
            return "• "
        if kind != "decimal":
            return ""
        counters = self._counters.setdefault(list_id, [0] * 9)
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        text = template
        for index in range(level + 1):
            text = text.replace(f"%{index + 1}", str(max(counters[index], 1)))
        return f"{text.strip()} " if text.strip() else ""

    def _format(self, num_id: str, level: int) -> tuple[str, str, str] | None:
        key = (num_id, level)
        if key not in self._formats:
            self._formats[key] = self._look_up(num_id, level)
        return self._formats[key]

    def _look_up(self, num_id: str, level: int) -> tuple[str, str, str] | None:
        try:
            num = self._numbering.num_having_numId(int(num_id))
        except (KeyError, ValueError):
            return None
        abstract_id = str(num.abstractNumId.val)
        for abstract in self._numbering.iterchildren(qn("w:abstractNum")):
            if abstract.get(qn("w:abstractNumId")) != abstract_id:
                continue
            for lvl in abstract.iterchildren(qn("w:lvl")):
                if lvl.get(qn("w:ilvl")) == str(level):
                    fmt, text = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                    return (fmt.get(qn("w:val")) if fmt is not None else "decimal",
                            text.get(qn("w:val")) if text is not None else "",
                            abstract_id)
        return None


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """The list and level a paragraph is numbered by: its own, else its style's."""
    for element in (paragraph._p, _style_element(paragraph)):
        properties = element.pPr if element is not None else None
        num_pr = properties.numPr if properties is not None else None
        if num_pr is not None and num_pr.numId is not None:
            if num_pr.numId.val == 0:  # numbering switched off for this paragraph
                return None
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            return str(num_pr.numId.val), int(level)
    return None


def _style_element(paragraph: Any) -> Any:
    properties = paragraph._p.pPr
    style_id = properties.pStyle.val if properties is not None and \
        properties.pStyle is not None else None
    if style_id is None:
        return None
    try:
        return paragraph.part.styles.element.get_by_id(style_id)
    except (KeyError, AttributeError):
        return None

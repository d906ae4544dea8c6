"""The quick form of the import evaluation: the corpus meets the issue's targets."""

from __future__ import annotations

import json

from benchmarks.import_corpus import CORPUS, corpus_files, score_corpus


def test_the_corpus_has_every_style_the_issue_asks_for() -> None:
    files = corpus_files()
    suffixes = {path.suffix for path in files}
    assert {".txt", ".md", ".docx", ".pdf"} <= suffixes
    assert len([path for path in files if not path.name.startswith("public_")]) >= 8
    assert len([path for path in files if path.name.startswith("public_")]) >= 3
    expected = [json.loads(path.with_name(path.stem + ".expected.json").read_text())
                for path in files]
    assert any(not data["actions"] for data in expected)
    assert any(data.get("brought_forward") for data in expected)


def test_the_import_meets_its_targets_on_the_corpus() -> None:
    score = score_corpus(CORPUS)
    misses = {doc.name: (doc.misses, doc.extras, doc.wrong) for doc in score.documents
              if doc.misses or doc.extras or doc.wrong}
    assert score.recall >= 0.9, misses
    assert score.precision >= 0.9, misses
    assert score.owners_right >= 0.9, misses
    assert score.due_right >= 0.8, misses
    assert all(doc.brought_forward_right for doc in score.documents)

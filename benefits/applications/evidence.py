"""A document of an application: which item of the program's evidence list it satisfies (chosen, or suggested
from its name), the checklist of what is in and what is missing, and the download of one document."""

from pathlib import Path

from ..catalogue.selectors import evidence_label, evidence_labels_zh
from ..models import Application

# The shortest run of characters a file name or label must share with an item's Chinese name to suggest it:
# four characters (助学贷款, 劳动合同, 营业执照) say what a document is; two (证明, 记录) say nothing.
SUGGEST_MIN_OVERLAP = 4


def _longest_common_run(a: str, b: str) -> int:
    best = 0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if char == other else 0)
        best = max(best, max(current))
        previous = current
    return best


def checklist_item_for(items: list[str], *, label: str = "", file_name: str = "") -> str:
    """The evidence item a document is: the one its label names (Chinese name or catalogue text), else the one
    whose Chinese name shares the longest run of characters (at least ``SUGGEST_MIN_OVERLAP``) with its label or
    file name, when exactly one does; else blank (another document)."""
    names = evidence_labels_zh()
    label = label.strip()
    for item in items:
        if label and label in (item, names.get(item, "")):
            return item
    text = f"{label} {Path(file_name).stem}"
    scores = {item: _longest_common_run(text, names.get(item, item)) for item in items}
    best = max(scores.values(), default=0)
    winners = [item for item, score in scores.items() if score == best]
    return winners[0] if best >= SUGGEST_MIN_OVERLAP and len(winners) == 1 else ""


def checklist(application: Application) -> list[dict]:
    """The program's evidence list in the interface language, each item with the documents that satisfy it (tagged
    with it, or, for documents attached before tagging, labelled with its name) and whether any is in."""
    names = evidence_labels_zh()
    documents = list(application.evidence.all())
    rows = []
    for item in application.program.evidence or []:
        files = [
            document.original_name
            for document in documents
            if document.checklist_item == item
            or (not document.checklist_item and document.label in (item, names.get(item)))
        ]
        rows.append({"item": item, "document": evidence_label(item), "attached": bool(files), "files": files})
    return rows

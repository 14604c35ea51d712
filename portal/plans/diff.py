"""A readable difference between two published revisions of a plan."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.plans.budget import Budget, budget_from_snapshot
from portal.plans.models import TEXT_SECTIONS

# Plain fields compared as a whole; text sections are compared word by word.
TEXT_FIELDS = ("title", "summary", *TEXT_SECTIONS)
STEP_FIELDS = (
    "title",
    "description",
    "start_date",
    "end_date",
    "cost_sek",
    "responsible",
    "status",
    "standards",
)


@dataclass(frozen=True)
class TextChange:
    name: str
    old: str | None
    new: str | None
    # (" " | "-" | "+", text): the new version's text in runs, kept, deleted or inserted.
    words: list[tuple[str, str]]


@dataclass(frozen=True)
class ValueChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class StepChange:
    old: dict
    new: dict
    changes: list[ValueChange]


@dataclass(frozen=True)
class MaturityChange:
    name_sv: str
    name_en: str
    old_current: int | None
    new_current: int | None
    old_target: int | None
    new_target: int | None


@dataclass(frozen=True)
class BudgetYear:
    year: int
    old: int
    new: int

    @property
    def delta(self) -> int:
        return self.new - self.old


@dataclass
class PlanDiff:
    texts: list[TextChange] = field(default_factory=list)
    values: list[ValueChange] = field(default_factory=list)
    steps_added: list[dict] = field(default_factory=list)
    steps_removed: list[dict] = field(default_factory=list)
    steps_changed: list[StepChange] = field(default_factory=list)
    old_budget: Budget = field(default_factory=Budget)
    new_budget: Budget = field(default_factory=Budget)
    budget_years: list[BudgetYear] = field(default_factory=list)
    maturity: list[MaturityChange] = field(default_factory=list)
    standards: list[ValueChange] = field(default_factory=list)
    lists: list[ValueChange] = field(default_factory=list)

    @property
    def budget_changed(self) -> bool:
        return self.old_budget != self.new_budget

    @property
    def empty(self) -> bool:
        return not (
            self.texts
            or self.values
            or self.steps_added
            or self.steps_removed
            or self.steps_changed
            or self.budget_changed
            or self.maturity
            or self.standards
            or self.lists
        )


# A word, a run of white space, or one other character: joined again, the tokens give the
# text back exactly, so the marked diff reads as the text (Markdown source) itself.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def word_diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """The new text in runs: kept (" "), deleted ("-") and inserted ("+") words. Plain text:
    the template escapes each run and marks it with <del> or <ins>. White space alone between
    two changes joins them, so a rewritten phrase reads as one deletion and one insertion."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    opcodes = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    out: list[tuple[str, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        out.extend((op, "".join(run)) for op, run in (("-", deleted), ("+", inserted)) if run)
        deleted.clear()
        inserted.clear()

    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        kept = a[i1:i2]
        if tag == "equal":
            inside = 0 < n < len(opcodes) - 1
            if inside and not "".join(kept).strip():
                deleted.extend(kept)
                inserted.extend(b[j1:j2])
                continue
            flush()
            out.append((" ", "".join(kept)))
        else:
            deleted.extend(kept)
            inserted.extend(b[j1:j2])
    flush()
    return out


def _step_key(step: Mapping[str, Any]) -> Any:
    return ("id", step["id"]) if step.get("id") is not None else ("title", step.get("title"))


def _step_value(step: Mapping[str, Any], name: str) -> Any:
    if name == "standards":
        return ", ".join(s["name"] for s in step.get("standards", []))
    return step.get(name)


def _labels(items: list[dict], *keys: str) -> list[str]:
    return [" · ".join(str(item[k]) for k in keys if item.get(k)) for item in items]


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> PlanDiff:
    """Compare two snapshots: text per section, steps, budget, maturity, standards, lists."""
    diff = PlanDiff()
    for name in TEXT_FIELDS:
        if (old.get(name) or "") != (new.get(name) or ""):
            diff.texts.append(
                TextChange(
                    name, old.get(name), new.get(name), word_diff(old.get(name), new.get(name))
                )
            )
    for name in ("period_start_year", "period_end_year", "expected_benefits_sek"):
        if old.get(name) != new.get(name):
            diff.values.append(ValueChange(name, old.get(name), new.get(name)))
    if sorted(old.get("administrative_groups") or []) != sorted(
        new.get("administrative_groups") or []
    ):
        diff.values.append(
            ValueChange(
                "administrative_groups",
                old.get("administrative_groups") or [],
                new.get("administrative_groups") or [],
            )
        )

    old_steps = {_step_key(s): s for s in old.get("steps", [])}
    new_steps = {_step_key(s): s for s in new.get("steps", [])}
    for key, step in new_steps.items():
        if key not in old_steps:
            diff.steps_added.append(step)
    for key, step in old_steps.items():
        if key not in new_steps:
            diff.steps_removed.append(step)
            continue
        changes = [
            ValueChange(name, _step_value(step, name), _step_value(new_steps[key], name))
            for name in STEP_FIELDS
            if _step_value(step, name) != _step_value(new_steps[key], name)
        ]
        if changes:
            diff.steps_changed.append(StepChange(step, new_steps[key], changes))

    diff.old_budget, diff.new_budget = budget_from_snapshot(old), budget_from_snapshot(new)
    years = sorted(set(diff.old_budget.by_year) | set(diff.new_budget.by_year))
    diff.budget_years = [
        BudgetYear(y, diff.old_budget.by_year.get(y, 0), diff.new_budget.by_year.get(y, 0))
        for y in years
    ]

    old_maturity = {m["key"]: m for m in old.get("maturity", [])}
    new_maturity = {m["key"]: m for m in new.get("maturity", [])}
    for key in sorted(
        set(old_maturity) | set(new_maturity),
        key=lambda k: (new_maturity.get(k) or old_maturity[k]).get("position", 0),
    ):
        a, b = old_maturity.get(key, {}), new_maturity.get(key, {})
        if (a.get("current_level"), a.get("target_level")) != (
            b.get("current_level"),
            b.get("target_level"),
        ):
            ref = b or a
            diff.maturity.append(
                MaturityChange(
                    ref["name_sv"],
                    ref["name_en"],
                    a.get("current_level"),
                    b.get("current_level"),
                    a.get("target_level"),
                    b.get("target_level"),
                )
            )

    old_std = {s["slug"]: s for s in old.get("standards", [])}
    new_std = {s["slug"]: s for s in new.get("standards", [])}
    for slug in sorted(set(old_std) | set(new_std)):
        a, b = old_std.get(slug), new_std.get(slug)
        if a is None or b is None or (a["status"], a.get("note")) != (b["status"], b.get("note")):
            name = (b or a)["name"]
            diff.standards.append(
                ValueChange(
                    name,
                    {"status": a["status"], "note": a.get("note")} if a else None,
                    {"status": b["status"], "note": b.get("note")} if b else None,
                )
            )

    for name, keys in (
        ("strategies", ("title", "owner", "year")),
        ("decisions", ("body", "decided_on")),
        ("partners", ("name",)),
    ):
        a_labels = _labels(old.get(name, []), *keys)
        b_labels = _labels(new.get(name, []), *keys)
        if a_labels != b_labels:
            diff.lists.append(
                ValueChange(
                    name,
                    [x for x in a_labels if x not in b_labels],
                    [x for x in b_labels if x not in a_labels],
                )
            )
    return diff

"""Maker-checker (ผู้บันทึก-ผู้อนุมัติ): a request recorded by one person and decided by another.

Loan applications, share requests, welfare claims and death claims all follow the coop's rule of
two people: whoever recorded a request may neither approve nor reject it, and only a holder of the
model's approve permission decides. ``MakerChecker`` is the abstract model with the fields every such
request keeps; ``decision_guard`` / ``decision_record`` are the service side (the app's service
locks the row, runs its own checks and posts what approval means); ``DecisionViews`` is the one set
of approve/reject views (``core.approval_views``).

Statuses are the model's own ``status`` field; the values ``pending``, ``approved`` and
``rejected`` mean the same in every app (an app may add more, e.g. ``disbursed`` or ``paid``).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from sahakorn.core.errors import ServiceError
from sahakorn.core.rules import RuleCheck

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
NOTE_MAX = 300


class MakerChecker(models.Model):
    """What a request recorded by one person and decided by another keeps.

    ``checks``: the rule checks shown to the approver, as JSON ([{"rule", "figure", "passed",
    "message"}]), as run when recorded and again when approved. ``requested_by`` is always recorded;
    a model whose rows a system job also writes (the data generator, a migration from the old books)
    overrides it as nullable, and such a row has no maker to exclude.

    A subclass sets ``approve_permission`` ("app.approve_model") and ``decision_noun`` (what the
    messages call it: "คำขอกู้", "คำขอ", …) and has a ``status`` field.
    """

    approve_permission: ClassVar[str]
    decision_noun: ClassVar[str]

    checks = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=NOTE_MAX, blank=True)

    # For typing only (no value, so no field): the plugin adds the FK's id to concrete models only.
    requested_by_id: int | None

    class Meta:
        abstract = True

    def is_maker(self, user) -> bool:
        return self.requested_by_id is not None and self.requested_by_id == getattr(user, "pk", None)

    @property
    def rule_checks(self) -> list[RuleCheck]:
        return [RuleCheck.from_json(c) for c in self.checks]

    def can_decide(self, user) -> bool:
        """Whether the page offers this user the approve/reject buttons."""
        return self.status == PENDING and user.has_perm(self.approve_permission)  # type: ignore[attr-defined]


def decision_guard(record: MakerChecker, *, by, action: str, error: type[ServiceError]) -> None:
    """Refuse a decision (``action``: "อนุมัติ" or "ไม่อนุมัติ") that is not the coop's to make now.

    Three rules, in this order: the request is still pending; ``by`` holds the approve permission;
    ``by`` did not record it (nobody approves or rejects their own request, a manager included).
    Call it on the row locked ``select_for_update``.
    """
    noun = record.decision_noun
    status = record.status  # type: ignore[attr-defined]
    if status != PENDING:
        label = record.get_status_display()  # type: ignore[attr-defined]
        raise error(f"{noun}เลขที่ {record.pk} มีสถานะ{label} {action}อีกไม่ได้")
    if not by.has_perm(record.approve_permission):
        raise error(f"ผู้ใช้ {by.get_username()} ไม่มีสิทธิ์{action}{noun}")
    if record.is_maker(by):
        raise error(f"ผู้{action}ต้องไม่ใช่ผู้บันทึก{noun} (ต้องมีผู้ตรวจสอบคนที่สอง)")


def rejection_note(note: str | None, *, error: type[ServiceError]) -> str:
    """A rejection always says why: the trimmed reason, or a refusal naming the note field."""
    note = (note or "").strip()
    if not note:
        raise error("กรุณาระบุเหตุผลที่ไม่อนุมัติ", field="note")
    return note


def decision_record(
    record: MakerChecker, *, status: str, by, note: str = "", checks: list[RuleCheck] | None = None
) -> None:
    """Write the decision: status, who, when, the note (and the checks as run at approval)."""
    record.status = status  # type: ignore[attr-defined]
    record.decided_by = by
    record.decided_at = timezone.now()
    record.decision_note = (note or "").strip()[:NOTE_MAX]
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    if checks is not None:
        record.checks = [c.as_json() for c in checks]
        fields.append("checks")
    record.save(update_fields=fields)

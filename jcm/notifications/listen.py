"""The notices ride on the audit trail: the events a transaction adds are gathered as it flushes, turned into
notices just before it commits (in the same transaction), and the sender is woken once it has committed."""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from jcm.audit.models import AuditEvent
from jcm.mail import flag

GATHERED = "jcm_notices_acts"
WRITTEN = "jcm_notices_written"


def _gather(session, flush_context, instances) -> None:
    acts = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if acts:
        session.info.setdefault(GATHERED, []).extend(acts)


def _before_commit(session) -> None:
    if not session.info.get(GATHERED) and not any(isinstance(obj, AuditEvent) for obj in session.new):
        return
    session.flush()  # the acts not flushed yet are gathered too
    acts = [act for act in session.info.pop(GATHERED, []) if inspect(act).persistent and act in session]
    if not acts or not has_app_context():
        return
    from jcm.notifications.services import notice_acts

    if notice_acts(session, acts):
        session.info[WRITTEN] = True


def _after_commit(session) -> None:
    if session.info.pop(WRITTEN, False) and has_app_context():
        app = current_app._get_current_object()
        if flag(app.config.get("NOTIFY_IN_BACKGROUND", True)):
            from jcm.notifications.sending import sender_of

            sender_of(app).poke()


def _after_rollback(session) -> None:
    session.info.pop(GATHERED, None)
    session.info.pop(WRITTEN, None)


def listen() -> None:
    """Once per process, for every session."""
    for name, listener in (("before_flush", _gather), ("before_commit", _before_commit),
                           ("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)

"""Notices: what one person is told of an act (in the app always, by e-mail unless they switched that kind off),
and each person's choices of what reaches them by e-mail."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jcm.extensions import db
from jcm.labels import labelled
from jcm.models import utcnow


class NoticeKind(enum.StrEnum):
    """What a person may choose to receive by e-mail or not, one kind at a time."""

    meeting = "meeting"  # invitations, and a meeting's dates or place changed
    agenda = "agenda"  # the agenda circulated, agreed, or changed after agreeing
    minutes = "minutes"  # circulated, commented, adopted, corrected
    action_item = "action_item"  # an item one owns created, changed, updated or reviewed
    proposal = "proposal"  # a two-sided proposal awaiting one's side, and its outcome


NOTICE_KIND_LABELS = labelled(NoticeKind, {
    NoticeKind.meeting: _l("Meeting invitations and changes"),
    NoticeKind.agenda: _l("Agendas: circulated, agreed or changed"),
    NoticeKind.minutes: _l("Minutes: circulated, commented, adopted or corrected"),
    NoticeKind.action_item: _l("Action items I own: created, changed or updated"),
    NoticeKind.proposal: _l("Proposals awaiting my side, and their outcome"),
})


class MailState(enum.StrEnum):
    pending = "pending"  # to be e-mailed: with the next digest the hour allows
    sending = "sending"  # claimed by a sender now (a claim left by a sender that died is taken again later)
    sent = "sent"
    not_mailed = "not_mailed"  # the person does not take this kind by e-mail; shown in the app only


class Notice(db.Model):
    """One person told of one act. Written in the act's own transaction, so a refused or rolled-back act leaves
    none; e-mailed after the commit. What it says is kept with it (`params`: titles in both languages, the
    reference, the side), so it reads the same after the record changed or was deleted."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_user_id_id", "user_id", "id"),
                      Index("ix_notice_mail_state", "mail_state", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # NoticeKind: the setting it answers to
    event: Mapped[str] = mapped_column(String(40))  # what happened: meeting.invitation, minutes.circulated …
    to_act: Mapped[bool] = mapped_column(Boolean, default=False)  # the person (their side) is asked to act
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_item.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    actor_name_ko: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    mail_state: Mapped[str] = mapped_column(String(12), default=MailState.pending.value)
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    mail_error: Mapped[str] = mapped_column(Text, default="")
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime)  # sent, or (while sending) claimed


class NoticeSetting(db.Model):
    """A kind a person has switched off (or on again) for e-mail; a kind with no row reaches them by e-mail."""

    __tablename__ = "notice_setting"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    by_email: Mapped[bool] = mapped_column(Boolean, default=True)

"""The distribution marking the secretariats chose for a meeting's documents (jcm.documents.markings)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from jcm.documents.markings import DEFAULT_MARKING, Marking
from jcm.extensions import db
from jcm.fields import choice
from jcm.models import one_of, utcnow


class DocumentMarking(db.Model):
    """A meeting's marking, once a secretariat chose one; until then its documents carry the default."""

    __tablename__ = "document_marking"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    marking: Mapped[str] = choice(Marking, _l("Distribution marking"), required=True,
                                  default=DEFAULT_MARKING.value, description=(
                                      "who the meeting's documents are for, printed on every page and in the "
                                      "PDF's metadata: governments (for the use of the two governments) or "
                                      "unrestricted"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (one_of("marking", Marking),)

"""The pages: each person's notifications (newest first, the unread marked), marking them read, the settings
form on the account page, and the unsubscribe link that works without signing in."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from jcm.accounts.forms import EmptyForm
from jcm.content import reader_mark
from jcm.errors import Invalid
from jcm.extensions import db
from jcm.notifications import services
from jcm.notifications.models import NOTICE_KIND_LABELS, NoticeKind
from jcm.notifications.sending import describe
from jcm.web import actor, read_with_sign_in
from jcm.zones import zone_of

bp = Blueprint("notifications", __name__)

PER_PAGE = 30


def register_template_globals(app: Flask) -> None:
    """For the header's count and the account page's settings panel (templates of lower features read these
    only when they are there)."""

    def unread_notices() -> int:
        """Counted once for a request: the header shows it, and a page kept for its reader is kept under it (the
        notices are no content: one read leaves the content's version as it was)."""
        if not current_user.is_authenticated:
            return 0
        if "unread_notices" not in g:
            g.unread_notices = services.unread_count(actor())
        return g.unread_notices

    def notice_settings() -> list[dict]:
        on = services.by_email(actor())
        return [{"kind": kind.value, "label": NOTICE_KIND_LABELS[kind], "on": on[kind.value]} for kind in NoticeKind]

    app.jinja_env.globals.update(unread_notices=unread_notices, notice_settings=notice_settings)
    reader_mark(app, unread_notices)
    # a page a person opens reads the count with their sign-in, in its one statement
    read_with_sign_in("unread_notices", services.unread_of, lambda count: g.setdefault("unread_notices", count or 0))


@bp.get("/notifications")
@login_required
def index():
    user = actor()
    page = request.args.get("page", 1, type=int)
    if page < 1:
        raise Invalid(_("The page must be a whole number from 1."), field="page")
    found = db.paginate(services.notices_query(user), page=page, per_page=PER_PAGE, error_out=False, count=True)
    zone = zone_of(user)
    return render_template("notifications/index.html", told=[describe(n, zone) for n in found.items],
                           pagination=found, unread=services.unread_count(user), form=EmptyForm())


@bp.post("/notifications/<int:notice_id>/open")
@login_required
def open_notice(notice_id: int):
    """Marks the notice read and goes to what it is about."""
    user = actor()
    notice = services.get_notice(user, notice_id)
    services.mark_read(user, [notice.id])
    return redirect(describe(notice, zone_of(user)).path)


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    services.mark_read(actor())
    flash(_("All your notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/settings")
@login_required
def settings():
    """The account page's choices: each kind ticked reaches the person by e-mail; the list has them all."""
    user = actor()
    chosen = request.form.getlist("by_email")
    for kind in chosen:
        services.a_kind(kind)  # a kind that does not exist is refused (422), naming no value
    for kind in NoticeKind:
        services.set_by_email(user, kind.value, kind.value in chosen)
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("accounts.account") + "#notifications")


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """The link in each e-mail, signed and expiring: no sign-in needed. Opening it asks; the button stops that
    kind of e-mail (a link opened by a mail scanner changes nothing)."""
    try:
        user, kind = services.read_unsubscribe_token(token)
    except services.LinkRefused as refused:
        return render_template("errors/error.html", status=refused.status, title=_("This link cannot be used"),
                               message=refused.message), refused.status
    form = EmptyForm()
    done = False
    if request.method == "POST" and form.validate_on_submit():
        services.set_by_email(user, kind.value, False)
        done = True
    return render_template("notifications/unsubscribe.html", form=form, label=NOTICE_KIND_LABELS[kind], done=done,
                           email=user.email)

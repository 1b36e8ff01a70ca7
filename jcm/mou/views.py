"""Pages for the MOU: the agreement, its live status, its notices and modifications, its focus areas."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from jcm.accounts.forms import EmptyForm
from jcm.mou import services
from jcm.mou.forms import FocusAreaForm, ModificationForm, NoticeForm
from jcm.permissions import require
from jcm.web import actor, form_status, int_or_none, submit

bp = Blueprint("mou", __name__)


@bp.get("/mou")
@login_required
def index():
    agreement = services.current_agreement()
    if agreement is None:
        return render_template("mou/none.html")
    return _agreement_page(agreement)


@bp.get("/mou/<int:agreement_id>")
@login_required
def agreement(agreement_id: int):
    return _agreement_page(services.get_agreement(agreement_id))


def _agreement_page(agreement, notice_form=None, modification_form=None, status=200):
    require(actor(), "agreement.view", agreement)
    if notice_form is None:
        notice_form = NoticeForm(formdata=None, version=str(agreement.version),
                                 notice_date=date.today())
    if modification_form is None:
        modification_form = ModificationForm(formdata=None)
    return render_template(
        "mou/agreement.html", agreement=agreement, tree=services.focus_area_tree(agreement),
        status=agreement.status_on(date.today()), today=date.today(),
        notice_form=notice_form, modification_form=modification_form, withdraw_form=EmptyForm(),
    ), status


@bp.post("/mou/<int:agreement_id>/notice")
@login_required
def record_notice(agreement_id: int):
    agreement = services.get_agreement(agreement_id)
    require(actor(), "agreement.edit", agreement)
    form = NoticeForm()
    if form.validate_on_submit():
        ok, _none = submit(form, lambda: services.record_discontinuation_notice(
            actor(), agreement, form.notice_date.data, form.side.data, form.reference.data,
            expected_version=int_or_none(form.version.data)))
        if ok:
            flash(_("The notice of discontinuation has been recorded. The MOU is expected to be discontinued "
                    "on %(date)s.", date=agreement.end_date.isoformat()), "success")
            return redirect(url_for("mou.agreement", agreement_id=agreement.id))
        agreement = services.get_agreement(agreement_id)
    return _agreement_page(agreement, notice_form=form, status=422)


@bp.post("/mou/<int:agreement_id>/notice/withdraw")
@login_required
def withdraw_notice(agreement_id: int):
    agreement = services.get_agreement(agreement_id)
    require(actor(), "agreement.withdraw_notice", agreement)
    if EmptyForm().validate_on_submit():
        ok, _none = submit(None, lambda: services.withdraw_discontinuation_notice(actor(), agreement))
        if ok:
            flash(_("The notice of discontinuation has been withdrawn."), "success")
    return redirect(url_for("mou.agreement", agreement_id=agreement_id))


@bp.post("/mou/<int:agreement_id>/modifications")
@login_required
def record_modification(agreement_id: int):
    agreement = services.get_agreement(agreement_id)
    require(actor(), "agreement.edit", agreement)
    form = ModificationForm()
    if form.validate_on_submit():
        ok, _none = submit(form, lambda: services.record_modification(
            actor(), agreement, form.decided_on.data, form.description.data))
        if ok:
            flash(_("The modification has been recorded."), "success")
            return redirect(url_for("mou.agreement", agreement_id=agreement.id))
        agreement = services.get_agreement(agreement_id)
    return _agreement_page(agreement, modification_form=form, status=422)


@bp.route("/focus-areas/<int:focus_area_id>/edit", methods=["GET", "POST"])
@login_required
def edit_focus_area(focus_area_id: int):
    area = services.get_focus_area(focus_area_id)
    require(actor(), "focus_area.edit", area)
    form = FocusAreaForm(obj=area if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(area.version)
    if form.validate_on_submit():
        data = {key: getattr(form, key).data for key in ("title", "title_ko", "summary", "summary_ko")}
        ok, _none = submit(form, lambda: services.update_focus_area(
            actor(), area, data, expected_version=int_or_none(form.version.data)))
        if ok:
            flash(_("Focus area %(code)s has been saved.", code=area.code), "success")
            return redirect(url_for("mou.agreement", agreement_id=area.agreement_id) + f"#fa-{area.id}")
        form.version.data = str(area.version)
    return render_template("mou/focus_area_form.html", form=form, area=area), form_status(form)


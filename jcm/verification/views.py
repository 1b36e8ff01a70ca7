"""/verify for anyone, without an account; GET /api/v1/verify/<sha256>; and `jcm verify FILE.pdf`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Blueprint, render_template, request
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import Schema, fields
from sqlalchemy.exc import SQLAlchemyError

from jcm.errors import Invalid
from jcm.extensions import db
from jcm.verification.forms import VerifyForm
from jcm.verification.services import Verdict, check_digest, check_pdf

bp = Blueprint("verification", __name__)


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    """Check a digest (typed, or ?sha256= in a link) or a PDF file; the answer never shows the content."""
    form = VerifyForm()
    verdict: Verdict | None = None
    status = 200
    if request.method == "GET" and request.args.get("sha256"):
        form.sha256.data = request.args["sha256"]
    asked = request.method == "POST" and form.validate_on_submit() or (request.method == "GET" and form.sha256.data)
    if request.method == "POST" and not asked:
        status = 422
    elif asked:
        upload = form.file.data if request.method == "POST" else None
        try:
            if upload is not None and getattr(upload, "filename", ""):
                verdict = check_pdf(upload.read())
            elif form.sha256.data:
                verdict = check_digest(form.sha256.data)
            else:
                raise Invalid(_("Type the digest printed on the document, or choose its PDF file."), field="sha256")
        except Invalid as error:
            field = form.file if error.field == "file" else form.sha256
            field.errors = [*field.errors, error.message]
            status = 422
        else:
            if not verdict.matches:
                status = 422 if upload is not None and getattr(upload, "filename", "") else 404
    return render_template("verification/verify.html", form=form, verdict=verdict), status


# --- the API ----------------------------------------------------------------------------------------------

api_bp = ApiBlueprint("api_verify", __name__, description="Checking a copy of agreed documents: no token needed")


class AdopterSchema(Schema):
    name = fields.Str(required=True, metadata={"description": "the name in Latin letters"})
    name_ko = fields.Str(required=True, metadata={"description": "the name in Hangul; empty where the record keeps "
                                                                 "none"})


class VerdictSchema(Schema):
    sha256 = fields.Str(required=True)
    match = fields.Bool(required=True, metadata={"description": "Whether JCM holds agreed documents with it"})
    known = fields.Bool(allow_none=True)
    kind = fields.Str(allow_none=True, metadata={"description": "minutes | agenda"})
    meeting = fields.Dict(allow_none=True, metadata={"description": "id, ref, ordinal, title {en, ko}, dates"})
    adopted_at = fields.Str(allow_none=True)
    adopted_by = fields.Dict(keys=fields.Str(), values=fields.Nested(AdopterSchema), metadata={
        "description": "by side (US, KR): who agreed or adopted it, named as the record keeps them"})
    correction = fields.Int(allow_none=True)
    superseded_by = fields.Dict(allow_none=True)
    language = fields.Str(allow_none=True)
    reasons = fields.List(fields.Str())
    checks = fields.List(fields.Str())


@api_bp.get("/verify/<string:sha256>")
@api_bp.response(200, VerdictSchema)
@api_bp.alt_response(422, description="Not a SHA-256 digest")
@api_bp.doc(security=[])
def verify_digest(sha256: str):
    """Whether `sha256` is the digest of an agreed agenda or adopted minutes (or a correction) JCM holds: which
    meeting, when and by whom — never the content. Anyone may ask; no token is needed."""
    return check_digest(sha256).as_json()


# --- the command line -------------------------------------------------------------------------------------

def both_scripts(latin: str | None, hangul: str | None) -> str:
    """A name or title in Latin letters with its Hangul beside it, when the record keeps one that differs."""
    latin, hangul = latin or "", hangul or ""
    if hangul and hangul != latin:
        return f"{latin} ({hangul})" if latin else hangul
    return latin


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--offline", is_flag=True, help="Check the file against its embedded record only, not against JCM.")
@with_appcontext
def verify_command(file: str, offline: bool) -> None:
    """Check a copy of agreed minutes or an agreed agenda (PDF) against its embedded record and, when it can,
    against JCM. Exit status 0 when it matches, 1 when it does not, 2 when the file cannot be checked."""
    data = Path(file).read_bytes()
    online = not offline
    try:
        try:
            verdict = check_pdf(data, online=online)
        except SQLAlchemyError:
            db.session.rollback()
            click.echo("JCM's database cannot be reached: checking the file on its own.", err=True)
            online = False
            verdict = check_pdf(data, online=False)
    except Invalid as error:
        click.echo(f"{file}: {error.message}", err=True)
        sys.exit(2)
    meeting = verdict.meeting or {}
    what = "Adopted minutes" if verdict.kind == "minutes" else "Agreed agenda"
    if verdict.correction:
        what += f", Corr. {verdict.correction}"
    title = meeting.get("title") or {}
    click.echo(f"{file}: {what} of {meeting.get('ref', '?')} — {both_scripts(title.get('en'), title.get('ko'))}")
    click.echo(f"SHA-256 {verdict.digest}")
    if verdict.adopted_at:
        names = ", ".join(f"{side}: {both_scripts(person['name'], person['name_ko'])}"
                          for side, person in verdict.adopted_by.items())
        click.echo(f"Agreed {verdict.adopted_at} ({names})")
    for check in verdict.checks:
        click.echo(f"  ok   {check}")
    for reason in verdict.reasons:
        click.echo(f"  FAIL {reason}")
    if verdict.superseded_by:
        click.echo(f"  note superseded by Corr. {verdict.superseded_by['correction']} "
                   f"(SHA-256 {verdict.superseded_by['sha256']})")
    if not online:
        click.echo("Checked offline, against the record embedded in the file only: it was not compared with JCM.")
    click.echo("MATCHES" if verdict.matches else "DOES NOT MATCH")
    sys.exit(0 if verdict.matches else 1)

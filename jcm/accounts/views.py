"""Pages for signing in and out, the first administrator, one's own account, and account management."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from jcm.accounts import kept, services, sessions, throttle
from jcm.accounts.forms import AccountForm, EmptyForm, LoginForm, PasswordForm, ProfileForm, SetupForm, TokenForm
from jcm.accounts.models import ApiToken, User
from jcm.errors import Invalid, NotFound, TooManyAttempts
from jcm.extensions import db, login_manager
from jcm.forms import ConfirmForm, not_confirmed
from jcm.i18n import _safe_next
from jcm.labels import ROLE_LABELS, choices
from jcm.models import SIDES
from jcm.permissions import require
from jcm.web import actor, form_status, int_or_none, keep_despite_refusal, submit
from jcm.zones import DEFAULT_TIME_ZONES, zone_choices

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(key: str):
    """The session cookie's (or the remember cookie's) sign-in, while it holds on the server."""
    return sessions.load_session_user(key)


@login_manager.request_loader
def load_user_from_token(request):
    """A program's `Authorization: Bearer <token>`: the one way tokens sign in, for the API, the documents and the
    exports alike. (The API keeps no session, so there a token is the only way in.)"""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return services.user_for_token(token.strip())  # its last use is kept apart from the request: note_token_use


login_manager.login_view = "accounts.login"
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def unauthorized():
    from jcm.errors import wants_json, json_error

    if wants_json():
        return json_error(401, "unauthorized", _("Authentication required."))
    if request.method == "POST":  # a form sent after its sign-in ended: what it held is kept for after signing in
        response = kept.keep_sent_form()
        if response is not None:
            return response
    if g.get("sign_in_expired"):
        flash(_("Your sign-in has expired. Please sign in again."), "info")
    else:
        flash(_("Please sign in to see this page."), "info")
    return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Creates the first administrator; exists only while there is no account at all."""
    if services.account_count() > 0:
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        ok, user = submit(form, lambda: services.create_first_admin(
            {"name": form.name.data, "email": form.email.data, "side": form.side.data}, form.password.data))
        if ok:
            sign_in(user)
            flash(_("Welcome. You are JCM's first administrator."), "success")
            return redirect(url_for("dashboard.home"))
    return render_template("accounts/setup.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        client = throttle.client_of(request)
        try:
            user = services.authenticate(form.email.data, form.password.data, client)
        except TooManyAttempts as error:
            keep_despite_refusal()  # what the refused attempt recorded stands (failures are counted apart)
            services.sign_in_failed.send(form.email.data, error=error)
            form.email.errors.append(error.message)
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        except Invalid as error:
            keep_despite_refusal()
            services.sign_in_failed.send(form.email.data, error=error)
            form.email.errors.append(error.message)
            status = 401
        else:
            sign_in(user, remember=form.remember.data)
            response = redirect(_safe_next(request.args.get("next")))
            throttle.remember_device(response, client, user.id)
            return response
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form), status, headers


def sign_in(user: User, remember: bool = False) -> None:
    """A new sign-in, kept on the server, for this browser."""
    sessions.start_session(user, request.remote_addr or "", request.headers.get("User-Agent", ""))
    login_user(user, remember=remember)


def remember_locale(app, locale: str) -> None:
    """The language chosen with the switcher (jcm.i18n.locale_chosen) becomes the signed-in person's preference."""
    user = actor()
    if user is not None and user.locale != locale:
        services.update_user(user, user, {"locale": locale})


@bp.post("/logout")
def logout():
    if EmptyForm().validate_on_submit():
        user = actor()
        if user is not None:
            sessions.end_session(user.sign_in_key)  # a copy of this browser's cookies is refused from now on
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """Ends every sign-in of one's account, this browser's and remembered ones included; API tokens stay."""
    if EmptyForm().validate_on_submit():
        sessions.sign_out_everywhere(actor(), actor())
        logout_user()
        flash(_("You have been signed out everywhere. Your API tokens still work until you revoke them."), "info")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.account"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = actor()
    # Three forms on one page: only the one that was sent reads the request.
    sent = next((name for name in ("profile", "password", "token") if f"{name}-csrf_token" in request.form
                 or any(key.startswith(f"{name}-") for key in request.form)), None)
    profile = ProfileForm(prefix="profile", **({} if sent == "profile" else {"formdata": None, "obj": user}))
    profile.time_zone.choices = _zone_choices(user)
    if sent != "profile":
        profile.locale.data = user.locale or ""
        profile.time_zone.data = user.time_zone or ""
        profile.version.data = str(user.version)
    password = PasswordForm(prefix="password", **({} if sent == "password" else {"formdata": None}))
    token_form = TokenForm(prefix="token", **({} if sent == "token" else {"formdata": None}))
    new_token = None
    status = 200
    if sent == "profile" and profile.validate_on_submit():
        ok, _user = submit(profile, lambda: services.update_user(
            user, user, {"name": profile.name.data, "title": profile.title.data, "locale": profile.locale.data,
                         "time_zone": profile.time_zone.data or ""},
            expected_version=int_or_none(profile.version.data)))
        if ok:
            flash(_("Your details have been saved."), "success")
            return redirect(url_for("accounts.account"))
        status = 422
    elif sent == "password" and password.validate_on_submit():
        ok, _none = submit(password, lambda: services.set_password(
            user, user, password.password.data, current_password=password.current_password.data))
        if ok:
            # Every sign-in of the account has ended: this browser goes on with a new one, remembered if it was.
            sign_in(user, remember=current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies)
            flash(_("Your password has been changed; your other sessions have been signed out."), "success")
            return redirect(url_for("accounts.account"))
        status = 422
    elif sent == "token" and token_form.validate_on_submit():
        ok, result = submit(token_form, lambda: services.create_token(user, user, token_form.label.data))
        if ok:
            new_token = result[1]
            token_form = TokenForm(formdata=None, prefix="token")
        else:
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("accounts/account.html", user=user, profile=profile, password=password,
                           token_form=token_form, new_token=new_token, tokens=services.tokens_of(user),
                           revoke_form=EmptyForm(), revoking=REVOKING, sign_ins=sessions.open_sessions(user),
                           is_current=lambda record: sessions.is_current(record, user)), status


REVOKING = _l("Programs that use this token lose their access at once; a revoked token cannot be used again.")


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("There is no such token."))
    require(actor(), "token.manage", token.user)
    if token.revoked_at is None and not ConfirmForm().validate_on_submit():
        raise Invalid(not_confirmed(REVOKING), field="confirmed")
    services.revoke_token(actor(), token)
    flash(_("The token %(prefix)s… has been revoked.", prefix=token.prefix), "success")
    if token.user_id != current_user.id:
        return redirect(url_for("accounts.edit_user", user_id=token.user_id))
    return redirect(url_for("accounts.account"))


# --- administration ---------------------------------------------------------------------------------

@bp.get("/admin/users")
@login_required
def users():
    require(actor(), "user.manage")
    side = request.args.get("side") if request.args.get("side") in SIDES else None
    query = select(User).order_by(User.side.desc(), User.name)
    if side:
        query = query.where(User.side == side)
    return render_template("accounts/users.html", users=list(db.session.scalars(query)), side=side)


def _organization_choices(side: str | None):
    from jcm.i18n import localized

    return choices({str(org.id): f"{org.acronym} — {localized(org, 'name')}" for org in services.organizations(side)},
                   empty=_("— none —"))


def _account_data(form: AccountForm) -> dict:
    return {"name": form.name.data, "email": form.email.data, "title": form.title.data, "side": form.side.data,
            "organization_id": form.organization_id.data, "role": form.role.data, "locale": form.locale.data,
            "time_zone": form.time_zone.data or "", "active": form.active.data}


def _zone_choices(user: User | None) -> list:
    """Every zone, after "the side's capital" (what an account without a zone of its own reads)."""
    if user is None:
        return zone_choices(empty=_("The capital of the account's side"))
    return zone_choices(empty=_("The capital of the account's side (%(zone)s)", zone=DEFAULT_TIME_ZONES[user.side]))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    require(actor(), "user.manage")
    form = AccountForm()
    form.organization_id.choices = _organization_choices(None)
    form.password.label.text = _("Password")
    # No role is chosen for the administrator (least of all their own); a next step may name the one it asks for.
    form.role.choices = choices(ROLE_LABELS, empty=_("— choose —"))
    form.time_zone.choices = _zone_choices(None)
    if request.method == "GET":
        form.role.data = request.args.get("role") if request.args.get("role") in ROLE_LABELS else ""
        if request.args.get("side") in SIDES:
            form.side.data = request.args["side"]
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Give the new account a first password."))
        else:
            ok, user = submit(form, lambda: services.create_user(actor(), _account_data(form), form.password.data))
            if ok:
                flash(_("The account for %(name)s has been created.", name=user.name), "success")
                return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), form_status(form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    require(actor(), "user.manage")
    user = services.get_user(user_id)
    form = AccountForm(obj=user if request.method == "GET" else None)
    form.organization_id.choices = _organization_choices(None)
    form.time_zone.choices = _zone_choices(user)
    if request.method == "GET":
        form.organization_id.data = user.organization_id
        form.locale.data = user.locale or ""
        form.time_zone.data = user.time_zone or ""
        form.version.data = str(user.version)

    def save():
        services.update_user(actor(), user, _account_data(form), expected_version=int_or_none(form.version.data))
        if form.password.data:
            services.set_password(actor(), user, form.password.data)

    if form.validate_on_submit():
        ok, _none = submit(form, save)
        if ok:
            flash(_("The account for %(name)s has been saved.", name=user.name), "success")
            return redirect(url_for("accounts.users"))
        form.version.data = str(user.version)  # sending again now overwrites knowingly
    return render_template("accounts/user_form.html", form=form, user=user, tokens=services.tokens_of(user),
                           revoke_form=EmptyForm(), revoking=REVOKING), form_status(form)


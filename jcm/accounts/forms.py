"""Forms for signing in, the first administrator, accounts and tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import EmailInput

from jcm.accounts.models import User
from jcm.forms import Form, declared_field
from jcm.labels import LOCALE_LABELS, choices


def _language():
    return declared_field(User, "locale", choices=choices(LOCALE_LABELS, empty=_l("Browser's language")))


def _time_zone():
    """The zone the account reads times in; the view lists the zones (jcm.zones.zone_choices), the service checks it."""
    return SelectField(_l("Time zone"), default="", validate_choice=False)


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this computer"))


class ProfileForm(Form):
    name = declared_field(User, "name")
    title = declared_field(User, "title")
    locale = _language()
    time_zone = _time_zone()
    version = HiddenField()


class PasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class AccountForm(Form):
    """An administrator's view of an account."""

    name = declared_field(User, "name")
    email = declared_field(User, "email", widget=EmailInput())
    title = declared_field(User, "title")
    side = declared_field(User, "side")
    organization_id = declared_field(User, "organization_id")  # the view lists the agencies
    role = declared_field(User, "role")
    locale = _language()
    time_zone = _time_zone()
    active = declared_field(User, "active", default=True)
    password = PasswordField(_l("Password (leave empty to keep it)"), validators=[Optional(), Length(max=1024)])
    version = HiddenField()


class SetupForm(Form):
    name = declared_field(User, "name", _l("Your name"))
    email = declared_field(User, "email", widget=EmailInput())
    side = declared_field(User, "side", _l("Your side"))
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class TokenForm(Form):
    label = StringField(_l("What the token is for"), validators=[Optional(), Length(max=100)])


class EmptyForm(Form):
    """A form with only its CSRF token, for buttons that change something."""

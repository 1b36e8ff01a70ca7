"""Forms for signing in, the first administrator, accounts and tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from jcm.labels import LOCALE_LABELS, ROLE_LABELS, SIDE_LABELS, choices


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this computer"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title or position"), validators=[Optional(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=choices(LOCALE_LABELS, empty=_l("Browser's language")), validators=[Optional()])
    version = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class AccountForm(FlaskForm):
    """An administrator's view of an account."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    title = StringField(_l("Title or position"), validators=[Optional(), Length(max=200)])
    side = SelectField(_l("Side"), choices=choices(SIDE_LABELS), validators=[DataRequired()])
    organization_id = SelectField(_l("Organization"), coerce=lambda v: int(v) if v else None,
                                  validators=[Optional()])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS), validators=[DataRequired()])
    locale = SelectField(_l("Language"), choices=choices(LOCALE_LABELS, empty=_l("Browser's language")), validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password (leave empty to keep it)"), validators=[Optional(), Length(max=1024)])
    version = HiddenField()


class SetupForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    side = SelectField(_l("Your side"), choices=choices(SIDE_LABELS), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class TokenForm(FlaskForm):
    label = StringField(_l("What the token is for"), validators=[Optional(), Length(max=100)])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""

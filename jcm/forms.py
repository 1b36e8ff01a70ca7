"""Page form fields made from the models' declared fields (jcm.fields): the label, whether the field must be
filled, its length and its choices come from the one declaration, so a form cannot drift from the API or the
services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from jcm.errors import Invalid
from jcm.fields import Field, declared
from jcm.guard import claim, form_problems, refusal_message


class Form(FlaskForm):
    """Every page's form: besides its own checks, it shows beside each field what the input's guard (jcm.guard)
    refused in it — a control character, bytes that are not UTF-8 — with what was typed kept, less that."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A hidden field has no id: nothing labels it, and a page repeats a form (each item's Up and Down, each
        # review, each update) where an id given twice would break the page's other ids.
        for field in self:
            if isinstance(field.widget, HiddenInput):
                field.render_kw = {"id": False, **(field.render_kw or {})}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = form_problems()
        for field in self:
            if field.name in problems:
                field.errors = [*field.errors, refusal_message(field.label.text, problems[field.name])]
                claim(field.name)
                valid = False
        return valid


class ConfirmForm(Form):
    """The form of a final act — adopting minutes, agreeing an agenda, removing an agreed item, deleting a meeting,
    revoking a token: a box the person ticks beside the act's stated consequence. The page's box is `required`, so a
    browser asks for it; a post without it (a script, a page skipped) is refused and nothing is done."""

    confirmed = BooleanField(validators=[DataRequired()])


def not_confirmed(consequence: str) -> str:
    """What a final act posted without its box ticked is told."""
    from flask_babel import gettext as _

    return _("Nothing has been done: tick the box to confirm that you understand what this does. %(consequence)s",
             consequence=consequence)


class Declared:
    """Checks a form field by its declaration, so the page says exactly what the service and the API would."""

    def __init__(self, spec: Field):
        self.spec = spec

    def __call__(self, form, field) -> None:
        try:
            self.spec.clean(field.data)
        except Invalid as refusal:
            raise ValidationError(refusal.message) from None


def int_or_none(value):
    return int(value) if value not in (None, "") else None


def declared_field(model: type, name: str, label=None, *, required: bool | None = None, **options):
    """The form field for model.name; `label` overrides the declared one where the page says more
    ("Title (English)"), `required` where the page asks for more than the record needs."""
    from jcm.labels import LABELS, choices

    spec = declared(model)[name]
    label = spec.label if label is None else label
    if spec.kind == "flag":
        return BooleanField(label, **options)  # unticked is "no", never missing
    must = spec.required if required is None else required
    validators = [InputRequired() if must else Optional(), Declared(spec)]
    if spec.kind in ("line", "text"):
        return (StringField if spec.kind == "line" else TextAreaField)(label, validators=validators, **options)
    if spec.kind == "lines":  # one entry a line
        validators.append(Length(max=spec.max_length * spec.maximum))
        return TextAreaField(label, validators=validators, **options)
    if spec.kind == "choice":
        return SelectField(label, choices=options.pop("choices", None) or choices(LABELS[spec.vocabulary]),
                           validators=validators, **options)
    if spec.kind == "date":
        return DateField(label, validators=validators, **options)
    if spec.kind == "integer":
        return IntegerField(label, validators=validators, **options)
    return SelectField(label, coerce=int_or_none, validators=validators, **options)  # a reference: the view lists

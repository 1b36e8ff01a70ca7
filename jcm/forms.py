"""Page form fields made from the models' declared fields (jcm.fields): the label, whether the field must be
filled, its length and its choices come from the one declaration, so a form cannot drift from the API or the
services."""

from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from jcm.errors import Invalid
from jcm.fields import Field, declared


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

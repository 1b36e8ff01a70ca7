"""The minutes of a meeting: writing, review by both sides, adoption by both co-chairs, and corrections."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The minutes' pages and API resources; minutes already started follow their agenda's new items."""
    from jcm.api import register_blueprints
    from jcm.meetings.services import agenda_item_added
    from jcm.minutes import views
    from jcm.minutes.api import blueprints
    from jcm.minutes.columns import check_forms, column_parts, described, text_column
    from jcm.minutes.services import section_for_added_item

    agenda_item_added.connect(section_for_added_item)  # connecting the same receiver again changes nothing
    app.register_blueprint(views.bp)
    # a text on the minutes' page: one language of it, the attribute tying its box to its state, its check forms
    app.jinja_env.globals.update(text_column=text_column, column_parts=column_parts, text_check_forms=check_forms,
                                 text_described=described)
    register_blueprints(blueprints)

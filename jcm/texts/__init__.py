"""The two authentic texts of everything a secretariat writes: their state, and each side checking its language."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from jcm.api import register_blueprints
    from jcm.bilingual import track_language_state
    from jcm.texts import api, views

    track_language_state()
    app.register_blueprint(views.bp)
    # The pages of the features below (meetings, action items, minutes) show a record's texts side by side with
    # templates/_bilingual.html, which reads them through this.
    app.jinja_env.globals.update(texts_of=views.texts_of, gap_lines=views.gap_lines)
    register_blueprints(api.blueprints)

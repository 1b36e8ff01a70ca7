"""The MOU: the agreement, its live status, notices and modifications, and its focus areas."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The MOU's pages, API resources and `jcm mou`."""
    from jcm.api import api, register_blueprints
    from jcm.mou import cli, views
    from jcm.mou.api import blueprints
    from jcm.mou.schemas import FocusAreaNodeSchema

    app.register_blueprint(views.bp)
    if "FocusAreaNode" not in api.spec.components.schemas:  # named by hand in AgreementDetail's focus_areas
        api.spec.components.schema("FocusAreaNode", schema=FocusAreaNodeSchema)
    register_blueprints(blueprints)
    app.cli.add_command(cli.mou_group)

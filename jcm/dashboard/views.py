"""The pages that look across meetings: a focus area's history, the dashboard, the implementation report."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

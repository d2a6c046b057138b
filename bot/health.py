"""``GET /healthz``: 200 when the database answers, 503 otherwise."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.logs import log

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    services = current_app.extensions["kaejon"]
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log("health check failed", level=logging.WARNING, error=type(error).__name__)
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up"), 200

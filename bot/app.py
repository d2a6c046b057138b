"""The web process: the Flask application factory, and ``GET /healthz``.

The web process only takes LINE's webhook in (``bot.webhook``); everything else
happens in the worker. The simulator page is served in demo mode only.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot import logs, photos, webhook
from bot.bootstrap import Services, bootstrap
from bot.config import Settings, from_env
from bot.logs import log
from casework import health


def create_app(settings: Settings | None = None, services: Services | None = None) -> Flask:
    """Build the web app; settings come from the environment unless given.

    A missing secret, a wrong rules file or a flow named twice raises ``ConfigError``
    here, before anything listens.
    """
    logs.configure()
    if services is None:
        services = bootstrap(settings or from_env())
    app = Flask(__name__)
    # No SECRET_KEY: nothing uses Flask's session, so no request pays for opening a cookie one.
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.extensions["kaejon"] = services
    app.register_blueprint(webhook.bp)
    app.register_blueprint(photos.bp)
    app.add_url_rule("/healthz", view_func=healthz)
    app.add_url_rule("/healthz/detail", view_func=healthz_detail)
    if services.settings.simulator_enabled:
        from bot.dev.simulator import bp as simulator_bp

        app.register_blueprint(simulator_bp)
    return app


def healthz() -> ResponseReturnValue:
    """200 when the database answers, 503 otherwise."""
    services: Services = current_app.extensions["kaejon"]
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log("health check failed", level=logging.WARNING, error=type(error).__name__)
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up"), 200


def healthz_detail() -> ResponseReturnValue:
    """For the on-call operator and the uptime monitor: 503 names the checks that failed.

    Given-up events and dead messages in the last 24 hours, the age of the oldest
    waiting event and message, and when the worker and the clock were last seen.
    """
    services: Services = current_app.extensions["kaejon"]
    try:
        with services.uow() as uow:
            found = health.report(uow.session, services.clock())
    except SQLAlchemyError as error:
        log("health check failed", level=logging.WARNING, error=type(error).__name__)
        return jsonify(status="unavailable", database="down", failed=["database"]), 503
    if not found.ok:
        log("health degraded", level=logging.WARNING, failed=",".join(found.failed))
    return jsonify(status="ok" if found.ok else "degraded", database="up", failed=found.failed,
                   checks=found.checks), 200 if found.ok else 503

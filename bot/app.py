"""The Flask application factory."""
from __future__ import annotations

from flask import Flask

from bot import health, logs, webhook
from bot.bootstrap import Services, bootstrap
from bot.config import Settings, from_env


def create_app(settings: Settings | None = None, services: Services | None = None) -> Flask:
    """Build the web app; settings come from the environment unless given.

    A missing secret raises ``ConfigError`` here, before anything listens.
    """
    logs.configure()
    if services is None:
        services = bootstrap(settings or from_env())
    app = Flask(__name__)
    app.config["SECRET_KEY"] = services.settings.secret_key
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.extensions["kaejon"] = services
    app.register_blueprint(webhook.bp)
    app.register_blueprint(health.bp)
    if services.settings.simulator_enabled:
        from bot.dev.simulator import bp as simulator_bp

        app.register_blueprint(simulator_bp)
    return app

"""The web process's entry point for gunicorn (``bot.wsgi:app``)."""
from __future__ import annotations

import sys

from bot.app import create_app
from bot.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.stderr.write(f"kaejon: {error}\n")
    sys.exit(1)

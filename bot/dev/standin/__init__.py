"""A local stand-in for LINE's Messaging API and the checker of request bodies it uses."""

from bot.dev.standin.openapi_check import Problem, RequestChecker
from bot.dev.standin.server import StandIn, create_standin_app, serve

__all__ = ["Problem", "RequestChecker", "StandIn", "create_standin_app", "serve"]

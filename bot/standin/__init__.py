"""A local stand-in for LINE's Messaging API and the checker of request bodies it uses."""

from bot.standin.openapi_check import Problem, RequestChecker
from bot.standin.server import StandIn, create_standin_app, serve

__all__ = ["Problem", "RequestChecker", "StandIn", "create_standin_app", "serve"]

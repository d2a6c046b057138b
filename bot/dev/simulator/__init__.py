"""The chat simulator: try the bot in a browser, through the LINE stand-in, without a channel.

Registered only in demo mode. The page keeps every conversation itself; the
server only builds and signs LINE events and relays what the stand-in received.
"""
from bot.dev.simulator.views import bp

__all__ = ["bp"]

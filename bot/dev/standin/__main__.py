"""`python -m bot.dev.standin --host 127.0.0.1 --port 8081 [--token T]`."""

from bot.dev.standin.server import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())

"""Kaejon\x27s LINE side: the Flask app, webhook, worker, clock and CLI."""

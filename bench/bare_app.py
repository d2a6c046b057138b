"""The reference for bench/load.py: a Flask app that checks LINE's signature and answers 200,
nothing else, served by the Procfile's own gunicorn command line."""
from __future__ import annotations

import os

from flask import Flask, Response, request
from linebot.v3.webhook import SignatureValidator

app = Flask(__name__)
validator = SignatureValidator(os.environ["LINE_CHANNEL_SECRET"])


@app.post("/callback")
def callback() -> Response | tuple[str, int]:
    body = request.get_data(as_text=True)
    if not validator.validate(body, request.headers.get("X-Line-Signature", "")):
        return "bad signature", 400
    return Response("{}", status=200, mimetype="application/json")

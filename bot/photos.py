"""``GET /photos/<token>``: a kept photo at its expiring signed address (``bot.photo_links``),
for LINE to show as an image message. 404 for an address we did not sign or a photo that
is gone, 410 for one past its hour; never cached by shared caches."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from bot.bootstrap import Services
from bot.photo_links import Expired, Invalid
from casework import photos

bp = Blueprint("photos", __name__)


@bp.get("/photos/<token>")
def photo(token: str) -> Response:
    services: Services = current_app.extensions["kaejon"]
    try:
        attachment_id = services.photo_links.attachment_id(token)
    except Expired:
        abort(410)
    except Invalid:
        abort(404)
    with services.uow() as uow:
        found = photos.content_of(uow.session, uow.sealer, attachment_id)
    if found is None:
        abort(404)
    content, content_type = found
    response = Response(content, mimetype=content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

"""A place sent from a phone (LINE's location message), checked before it is kept."""
from __future__ import annotations

import math
from typing import Any

from casework.errors import Refused

Point = tuple[float, float]


def point(latitude: Any, longitude: Any) -> Point:
    """(latitude, longitude) as numbers on Earth; ``Refused("bad_location")`` for anything else
    (text, booleans, infinities, 1e400, a pole beyond 90)."""
    if isinstance(latitude, bool) or isinstance(longitude, bool):
        raise Refused("bad_location")
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError, OverflowError):
        raise Refused("bad_location") from None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise Refused("bad_location")
    return lat, lng

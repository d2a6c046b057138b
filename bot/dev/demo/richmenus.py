"""The demo's rich menus: every role's menu made on the stand-in by the real sync
(``kaejon richmenu sync`` through the LINE SDK), and each staff member of the cast
linked to their role's menu, as an invite would link them. Households see the
channel's default menu, the household's. The stand-in forgets everything when the
demo stops, so this runs at every start."""
from __future__ import annotations

from bot.bootstrap import Services
from bot.dev.demo.cast import Cast
from bot.line import api as line_api
from bot.line.richmenu import RichMenuSync


def install(services: Services, cast: Cast) -> dict[str, str]:
    """Each menu's id by its key (``leader``, ``leader.en``), once every menu is on the
    stand-in and the cast is linked to their role's menu in Thai."""
    settings = services.settings
    api, timeout = line_api.messaging_api(settings), line_api.timeout(settings)
    results = RichMenuSync(services, api, line_api.messaging_blob_api(settings), timeout).run()
    menus = {result.key: result.rich_menu_id for result in results}
    for person in cast.people:
        if person.role != "household" and person.role in menus:
            api.link_rich_menu_id_to_user(person.line_user_id, menus[person.role], _request_timeout=timeout)
    return menus

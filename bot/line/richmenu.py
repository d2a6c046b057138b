"""One LINE rich menu per role and language, kept in step with the code (``kaejon richmenu sync``).

A rich menu is the panel of big buttons under the chat. Each role gets its own
(household, leader, coordinator, agency), laid out from the role's one menu
definition in ``messages.menu`` and drawn once in each language; the Thai
household's is the channel's default, so anyone who has not been given a role or
chosen another language sees it. Each button sends a postback
(``a=rights``) that the flows route like any other button, with its label as the
text shown in the chat.

LINE cannot change a rich menu or its picture: a new menu is created whenever
the definition or the picture changes, users linked to the old one are moved to
the new one in one batch, and the old one is deleted. The menu's name carries a
hash of its definition and picture, so a sync that finds the stored menu on
LINE under the expected name does nothing.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any


from casework import rich_menus
from casework.models import RichMenu
from messages import line, postback
from messages.i18n import DEFAULT_LANGUAGE, available_languages, translator
from messages.menu import MENU, RICH_MENU_ROLES, rich_menu_rows

if TYPE_CHECKING:
    from babel.support import NullTranslations
    from linebot.v3.messaging import MessagingApi, MessagingApiBlob

    from bot.bootstrap import Services

ROLES = RICH_MENU_ROLES
DEFAULT_ROLE = "household"
NAME_PREFIX = "kaejon-"
WIDTH = 2500
CONTENT_TYPE = "image/png"
BATCH_WAIT_SECONDS = 60.0
ROW_HEIGHTS = {1: 843, 2: 843, 3: 562}  # LINE's compact menu is 843 high, the large one 1686


@dataclass(frozen=True)
class BuiltMenu:
    """A role's menu in one language as LINE wants it: the rich menu object and its picture."""

    role: str
    language: str
    definition: dict[str, Any]
    image: bytes
    image_sha256: str

    @property
    def name(self) -> str:
        return str(self.definition["name"])

    @property
    def key(self) -> str:
        return rich_menus.key(self.role, self.language)


@dataclass(frozen=True)
class SyncResult:
    role: str
    language: str
    status: str  # "unchanged" or "created"
    rich_menu_id: str

    @property
    def key(self) -> str:
        return rich_menus.key(self.role, self.language)


def build(role: str, language: str = DEFAULT_LANGUAGE, *, raqm: bool | None = None) -> BuiltMenu:
    """The rich menu object and PNG for ``role``, labelled in ``language``."""
    from bot.line.richmenu_images import Tile, render

    tr: NullTranslations = translator(language)
    rows = rich_menu_rows(role)
    row_height = ROW_HEIGHTS[len(rows)]
    tiles: list[Tile] = []
    areas: list[dict[str, Any]] = []
    for row_index, row in enumerate(rows):
        edges = [WIDTH * i // len(row) for i in range(len(row) + 1)]
        for column, button in enumerate(row):
            label = tr.gettext(button.label)
            bounds = {"x": edges[column], "y": row_index * row_height,
                      "width": edges[column + 1] - edges[column], "height": row_height}
            tiles.append(Tile(bounds["x"], bounds["y"], bounds["width"], bounds["height"], label, button.colour,
                              button.icon))
            action = line.postback_action(label, postback.encode(button.action), display_text=label)
            areas.append({"bounds": bounds, "action": action})
    size = (WIDTH, row_height * len(rows))
    image = render(size, tiles, raqm=raqm)
    image_sha256 = hashlib.sha256(image).hexdigest()
    definition: dict[str, Any] = {
        "size": {"width": size[0], "height": size[1]},
        "selected": True,
        "chatBarText": line.shorten(tr.gettext(MENU.label), 14),
        "areas": areas,
    }
    fingerprint = hashlib.sha256(
        json.dumps(definition, sort_keys=True, ensure_ascii=False).encode() + image_sha256.encode()
    ).hexdigest()
    menu_key = rich_menus.key(role, language)
    definition = {"name": f"{NAME_PREFIX}{menu_key}-{fingerprint[:20]}", **definition}
    return BuiltMenu(role, language, definition, image, image_sha256)


def key_of(name: str) -> str | None:
    """The key (role and language) of a menu made by ``build``, from its name; None if it is not ours."""
    if not name.startswith(NAME_PREFIX):
        return None
    menu_key, _, _ = name.removeprefix(NAME_PREFIX).rpartition("-")
    role, language = rich_menus.split(menu_key)
    return menu_key if role in ROLES and language in available_languages() else None


class RichMenuSync:
    """Creates, replaces and retires Kaejon's rich menus through the LINE SDK."""

    def __init__(
        self,
        services: Services,
        api: MessagingApi,
        blob: MessagingApiBlob,
        timeout: tuple[float, float],
        *,
        raqm: bool | None = None,
        batch_wait: float = BATCH_WAIT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.services = services
        self.api = api
        self.blob = blob
        self.timeout = timeout
        self.raqm = raqm
        self.batch_wait = batch_wait
        self.sleep = sleep

    def run(self) -> list[SyncResult]:
        results = [self.sync_menu(build(role, language, raqm=self.raqm))
                   for role in ROLES for language in available_languages()]
        self.retire_stale({result.key: result.rich_menu_id for result in results})
        return results

    def sync_menu(self, built: BuiltMenu) -> SyncResult:
        with self.services.uow() as uow:
            row = uow.session.get(RichMenu, built.key)
            stored = (row.line_rich_menu_id, row.image_sha256) if row is not None else None
        if stored is not None and stored[1] == built.image_sha256 and self._name_on_line(stored[0]) == built.name:
            return SyncResult(built.role, built.language, "unchanged", stored[0])
        menu_id = self._create(built)
        if built.key == DEFAULT_ROLE:
            self.api.set_default_rich_menu(menu_id, _request_timeout=self.timeout)
        with self.services.uow() as uow:
            row = uow.session.get(RichMenu, built.key) or RichMenu(role=built.key)
            row.line_rich_menu_id = menu_id
            row.image_sha256 = built.image_sha256
            row.synced_at = self.services.clock()
            uow.session.add(row)
            uow.commit()
        return SyncResult(built.role, built.language, "created", menu_id)

    def _name_on_line(self, menu_id: str) -> str | None:
        """The name LINE has for the menu, or None if LINE no longer has it."""
        from linebot.v3.messaging.exceptions import ApiException

        try:
            return self.api.get_rich_menu(menu_id, _request_timeout=self.timeout).name
        except ApiException as error:
            if error.status == 404:
                return None
            raise

    def _create(self, built: BuiltMenu) -> str:
        from linebot.v3.messaging import RichMenuRequest

        request = RichMenuRequest.from_dict(built.definition)
        menu_id: str = self.api.create_rich_menu(request, _request_timeout=self.timeout).rich_menu_id
        try:
            # The SDK sends no Content-Type for a blob unless told; LINE needs one.
            self.blob.set_rich_menu_image(
                menu_id, built.image, _headers={"Content-Type": CONTENT_TYPE}, _request_timeout=self.timeout
            )
        except Exception:
            self._delete_quietly(menu_id)
            raise
        return menu_id

    def retire_stale(self, current: dict[str, str]) -> list[str]:
        """Move users off Kaejon's menus that are no longer current, then delete those menus.

        Includes menus left behind by a sync that failed half-way. Users linked
        to an old menu get the current one of the same role and language, in one batch
        (LINE allows few batch requests an hour); a menu is deleted only once
        the batch has succeeded, so nobody is ever left with a deleted menu.
        """
        from linebot.v3.messaging import RichMenuBatchRequest

        menus = self.api.get_rich_menu_list(_request_timeout=self.timeout).richmenus
        stale = [m for m in menus if m.name.startswith(NAME_PREFIX) and m.rich_menu_id not in current.values()]
        if not stale:
            return []
        operations = []
        for menu in stale:
            replacement = current.get(key_of(menu.name) or "")
            if replacement is not None:
                operations.append({"type": "link", "from": menu.rich_menu_id, "to": replacement})
            else:
                operations.append({"type": "unlink", "from": menu.rich_menu_id})
        response = self.api.rich_menu_batch_with_http_info(
            RichMenuBatchRequest.from_dict({"operations": operations}), _request_timeout=self.timeout
        )
        request_id = {key.lower(): value for key, value in (response.headers or {}).items()}["x-line-request-id"]
        if not self._batch_succeeded(request_id):
            from bot.logs import log

            log("rich menu batch not finished; old menus kept until the next sync", menus=len(stale))
            return []
        for menu in stale:
            self._delete_quietly(menu.rich_menu_id)
        return [menu.rich_menu_id for menu in stale]

    def _batch_succeeded(self, request_id: str) -> bool:
        deadline = time.monotonic() + self.batch_wait
        while True:
            progress = self.api.get_rich_menu_batch_progress(request_id, _request_timeout=self.timeout)
            if progress.phase != "ongoing":
                return bool(progress.phase == "succeeded")
            if time.monotonic() >= deadline:
                return False
            self.sleep(1.0)

    def _delete_quietly(self, menu_id: str) -> None:
        """Delete a menu we no longer want; a failure only leaves it for the next sync."""
        from linebot.v3.messaging.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            self.api.delete_rich_menu(menu_id, _request_timeout=self.timeout)
        except (ApiException, HTTPError):
            pass

"""Issue 9, "Personal data": after a whole chat story and an import, the database holds no
citizen ID, name, phone or street of the cast in plain text (in any table, column, JSON
or the audit's changes), and no log line names them or repeats what they typed."""
from __future__ import annotations

import json
import logging
import re

from sqlalchemy import MetaData, select

from casework import importing
from casework.citizen_id import with_check_digit
from tests import registry_data
from tests.integration.test_verification import answer_everything

HEAD_ID = with_check_digit("110170012345")      # สมชาย ใจดี, head of house 12 (registry_data)
IMPORTED_ID = with_check_digit("350990012345")
IMPORTED_PHONE = "0817654321"
TYPED_PHONE = "0898765432"
TYPED_ID = with_check_digit("170990054321")
NAMES = ["สมชาย", "ใจดี", "มานี", "มีนา", "บุญมี", "รักไทยแท้", "ประภาพร"]
STREET = "ซอยมะลิวัลย์สาม"
SECRETS = [HEAD_ID, IMPORTED_ID, IMPORTED_PHONE, TYPED_PHONE, TYPED_ID, *NAMES, STREET]
TYPED = ["แม่ป่วยติดเตียงต้องการรถเข็นพิเศษ", f"เบอร์ผม {TYPED_PHONE} บัตร {TYPED_ID}", "พรุ่งนี้จะเอาข้าวสารไปให้นะคะ"]


def story(services, kanya, somchai, malai, clock, tmp_path) -> None:
    """Registering, consenting, linking, being verified, asking for help with words, typing
    a phone and an ID to the leader, the leader's answer; and a survey list imported."""
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "village_code,house_no,street,citizen_id,first_name,last_name,relation,sex,birth_date,phone\n"
        f"46010105,77,{STREET},{IMPORTED_ID},บุญมี,รักไทยแท้,head,M,12/03/2505,{IMPORTED_PHONE}\n"
        f"46010105,77,{STREET},1234567890123,ประภาพร,รักไทยแท้,spouse,F,01/01/2510,\n",  # rejected: check digit
        encoding="utf-8")
    summary = importing.import_households(survey, uow=services.uow, sealer=services.sealer, now=clock())
    assert (summary.persons_created, summary.rejected) == (1, 1)

    household_id = registry_data.household(services)  # head สมชาย ใจดี, house 12, verified by nobody yet
    kanya.taps(f"a=link&id={household_id}")
    code = kanya.received()[0]["text"].splitlines()[-1]
    for user in (somchai, malai):
        user.follow()
        user.received()
        user.taps("a=consent&v=yes")
        user.received()
    somchai.says(code)
    assert somchai.received()[0]["text"].startswith("เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")
    kanya.received()  # the news that the household linked
    answer_everything(kanya, household_id, value=2)  # the leader verifies the household on site
    kanya.taps(f"a=submit&id={household_id}")
    kanya.received()

    malai.taps("a=register_self")  # registering herself, typing her name
    malai.received()
    malai.taps("a=reg&sd=460101")
    malai.received()
    for typed in ("5", "12", "มานี มีนา"):
        malai.says(typed)
        malai.received()
    malai.taps("a=reg&ok=1")
    malai.received()
    kanya.received()

    somchai.taps("a=help_request")
    (question,) = somchai.received()
    somchai.taps(_data(question, "สุขภาพ"))
    somchai.received()
    somchai.says(TYPED[0])
    somchai.received()
    somchai.taps("a=hr&send=1")
    somchai.received()
    kanya.received()

    somchai.says(TYPED[1])  # words the bot does not understand: offered to the leader, with the open request
    (offer,) = somchai.received()
    somchai.taps(_data(offer, "เพิ่มในคำขอของฉัน"))
    somchai.received()
    (notice,) = kanya.received()
    kanya.taps(_data(notice, "ตอบกลับ"))
    kanya.received()
    kanya.says(TYPED[2])
    kanya.received()
    assert somchai.received()[0]["text"].endswith(TYPED[2])  # the story really happened


def _data(message, label: str) -> str:
    found = re.search(r"'label': '" + re.escape(label) + r"'[^}]*'data': '([^']+)'", str(message))
    if found is None:
        found = re.search(r"'data': '([^']+)'[^}]*'label': '" + re.escape(label) + "'", str(message))
    assert found, f"no button {label!r}"
    return found.group(1)


def _as_text(value) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        return raw.decode("utf-8", "ignore") + "\n" + raw.decode("latin-1")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def test_the_database_holds_no_personal_data_in_plain_text(services, kanya, somchai, malai, clock, tmp_path):
    story(services, kanya, somchai, malai, clock, tmp_path)

    metadata = MetaData()
    found: list[tuple[str, str, str]] = []
    with services.engine.connect() as connection:
        metadata.reflect(connection)
        assert {"persons", "households", "audit_log"} <= set(metadata.tables) or len(metadata.tables) > 10
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    text = _as_text(value)
                    found += [(table.name, column, secret) for secret in SECRETS if secret in text]
    assert found == []


def test_no_log_line_names_the_cast_or_repeats_what_they_typed(services, kanya, somchai, malai, clock, tmp_path,
                                                              caplog, capsys):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)

    story(services, kanya, somchai, malai, clock, tmp_path)

    lines = [f"{record.name}: {record.getMessage()} {record.exc_text or ''}" for record in caplog.records]
    captured = capsys.readouterr()
    everything = "\n".join(lines) + captured.out + captured.err
    assert len(lines) > 10  # the story was logged
    leaked = sorted({secret for secret in [*SECRETS, *TYPED] if secret in everything})
    where = [line[:200] for line in lines if any(secret in line for secret in leaked)][:5]
    assert leaked == [], where

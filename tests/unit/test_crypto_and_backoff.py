import pytest

from bot.config import parse_keys
from casework.backoff import MAX_DELAY_SECONDS, retry_delay
from casework.crypto import Place, Sealer, Unreadable
from tests.keys import LOOKUP_KEYS, NEXT_LOOKUP_KEY, NEXT_SECRET_KEY, SECRET_KEYS

OLD = parse_keys(SECRET_KEYS, "test")
NEW = parse_keys(NEXT_SECRET_KEY, "test")
LOOKUP, NEXT_LOOKUP = parse_keys(LOOKUP_KEYS, "test"), parse_keys(NEXT_LOOKUP_KEY, "test")


def test_sealed_data_opens_only_with_the_same_key():
    place = Place("cases", "details", 1)
    sealed = Sealer("one").seal_json({"text": "ป่วย"}, place)
    assert Sealer("one").open_json(sealed, place) == {"text": "ป่วย"}
    with pytest.raises(Unreadable):
        Sealer("two").open_json(sealed, place)


def test_a_sealed_value_names_its_key_and_opens_after_a_new_key_is_added():
    place = Place("people", "name", 7)
    sealed = Sealer(OLD, LOOKUP).seal_json({"first": "สมชาย"}, place)
    ring = Sealer(NEW + OLD, LOOKUP)
    assert Sealer.key_id_of(sealed)[0] == "t1" and ring.current_key_id == "t2"
    assert ring.open_json(sealed, place) == {"first": "สมชาย"}
    assert Sealer.key_id_of(ring.seal(b"x", place))[0] == "t2"
    with pytest.raises(Unreadable, match="t1"):
        Sealer(NEW, LOOKUP).open_json(sealed, place)


@pytest.mark.parametrize("elsewhere", [Place("people", "name", 8), Place("people", "phone", 7),
                                       Place("cases", "name", 7), Place("people", "name", "7x")])
def test_a_value_moved_to_another_row_column_or_table_does_not_open(elsewhere):
    sealer = Sealer(OLD, LOOKUP)
    sealed = sealer.seal(b"0812345678", Place("people", "name", 7))
    with pytest.raises(Unreadable):
        sealer.open(sealed, elsewhere)


def test_lookup_hashes_use_their_own_key_and_every_key_in_the_ring_is_searched():
    same_secret = Sealer(OLD, OLD)
    separate = Sealer(OLD, LOOKUP)
    assert separate.fingerprint("1101700203451") != same_secret.fingerprint("1101700203451")
    rotating = Sealer(OLD, NEXT_LOOKUP + LOOKUP)
    assert rotating.fingerprints("1101700203451") == [
        Sealer(OLD, NEXT_LOOKUP).fingerprint("1101700203451"), separate.fingerprint("1101700203451")]
    assert rotating.fingerprint("1101700203451") == rotating.fingerprints("1101700203451")[0]


def test_the_same_record_seals_differently_each_time():
    sealer = Sealer("k")
    place = Place("cases", "details", 1)
    assert sealer.seal(b"x", place) != sealer.seal(b"x", place)


def test_every_sealed_column_names_its_row_key():
    from casework.models import Base
    from casework.sealing import SEALED_COLUMNS

    for table, column, key in SEALED_COLUMNS:
        found = Base.metadata.tables[table].c[key]
        assert found.primary_key or found.unique, (table, column, key)


def test_backoff_grows_and_is_capped():
    delays = [retry_delay(n).total_seconds() for n in range(1, 20)]
    assert delays[0] < 1.5 and delays[3] > 5
    assert max(delays) <= MAX_DELAY_SECONDS * 1.2


def test_retry_after_is_honoured():
    assert retry_delay(1, retry_after=30).total_seconds() >= 30


def test_rotation_knows_every_sealed_column():
    """A sealed column missing from SEALED_COLUMNS would keep the old key after a rotation."""
    from sqlalchemy import LargeBinary

    from casework.models import Base
    from casework.rotation import SEALED_COLUMNS

    not_sealed = {("screening_gaps", name) for name in ("household_ids", "person_ids", "amounts", "ages")}
    binary = {(table.name, column.name) for table in Base.metadata.tables.values() for column in table.columns
              if isinstance(column.type, LargeBinary)}
    assert binary - not_sealed == {(table, column) for table, column, _ in SEALED_COLUMNS}

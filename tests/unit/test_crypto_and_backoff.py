import pytest
from cryptography.exceptions import InvalidTag

from casework.backoff import MAX_DELAY_SECONDS, retry_delay
from casework.crypto import Sealer


def test_sealed_data_opens_only_with_the_same_key():
    sealed = Sealer("one").seal_json({"text": "ป่วย"})
    assert Sealer("one").open_json(sealed) == {"text": "ป่วย"}
    with pytest.raises(InvalidTag):
        Sealer("two").open_json(sealed)


def test_the_same_record_seals_differently_each_time():
    sealer = Sealer("k")
    assert sealer.seal(b"x") != sealer.seal(b"x")


def test_backoff_grows_and_is_capped():
    delays = [retry_delay(n).total_seconds() for n in range(1, 20)]
    assert delays[0] < 1.5 and delays[3] > 5
    assert max(delays) <= MAX_DELAY_SECONDS * 1.2


def test_retry_after_is_honoured():
    assert retry_delay(1, retry_after=30).total_seconds() >= 30

"""bench/cases.py makes its data on a tiny scale: what its timed calls open opens, what its
searches look for is found, and making a referral issues as many statements with 200 staff
as with one. (No timing is asserted: the bench measures, the tests do not.)"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import cases as bench  # noqa: E402

pytestmark = pytest.mark.backends("postgresql")


def test_the_bench_makes_its_data_and_measures_it_on_a_tiny_scale(database_url: str) -> None:
    made = bench.ensure_data(database_url, households=3000, open_cases=2000, referrals=600)

    assert made["made"] and made["households"] == 3000
    assert made["open_cases"] == 2000 and made["referrals"] == 600
    assert made["name_tokens"] >= 2 * made["persons"] > 0
    assert bench.ensure_data(database_url, households=3000, open_cases=2000, referrals=600)["made"] is False

    _views_of_a_page_are_read_in_a_few_queries(database_url)
    figures = bench.measure(database_url, iterations=2)

    assert any(name.startswith("queue pso-46") for name in figures)
    assert any(name.startswith("queue lao-") for name in figures)
    finds = {name: figure for name, figure in figures.items() if name.startswith("find by")}
    assert len(finds) == 8 and all(figure["found_every_time"] for figure in finds.values())
    made_referrals = [figure for name, figure in figures.items() if name.startswith("make a referral")]
    assert len(made_referrals) == 2
    one, many = sorted(made_referrals, key=lambda figure: max(figure["recipients"]))
    assert max(many["recipients"]) == 201 and max(one["recipients"]) == 2  # the staff and the group chat
    assert one["statements"] == many["statements"]


def test_the_bench_leaves_a_database_that_is_not_its_own_alone(database_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("COMMENT ON TABLE cases IS NULL"))  # a database the bench never made
        connection.execute(text("INSERT INTO villages (code, subdistrict_code, number, name, created_at, created_by) "
                                "VALUES ('46010101', '460101', 1, '', now(), 'test')"))
        connection.execute(text("INSERT INTO households (village_code, address_key, address, source, status, "
                                "created_at, updated_at) VALUES ('46010101', 'k', '\\x00', 'imported', 'listed', "
                                "now(), now())"))
    engine.dispose()

    with pytest.raises(SystemExit):
        bench.ensure_data(database_url, households=100, open_cases=10, referrals=5)

    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM households")) == 1
    engine.dispose()


def _views_of_a_page_are_read_in_a_few_queries(database_url: str) -> None:
    """What an agency officer's queue shows: the same views, in four queries, not four a row."""
    from datetime import date

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from casework import referrals
    from casework.db import make_engine
    from casework.models import Agency

    engine = make_engine(database_url)
    counter, today, seal = bench.StatementCounter(engine), date.today(), bench.sealer()
    with Session(engine) as session:
        agency = session.scalars(select(Agency).where(Agency.code == "pso-46")).one()
        _, rows = referrals.queue(session, [agency.id], ["46"], today)
        assert len(rows) == 10
        counter.counting = True
        views = referrals.views(session, seal, rows, today, steps=0)
        counter.counting = False
        assert counter.count == 4
        session.expunge_all()
        _, rows = referrals.queue(session, [agency.id], ["46"], today)
        assert views == [referrals.view(session, seal, row, today, steps=0) for row in rows]
        assert all(view.person_name and view.masked_id and view.house_no for view in views)
    engine.dispose()

"""The family name and course option travel with the apprentice's row: a record started from it
(as the assessor app starts one, from ``Store.apprentice``) carries them, a later record fills
a blank but never overwrites, and a store made before the columns gains them when opened."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from epa_kernel.core.records import MethodRecord
from epa_kernel.store.store import Store
from helpers import VALID_ULNS, make_record

ULN = VALID_ULNS[0]


def with_apprentice(apprentice: dict, **kwargs) -> MethodRecord:
    return make_record(uln=ULN, apprentice=apprentice, **kwargs)


def test_a_record_started_from_the_stored_apprentice_carries_the_family_name(store):
    first = {"uln": ULN, "name": "Ada van der Berg", "family_name": "van der Berg"}
    store.put(with_apprentice(first), author="Sam", submitted=True)
    details = store.apprentice(ULN)
    assert details["family_name"] == "van der Berg" and "course_option" not in details
    resit = with_apprentice(details, attempt="resit")  # what the app builds from the row
    assert resit.apprentice.family_name == "van der Berg"


def test_a_blank_is_filled_and_nothing_is_overwritten(store):
    store.put(with_apprentice({"uln": ULN, "name": "Ada Berg"}), author="Sam")
    assert "family_name" not in store.apprentice(ULN)
    named = {"uln": ULN, "name": "Ada Berg", "family_name": "Berg", "course_option": "Retail"}
    store.put(with_apprentice(named, method="professional_discussion"), author="Sam")
    other = {"uln": ULN, "name": "Ada Berg", "family_name": "Other"}
    store.put(with_apprentice(other, method="apprentice_showcase"), author="Sam")
    details = store.apprentice(ULN)
    assert (details["family_name"], details["course_option"]) == ("Berg", "Retail")


def test_an_older_store_gains_the_columns_when_opened(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE apprentices DROP COLUMN family_name"))
        conn.execute(text("ALTER TABLE apprentices DROP COLUMN course_option"))
    engine.dispose()
    store = Store(url)
    have = {c["name"] for c in inspect(store.engine).get_columns("apprentices")}
    assert {"family_name", "course_option"} <= have
    named = {"uln": ULN, "name": "Ada Berg", "family_name": "Berg"}
    store.put(with_apprentice(named), author="Sam")
    assert store.apprentice(ULN)["family_name"] == "Berg"
    store.close()

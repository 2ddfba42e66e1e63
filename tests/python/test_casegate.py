"""The Python package over libcasegate: the same walk as the C example, and each outcome's
exception. Run once on SQLite and once on PostgreSQL (test_database)."""
import os
import sys
import threading

import pytest

import casegate

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from test_database import fresh_database  # noqa: E402


@pytest.fixture
def engine():
    with casegate.open(fresh_database(":memory:"), synchronous="NORMAL") as opened:
        opened.init("admin")
        opened.user_add("admin", "sw", role="social_worker", team="north")
        opened.user_add("admin", "tm", role="team_manager", team="north")
        yield opened


def test_a_case_is_refused_naming_what_is_missing_then_accepted(engine):
    case = engine.open_case("sw", "child_protection", subject="CHILD-1")["case"]
    with pytest.raises(casegate.Refused) as refused:
        engine.fire("sw", case, "refer_to_strategy")
    assert refused.value.code == 3
    assert [m["task"] for m in refused.value.missing] == ["referral_decision"]
    assert refused.value.missing[0]["condition"] == "decision=significant_harm"
    receipt = engine.record("sw", case, "referral_decision", {"decision": "significant_harm"})
    assert receipt["payload"] == {"decision": "significant_harm", "urgency": "standard"}
    fired = engine.fire("sw", case, "refer_to_strategy", expect_version=1)
    assert (fired["outcome"], fired["to"], fired["version"]) == ("accepted", "strategy_discussion", 2)
    assert engine.status("tm", case)["state"] == "strategy_discussion"
    assert [e["action"] for e in engine.history("tm", case)][:3] == ["open", "fire", "record"]
    assert engine.verify()["ok"] is True


def test_each_outcome_raises_its_exception(engine):
    case = engine.open_case("sw", "child_protection", subject="C")["case"]
    with pytest.raises(casegate.NotFound) as not_found:
        engine.status("tm", 999)
    assert not_found.value.code == 4 and "case 999 does not exist" in str(not_found.value)
    with pytest.raises(casegate.Invalid):
        engine.execute("sw", {"command": "fire", "case": "one", "event": "x"})
    with pytest.raises(casegate.Invalid, match="unknown command"):
        engine.execute("sw", {"command": "launch"})
    with pytest.raises(casegate.Invalid, match="unknown field"):
        engine.execute("sw", {"command": "status", "case": case, "shoe_size": 9})
    with pytest.raises(casegate.Conflict):
        engine.fire("sw", case, "refer_to_strategy", expect_version=7)
    with pytest.raises(casegate.Refused, match="may not override a gate"):
        engine.fire("sw", case, "refer_to_strategy", override=True, reason="urgent")
    with pytest.raises(casegate.NotFound, match="does not exist"):
        engine.status("nobody", case)
    assert issubclass(casegate.IntegrityError, casegate.CasegateError)


def test_a_closed_engine_refuses_and_a_bad_option_does_not_open():
    opened = casegate.open(":memory:")
    opened.close()
    with pytest.raises(casegate.Invalid, match="closed"):
        opened.user_list("admin")
    with pytest.raises(casegate.Invalid, match="synchronous"):
        casegate.open(":memory:", synchronous="SOMETIMES")


def test_checkpoints_in_the_committing_thread_on_request(tmp_path):
    path = str(tmp_path / "inline.db")
    with casegate.open(path, wal_checkpoint_in_background=False) as engine:
        engine.init("admin")
        engine.user_add("admin", "sw", role="social_worker", team="north")
        case = engine.open_case("sw", "child_protection", subject="CHILD-1")["case"]
    with casegate.open(path) as engine:
        assert engine.status("sw", case)["state"] == "referral"
    with pytest.raises(casegate.Invalid, match="wal_checkpoint_in_background"):
        casegate.open(path, wal_checkpoint_in_background="sometimes")


def test_threads_share_one_engine(tmp_path):
    with casegate.open(fresh_database(str(tmp_path / "threads.db"))) as engine:
        engine.init("admin")
        engine.user_add("admin", "sw", role="social_worker", team="north")
        errors = []

        def worker():
            try:
                for _ in range(10):
                    engine.open_case("sw", "child_protection", subject="T")
            except casegate.CasegateError as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert engine.verify()["entries_verified"] == 2 + 40
        with pytest.raises(casegate.Refused, match="oversight"):
            engine.execute("sw", {"command": "export", "table": "cases"})
        engine.user_add("admin", "aud", role="auditor")
        assert len(engine.execute("aud", {"command": "export", "table": "cases"})) == 40


def test_need_to_know_access_denies_and_breaks_glass():
    with casegate.open(fresh_database(":memory:")) as engine:
        engine.init("admin")
        engine.user_add("admin", "sw", role="social_worker", team="north")
        engine.user_add("admin", "other", role="social_worker", team="south")
        case = engine.open_case("sw", "child_protection", subject="CHILD-9")["case"]
        with pytest.raises(casegate.Denied) as denied:
            engine.status("other", case)
        assert "CHILD-9" not in str(denied.value) and "north" not in str(denied.value)
        assert engine.cases("other")["cases"] == []
        grant = engine.access("other", case, reason="child presented at the south office")
        assert grant["case"] == case and grant["reviewed_by"] is None
        assert engine.status("other", case)["subject"] == "CHILD-9"


def test_the_library_reports_its_version():
    assert casegate.library_version() == "0.1.0"

"""Two casegate serve processes on one database, as a deployment with several application servers
runs them: clients spread over both, each case worked through both, every command audited once."""
import json
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from serving import Server, run

CLIENTS, CASES_EACH = 6, 8


def test_two_servers_on_one_database_audit_every_command_exactly_once(tmp_path):
    first = Server(tmp_path)
    second = Server(tmp_path, same_as=first)
    try:
        token = first.token("sw.jones")

        def client(n):
            near, far = (first, second) if n % 2 == 0 else (second, first)
            conn_near, conn_far = near.connect(), far.connect()
            made = []
            for i in range(CASES_EACH):
                response, body, _ = near.request("POST", "/v1/cases", token=token, connection=conn_near,
                                                 body={"workflow": "child_protection", "subject": "C-%d-%d" % (n, i)})
                assert response.status == 201, body
                case = body["case"]
                response, body, _ = far.request("POST", "/v1/cases/%d/tasks" % case, token=token,
                                                connection=conn_far,
                                                body={"kind": "referral_decision", "data": {"decision": "significant_harm"}})
                assert response.status == 201, body
                response, body, _ = near.request("POST", "/v1/cases/%d/events/refer_to_strategy" % case, token=token,
                                                 connection=conn_near, headers={"If-Match": '"1"'})
                assert response.status == 200 and body["outcome"] == "accepted", body
                made.append(case)
            conn_near.close()
            conn_far.close()
            return made

        with ThreadPoolExecutor(CLIENTS) as pool:
            made = sorted(sum(pool.map(client, range(CLIENTS)), []))
        assert made == list(range(1, CLIENTS * CASES_EACH + 1))
    finally:
        assert first.stop() == 0
        assert second.stop() == 0

    entries = json.loads(run("--as", "aud.lee", "--json", "export", "--table", "audit", db=first.db).stdout)
    seqs = [int(e["seq"]) for e in entries]
    assert seqs == list(range(1, len(entries) + 1))  # no gap, no fork
    accepted = Counter((e["case_id"], e["action"]) for e in entries if e["outcome"] == "accepted" and e["case_id"])
    for case in made:
        for action in ("open", "record", "fire"):
            assert accepted[(str(case), action)] == 1, (case, action)
    assert run("verify", db=first.db).stdout.startswith("audit chain verified")


@pytest.mark.skipif(os.environ.get("CASEGATE_TEST_STORE") == "postgresql", reason="SQLite's write-ahead log only")
def test_wal_checkpoint_inline_serves_with_no_checkpoint_thread(tmp_path):
    """--wal-checkpoint inline: the committing thread copies the log, so the store starts no
    thread of its own for it; the default starts one (named casegate-wal). Both serve one file."""
    background = Server(tmp_path)
    inline = Server(tmp_path, serve_args=["--wal-checkpoint", "inline"], same_as=background)
    try:
        def thread_names(server):
            task = "/proc/%d/task" % server.process.pid
            names = []
            for thread in os.listdir(task):
                with open(os.path.join(task, thread, "comm")) as comm:
                    names.append(comm.read().strip())
            return names

        assert thread_names(background).count("casegate-wal") == 1
        assert "casegate-wal" not in thread_names(inline)
        for n, server in enumerate((background, inline)):
            response, body, _ = server.request("POST", "/v1/cases", "sw.jones",
                                               {"workflow": "child_protection", "subject": "WAL-%d" % n})
            assert response.status == 201, body
        assert run("--as", "aud.lee", "verify", db=background.db).returncode == 0
        bad = run("--wal-checkpoint", "later", "verify", db=background.db, check=False)
        assert bad.returncode == 2
        assert "--wal-checkpoint" in bad.stderr and bad.stderr.count("\n") == 1
    finally:
        inline.stop()
        background.stop()

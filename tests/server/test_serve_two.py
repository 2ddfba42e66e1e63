"""Two casegate serve processes on one database, as a deployment with several application servers
runs them: clients spread over both, each case worked through both, every command audited once."""
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

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

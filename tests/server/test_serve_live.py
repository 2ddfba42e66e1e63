"""casegate serve: exactly-once POSTs (also across a SIGKILL), the live feed of audit entries and
its resumption, TLS checked with curl against a CA made here, and clients too slow to matter.
"""
import datetime
import http.client
import json
import signal
import socket
import subprocess
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from serving import Server, open_case

OPEN = {"workflow": "child_protection", "subject": "ONCE-1"}


def cases_of(server, user, subject):
    body = server.request("GET", "/v1/cases?limit=1000", user)[1]
    ids = [c["case"] for c in body["cases"] if c["subject"] == subject]
    return ids


def test_a_retried_post_runs_once_and_gets_the_first_answer(server):
    first, body, _ = server.request("POST", "/v1/cases", "sw.jones", OPEN, headers={"Idempotency-Key": "k-1"})
    assert first.status == 201 and first.getheader("Idempotent-Replayed") is None
    again, replayed, _ = server.request("POST", "/v1/cases", "sw.jones", OPEN, headers={"Idempotency-Key": "k-1"})
    assert again.status == 201 and again.getheader("Idempotent-Replayed") == "true"
    assert replayed == body and again.getheader("Location") == first.getheader("Location")
    assert cases_of(server, "sw.jones", "ONCE-1") == [body["case"]]
    history = server.request("GET", "/v1/cases/%d/history" % body["case"], "sw.jones")[1]
    assert [e["action"] for e in history].count("open") == 1

    # The same key with another body is a mistake, and changes nothing.
    other, problem, _ = server.request("POST", "/v1/cases", "sw.jones", dict(OPEN, subject="ONCE-2"),
                                       headers={"Idempotency-Key": "k-1"})
    assert other.status == 422 and "another request" in problem["detail"]
    assert cases_of(server, "sw.jones", "ONCE-2") == []

    # Keys are each user's own: another user's k-1 is another request.
    mine, body2, _ = server.request("POST", "/v1/cases", "tm.khan", OPEN, headers={"Idempotency-Key": "k-1"})
    assert mine.status == 201 and body2["case"] != body["case"]


def test_a_kept_refusal_and_keys_that_are_not_kept(server):
    case = open_case(server)
    path = "/v1/cases/%d/events/refer_to_strategy" % case
    refused = server.request("POST", path, "sw.jones", headers={"Idempotency-Key": "fire-1"})
    assert refused[0].status == 409
    # The retry of that request gets that answer; a new attempt takes a new key.
    server.request("POST", "/v1/cases/%d/tasks" % case, "sw.jones",
                   {"kind": "referral_decision", "data": {"decision": "significant_harm"}})
    again = server.request("POST", path, "sw.jones", headers={"Idempotency-Key": "fire-1"})
    assert again[0].status == 409 and again[0].getheader("Idempotent-Replayed") == "true"
    assert again[1]["missing"] == refused[1]["missing"]
    fresh = server.request("POST", path, "sw.jones", headers={"Idempotency-Key": "fire-2"})
    assert fresh[0].status == 200 and fresh[1]["outcome"] == "accepted"
    # A stale If-Match (409/412 conflict) is not kept: once the client has the version, it runs.
    stale = server.request("POST", "/v1/cases/%d/events/start_section_47" % case, "tm.khan",
                           {"override": True, "reason": "police attending"},
                           headers={"Idempotency-Key": "fire-3", "If-Match": '"1"'})
    assert stale[0].status == 412
    assert server.request("POST", "/v1/cases/%d/events/start_section_47" % case, "tm.khan",
                          {"override": True, "reason": "police attending"},
                          headers={"Idempotency-Key": "fire-3", "If-Match": '"2"'})[0].status == 200
    # A key that is not visible ASCII, or too long, is refused outright.
    for bad in ["k" * 256, "caf\u00e9".encode().decode("latin-1")]:
        response = server.request("POST", "/v1/cases", "sw.jones", OPEN, headers={"Idempotency-Key": bad})
        assert response[0].status == 422, bad
    # verify changes nothing: its key is accepted and nothing is kept.
    assert server.request("POST", "/v1/verify", "aud.lee", headers={"Idempotency-Key": "v-1"})[0].status == 200


def test_a_retry_after_sigkill_between_request_and_answer_runs_nothing_twice(server):
    token = server.token("sw.jones")
    outcomes = []
    for attempt, delay in enumerate([0, 0, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.02]):
        subject, key = "KILL-%d" % attempt, "kill-%d" % attempt
        body = json.dumps(dict(OPEN, subject=subject))
        conn = server.connect()
        conn.request("POST", "/v1/cases", body=body, headers={
            "Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": key})
        time.sleep(delay)  # before, during or after the commit
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        server.process.stdout.close()
        conn.close()
        server.start()
        retry = server.request("POST", "/v1/cases", token=token, body=body, headers={"Idempotency-Key": key})
        assert retry[0].status == 201, retry[1]
        assert cases_of(server, "sw.jones", subject) == [retry[1]["case"]]
        outcomes.append(retry[0].getheader("Idempotent-Replayed") == "true")
    assert server.request("POST", "/v1/verify", "aud.lee")[1]["ok"] is True
    print("retries answered from the kept reply: %d of %d" % (sum(outcomes), len(outcomes)))


class Feed:
    """GET /v1/events, read line by line."""

    def __init__(self, server, user, last_event_id=None):
        self.conn = server.connect(timeout=10)
        headers = {"Authorization": "Bearer " + server.token(user), "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", "/v1/events", headers=headers)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        assert self.response.getheader("Transfer-Encoding") == "chunked"
        assert self.response.readline() == b"retry: 3000\n" and self.response.readline() == b"\n"

    def next_event(self):
        fields = {}
        while True:
            line = self.response.readline().decode()
            assert line, "the feed ended"
            if line == "\n" and "id" in fields:
                return int(fields["id"]), json.loads(fields["data"])
            if line.startswith(":") or line == "\n":
                continue
            name, _, value = line.rstrip("\n").partition(": ")
            fields[name] = value

    def close(self):
        self.conn.close()


def test_the_live_feed_shows_what_the_user_may_see_and_resumes_with_nothing_missed_or_repeated(server):
    feed = Feed(server, "tm.khan")
    first = open_case(server, "sw.jones", "LIVE-1")
    open_case(server, "sw.osei", "SOUTH-1")  # another team's child: never in tm.khan's feed
    seq, entry = feed.next_event()
    assert entry["case"] == first and entry["action"] == "open" and entry["seq"] == seq
    feed.close()

    # While nobody listens: more of north's work, and south's.
    second = open_case(server, "sw.jones", "LIVE-2")
    server.request("POST", "/v1/cases/%d/tasks" % second, "sw.jones",
                   {"kind": "referral_decision", "data": {"decision": "significant_harm"}})
    open_case(server, "sw.osei", "SOUTH-2")
    resumed = Feed(server, "tm.khan", last_event_id=seq)
    seen = [resumed.next_event() for _ in range(2)]
    third = open_case(server, "sw.jones", "LIVE-3")  # arrives live, after the backlog
    seen.append(resumed.next_event())
    resumed.close()

    exported = server.request("GET", "/v1/export/audit?format=json", "tm.khan")[1]
    expected = [row["seq"] for row in exported if int(row["seq"]) > seq and row["case_id"] is not None]
    assert [s for s, _ in seen] == [int(s) for s in expected][:3]
    assert [e["case"] for _, e in seen] == [second, second, third]
    assert all(e["case"] in (first, second, third) for _, e in seen)

    # A bad Last-Event-ID, no token, and an admin (who sees no cases) are turned away.
    assert server.request("GET", "/v1/events", "tm.khan", headers={"Last-Event-ID": "x"})[0].status == 400
    assert server.request("GET", "/v1/events")[0].status == 401
    assert server.request("GET", "/v1/events", "admin.ali")[0].status == 403


def test_exports_stream_a_page_at_a_time_as_json_and_csv(server):
    for n in range(30):
        open_case(server, "sw.jones", "EXPORT-%d" % n)
    for table in ("cases", "tasks", "audit", "clocks"):
        response, rows, _ = server.request("GET", "/v1/export/%s?format=json" % table, "aud.lee")
        assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked", table
        response, _, raw = server.request("GET", "/v1/export/%s?format=csv" % table, "aud.lee")
        assert response.status == 200 and response.getheader("Content-Type").startswith("text/csv")
        grown = 1 if table == "audit" else 0  # the JSON export's own view is in the log since
        assert len(raw.decode().splitlines()) == 1 + len(rows) + grown, table  # a header, a line a row
    # Over a page (1,000 rows): each view of a case is an audit entry.
    conn, token = server.connect(), server.token("sw.jones")
    for _ in range(1100):
        assert server.request("GET", "/v1/cases/1", token=token, connection=conn)[0].status == 200
    conn.close()
    entries = server.request("GET", "/v1/export/audit?format=json", "aud.lee")[1]
    assert [int(e["seq"]) for e in entries] == list(range(1, len(entries) + 1)) and len(entries) > 1100
    csv = server.request("GET", "/v1/export/audit?format=csv", "aud.lee")[2].decode().splitlines()
    assert len(csv) == 1 + len(entries) + 1 and csv[-2].startswith("%d," % len(entries))
    # The team's own: north's manager gets north's cases only.
    cases = server.request("GET", "/v1/export/cases?format=json", "tm.khan")[1]
    assert len(cases) == 30 and {c["team"] for c in cases} == {"north"}
    # A failure is known before anything is streamed: an ordinary problem.
    assert server.request("GET", "/v1/export/secrets", "aud.lee")[0].status == 422
    assert server.request("GET", "/v1/export/cases", "sw.jones")[0].status == 403
    assert server.request("GET", "/v1/export/cases?limit=3", "aud.lee")[0].status == 422


def make_certificates(folder):
    """A CA made here, and a certificate for localhost signed by it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "casegate test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {name: str(folder / (name + ".pem")) for name in ("ca", "cert", "key")}
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return paths


def test_tls_with_curl_against_a_ca_made_here(tmp_path):
    paths = make_certificates(tmp_path)
    server = Server(tmp_path, ["--tls-cert", paths["cert"], "--tls-key", paths["key"]], tls_ca=paths["ca"])
    try:
        base = "https://localhost:%d" % server.port
        curl = ["curl", "--silent", "--show-error", "--cacert", paths["ca"]]
        health = subprocess.run(curl + [base + "/v1/health"], capture_output=True, text=True)
        assert health.returncode == 0 and json.loads(health.stdout) == {"status": "ok"}, health.stderr
        opened = subprocess.run(curl + ["--write-out", "\n%{http_code}", "-H",
                                        "Authorization: Bearer " + server.token("sw.jones"), "-H",
                                        "Content-Type: application/json", "--data", json.dumps(OPEN),
                                        base + "/v1/cases"], capture_output=True, text=True)
        body, status = opened.stdout.rsplit("\n", 1)
        assert opened.returncode == 0 and status == "201" and json.loads(body)["case"], opened.stderr
        # A client that does not trust the CA is refused by curl; plain HTTP gets no answer.
        untrusted = subprocess.run(["curl", "--silent", base + "/v1/health"], capture_output=True)
        assert untrusted.returncode == 60  # peer certificate cannot be authenticated
        plain = subprocess.run(["curl", "--silent", "--max-time", "5", "http://localhost:%d/v1/health" % server.port],
                               capture_output=True)
        assert plain.returncode != 0
        # Keep-alive over TLS through the library's own client.
        conn = server.connect()
        for _ in range(3):
            assert server.request("GET", "/v1/health", connection=conn)[0].status == 200
        conn.close()
    finally:
        assert server.stop() == 0


def test_sixty_four_half_sent_requests_do_not_starve_a_normal_one(tmp_path):
    server = Server(tmp_path, ["--header-timeout", "2"])
    try:
        stalled = []
        for _ in range(64):
            s = socket.create_connection((server.host, server.port))
            s.sendall(b"POST /v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n")  # the head never ends
            stalled.append(s)
        started = time.monotonic()
        assert server.request("GET", "/v1/health")[0].status == 200
        assert open_case(server, "sw.jones", "AMID-STALLS")
        assert time.monotonic() - started < 1.5  # answered well before any stalled request times out
        # The stalled ones are closed once their header timeout passes.
        for s in stalled:
            s.settimeout(10)
            assert s.recv(1024) == b""
            s.close()
        log = server.log.read_text()
        assert "AMID-STALLS" not in log  # the access log names routes, never a child
    finally:
        assert server.stop() == 0


def test_the_connection_cap_refuses_the_extra_connection_only(tmp_path):
    server = Server(tmp_path, ["--max-connections", "4"])
    try:
        held = [server.connect() for _ in range(4)]
        for conn in held:
            assert server.request("GET", "/v1/health", connection=conn)[0].status == 200
        extra = server.connect(timeout=5)
        try:
            extra.request("GET", "/v1/health")
            extra.getresponse()
            assert False, "the fifth connection was served"
        except (ConnectionError, http.client.RemoteDisconnected, OSError):
            pass
        for conn in held:
            assert server.request("GET", "/v1/health", connection=conn)[0].status == 200
            conn.close()
    finally:
        assert server.stop() == 0


def test_sigterm_lets_a_request_in_flight_finish_and_ends_the_feeds(server):
    conn, token = server.connect(), server.token("sw.jones")
    for n in range(1200):  # an audit log of more than one export page
        assert server.request("GET", "/v1/cases", token=token, connection=conn)[0].status == 200
    conn.close()
    feed = Feed(server, "tm.khan")
    # An export read slowly: in flight when SIGTERM comes.
    export = server.connect(timeout=20)
    export.request("GET", "/v1/export/audit?format=csv", headers={"Authorization": "Bearer " + server.token("aud.lee")})
    response = export.getresponse()
    first = response.read(100)
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    rest = response.read()  # the whole body, to its last chunk (http.client raises if it is cut)
    lines = (first + rest).decode().splitlines()
    assert len(lines) > 1200 and lines[-1].split(",")[0] == str(len(lines) - 1)
    export.close()
    assert server.process.wait(timeout=20) == 0
    assert feed.response.readline() == b""  # the feed ended with the drain
    feed.close()

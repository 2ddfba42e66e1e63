"""casegate serve over real HTTP: routes and their codes, identity, access, limits, signals.

Run by CTest with the built binary in CASEGATE_BIN; tokens are signed by `casegate token`, and
the ones the server must refuse are forged here with PyJWT.
"""
import base64
import http.client
import json
import signal
import threading
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from serving import AUD, ISS, open_case, run, write_key


def test_health_and_openapi_need_no_token(server):
    response, body, _ = server.request("GET", "/v1/health")
    assert response.status == 200 and body == {"status": "ok"}
    response, body, _ = server.request("GET", "/openapi.json")
    assert response.status == 200 and body["openapi"].startswith("3.")
    assert "/v1/cases/{id}/events/{event}" in body["paths"]


def test_a_refused_then_accepted_step_with_etags(server):
    response, body, _ = server.request("POST", "/v1/cases", "sw.jones",
                                       {"workflow": "child_protection", "subject": "CHILD-7"})
    assert response.status == 201
    assert response.getheader("Location") == "/v1/cases/%d" % body["case"]
    assert response.getheader("ETag") == '"1"'
    case = body["case"]
    response, problem, _ = server.request("POST", "/v1/cases/%d/events/refer_to_strategy" % case, "sw.jones")
    assert response.status == 409
    assert response.getheader("Content-Type") == "application/problem+json"
    assert problem["code"] == "refused" and problem["missing"][0]["task"] == "referral_decision"
    response, body, _ = server.request("POST", "/v1/cases/%d/tasks" % case, "sw.jones",
                                       {"kind": "referral_decision", "data": {"decision": "significant_harm"}})
    assert response.status == 201 and body["kind"] == "referral_decision"
    response, body, _ = server.request("POST", "/v1/cases/%d/events/refer_to_strategy" % case, "sw.jones",
                                       headers={"If-Match": '"1"'})
    assert response.status == 200 and body["outcome"] == "accepted"
    assert response.getheader("ETag") == '"2"'
    response, body, _ = server.request("GET", "/v1/cases/%d" % case, "sw.jones")
    assert response.status == 200 and response.getheader("ETag") == '"2"' and body["state"] == "strategy_discussion"
    response, problem, _ = server.request("POST", "/v1/cases/%d/events/start_section_47" % case, "tm.khan",
                                          {"override": True, "reason": "police attending"},
                                          headers={"If-Match": '"1"'})
    assert response.status == 412 and problem["code"] == "conflict"


def test_every_bad_token_is_a_401_with_a_bearer_challenge(server):
    now = int(time.time())
    claims = {"iss": ISS, "aud": AUD, "sub": "sw.jones", "exp": now + 600, "nbf": now - 10}
    rsa_pem = server.dir.joinpath("rsa.pem").read_bytes()
    public_pem = serialization.load_pem_private_key(rsa_pem, None).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    forged = {
        "none": jwt.encode(claims, None, algorithm="none", headers={"kid": "rsa-1"}),
        "hmac with the public key": base64_hs256(claims, public_pem),
        "unknown kid": jwt.encode(claims, rsa_pem, algorithm="RS256", headers={"kid": "nobody"}),
        "expired": jwt.encode(dict(claims, exp=now - 120), rsa_pem, algorithm="RS256", headers={"kid": "rsa-1"}),
        "not yet valid": jwt.encode(dict(claims, nbf=now + 600), rsa_pem, algorithm="RS256",
                                    headers={"kid": "rsa-1"}),
        "another issuer": jwt.encode(dict(claims, iss="https://evil.test"), rsa_pem, algorithm="RS256",
                                     headers={"kid": "rsa-1"}),
        "another audience": jwt.encode(dict(claims, aud="other"), rsa_pem, algorithm="RS256",
                                       headers={"kid": "rsa-1"}),
        "rsa key under an ec kid": jwt.encode(claims, rsa_pem, algorithm="RS256", headers={"kid": "ec-1"}),
        "garbage": "not.a.token",
        "unknown user": server.token("nobody"),
        "inactive user": server.token("sw.gone"),
    }
    good = jwt.encode(claims, rsa_pem, algorithm="RS256", headers={"kid": "rsa-1"})
    assert server.request("GET", "/v1/cases", token=good)[0].status == 200
    assert server.request("GET", "/v1/cases", token=server.token("sw.jones", key=server.ec, kid="ec-1"))[0].status \
        == 200
    for name, token in forged.items():
        response, problem, _ = server.request("GET", "/v1/cases", token=token)
        assert response.status == 401, name
        assert response.getheader("WWW-Authenticate").startswith("Bearer"), name
        assert problem["code"] == "unauthorized", name
    response, _, _ = server.request("GET", "/v1/cases")
    assert response.status == 401 and response.getheader("WWW-Authenticate").startswith("Bearer")
    # Within the 60 s of skew, a token just expired still passes.
    skewed = jwt.encode(dict(claims, exp=now - 20), rsa_pem, algorithm="RS256", headers={"kid": "rsa-1"})
    assert server.request("GET", "/v1/cases", token=skewed)[0].status == 200


def base64_hs256(claims, secret):
    # PyJWT refuses to use a PEM as an HMAC secret; an attacker would not.
    import hashlib
    import hmac

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode()) + "." + \
        b64(json.dumps(claims).encode())
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def test_access_rules_apply_and_403_reveals_nothing(server):
    case = open_case(server, subject="CHILD-SECRET")
    response, problem, raw = server.request("GET", "/v1/cases/%d" % case, "sw.osei")
    assert response.status == 403 and problem["code"] == "denied"
    assert b"CHILD-SECRET" not in raw and b"north" not in raw and b"referral" not in raw
    response, body, _ = server.request("GET", "/v1/cases", "sw.osei")
    assert body == {"cases": [], "next": None}
    response, grant, _ = server.request("POST", "/v1/cases/%d/access" % case, "sw.osei",
                                        {"reason": "child presented at the south office"})
    assert response.status == 200 and grant["case"] == case
    assert server.request("GET", "/v1/cases/%d" % case, "sw.osei")[0].status == 200
    response, problem, _ = server.request("POST", "/v1/cases/%d/access" % case, "sw.osei", {"reason": "short"})
    assert response.status == 422


def test_error_codes(server):
    case = open_case(server)
    assert server.request("GET", "/v1/cases/999", "sw.jones")[0].status == 404
    assert server.request("GET", "/v1/cases/abc", "sw.jones")[0].status == 404
    assert server.request("GET", "/v1/nothing", "sw.jones")[0].status == 404
    assert server.request("DELETE", "/v1/cases", "sw.jones")[0].status == 405
    response, problem, _ = server.request("POST", "/v1/cases/%d/tasks" % case, "sw.jones", "{not json")
    assert response.status == 400
    response, problem, _ = server.request("POST", "/v1/cases/%d/tasks" % case, "sw.jones",
                                          {"kind": "referral_decision", "data": {"decision": "maybe"}})
    assert response.status == 422 and "decision" in problem["detail"]
    response, problem, _ = server.request("POST", "/v1/cases/%d/events/start_section_47" % case, "sw.jones",
                                          {"override": True, "reason": "x"})
    assert response.status == 403 and problem["code"] == "refused"
    response, problem, _ = server.request("GET", "/v1/cases?limit=abc", "sw.jones")
    assert response.status == 400
    response, problem, _ = server.request("POST", "/v1/cases/%d/events/refer_to_strategy" % case, "sw.jones",
                                          headers={"If-Match": "three"})
    assert response.status == 400
    big = json.dumps({"kind": "referral_decision", "data": {"notes": "x" * (1024 * 1024 + 10)}})
    response, problem, _ = server.request("POST", "/v1/cases/%d/tasks" % case, "sw.jones", big)
    assert response.status == 413


def test_lists_workflows_and_exports(server):
    open_case(server)
    response, body, _ = server.request("GET", "/v1/workflows", "sw.jones")
    assert response.status == 200 and {"child_protection", "pre_birth"} <= {w["name"] for w in body}
    response, _, raw = server.request("GET", "/v1/workflows/pre_birth?format=mermaid", "sw.jones")
    assert response.status == 200 and raw.startswith(b"stateDiagram-v2")
    response, body, _ = server.request("GET", "/v1/workflows/pre_birth", "sw.jones")
    assert body["name"] == "pre_birth"
    response, _, raw = server.request("GET", "/v1/export/cases?format=csv", "aud.lee")
    assert response.status == 200 and raw.startswith(b"id,workflow,workflow_version,subject,team")
    response, body, _ = server.request("GET", "/v1/oversight/overdue", "tm.khan")
    assert response.status == 200 and "clocks" in body
    response, body, _ = server.request("GET", "/v1/oversight/overdue?team=south", "tm.khan")
    assert response.status == 403
    response, body, _ = server.request("POST", "/v1/verify", "aud.lee")
    assert response.status == 200 and body["ok"] is True


def test_sixteen_keep_alive_clients_and_a_chain_that_verifies(server):
    errors = []
    tokens = {user: server.token(user) for user in ("sw.jones", "tm.khan")}

    def client(n):
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        try:
            for i in range(5):
                response, body, _ = server.request("POST", "/v1/cases", token=tokens["sw.jones"],
                                                   body={"workflow": "child_protection", "subject": "K-%d-%d" % (n, i)},
                                                   connection=conn)
                if response.status != 201:
                    errors.append(body)
                    continue
                case = body["case"]
                server.request("POST", "/v1/cases/%d/tasks" % case, token=tokens["sw.jones"], connection=conn,
                               body={"kind": "referral_decision", "data": {"decision": "significant_harm"}})
                response, body, _ = server.request("POST", "/v1/cases/%d/events/refer_to_strategy" % case,
                                                   token=tokens["tm.khan"], connection=conn)
                if response.status != 200:
                    errors.append(body)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    response, body, _ = server.request("POST", "/v1/verify", "aud.lee")
    assert body["ok"] is True
    response, body, _ = server.request("GET", "/v1/cases?limit=1000", "tm.khan")
    assert len(body["cases"]) == 80


def test_metrics_count_requests_and_commits(server):
    open_case(server)
    server.request("GET", "/v1/cases/999", "sw.jones")
    assert server.request("GET", "/metrics")[0].status == 401
    response, _, raw = server.request("GET", "/metrics", "aud.lee")
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/plain")
    text = raw.decode()
    assert 'casegate_http_requests_total{route="/v1/cases",status="201"} 1' in text
    assert 'casegate_http_requests_total{route="/v1/cases/{id}",status="404"} 1' in text
    assert 'casegate_http_request_duration_seconds_count{route="/v1/cases"} 1' in text
    commits = [line for line in text.splitlines() if line.startswith("casegate_commit_batch_size_count")]
    assert commits and int(commits[0].split()[-1]) >= 2  # the open and the 404's audited view


def test_sighup_reloads_the_key_set(server):
    old = server.token("sw.jones")
    assert server.request("GET", "/v1/cases", token=old)[0].status == 200
    fresh = write_key(server.dir / "fresh.pem", ec.generate_private_key(ec.SECP256R1()))
    server.jwks.write_text(run("jwks", "--key", fresh, "--kid", "fresh-1").stdout)
    server.process.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while server.request("GET", "/v1/cases", token=old)[0].status != 401:
        assert time.time() < deadline, "the old key is still trusted"
        time.sleep(0.1)
    assert server.request("GET", "/v1/cases", token=server.token("sw.jones", key=fresh, kid="fresh-1"))[0].status \
        == 200


def test_sigterm_drains_and_exits_zero(server):
    open_case(server)
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    server.request("GET", "/v1/health", connection=conn)  # an idle kept-alive connection
    assert server.stop(signal.SIGTERM) == 0
    conn.close()
    log = server.log.read_text()
    assert '"route":"/v1/cases"' in log and '"status":201' in log  # one JSON line per request


def test_real_responses_match_the_openapi_document(server):
    import jsonschema

    document = server.request("GET", "/openapi.json")[1]

    def openapi_to_json_schema(node):
        # OpenAPI 3.0's "nullable" is JSON Schema's type union with null.
        if isinstance(node, dict):
            node = {key: openapi_to_json_schema(value) for key, value in node.items()}
            if node.pop("nullable", False) and "type" in node:
                node["type"] = [node["type"], "null"]
            if "$ref" in node:
                node["$ref"] = node["$ref"].replace("#/components/schemas/", "#/definitions/")
            return node
        if isinstance(node, list):
            return [openapi_to_json_schema(item) for item in node]
        return node

    definitions = openapi_to_json_schema(document["components"]["schemas"])

    def check(method, template, path, user=None, body=None, headers=None):
        response, parsed, raw = server.request(method, path, user, body, headers=headers)
        operation = document["paths"][template][method.lower()]
        declared = operation["responses"][str(response.status)]
        content_type = response.getheader("Content-Type")
        schema = dict(openapi_to_json_schema(declared["content"][content_type]["schema"]))
        schema["definitions"] = definitions
        jsonschema.validate(parsed, schema)
        return parsed

    check("GET", "/v1/health", "/v1/health")
    opened = check("POST", "/v1/cases", "/v1/cases", "sw.jones", {"workflow": "child_protection", "subject": "O-1"})
    case = opened["case"]
    check("POST", "/v1/cases/{id}/events/{event}", "/v1/cases/%d/events/refer_to_strategy" % case, "sw.jones")
    check("POST", "/v1/cases/{id}/tasks", "/v1/cases/%d/tasks" % case, "sw.jones",
          {"kind": "referral_decision", "data": {"decision": "significant_harm"}})
    check("POST", "/v1/cases/{id}/events/{event}", "/v1/cases/%d/events/refer_to_strategy" % case, "sw.jones")
    check("GET", "/v1/cases/{id}", "/v1/cases/%d" % case, "sw.jones")
    check("GET", "/v1/cases/{id}", "/v1/cases/%d" % case, "sw.osei")
    check("GET", "/v1/cases/{id}", "/v1/cases/999", "sw.jones")
    check("GET", "/v1/cases", "/v1/cases", "sw.jones")
    check("GET", "/v1/cases/{id}/history", "/v1/cases/%d/history" % case, "sw.jones")
    check("POST", "/v1/cases/{id}/allocation", "/v1/cases/%d/allocation" % case, "tm.khan", {"user": "sw.jones"})
    check("POST", "/v1/cases/{id}/access", "/v1/cases/%d/access" % case, "sw.osei",
          {"reason": "child presented at the south office"})
    check("POST", "/v1/cases/{id}/transfer", "/v1/cases/%d/transfer" % case, "tm.khan", {"team": "south"})
    check("GET", "/v1/workflows", "/v1/workflows", "sw.jones")
    check("GET", "/v1/workflows/{name}", "/v1/workflows/pre_birth", "sw.jones")
    check("GET", "/v1/oversight/timeliness", "/v1/oversight/timeliness", "aud.lee")
    check("GET", "/v1/export/{table}", "/v1/export/clocks", "aud.lee")
    check("POST", "/v1/verify", "/v1/verify", "aud.lee")
    check("GET", "/v1/events", "/v1/events", "admin.ali")  # an admin sees no cases: 403

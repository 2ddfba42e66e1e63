"""casegate serve for the tests: a throwaway database with users of two teams, keys, and a server
on a free port. Tokens are signed by `casegate token`. With CASEGATE_TEST_STORE=postgresql the
database is a fresh schema of the cluster at CASEGATE_TEST_POSTGRES (support/test_database.py).
"""
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from test_database import fresh_database  # noqa: E402

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

BIN = os.environ["CASEGATE_BIN"]
ISS, AUD = "https://idp.example.test", "casegate-tests"


def run(*args, db=None, check=True):
    cmd = [BIN] + (["--db", db] if db else []) + list(args)
    done = subprocess.run(cmd, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError("%s: %s" % (" ".join(cmd), done.stderr))
    return done


def write_key(path, key):
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return str(path)


class Server:
    """`serve_args` are added to the command line; `tls_ca` (a CA certificate file) makes the
    client speak HTTPS, trusting only that CA. `same_as` (another Server) serves its database with
    its keys, as a second server of one deployment."""

    def __init__(self, tmp_path, serve_args=(), tls_ca=None, same_as=None):
        self.dir = tmp_path
        self.serve_args, self.tls_ca = list(serve_args), tls_ca
        if same_as:
            self.db, self.rsa, self.ec, self.jwks = same_as.db, same_as.rsa, same_as.ec, same_as.jwks
            self.start()
            return
        self.db = fresh_database(str(tmp_path / "serve.db"))
        self.rsa = write_key(tmp_path / "rsa.pem", rsa.generate_private_key(public_exponent=65537, key_size=2048))
        self.ec = write_key(tmp_path / "ec.pem", ec.generate_private_key(ec.SECP256R1()))
        keys = json.loads(run("jwks", "--key", self.rsa, "--kid", "rsa-1").stdout)["keys"]
        keys += json.loads(run("jwks", "--key", self.ec, "--kid", "ec-1").stdout)["keys"]
        self.jwks = tmp_path / "jwks.json"
        self.jwks.write_text(json.dumps({"keys": keys}))
        run("init", "--admin", "admin.ali", db=self.db)
        for user, role, team in [("sw.jones", "social_worker", "north"), ("tm.khan", "team_manager", "north"),
                                 ("sw.osei", "social_worker", "south"), ("aud.lee", "auditor", None),
                                 ("sw.gone", "social_worker", "north")]:
            run("--as", "admin.ali", "user", "add", user, "--role", role, *(["--team", team] if team else []),
                db=self.db)
        run("--as", "admin.ali", "user", "deactivate", "sw.gone", db=self.db)
        self.start()

    def start(self):
        """Starts the server (again, after stop() or a kill) on the same database and keys."""
        self.log = self.dir / ("serve-%d.log" % id(self))
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [BIN, "--db", self.db, "serve", "--listen", "127.0.0.1:0", "--jwks", str(self.jwks), "--issuer",
                 ISS, "--audience", AUD, "--threads", "4", *self.serve_args],
                stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.process.stdout.readline()
        self.scheme = "https" if self.tls_ca else "http"
        prefix = "listening on %s://" % self.scheme
        assert line.startswith(prefix), line + self.log.read_text()
        host, port = line.strip()[len(prefix):].split(":")
        self.host, self.port = host, int(port)
        self.tls = ssl.create_default_context(cafile=self.tls_ca) if self.tls_ca else None

    def connect(self, timeout=20):
        if self.tls:
            return http.client.HTTPSConnection("localhost", self.port, timeout=timeout, context=self.tls)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def token(self, user, key=None, kid="rsa-1", ttl="1h"):
        return run("token", "--key", key or self.rsa, "--kid", kid, "--sub", user, "--issuer", ISS, "--audience",
                   AUD, "--ttl", ttl).stdout.strip()

    def request(self, method, path, user=None, body=None, token=None, headers=None, connection=None):
        conn = connection or self.connect()
        sent = dict(headers or {})
        if token is None and user is not None:
            token = self.token(user)
        if token is not None:
            sent["Authorization"] = "Bearer " + token
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        if data is not None:
            sent["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        if connection is None:
            conn.close()
        parsed = None
        if response.getheader("Content-Type", "").endswith("json"):
            parsed = json.loads(raw)
        return response, parsed, raw

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)
        self.process.stdout.close()
        return self.process.returncode


def open_case(server, user="sw.jones", subject="CHILD-1"):
    response, body, _ = server.request("POST", "/v1/cases", user, {"workflow": "child_protection", "subject": subject})
    assert response.status == 201, body
    return body["case"]

#!/usr/bin/env python3
"""Verify a casegate audit log without casegate: python3 verify_audit.py cases.db
(or a postgresql:// URI, read with psql)."""
import csv, hashlib, io, sqlite3, subprocess, sys

query = "SELECT seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash FROM audit_log ORDER BY seq"
if sys.argv[1].startswith(("postgresql://", "postgres://")):
    out = subprocess.run(["psql", "-X", "--csv", "-d", sys.argv[1], "-c", query], capture_output=True, text=True,
                         check=True).stdout
    rows = [[int(r[0]), r[1], int(r[2]) if r[2] else None, *r[3:]] for r in list(csv.reader(io.StringIO(out)))[1:]]
else:
    rows = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(query)
prev, expected = "0" * 64, 1
for seq, at, case_id, actor, role, action, outcome, detail, prev_hash, stored in rows:
    if seq != expected:
        sys.exit(f"entry {expected} is missing (next entry is {seq})")
    if prev_hash != prev:
        sys.exit(f"entry {seq} does not follow entry {seq - 1}")
    fields = [str(seq), at, "" if case_id is None else str(case_id), actor, role, action, outcome, detail]
    digest = hashlib.sha256(bytes.fromhex(prev) + "\x1f".join(fields).encode("utf-8")).hexdigest()
    if digest != stored:
        sys.exit(f"entry {seq} was altered")
    prev, expected = stored, expected + 1
print(f"audit chain verified: {expected - 1} entries")

#!/usr/bin/env python3
"""Verify a casegate audit log without casegate: python3 verify_audit.py cases.db"""
import hashlib, sqlite3, sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
prev, expected = "0" * 64, 1
rows = db.execute("SELECT seq, at, case_id, actor, role, action, outcome, detail, prev_hash, hash"
                  " FROM audit_log ORDER BY seq")
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

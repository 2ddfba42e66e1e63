"""casegate-bench generate writes rows in bulk, beside the store: each case's stages, tasks and
audit entries must be in the case directory (schema 9), or the reports timed on it would read
cases whose history the engine cannot find.

Usage: generate_test.py CASEGATE_BENCH CASEGATE
"""
import json
import sqlite3
import subprocess
import sys
import tempfile


def main():
    bench, casegate = sys.argv[1], sys.argv[2]
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        db = f"{scratch}/generated.db"
        subprocess.run([bench, "generate", "--cases", "40", "--audit-per-case", "5", "--db", db], check=True,
                       capture_output=True)
        with sqlite3.connect(db) as raw:
            def count(sql):
                return raw.execute(sql).fetchone()[0]
            unlisted_tasks = count("SELECT count(*) FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM case_directory d "
                                   "WHERE d.case_id = t.case_id AND d.kind = 1 AND d.n = t.id)")
            unlisted_entries = count("SELECT count(*) FROM audit_log a WHERE a.case_id IS NOT NULL AND NOT EXISTS "
                                     "(SELECT 1 FROM case_directory d WHERE d.case_id = a.case_id AND d.kind = 2 "
                                     "AND d.n = a.seq)")
            stages, expected_stages = count("SELECT count(*) FROM case_stages"), count("SELECT sum(stage) FROM cases")
            entries_of_7 = count("SELECT count(*) FROM audit_log WHERE case_id = 7")
        if unlisted_tasks:
            problems.append(f"{unlisted_tasks} tasks are not in the case directory")
        if unlisted_entries:
            problems.append(f"{unlisted_entries} audit entries of cases are not in the case directory")
        if stages != expected_stages:
            problems.append(f"{stages} stages stored, the cases are at {expected_stages}")
        # The engine reads a generated case's history through the directory.
        history = json.loads(subprocess.run([casegate, "--db", db, "--as", "aud", "--json", "history", "7"],
                                            check=True, capture_output=True, text=True).stdout)
        if not entries_of_7 or len(history) != entries_of_7:  # the look itself is audited after the read
            problems.append(f"history of case 7: {len(history)} entries, {entries_of_7} stored")
    if problems:
        sys.exit("; ".join(problems))
    print(f"{stages} stages; every task and audit entry of a case is in the case directory")


if __name__ == "__main__":
    main()

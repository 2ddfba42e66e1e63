"""casegate-bench counts the WAL pages each W1 command writes, for the engine and its storage floor.

A count of zero would mean SQLite's own checkpointing hook replaced the counting one; a floor
whose count differs from the engine's would no longer do the engine's storage work.
Usage: wal_pages_test.py CASEGATE_BENCH
"""
import json
import subprocess
import sys
import tempfile


def pages_per_command(bench, mode, db):
    out = subprocess.run([bench, mode, "--cases", "20", "--db", db, "--sync", "NORMAL"],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[len("RESULT "):])
    return result["wal_pages_per_cmd"]


def main():
    bench = sys.argv[1]
    with tempfile.TemporaryDirectory() as scratch:
        engine = pages_per_command(bench, "w1", f"{scratch}/w1.db")
        floor = pages_per_command(bench, "floor", f"{scratch}/floor.db")
        memory = json.loads(next(
            line for line in subprocess.run([bench, "w1", "--cases", "5", "--db", ":memory:"], check=True,
                                            capture_output=True, text=True).stdout.splitlines()
            if line.startswith("RESULT "))[len("RESULT "):])["wal_pages_per_cmd"]
    problems = []
    # A W1 command writes at least its audit row and the audit index; far more means a count of
    # the whole log rather than of each commit.
    if not 2 <= engine <= 20:
        problems.append(f"engine: {engine} WAL pages per command")
    if abs(engine - floor) > 0.1 * engine:
        problems.append(f"the storage floor writes {floor} pages per command, the engine {engine}")
    if memory != 0:
        problems.append(f"in memory there is no WAL, yet {memory} pages were counted")
    if problems:
        sys.exit("; ".join(problems))
    print(f"engine {engine:.2f}, storage floor {floor:.2f} WAL pages per command")


if __name__ == "__main__":
    main()

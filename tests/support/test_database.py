"""Which database a Python test runs on, as test_database.hpp decides it for C++: the SQLite
path given, or with CASEGATE_TEST_STORE=postgresql a fresh schema of the cluster at
CASEGATE_TEST_POSTGRES (made with psql), as a URI whose search_path is that schema."""
import itertools
import os
import subprocess

_schemas = itertools.count()


def fresh_database(sqlite):
    if os.environ.get("CASEGATE_TEST_STORE") != "postgresql":
        return sqlite
    cluster = os.environ["CASEGATE_TEST_POSTGRES"]
    schema = "py_%d_%d" % (os.getpid(), next(_schemas))
    subprocess.run(["psql", "-X", "-q", "-d", cluster, "-c", "SET client_min_messages = warning",
                    "-c", "DROP SCHEMA IF EXISTS %s CASCADE" % schema, "-c", "CREATE SCHEMA %s" % schema],
                   check=True, capture_output=True)
    return cluster + ("&" if "?" in cluster else "?") + "options=-csearch_path%3D" + schema

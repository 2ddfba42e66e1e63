#include "test_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string_view>

namespace casegate::testing {

bool testing_postgres() {
  const char* store = std::getenv("CASEGATE_TEST_STORE");
  return store != nullptr && std::string_view(store) == "postgresql";
}

namespace {

std::string cluster_uri() {
  const char* uri = std::getenv("CASEGATE_TEST_POSTGRES");
  if (uri == nullptr || *uri == '\0')
    FAIL(
        "CASEGATE_TEST_STORE=postgresql needs CASEGATE_TEST_POSTGRES, the URI of a PostgreSQL cluster to make "
        "schemas in (tools/test starts one; or run ctest -LE postgresql)");
  return uri;
}

void run_on_cluster(const std::string& uri, const std::string& sql) {
  std::string error = postgres_error_of(uri, sql);
  if (!error.empty()) FAIL("test cluster: " << error);
}

}  // namespace

std::string postgres_error_of(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    FAIL("cannot connect to the test cluster: " << message);
  }
  PGresult* result = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(result);
  std::string message = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  return message;
}

std::string test_database(const std::string& sqlite) {
  if (!testing_postgres()) return sqlite;
  static int counter = 0;
  const std::string uri = cluster_uri();
  // Only digits and letters: the name is safe to write into the statement.
  const std::string schema = "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  run_on_cluster(
      uri, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

}  // namespace casegate::testing

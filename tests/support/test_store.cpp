#include "test_store.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "casegate/postgres_store.hpp"
#include "casegate/sqlite_store.hpp"

namespace casegate::testing {

Storage open_test_store() {
  return open_test_store(test_database(":memory:"));
}

Storage open_test_store(const std::string& db) {
  auto store = is_postgres_uri(db) ? open_postgres_store(db) : open_sqlite_store(db, SqliteOptions{Synchronous::off});
  if (!store) FAIL("cannot open the test database: " << store.status().to_string());
  return std::move(store).value();
}

void edit_as_owner(const std::string& db, const std::string& sqlite_sql, const std::string& postgres_sql) {
  if (is_postgres_uri(db)) {
    std::string error = postgres_error_of(db, postgres_sql);
    if (!error.empty()) FAIL("test cluster: " << error);
    return;
  }
  std::string command = "sqlite3 '" + db + "' \"" + sqlite_sql + "\"";
  REQUIRE(std::system(command.c_str()) == 0);
}

}  // namespace casegate::testing

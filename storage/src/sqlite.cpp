#include "sqlite.hpp"

namespace casegate::sqlite {

namespace {

// SQLite counts every allocation under a process-wide mutex unless told not to; casegate never
// reads those counts. It has to be set before SQLite initialises: when the embedder has already
// used SQLite the call is refused and the counting stays, which is only slower.
void configure_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

}  // namespace

Database::Database(const std::string& path, int flags) {
  configure_once();
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(rc & 0xFF, "cannot open database '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

void Database::execute(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(rc & 0xFF, message);
  }
}

void Database::fail(int code, std::string_view context) const {
  throw SqliteError(code & 0xFF, std::string(context) + ": " + sqlite3_errmsg(db_));
}

Statement::Statement(Database& db, const char* sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "prepare");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement::Use::~Use() {
  if (statement_) sqlite3_reset(statement_->stmt_);
}

Statement::Use& Statement::Use::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(statement_->stmt_, index, value);
  if (rc != SQLITE_OK) statement_->db_.fail(rc, "bind");
  return *this;
}

Statement::Use& Statement::Use::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(statement_->stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) statement_->db_.fail(rc, "bind");
  return *this;
}

Statement::Use& Statement::Use::bind_copy(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(statement_->stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) statement_->db_.fail(rc, "bind");
  return *this;
}

Statement::Use& Statement::Use::bind_null(int index) {
  int rc = sqlite3_bind_null(statement_->stmt_, index);
  if (rc != SQLITE_OK) statement_->db_.fail(rc, "bind");
  return *this;
}

bool Statement::Use::step() {
  int rc = sqlite3_step(statement_->stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(statement_->stmt_);
  statement_->db_.fail(rc, "step");
}

void Statement::Use::run() {
  while (step()) {
  }
}

std::int64_t Statement::Use::integer(int column) const {
  return sqlite3_column_int64(statement_->stmt_, column);
}

std::string_view Statement::Use::text_view(int column) const {
  auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_->stmt_, column));
  int size = sqlite3_column_bytes(statement_->stmt_, column);
  return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

std::string Statement::Use::text(int column) const {
  return std::string(text_view(column));
}

bool Statement::Use::is_null(int column) const {
  return sqlite3_column_type(statement_->stmt_, column) == SQLITE_NULL;
}

}  // namespace casegate::sqlite

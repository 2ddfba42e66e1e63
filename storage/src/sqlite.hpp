#pragma once
// Thin RAII over the SQLite C API, private to storage/. Failures throw SqliteError, which the
// store turns into a Status at its boundary; destructors never throw.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace casegate::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }  // primary result code (SQLITE_BUSY, SQLITE_FULL, ...)

 private:
  int code_;
};

class Database {
 public:
  Database(const std::string& path, int flags);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_; }
  // Runs SQL with no parameters and no rows wanted (DDL, BEGIN, COMMIT, PRAGMA x=y).
  void execute(const char* sql);
  // REQUIRES: `code` is not SQLITE_OK; throws with the database's message.
  [[noreturn]] void fail(int code, std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // One use of the statement: bind, step, read columns. Resetting it when the use ends matters:
  // a statement left mid-rows keeps a read snapshot open, which stalls WAL checkpoints and makes
  // the next BEGIN IMMEDIATE fail with SQLITE_BUSY_SNAPSHOT when another process wrote meanwhile.
  class Use {
   public:
    explicit Use(Statement& statement) : statement_(&statement) {}
    ~Use();
    Use(Use&& other) noexcept : statement_(other.statement_) { other.statement_ = nullptr; }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    Use& operator=(Use&&) = delete;

    // Text is bound without a copy: it must live until this use ends. A temporary string would
    // not, so it does not compile: give it a name, or bind_copy it.
    Use& bind(int index, std::int64_t value);
    Use& bind(int index, std::string_view text);
    Use& bind(int index, std::string&& text) = delete;
    Use& bind_copy(int index, std::string_view text);
    Use& bind_null(int index);
    Use& bind(int index, const std::optional<std::int64_t>& value) {
      return value ? bind(index, *value) : bind_null(index);
    }
    // true: a row is available; false: done.
    bool step();
    // Steps to completion, for statements that return no rows.
    void run();

    std::int64_t integer(int column) const;
    std::string text(int column) const;
    std::string_view text_view(int column) const;  // valid until the next step
    bool is_null(int column) const;

   private:
    Statement* statement_;
  };

  Use start() { return Use(*this); }
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace casegate::sqlite

#pragma once
// Thin RAII over libpq, private to storage/. Statements are prepared once per session, by name,
// and run with text parameters; failures throw PgError, which the store turns into a Status at
// its boundary. Destructors never throw.

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace casegate::pg {

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, bool connection_lost, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)), connection_lost_(connection_lost) {}
  // The five-character SQLSTATE ("40P01", "55P03", ...), empty when the server sent none.
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

// One parameter in text form; nullopt is SQL NULL.
using Value = std::optional<std::string>;
inline Value number(std::int64_t value) {
  return std::to_string(value);
}
inline Value text(std::string_view value) {
  return std::string(value);
}

class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result) {}
  ~Rows() { PQclear(result_); }
  Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  Rows& operator=(Rows&&) = delete;

  int size() const { return PQntuples(result_); }
  int columns() const { return PQnfields(result_); }
  const char* column_name(int column) const { return PQfname(result_, column); }
  bool is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  std::string_view text_view(int row, int column) const {
    return {PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column))};
  }
  std::string text(int row, int column) const { return std::string(text_view(row, column)); }
  std::int64_t integer(int row, int column) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

 private:
  PGresult* result_;
};

// One row of Rows, read as the stores' row readers read a row.
class Row {
 public:
  Row(const Rows& rows, int row) : rows_(rows), row_(row) {}
  std::int64_t integer(int column) const { return rows_.integer(row_, column); }
  std::string text(int column) const { return rows_.text(row_, column); }
  std::string_view text_view(int column) const { return rows_.text_view(row_, column); }
  bool is_null(int column) const { return rows_.is_null(row_, column); }

 private:
  const Rows& rows_;
  int row_;
};

class Statement;

// Writes whose answer nobody waits for (no rows, no count to check) are deferred: they go to the
// server with the next statement that needs an answer, in one round trip (libpq's pipeline
// mode). Their errors surface there, inside the same command, before its COMMIT or RELEASE; a
// rollback drops them unsent, as it would have undone them.
class Connection {
 public:
  // Connects to a libpq URI or keyword string; throws PgError when it cannot.
  explicit Connection(const std::string& uri);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL with no parameters: DDL, BEGIN, COMMIT, SET. Several statements are allowed when
  // no write is deferred; otherwise one, sent with the deferred writes.
  void execute(const char* sql);
  // Like execute, but never throws, and drops deferred writes: for rollbacks on the way out.
  void execute_quietly(const char* sql) noexcept;
  // BEGIN, then `statement`, in one round trip with any deferred writes; its rows.
  Rows begin_and_run(const char* begin_sql, Statement& statement);
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  // Reconnects after the server went away; prepared statements are prepared again on first use.
  void reconnect();
  std::uint64_t session() const { return session_; }
  PGconn* handle() const { return conn_; }
  // Turns a failed result into a PgError (and frees it).
  [[noreturn]] void fail(PGresult* result, std::string_view context) const;

 private:
  friend class Statement;
  struct Step {
    Statement* statement;  // null: `sql`
    std::vector<Value> params;
    const char* sql;
  };
  // Sends the deferred writes and `last` in one pipeline; the rows of `last`.
  Rows flush_with(Step last);

  PGconn* conn_ = nullptr;
  std::string uri_;
  std::uint64_t session_ = 1;
  std::vector<Step> deferred_;
};

// COPY ... FROM STDIN in text format: rows streamed to the server in large writes, the fast way
// to load many rows. finish() reports the server's verdict; a COPY not finished is abandoned.
class CopyIn {
 public:
  CopyIn(Connection& connection, const std::string& copy_sql);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;
  // One row; nullopt is NULL.
  void row(const std::vector<Value>& values);
  void finish();

 private:
  void flush();
  Connection& connection_;
  std::string buffer_;
  bool open_ = true;
};

// A statement prepared on first use in each session of its connection.
class Statement {
 public:
  Statement(Connection& connection, std::string sql);
  Rows run(const std::vector<Value>& params = {});
  // A write whose answer nobody needs: deferred (see Connection).
  void defer(std::vector<Value> params);

 private:
  friend class Connection;
  void prepare();

  Connection& connection_;
  std::string name_, sql_;
  std::uint64_t prepared_in_ = 0;  // the session it was prepared in
};

// The literal of a text[] parameter: {"a","b"}, with quotes and backslashes escaped.
std::string text_array(const std::vector<std::string>& values);

}  // namespace casegate::pg

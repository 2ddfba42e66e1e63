#include "pg.hpp"

#include <atomic>
#include <charconv>

namespace casegate::pg {
namespace {

std::string sqlstate_of(const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

std::string first_line(const char* message) {
  std::string text = message ? message : "";
  if (auto end = text.find('\n'); end != std::string::npos) text.resize(end);
  return text;
}

// Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
void ignore_notice(void*, const char*) {}

}  // namespace

std::int64_t Rows::integer(int row, int column) const {
  auto value = text_view(row, column);
  std::int64_t number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size())
    throw PgError("", false, "stored value '" + std::string(value.substr(0, 30)) + "' is not an integer");
  return number;
}

std::int64_t Rows::affected() const {
  const char* count = PQcmdTuples(result_);
  return count && *count ? std::stoll(count) : 0;
}

Connection::Connection(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
  if (conn_ == nullptr) throw PgError("", true, "cannot allocate a PostgreSQL connection");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = first_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("08001", true, "cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

void Connection::fail(PGresult* result, std::string_view context) const {
  std::string state = sqlstate_of(result);
  std::string message = first_line(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = first_line(PQerrorMessage(conn_));
  PQclear(result);
  bool lost = broken() || state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
  throw PgError(state, lost, std::string(context) + ": " + message);
}

void Connection::execute(const char* sql) {
  PGresult* result = PQexec(conn_, sql);
  auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result, "PostgreSQL");
  PQclear(result);
}

void Connection::execute_quietly(const char* sql) noexcept {
  if (broken()) return;
  PQclear(PQexec(conn_, sql));
}

void Connection::reconnect() {
  PQreset(conn_);
  ++session_;
  if (broken()) throw PgError("08001", true, "cannot reconnect to PostgreSQL: " + first_line(PQerrorMessage(conn_)));
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

Statement::Statement(Connection& connection, std::string sql) : connection_(connection), sql_(std::move(sql)) {
  static std::atomic<std::uint64_t> next{0};
  name_ = "casegate_" + std::to_string(++next);
}

Rows Statement::run(const std::vector<Value>& params) {
  if (prepared_in_ != connection_.session()) {
    PGresult* prepared = PQprepare(connection_.handle(), name_.c_str(), sql_.c_str(), 0, nullptr);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) connection_.fail(prepared, "preparing a statement");
    PQclear(prepared);
    prepared_in_ = connection_.session();
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  PGresult* result = PQexecPrepared(connection_.handle(), name_.c_str(), static_cast<int>(values.size()), values.data(),
                                    nullptr, nullptr, 0);
  auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) connection_.fail(result, "PostgreSQL");
  return Rows(result);
}

std::string text_array(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) literal += ',';
    literal += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return literal + "}";
}

}  // namespace casegate::pg

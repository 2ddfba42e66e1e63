#include "pg.hpp"

#include <atomic>
#include <charconv>
#include <memory>

#include "casegate/utf8.hpp"

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
    throw PgError("", false, "stored value '" + printable(value, 30) + "' is not an integer");
  return number;
}

std::int64_t Rows::affected() const {
  const char* count = PQcmdTuples(result_);
  return count && *count ? std::stoll(count) : 0;
}

Connection::Connection(const std::string& uri) : conn_(PQconnectdb(uri.c_str())), uri_(uri) {
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
  if (!deferred_.empty()) {
    flush_with({nullptr, {}, sql});
    return;
  }
  PGresult* result = PQexec(conn_, sql);
  auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result, "PostgreSQL");
  PQclear(result);
}

void Connection::execute_quietly(const char* sql) noexcept {
  deferred_.clear();
  if (broken()) return;
  PQclear(PQexec(conn_, sql));
}

void Connection::reconnect() {
  deferred_.clear();
  // A new connection rather than PQreset: nothing of the old one (a pipeline cut off half-way
  // by the failure) comes along.
  PQfinish(conn_);
  conn_ = PQconnectdb(uri_.c_str());
  ++session_;
  if (conn_ == nullptr) throw PgError("", true, "cannot allocate a PostgreSQL connection");
  if (broken()) throw PgError("08001", true, "cannot reconnect to PostgreSQL: " + first_line(PQerrorMessage(conn_)));
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

Rows Connection::begin_and_run(const char* begin_sql, Statement& statement) {
  deferred_.push_back({nullptr, {}, begin_sql});
  return flush_with({&statement, {}, nullptr});
}

Rows Connection::flush_with(Step last) {
  std::vector<Step> steps;
  steps.swap(deferred_);
  steps.push_back(std::move(last));
  for (Step& step : steps)
    if (step.statement) step.statement->prepare();
  if (PQenterPipelineMode(conn_) != 1) fail(nullptr, "entering pipeline mode");
  std::vector<std::vector<const char*>> values(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    int sent = 0;
    if (step.statement) {
      for (const auto& param : step.params) values[i].push_back(param ? param->c_str() : nullptr);
      sent = PQsendQueryPrepared(conn_, step.statement->name_.c_str(), static_cast<int>(values[i].size()),
                                 values[i].data(), nullptr, nullptr, 0);
    } else {
      sent = PQsendQueryParams(conn_, step.sql, 0, nullptr, nullptr, nullptr, nullptr, 0);
    }
    if (sent != 1) {
      PQexitPipelineMode(conn_);
      fail(nullptr, "sending to PostgreSQL");
    }
  }
  if (PQpipelineSync(conn_) != 1) fail(nullptr, "sending to PostgreSQL");
  // Each step's result, then a null; then the sync. The first failure is the one reported; the
  // steps after it come back aborted.
  // Owned until handed on, so a connection lost half-way through the results leaks nothing.
  using Result = std::unique_ptr<PGresult, void (*)(PGresult*)>;
  Result failed(nullptr, PQclear);
  Result rows(nullptr, PQclear);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Result result(PQgetResult(conn_), PQclear);
    if (!result) fail(nullptr, "reading from PostgreSQL");
    auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_PIPELINE_ABORTED && !failed)
      failed = std::move(result);
    else if (i + 1 == steps.size() && !failed)
      rows = std::move(result);
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // the null that ends each step
  }
  for (PGresult* sync; (sync = PQgetResult(conn_)) != nullptr;) {
    bool done = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (done) break;
  }
  PQexitPipelineMode(conn_);
  if (failed) fail(failed.release(), "PostgreSQL");
  return Rows(rows.release());
}

Statement::Statement(Connection& connection, std::string sql) : connection_(connection), sql_(std::move(sql)) {
  static std::atomic<std::uint64_t> next{0};
  name_ = "casegate_" + std::to_string(++next);
}

void Statement::prepare() {
  if (prepared_in_ == connection_.session()) return;
  PGresult* prepared = PQprepare(connection_.handle(), name_.c_str(), sql_.c_str(), 0, nullptr);
  if (PQresultStatus(prepared) != PGRES_COMMAND_OK) connection_.fail(prepared, "preparing a statement");
  PQclear(prepared);
  prepared_in_ = connection_.session();
}

void Statement::defer(std::vector<Value> params) {
  connection_.deferred_.push_back({this, std::move(params), nullptr});
}

Rows Statement::run(const std::vector<Value>& params) {
  if (!connection_.deferred_.empty()) return connection_.flush_with({this, params, nullptr});
  prepare();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  PGresult* result = PQexecPrepared(connection_.handle(), name_.c_str(), static_cast<int>(values.size()), values.data(),
                                    nullptr, nullptr, 0);
  auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) connection_.fail(result, "PostgreSQL");
  return Rows(result);
}

CopyIn::CopyIn(Connection& connection, const std::string& copy_sql) : connection_(connection) {
  PGresult* result = PQexec(connection_.handle(), copy_sql.c_str());
  if (PQresultStatus(result) != PGRES_COPY_IN) connection_.fail(result, "starting COPY");
  PQclear(result);
}

CopyIn::~CopyIn() {
  if (open_) PQputCopyEnd(connection_.handle(), "abandoned");
  while (PGresult* result = PQgetResult(connection_.handle())) PQclear(result);
}

void CopyIn::row(const std::vector<Value>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) buffer_ += '\t';
    if (!values[i]) {
      buffer_ += "\\N";
      continue;
    }
    for (char c : *values[i]) {
      switch (c) {
        case '\\': buffer_ += "\\\\"; break;
        case '\n': buffer_ += "\\n"; break;
        case '\r': buffer_ += "\\r"; break;
        case '\t': buffer_ += "\\t"; break;
        default: buffer_ += c;
      }
    }
  }
  buffer_ += '\n';
  if (buffer_.size() >= (1 << 20)) flush();
}

void CopyIn::flush() {
  if (!buffer_.empty() && PQputCopyData(connection_.handle(), buffer_.data(), static_cast<int>(buffer_.size())) != 1)
    connection_.fail(nullptr, "sending COPY data");
  buffer_.clear();
}

void CopyIn::finish() {
  flush();
  open_ = false;
  if (PQputCopyEnd(connection_.handle(), nullptr) != 1) connection_.fail(nullptr, "ending COPY");
  PGresult* result = PQgetResult(connection_.handle());
  if (PQresultStatus(result) != PGRES_COMMAND_OK) connection_.fail(result, "COPY");
  PQclear(result);
  while (PGresult* rest = PQgetResult(connection_.handle())) PQclear(rest);
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

#include "http_api.hpp"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "casegate/csv.hpp"
#include "casegate/json.hpp"
#include "casegate/protocol.hpp"
#include "casegate/utf8.hpp"
#include "casegate/workflow_views.hpp"
#include "dashboard.hpp"
#include "metrics.hpp"

namespace casegate::server {
namespace {

using nlohmann::json;

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding ('+' is a space in a query); nullopt when an escape is broken or the text
// is not UTF-8.
std::optional<std::string> decode(std::string_view text, bool query) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += query && text[i] == '+' ? ' ' : text[i];
    }
  }
  if (first_invalid_utf8(out)) return std::nullopt;
  return out;
}

struct Target {
  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> query;
};

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  Target parsed;
  auto mark = target.find('?');
  std::string_view path = target.substr(0, mark);
  for (std::size_t start = 1; start <= path.size();) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto segment = decode(path.substr(start, end - start), false);
    if (!segment) return std::nullopt;
    if (!segment->empty()) parsed.segments.push_back(std::move(*segment));
    start = end + 1;
  }
  if (mark != std::string_view::npos) {
    std::string_view query = target.substr(mark + 1);
    for (std::size_t start = 0; start < query.size();) {
      auto end = query.find('&', start);
      if (end == std::string_view::npos) end = query.size();
      std::string_view pair = query.substr(start, end - start);
      auto eq = pair.find('=');
      auto key = decode(pair.substr(0, eq), true);
      auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
      if (!key || !value) return std::nullopt;
      if (!key->empty()) parsed.query.emplace_back(std::move(*key), std::move(*value));
      start = end + 1;
    }
  }
  return parsed;
}

std::optional<std::int64_t> whole_number(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Query parameters as protocol fields: numbers and flags typed, the rest text.
Result<json> query_fields(const Target& target) {
  static const std::vector<std::string> numbers{"limit", "after", "case", "version", "working_days"},
      flags{"overdue", "unreviewed"};
  json fields = json::object();
  for (const auto& [key, value] : target.query) {
    if (fields.contains(key)) return Status::invalid_input("query parameter '" + printable(key, 40) + "' is repeated");
    if (std::find(numbers.begin(), numbers.end(), key) != numbers.end()) {
      auto number = whole_number(value);
      if (!number) return Status::invalid_input("query parameter '" + key + "' must be a whole number");
      fields[key] = *number;
    } else if (std::find(flags.begin(), flags.end(), key) != flags.end()) {
      if (value != "true" && value != "false")
        return Status::invalid_input("query parameter '" + key + "' must be true or false");
      fields[key] = value == "true";
    } else {
      fields[key] = value;
    }
  }
  return fields;
}

// The version in If-Match: "3" (or W/"3"); nullopt when absent or "*".
Result<std::optional<std::int64_t>> if_match_version(std::string_view header) {
  if (header.empty() || header == "*") return std::optional<std::int64_t>();
  if (header.rfind("W/", 0) == 0) header.remove_prefix(2);
  if (header.size() < 3 || header.front() != '"' || header.back() != '"')
    return Status::invalid_input("If-Match must be a quoted case version, such as \"3\"");
  auto version = whole_number(header.substr(1, header.size() - 2));
  if (!version) return Status::invalid_input("If-Match must be a quoted case version, such as \"3\"");
  return std::optional<std::int64_t>(*version);
}

struct Route {
  std::string pattern;  // for logs and metrics
  std::string command;  // the protocol command
  json fields;          // from the path
  bool needs_body = false;
  int success = 200;
};

std::optional<Route> match(const std::string& method, const std::vector<std::string>& s) {
  auto is = [&](std::size_t n, std::initializer_list<const char*> parts) {
    if (s.size() != n) return false;
    std::size_t i = 0;
    for (const char* part : parts) {
      if (part != nullptr && s[i] != part) return false;
      ++i;
    }
    return true;
  };
  auto case_id = [&](const std::string& text) -> json {
    auto id = whole_number(text);
    return id && *id > 0 ? json(*id) : json(nullptr);
  };
  const bool get = method == "GET", post = method == "POST";
  if (is(2, {"v1", "cases"})) {
    if (post) return Route{"/v1/cases", "open", json::object(), true, 201};
    if (get) return Route{"/v1/cases", "cases", json::object()};
  }
  if (is(3, {"v1", "cases", nullptr}) && get) return Route{"/v1/cases/{id}", "status", json{{"case", case_id(s[2])}}};
  if (is(4, {"v1", "cases", nullptr, "tasks"}) && post)
    return Route{"/v1/cases/{id}/tasks", "record", json{{"case", case_id(s[2])}}, true, 201};
  if (is(5, {"v1", "cases", nullptr, "events", nullptr}) && post)
    return Route{"/v1/cases/{id}/events/{event}", "fire", json{{"case", case_id(s[2])}, {"event", s[4]}}};
  if (is(4, {"v1", "cases", nullptr, "history"}) && get)
    return Route{"/v1/cases/{id}/history", "history", json{{"case", case_id(s[2])}}};
  if (is(4, {"v1", "cases", nullptr, "allocation"}) && post)
    return Route{"/v1/cases/{id}/allocation", "allocate", json{{"case", case_id(s[2])}}, true};
  if (is(4, {"v1", "cases", nullptr, "transfer"}) && post)
    return Route{"/v1/cases/{id}/transfer", "transfer", json{{"case", case_id(s[2])}}, true};
  if (is(4, {"v1", "cases", nullptr, "access"}) && post)
    return Route{"/v1/cases/{id}/access", "access", json{{"case", case_id(s[2])}}, true};
  if (is(3, {"v1", "oversight", nullptr}) && get) {
    static const std::vector<std::string> reports{"overdue",           "due",      "clocks",    "caseload",
                                                  "timeliness",        "refusals", "overrides", "voice",
                                                  "strategy-meetings", "actions",  "access"};
    if (std::find(reports.begin(), reports.end(), s[2]) != reports.end())
      return Route{"/v1/oversight/" + s[2], "oversight " + s[2], json::object()};
  }
  if (is(3, {"v1", "export", nullptr}) && get) return Route{"/v1/export/{table}", "export", json{{"table", s[2]}}};
  if (is(2, {"v1", "workflows"}) && get) return Route{"/v1/workflows", "workflow list", json::object()};
  if (is(3, {"v1", "workflows", nullptr}) && get)
    return Route{"/v1/workflows/{name}", "workflow show", json{{"workflow", s[2]}}};
  if (is(2, {"v1", "verify"}) && post) return Route{"/v1/verify", "verify", json::object()};
  if (is(2, {"v1", "events"}) && get) return Route{"/v1/events", "events", json::object()};
  return std::nullopt;
}

HttpResponse ok(std::string content_type, std::string body, std::string route, std::string user) {
  HttpResponse response;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  response.route = std::move(route);
  response.user = std::move(user);
  return response;
}

HttpResponse unauthorized(std::string_view detail) {
  HttpResponse response = problem(401, "unauthorized", detail);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"casegate\"");
  return response;
}

// A failure's outcome name (code_name) and message as HTTP.
HttpResponse failure(std::string_view code, const std::string& message, bool had_if_match) {
  int status = code == "invalid_input"                                           ? 422
               : code == "refused" || code == "denied"                           ? 403
               : code == "not_found"                                             ? 404
               : code == "conflict" && message.rfind("database is busy", 0) == 0 ? 503
               : code == "conflict"                                              ? (had_if_match ? 412 : 409)
                                                                                 : 500;
  return problem(status, code, message);
}

// The protocol's outcome as HTTP.
HttpResponse answer(const Route& route, const ProtocolResponse& reply, bool had_if_match) {
  if (reply.code == 0 || route.command == "verify") {
    HttpResponse response;
    response.status = reply.code == 0 ? route.success : 200;
    response.body = reply.json;
    return response;
  }
  json body = json::parse(reply.json, nullptr, false);
  if (body.is_object() && !body.contains("error")) {
    // A refusal with a result: the gate or the state said no (409), with what is missing.
    HttpResponse response = problem(409, "refused", reply.message);
    json problem_body = json::parse(response.body);
    problem_body["missing"] = body.value("missing", json::array());
    response.body = problem_body.dump();
    return response;
  }
  std::string code = body.is_object() ? body["error"].value("code", "internal") : "internal";
  return failure(code, reply.message, had_if_match);
}

// Audit entries as Server-Sent Events: the seq is the event's id, the entry its data (one line).
std::string as_events(const json& entries) {
  std::string text;
  for (const auto& entry : entries)
    text += "id: " + std::to_string(entry.value("seq", 0)) + "\nevent: audit\ndata: " + entry.dump() + "\n\n";
  return text;
}

// The rest of GET /v1/events: new entries as this process commits, and every second for other
// processes' commits; a comment after 15 s of quiet (how a gone client is found, and proxies
// keep the stream). Ends when the user may no longer read.
class FeedSource {
 public:
  FeedSource(Engine& engine, std::string user, std::int64_t through)
      : engine_(&engine), user_(std::move(user)), through_(through) {}

  std::optional<std::string> operator()() {
    try {
      const auto now = std::chrono::steady_clock::now();
      const auto commands = engine_->commit_stats().commands;
      if (commands == commands_seen_ && now - looked_at_ < std::chrono::seconds(1)) {
        if (now - quiet_since_ < std::chrono::seconds(15)) return std::string();
        quiet_since_ = now;
        return std::string(": keep-alive\n\n");
      }
      commands_seen_ = commands;
      looked_at_ = now;
      auto page = engine_->audit_feed(user_, through_, 500, false);
      if (!page) return std::nullopt;
      through_ = page->through;
      std::string text = as_events(json(page->entries));
      if (!text.empty()) quiet_since_ = now;
      return text;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

 private:
  Engine* engine_;
  std::string user_;
  std::int64_t through_;
  std::uint64_t commands_seen_ = 0;
  std::chrono::steady_clock::time_point looked_at_{}, quiet_since_ = std::chrono::steady_clock::now();
};

// An export a page at a time, as CSV or as a JSON array of row objects (the protocol's form).
class ExportSource {
 public:
  static constexpr std::int64_t page_rows = 1000;
  ExportSource(Engine& engine, std::string user, std::string table, bool csv)
      : engine_(&engine), user_(std::move(user)), table_(std::move(table)), csv_(csv) {}

  // The first page (audited as the export), or why there is none.
  Result<std::string> start() {
    auto page = engine_->export_page(user_, table_, 0, page_rows, true);
    if (!page) return page.status();
    std::string text = csv_ ? csv_row(page->table.columns) : std::string("[");
    text += render(*page);
    return text;
  }

  std::optional<std::string> operator()() {
    try {
      while (next_) {
        auto page = engine_->export_page(user_, table_, *next_, page_rows, false);
        if (!page) return std::nullopt;  // the body stops short: the client sees no last chunk
        std::string text = render(*page);
        if (!text.empty()) return text;
      }
      if (finished_) return std::nullopt;
      finished_ = true;
      if (csv_) return std::nullopt;
      return std::string("]");
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

 private:
  std::string render(const ExportPage& page) {
    next_ = page.next;
    std::string text;
    for (std::size_t r = 0; r < page.table.rows.size(); ++r) {
      if (csv_) {
        std::vector<std::string> values;
        for (const auto& value : page.table.rows[r]) values.push_back(value.value_or(""));
        text += csv_row(values);
        continue;
      }
      text += (any_row_ ? "," : "") + export_row(page.table, r).dump();
      any_row_ = true;
    }
    return text;
  }

  Engine* engine_;
  std::string user_, table_;
  bool csv_;
  std::optional<std::int64_t> next_;
  bool any_row_ = false, finished_ = false;
};

}  // namespace

bool ActiveUsers::recently_active(const std::string& user, std::chrono::steady_clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto found = checked_.find(user);
  return found != checked_.end() && now - found->second < fresh_for;
}

void ActiveUsers::found_active(const std::string& user, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (checked_.size() >= 100000) checked_.clear();  // bounded, whoever signs in
  checked_[user] = now;
}

HttpResponse problem(int status, std::string_view code, std::string_view detail) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = json{
      {"type", "about:blank"},
      {"title", reason_phrase(status)},
      {"status", status},
      {"detail", detail},
      {"code", code}}.dump();
  return response;
}

HttpResponse handle(ApiContext& context, const HttpRequest& request) {
  try {
    auto target = parse_target(request.target);
    if (!target) return problem(400, "invalid_input", "the request target is not a valid path (percent-encoded UTF-8)");
    const auto& s = target->segments;
    if (s == std::vector<std::string>{"v1", "health"} && request.method == "GET") {
      return ok("application/json", R"({"status":"ok"})", "/v1/health", "");
    }
    if (s == std::vector<std::string>{"openapi.json"} && request.method == "GET") {
      return ok("application/json", openapi_document(), "/openapi.json", "");
    }
    if (request.method == "GET")
      if (auto file = dashboard_file(s)) return std::move(*file);
    const bool metrics = s == std::vector<std::string>{"metrics"} && request.method == "GET" && context.metrics;
    auto route = metrics ? std::optional<Route>(Route{"/metrics", "", json::object()}) : match(request.method, s);
    if (!route) {
      // The path is there for the other method (the request's own did not match).
      if (match("GET", s) || match("POST", s))
        return problem(405, "invalid_input", request.method + " is not allowed here");
      return problem(404, "not_found", "no such resource");
    }

    // Identity before anything else: who is asking decides what there is to see.
    const std::string prefix = "Bearer ";
    if (request.authorization.size() <= prefix.size() || request.authorization.compare(0, prefix.size(), prefix) != 0)
      return unauthorized("a bearer token is required");
    auto user = context.identity.verify(std::string_view(request.authorization).substr(prefix.size()),
                                        context.engine.clock().now());
    if (!user) return unauthorized("the token was not accepted");
    const auto now = std::chrono::steady_clock::now();
    if (!context.active_users || !context.active_users->recently_active(*user, now)) {
      if (Status known = context.engine.check_user(*user); !known)
        return unauthorized("the token's user may not sign in");
      if (context.active_users) context.active_users->found_active(*user, now);
    }
    if (metrics) {
      return ok("text/plain; version=0.0.4", context.metrics->render(context.engine.commit_stats()), "/metrics", *user);
    }

    json fields = route->fields;
    if (fields.contains("case") && fields["case"].is_null()) return problem(404, "not_found", "no such case");
    if (route->needs_body || !request.body.empty()) {
      json body = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
      if (!body.is_object()) return problem(400, "invalid_input", "the body must be a JSON object");
      for (auto& [key, value] : body.items()) {
        if (key == "command" || key == "idempotency_key" || fields.contains(key))
          return problem(422, "invalid_input", "field '" + printable(key, 40) + "' is not taken from the body here");
        fields[key] = value;
      }
    }
    auto query = query_fields(*target);
    if (!query) return problem(400, "invalid_input", query.status().message());
    for (auto& [key, value] : query->items()) {
      if (fields.contains(key) || key == "command" || key == "idempotency_key")
        return problem(400, "invalid_input", "query parameter '" + printable(key, 40) + "' is not taken here");
      fields[key] = value;
    }
    // HTTP's own words for some fields.
    std::string format = "json";
    if (route->command == "workflow show" || route->command == "export") {
      format = fields.value("format", "json");
      fields.erase("format");
    }
    auto expected = if_match_version(request.if_match);
    if (!expected) return problem(400, "invalid_input", expected.status().message());
    if (*expected && route->command == "fire") fields["expect_version"] = **expected;

    if (route->command == "workflow show" && (format == "mermaid" || format == "dot")) {
      const std::string name = fields.value("workflow", "");
      const Workflow* w = fields.contains("version") && fields["version"].is_number_integer()
                              ? context.engine.workflows().find(name, fields["version"].get<int>())
                              : context.engine.workflows().latest(name);
      if (w == nullptr) return problem(404, "not_found", "no workflow '" + printable(name) + "'");
      return ok("text/plain; charset=utf-8", format == "dot" ? workflow_dot(*w) : workflow_mermaid(*w), route->pattern,
                *user);
    }
    if (format != "json" && !(route->command == "export" && format == "csv"))
      return problem(400, "invalid_input",
                     "format must be json" + std::string(route->command == "export" ? " or csv" : ", mermaid or dot"));

    if (route->command == "export") {
      // Streamed a page at a time, each page a read of its own, so a long export to a slow
      // reader never holds the store; the rows and columns are those of the protocol's export.
      if (fields.size() > 1) return problem(422, "invalid_input", "export takes no field but table and format");
      ExportSource source(context.engine, *user, fields.value("table", ""), format == "csv");
      auto first = source.start();
      if (!first) return failure(code_name(first.status().code()), first.status().message(), false);
      HttpResponse response = ok(format == "csv" ? "text/csv; charset=utf-8" : "application/json", std::move(*first),
                                 route->pattern, *user);
      response.more = std::move(source);
      return response;
    }

    if (route->command == "events" && !request.last_event_id.empty()) {
      // A reconnecting EventSource resumes after the last event it had.
      auto resume = whole_number(request.last_event_id);
      if (!resume || *resume < 0) return problem(400, "invalid_input", "Last-Event-ID must be an audit seq");
      fields["after"] = *resume;
    }
    // verify changes nothing, so a retry of it runs nothing that matters: its key is not kept.
    if (!request.idempotency_key.empty() && request.method == "POST" && route->command != "verify") {
      // Checked here too: a header's bytes need not be text, and JSON takes only UTF-8.
      if (Status key = check_idempotency_key(request.idempotency_key); !key)
        return problem(422, "invalid_input", key.message());
      fields["idempotency_key"] = request.idempotency_key;
    }

    fields["command"] = route->command;
    ProtocolResponse reply = execute_request(context.engine, *user, fields.dump());
    HttpResponse response = answer(*route, reply, expected->has_value());
    response.route = route->pattern;
    response.user = *user;
    if (reply.replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
    // Only these answers give headers of their own, so only they are read back.
    static const std::set<std::string, std::less<>> read_back{"open", "status", "fire", "events"};
    if (reply.code != 0 || !read_back.contains(route->command)) return response;
    json body = json::parse(reply.json, nullptr, false);
    if (route->command == "open") {
      response.headers.emplace_back("Location", "/v1/cases/" + std::to_string(body.value("case", 0)));
      response.headers.emplace_back("ETag", "\"" + std::to_string(body.value("version", 1)) + "\"");
    }
    if (route->command == "status" || route->command == "fire")
      response.headers.emplace_back("ETag", "\"" + std::to_string(body.value("version", 0)) + "\"");
    if (route->command == "events") {
      response.content_type = "text/event-stream";
      response.headers.emplace_back("Cache-Control", "no-store");
      response.body = "retry: 3000\n\n" + as_events(body["events"]);
      response.more = FeedSource(context.engine, *user, body.value("through", std::int64_t{0}));
      response.endless = true;
    }
    return response;
  } catch (const std::exception& error) {
    return problem(500, "internal", std::string("the request could not be answered: ") + error.what());
  }
}

}  // namespace casegate::server

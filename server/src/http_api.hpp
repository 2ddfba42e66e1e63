#pragma once
// The HTTP face of the command protocol (shared/design/service.md, section 4), without any
// networking: a request in, a response out. Every /v1 route becomes one protocol request, so
// the CLI, the C ABI and HTTP cannot drift; this file adds only HTTP's own semantics (status
// codes, problem+json, ETag and If-Match, Location). http_server.cpp carries it over Beast.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "casegate/engine.hpp"
#include "identity.hpp"

namespace casegate::server {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string target;  // path and query, as sent
  std::string authorization, if_match, content_type, idempotency_key, last_event_id;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
  std::string route = "unmatched";  // the route's pattern, for logs and metrics
  std::string user;                 // the caller, once known
  // A body sent as it is made (chunked), for GET /v1/events and /v1/export: after `body`, each
  // call gives the next piece; an empty one means nothing yet (ask again in 250 ms), nullopt the
  // end. Never throws.
  std::function<std::optional<std::string>()> more;
  bool endless = false;  // a live feed: not a request in flight, so a drain ends it
};

class Metrics;

// Users found active lately, so that a caller's every request need not ask the store again (a
// transaction of its own). Only admission is spared: each command still checks its user, so a
// deactivated user is refused at once, with a 403 rather than a 401 for up to `fresh_for`.
class ActiveUsers {
 public:
  static constexpr std::chrono::seconds fresh_for{2};
  bool recently_active(const std::string& user, std::chrono::steady_clock::time_point now) const;
  void found_active(const std::string& user, std::chrono::steady_clock::time_point now);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> checked_;
};

struct ApiContext {
  Engine& engine;
  const Identity& identity;
  const Metrics* metrics = nullptr;     // GET /metrics answers 404 without
  ActiveUsers* active_users = nullptr;  // without: every request checks its user in the store
};

// Answers one request. Never throws.
HttpResponse handle(ApiContext& context, const HttpRequest& request);

// An RFC 9457 problem: {"type", "title", "status", "detail", "code"} (+ "missing" for a gate).
HttpResponse problem(int status, std::string_view code, std::string_view detail);

// The OpenAPI 3 document of every route.
const std::string& openapi_document();

}  // namespace casegate::server

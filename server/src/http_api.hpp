#pragma once
// The HTTP face of the command protocol (shared/design/service.md, section 4), without any
// networking: a request in, a response out. Every /v1 route becomes one protocol request, so
// the CLI, the C ABI and HTTP cannot drift; this file adds only HTTP's own semantics (status
// codes, problem+json, ETag and If-Match, Location). http_server.cpp carries it over Beast.
#include <optional>
#include <string>
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

// An open live feed (GET /v1/events): whose, and the audit seq it has been read through.
struct EventFeed {
  std::string user;
  std::int64_t through = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
  std::string route = "unmatched";  // the route's pattern, for logs and metrics
  std::string user;                 // the caller, once known
  // Set for GET /v1/events: the body is the feed's start, and more follows from next_events.
  std::optional<EventFeed> feed;
};

class Metrics;

struct ApiContext {
  Engine& engine;
  const Identity& identity;
  const Metrics* metrics = nullptr;  // GET /metrics answers 404 without
};

// Answers one request. Never throws.
HttpResponse handle(ApiContext& context, const HttpRequest& request);

// The feed's next events as Server-Sent Events text (empty: none yet), moving `feed` on;
// nullopt when the feed must end (its user was deactivated, say). Never throws.
std::optional<std::string> next_events(Engine& engine, EventFeed& feed);

// An RFC 9457 problem: {"type", "title", "status", "detail", "code"} (+ "missing" for a gate).
HttpResponse problem(int status, std::string_view code, std::string_view detail);

// The OpenAPI 3 document of every route.
const std::string& openapi_document();

}  // namespace casegate::server

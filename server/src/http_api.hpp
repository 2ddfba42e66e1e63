#pragma once
// The HTTP face of the command protocol (shared/design/service.md, section 4), without any
// networking: a request in, a response out. Every /v1 route becomes one protocol request, so
// the CLI, the C ABI and HTTP cannot drift; this file adds only HTTP's own semantics (status
// codes, problem+json, ETag and If-Match, Location). http_server.cpp carries it over Beast.
#include <string>
#include <utility>
#include <vector>

#include "casegate/engine.hpp"
#include "identity.hpp"

namespace casegate::server {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string target;  // path and query, as sent
  std::string authorization, if_match, content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
  std::string route = "unmatched";  // the route's pattern, for logs and metrics
  std::string user;                 // the caller, once known
};

class Metrics;

struct ApiContext {
  Engine& engine;
  const Identity& identity;
  const Metrics* metrics = nullptr;  // GET /metrics answers 404 without
};

// Answers one request. Never throws.
HttpResponse handle(ApiContext& context, const HttpRequest& request);

// An RFC 9457 problem: {"type", "title", "status", "detail", "code"} (+ "missing" for a gate).
HttpResponse problem(int status, std::string_view code, std::string_view detail);

// The OpenAPI 3 document of every route.
const std::string& openapi_document();

}  // namespace casegate::server

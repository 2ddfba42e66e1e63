#pragma once
// `casegate serve`: HTTP/1.1 with keep-alive over Boost.Beast, a fixed pool of threads sharing
// one engine (so concurrent commands ride its group commit). Beast stays in http_server.cpp.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "casegate/engine.hpp"
#include "identity.hpp"

namespace casegate::server {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  int threads = 32;                       // mostly waiting for a group commit, so more than the cores pay
  std::size_t max_connections = 256;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10000};  // to send a request's head and body
  std::chrono::milliseconds idle_timeout{60000};    // between requests on a kept-alive connection
  std::string tls_cert, tls_key;                    // PEM files; both empty: plain HTTP
};

// Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish and
// returns 0. SIGHUP reloads the key set. `on_listening` gets the address actually bound
// ("127.0.0.1:41234") once connections are accepted. Returns 1 when it cannot listen, 2 for
// a bad --listen or TLS certificate or key.
int serve(Engine& engine, Identity& identity, const ServeOptions& options,
          const std::function<void(const std::string&)>& on_listening);

}  // namespace casegate::server

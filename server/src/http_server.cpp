// Boost.Beast carries http_api.cpp's answers. The only translation unit that includes Beast:
// it costs about 11 s and 0.7 GB to compile.
#include "http_server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <type_traits>
#include <vector>

#include "http_api.hpp"
#include "metrics.hpp"

namespace casegate::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// What every connection shares.
struct Shared {
  Engine& engine;
  Identity& identity;
  const ServeOptions& options;
  std::atomic<std::size_t> connections{0};
  std::atomic<int> in_flight{0};  // requests whose head has arrived and whose answer is not sent
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> requests{0};
  std::string instance = {};  // a per-process prefix of request ids
  Metrics metrics = {};
  ActiveUsers active_users = {};
};

std::string request_id(Shared& shared, std::string_view given) {
  // A caller's id is kept when it is short and plain; otherwise one of ours.
  if (!given.empty() && given.size() <= 64 && std::all_of(given.begin(), given.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
      }))
    return std::string(given);
  return shared.instance + "-" + std::to_string(++shared.requests);
}

// One connection. Stream: beast::tcp_stream, or an ssl_stream over one for --tls-cert.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... TlsContext>
  Session(tcp::socket socket, Shared& shared, TlsContext&... tls_context)
      : stream_(std::move(socket), tls_context...), shared_(shared), stream_timer_(stream_.get_executor()) {
    ++shared_.connections;
  }
  ~Session() {
    busy(false);
    --shared_.connections;
  }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (tls) {
        // The handshake is part of the request's head: the same timeout.
        self->timed(self->shared_.options.header_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->drop();
          self->read();
        });
      } else {
        self->read();
      }
    });
  }

 private:
  void timed(std::chrono::milliseconds timeout) { beast::get_lowest_layer(stream_).expires_after(timeout); }

  void read() {
    parser_.emplace();
    parser_->body_limit(shared_.options.body_limit);
    parser_->header_limit(16 * 1024);
    // Idle between requests, then the head and body must arrive within the header timeout:
    // a slow client holds no worker, only its own socket, until it times out.
    timed(first_ ? shared_.options.header_timeout : shared_.options.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // A request is in flight from its head to its answer: a drain waits for it.
  void busy(bool now) {
    if (now != busy_) shared_.in_flight += now ? 1 : -1;
    busy_ = now;
  }

  void on_header(beast::error_code ec) {
    // A declared Content-Length over the limit is known from the head.
    if (ec == http::error::body_limit || ec == http::error::header_limit) return on_read(ec);
    if (ec) return close();
    busy(true);
    first_ = false;
    timed(shared_.options.header_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code e, std::size_t) { self->on_read(e); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return respond_and_close(problem(413, "invalid_input", "the body is larger than 1 MiB"));
    if (ec == http::error::header_limit)
      return respond_and_close(problem(431, "invalid_input", "the headers are too large"));
    if (ec == http::error::end_of_stream) return close();
    if (ec && (ec == beast::error::timeout || ec == asio::error::operation_aborted)) return close();
    if (ec) return respond_and_close(problem(400, "invalid_input", "the request is not valid HTTP/1.1"));
    auto request = parser_->release();
    auto started = std::chrono::steady_clock::now();
    HttpRequest in;
    in.method = std::string(request.method_string());
    in.target = std::string(request.target());
    in.authorization = std::string(request[http::field::authorization]);
    in.if_match = std::string(request[http::field::if_match]);
    in.content_type = std::string(request[http::field::content_type]);
    in.idempotency_key = std::string(request["Idempotency-Key"]);
    in.last_event_id = std::string(request["Last-Event-ID"]);
    in.body = std::move(request.body());
    std::string id = request_id(shared_, request["X-Request-Id"]);
    ApiContext context{shared_.engine, shared_.identity, &shared_.metrics, &shared_.active_users};
    HttpResponse out = handle(context, in);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    shared_.metrics.record(out.route, out.status, ms / 1000);
    spdlog::info(nlohmann::json{{"request_id", id},
                                {"method", in.method},
                                {"route", out.route},
                                {"status", out.status},
                                {"user", out.user},
                                {"ms", std::round(ms * 1000) / 1000}}
                     .dump());
    if (out.more) return start_stream(std::move(out), id);
    bool keep_alive = request.keep_alive() && !shared_.draining;
    send(std::move(out), id, keep_alive, request.version());
  }

  void send(HttpResponse out, const std::string& id, bool keep_alive, unsigned version = 11) {
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(out.status), version);
    response->set(http::field::server, "casegate");
    response->set(http::field::content_type, out.content_type);
    response->set("X-Request-Id", id);
    for (auto& [name, value] : out.headers) response->set(name, value);
    response->body() = std::move(out.body);
    response->keep_alive(keep_alive);
    response->prepare_payload();
    timed(shared_.options.header_timeout);
    http::async_write(stream_, *response,
                      [self = this->shared_from_this(), response, keep_alive](beast::error_code ec, std::size_t) {
                        self->busy(false);
                        if (!ec && self->unread_) return self->discard_and_close();
                        if (ec || !keep_alive || self->shared_.draining) return self->close();
                        self->read();
                      });
  }

  // A body made as it is sent (GET /v1/events, /v1/export): the head, then chunks until the
  // source ends, the client goes or is too slow to take them, or the server drains. The
  // connection closes after it.
  void start_stream(HttpResponse out, const std::string& id) {
    if (out.endless) busy(false);  // a feed is not a request in flight: a drain ends it
    more_ = std::move(out.more);
    auto head = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(out.status), 11);
    head->set(http::field::server, "casegate");
    head->set(http::field::content_type, out.content_type);
    head->set("X-Request-Id", id);
    for (auto& [name, value] : out.headers) head->set(name, value);
    head->keep_alive(false);
    head->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    timed(shared_.options.header_timeout);
    http::async_write_header(stream_, *serializer,
                             [self = this->shared_from_this(), head, serializer, first = std::move(out.body)](
                                 beast::error_code ec, std::size_t) mutable {
                               if (ec) return self->drop();
                               self->write_chunk(std::move(first));
                             });
  }

  void write_chunk(std::string text) {
    if (text.empty()) return next_chunk();
    auto buffer = std::make_shared<std::string>(std::move(text));
    timed(shared_.options.header_timeout);  // a reader too slow to take its chunks is dropped
    asio::async_write(stream_, http::make_chunk(asio::buffer(*buffer)),
                      [self = this->shared_from_this(), buffer](beast::error_code ec, std::size_t) {
                        if (ec) return self->drop();
                        self->next_chunk();
                      });
  }

  void next_chunk() {
    // A feed ends with the drain, cleanly (its client reconnects elsewhere); an export finishes.
    auto piece = shared_.draining && !busy_ ? std::nullopt : more_();
    if (!piece) {
      // The end: the last chunk (a body cut short has none, so a client can tell).
      timed(shared_.options.header_timeout);
      return asio::async_write(stream_, http::make_chunk_last(),
                               [self = this->shared_from_this()](beast::error_code, std::size_t) {
                                 self->busy(false);
                                 self->close();
                               });
    }
    if (!piece->empty()) return write_chunk(std::move(*piece));
    beast::get_lowest_layer(stream_).expires_never();
    stream_timer_.expires_after(std::chrono::milliseconds(250));
    stream_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->close();
      self->next_chunk();
    });
  }

  // An answer before the whole request was read (413, 400): the client may still be sending,
  // and closing on unread data would reset the connection before it reads the answer.
  void respond_and_close(HttpResponse out) {
    unread_ = true;
    send(std::move(out), request_id(shared_, ""), false);
  }

  void discard_and_close() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    timed(shared_.options.header_timeout);
    discard();
  }

  void discard() {
    stream_.async_read_some(asio::buffer(discarded_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) return self->discard();
                              self->drop();
                            });
  }

  // The end of a conversation: TLS says goodbye first (close_notify), within the timeout.
  void close() {
    if constexpr (tls) {
      timed(shared_.options.header_timeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->drop(); });
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  void drop() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Shared& shared_;
  bool first_ = true;
  bool busy_ = false;
  bool unread_ = false;
  std::array<char, 8192> discarded_{};
  // The source of a streamed body, once the connection carries one.
  std::function<std::optional<std::string>()> more_;
  asio::steady_timer stream_timer_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, tcp::acceptor acceptor, Shared& shared, asio::ssl::context* tls)
      : io_(io), acceptor_(std::move(acceptor)), shared_(shared), tls_(tls) {}

  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec,
                                                                               tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;  // stopped: draining
      if (!ec) {
        if (self->shared_.connections >= self->shared_.options.max_connections) {
          beast::error_code ignored;
          socket.close(ignored);  // over the cap: refused at once, the others unharmed
        } else if (self->tls_ != nullptr) {
          std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), self->shared_, *self->tls_)
              ->start();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(std::move(socket), self->shared_)->start();
        }
      }
      self->accept();
    });
  }

  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  Shared& shared_;
  asio::ssl::context* tls_;  // null: plain HTTP
};

// The server's certificate chain and key (PEM), TLS 1.2 at least.
std::unique_ptr<asio::ssl::context> tls_context(const ServeOptions& options) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                       asio::ssl::context::single_dh_use);
  context->use_certificate_chain_file(options.tls_cert);
  context->use_private_key_file(options.tls_key, asio::ssl::context::pem);
  return context;
}

}  // namespace

int serve(Engine& engine, Identity& identity, const ServeOptions& options,
          const std::function<void(const std::string&)>& on_listening) {
  auto colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    spdlog::error("--listen must be HOST:PORT, not '{}'", options.listen);
    return 2;
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(options.listen.substr(0, colon), ec);
  int port = std::atoi(options.listen.c_str() + colon + 1);
  if (ec || port < 0 || port > 65535) {
    spdlog::error("--listen must be HOST:PORT with an IP address, not '{}'", options.listen);
    return 2;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    spdlog::error("--tls-cert and --tls-key go together");
    return 2;
  }
  std::unique_ptr<asio::ssl::context> tls;
  if (!options.tls_cert.empty()) {
    try {
      tls = tls_context(options);
    } catch (const std::exception& error) {
      spdlog::error("cannot use --tls-cert {} and --tls-key {}: {}", options.tls_cert, options.tls_key, error.what());
      return 2;
    }
  }
  const int threads = std::max(1, options.threads);
  // Declared before the io_context: the handlers it still holds when it is destroyed (idle
  // sessions, after a drain) refer to it.
  std::random_device random;
  Shared shared{engine, identity, options};
  shared.instance = std::to_string(random() % 1000000);
  asio::io_context io(threads);
  tcp::acceptor acceptor(io);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    spdlog::error("cannot listen on {}: {}", options.listen, ec.message());
    return 1;
  }
  auto bound = acceptor.local_endpoint();
  auto listener = std::make_shared<Listener>(io, std::move(acceptor), shared, tls.get());
  listener->accept();

  asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
  std::function<void(beast::error_code, int)> on_signal = [&](beast::error_code error, int signal) {
    if (error) return;
    if (signal == SIGHUP) {
      Status reloaded = identity.reload();
      if (reloaded)
        spdlog::info(R"({"event":"keys reloaded"})");
      else
        spdlog::error("the key set was not reloaded: {}", reloaded.message());
      signals.async_wait(on_signal);
      return;
    }
    // Drain: no new connections; each open one finishes its request and closes. The pool
    // returns when the last is done.
    shared.draining = true;
    listener->stop();
  };
  signals.async_wait(on_signal);
  if (on_listening) on_listening(bound.address().to_string() + ":" + std::to_string(bound.port()));

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  // The drain ends once no request is in flight: connections idle between requests lose
  // nothing by being closed. Checked every 50 ms.
  asio::steady_timer watchdog(io);
  std::function<void(beast::error_code)> check = [&](beast::error_code) {
    if (shared.draining && shared.in_flight == 0) {
      signals.cancel();
      io.stop();
      return;
    }
    watchdog.expires_after(std::chrono::milliseconds(50));
    watchdog.async_wait(check);
  };
  watchdog.expires_after(std::chrono::milliseconds(50));
  watchdog.async_wait(check);
  io.run();
  for (auto& t : pool) t.join();
  spdlog::info(R"({"event":"stopped"})");
  return 0;
}

}  // namespace casegate::server

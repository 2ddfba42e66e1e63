// casegate serve, and the keys and tokens it trusts: jwks, token.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli.hpp"
#include "http_server.hpp"
#include "identity.hpp"

namespace casegate::cli {

std::vector<Command> serve_commands() {
  struct Options {
    server::ServeOptions serve;
    server::IdentityOptions identity;
    std::string key_file, kid = "casegate", subject, issuer, audience, ttl = "1h";
    int header_timeout = 10, idle_timeout = 60;  // seconds
  };
  auto o = std::make_shared<Options>();
  return {
      {"serve", "the engine as an HTTP service, with bearer-token identity (docs/serve.md)",
       [o](CLI::App& c) {
         c.add_option("--listen", o->serve.listen, "HOST:PORT (default 127.0.0.1:8080; port 0: any free one)");
         c.add_option("--jwks", o->identity.jwks_path, "the key set tokens are verified with (RS256, ES256)")
             ->required();
         c.add_option("--issuer", o->identity.issuer, "the tokens' iss")->required();
         c.add_option("--audience", o->identity.audience, "the tokens' aud")->required();
         c.add_option("--user-claim", o->identity.user_claim, "the claim naming the casegate user (default sub)");
         c.add_option("--threads", o->serve.threads, "worker threads sharing the engine (default 32)")
             ->check(CLI::Range(1, 256));
         c.add_option("--max-connections", o->serve.max_connections, "open connections at most (default 256)")
             ->check(CLI::Range(1, 100000));
         c.add_option("--header-timeout", o->header_timeout,
                      "seconds a client has to send a request's head and body (default 10)")
             ->check(CLI::Range(1, 3600));
         c.add_option("--idle-timeout", o->idle_timeout,
                      "seconds a kept-alive connection may wait for its next request (default 60)")
             ->check(CLI::Range(1, 3600));
         c.add_option("--tls-cert", o->serve.tls_cert, "serve HTTPS with this certificate chain (PEM)");
         c.add_option("--tls-key", o->serve.tls_key, "the certificate's private key (PEM), with --tls-cert");
       },
       [o](Session& s) {
         // The access log (info: one JSON line per request) and diagnostics go to stderr as
         // they are; stdout says where the server listens.
         if (s.log_level == "warn") s.log_level = "info";
         auto logger = spdlog::stderr_logger_mt("serve");
         logger->set_pattern("%v");
         spdlog::set_default_logger(logger);
         if (int failed = s.ready(false)) return failed;
         o->serve.header_timeout = std::chrono::seconds(o->header_timeout);
         o->serve.idle_timeout = std::chrono::seconds(o->idle_timeout);
         auto identity = server::Identity::load(o->identity);
         if (!identity) return report(identity.status());
         const std::string scheme = o->serve.tls_cert.empty() ? "http://" : "https://";
         return server::serve(*s.engine, **identity, o->serve, [scheme](const std::string& address) {
           std::cout << "listening on " << scheme << address << std::endl;
         });
       }},
      {"jwks", "print the public key set (JWKS) of a PEM private key, for serve --jwks",
       [o](CLI::App& c) {
         c.add_option("--key", o->key_file, "PEM private key: RSA (RS256) or EC P-256 (ES256)")->required();
         c.add_option("--kid", o->kid, "the key's id (default casegate)");
       },
       [o](Session&) {
         auto pem = read_file(o->key_file);
         if (!pem) return report(pem.status());
         auto jwks = server::public_jwks(*pem, o->kid);
         if (!jwks) return report(jwks.status());
         std::cout << *jwks;
         return 0;
       }},
      {"token", "sign a bearer token for local use and tests",
       [o](CLI::App& c) {
         c.add_option("--key", o->key_file, "PEM private key: RSA (RS256) or EC P-256 (ES256)")->required();
         c.add_option("--kid", o->kid, "the key's id, as in the key set (default casegate)");
         c.add_option("--sub", o->subject, "the casegate user")->required();
         c.add_option("--issuer", o->issuer, "iss")->required();
         c.add_option("--audience", o->audience, "aud")->required();
         c.add_option("--ttl", o->ttl, "lifetime: 90s, 15m, 1h (default), 2d");
       },
       [o](Session&) {
         auto pem = read_file(o->key_file);
         if (!pem) return report(pem.status());
         std::int64_t seconds = 0;
         const std::string& t = o->ttl;
         std::size_t digits = t.find_first_not_of("0123456789");
         if (digits == 0 || digits == std::string::npos || digits + 1 != t.size() || digits > 6)
           return report(Status::invalid_input("--ttl must be a number and a unit (s, m, h or d), such as 1h"));
         std::int64_t amount = std::stoll(t.substr(0, digits));
         switch (t.back()) {
           case 's': seconds = amount; break;
           case 'm': seconds = amount * 60; break;
           case 'h': seconds = amount * 3600; break;
           case 'd': seconds = amount * 86400; break;
           default: return report(Status::invalid_input("--ttl must end in s, m, h or d"));
         }
         auto token = server::sign_token(
             {*pem, o->kid, o->subject, o->issuer, o->audience, seconds,
              std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())});
         if (!token) return report(token.status());
         std::cout << *token << "\n";
         return 0;
       }},
  };
}

}  // namespace casegate::cli

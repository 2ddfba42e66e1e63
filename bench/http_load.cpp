#include "http_load.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "casegate/casegate.hpp"
#include "identity.hpp"
#include "w1_workload.hpp"

namespace casegate::bench {
namespace {

using Clock = std::chrono::steady_clock;
const char* const issuer = "https://idp.bench";
const char* const audience = "casegate-bench";

std::string new_ec_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) die("cannot make an EC key");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

Synchronous synchronous_of(const std::string& sync) {
  return sync == "FULL" ? Synchronous::full : sync == "NORMAL" ? Synchronous::normal : Synchronous::off;
}

void fresh_database(const std::string& db, const std::string& sync) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  SqliteOptions options;
  options.synchronous = synchronous_of(sync);
  auto engine = open_engine(db, options);
  if (!engine) die(engine.status().to_string());
  add_w1_users(**engine);
}

// W1 in this process: commands/s with `threads` callers sharing one engine.
double in_process_rate(const std::string& db, const std::string& sync, int cases, int threads) {
  fresh_database(db, sync);
  SqliteOptions options;
  options.synchronous = synchronous_of(sync);
  auto engine = std::move(open_engine(db, options).value());
  std::atomic<int> next{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int n = next++; n < cases; n = next++) run_case(*engine, n);
    });
  for (auto& t : pool) t.join();
  return 12.0 * cases / std::chrono::duration<double>(Clock::now() - start).count();
}

// A running `casegate serve`, stopped (SIGTERM, drained) when destroyed.
class ServerProcess {
 public:
  ServerProcess(const HttpBenchOptions& o, const std::string& db, const std::string& sync, const std::string& jwks) {
    int out[2];
    if (pipe(out) != 0) die("pipe failed");
    std::string log = o.dir + "/serve-" + sync + ".log";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      std::FILE* err = std::fopen(log.c_str(), "w");
      if (err != nullptr) dup2(fileno(err), STDERR_FILENO);
      close(out[0]);
      std::string threads = std::to_string(o.server_threads);
      std::vector<const char*> argv{
          o.casegate.c_str(), "--db",        db.c_str(),  "--sync",        sync.c_str(), "serve",
          "--listen",         "127.0.0.1:0", "--jwks",    jwks.c_str(),    "--issuer",   issuer,
          "--audience",       audience,      "--threads", threads.c_str(), nullptr};
      execv(o.casegate.c_str(), const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    const std::string prefix = "listening on http://";
    if (line.rfind(prefix, 0) != 0) die("casegate serve did not start: " + line + " (see " + log + ")");
    port_ = std::stoi(line.substr(line.rfind(':') + 1));
  }
  ~ServerProcess() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  int port() const { return port_; }
  long rss_kb() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// One keep-alive connection, blocking, HTTP/1.1 with Content-Length only (what the server sends).
class Connection {
 public:
  explicit Connection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) die("cannot connect");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The status; the body in `body`.
  int post(const std::string& path, const std::string& token, const std::string& payload, std::string& body) {
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
                          "\r\n\r\n" + payload;
    for (std::size_t sent = 0; sent < request.size();) {
      ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) die("the server closed the connection");
      sent += static_cast<std::size_t>(n);
    }
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) fill();
    std::string head = buffer_.substr(0, head_end);
    int status = std::atoi(head.c_str() + 9);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    auto length_at = lower.find("content-length:");
    std::size_t length = length_at == std::string::npos ? 0 : std::stoul(head.substr(length_at + 15));
    while (buffer_.size() < head_end + 4 + length) fill();
    body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return status;
  }

 private:
  void fill() {
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) die("the server closed the connection");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  int fd_;
  std::string buffer_;
};

struct LoadFigures {
  double seconds = 0;
  long requests = 0;
  std::vector<double> latencies_ms;
  double percentile(double p) const {
    if (latencies_ms.empty()) return 0;
    return latencies_ms[static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size() - 1))];
  }
};

// Cases [first, first + cases) of W1 over `connections` keep-alive connections; dies on any status
// W1 does not expect.
LoadFigures run_load(int port, int first, int cases, int connections, const std::string& worker_token,
                     const std::string& chair_token) {
  std::atomic<int> next{first};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int c = 0; c < connections; ++c)
    pool.emplace_back([&, c] {
      Connection connection(port);
      auto& mine = latencies[static_cast<std::size_t>(c)];
      std::string body;
      auto timed = [&](const std::string& path, const std::string& token, const std::string& payload, int want) {
        auto t0 = Clock::now();
        int status = connection.post(path, token, payload, body);
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (status != want)
          die("POST " + path + " answered " + std::to_string(status) + ", not " + std::to_string(want) + ": " + body);
      };
      for (int n = next++; n < first + cases; n = next++) {
        timed("/v1/cases", worker_token,
              R"({"workflow":"child_protection","subject":"CHILD-)" + std::to_string(n) + "\"}", 201);
        std::string path = "/v1/cases/" + std::to_string(nlohmann::json::parse(body).at("case").get<long>());
        for (const Step& step : w1_steps) {
          const std::string& token = std::string(step.as) == chair ? chair_token : worker_token;
          if (step.is_fire)
            timed(path + "/events/" + step.name, token, "{}", step.expected == FireOutcome::accepted ? 200 : 409);
          else
            timed(path + "/tasks", token, std::string(R"({"kind":")") + step.name + R"(","data":)" + step.payload + "}",
                  201);
        }
      }
    });
  for (auto& t : pool) t.join();
  LoadFigures figures;
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& l : latencies) figures.latencies_ms.insert(figures.latencies_ms.end(), l.begin(), l.end());
  std::sort(figures.latencies_ms.begin(), figures.latencies_ms.end());
  figures.requests = static_cast<long>(figures.latencies_ms.size());
  return figures;
}

std::string token_for(const std::string& pem, const std::string& user) {
  auto token = server::sign_token({pem, "bench", user, issuer, audience, 6 * 3600, SystemClock().now()});
  if (!token) die(token.status().to_string());
  return *token;
}

// The chain of a run verifies, with one entry per W1 command besides the setup's.
void check_end_state(const std::string& db, long commands) {
  auto engine = open_engine(db);
  if (!engine) die(engine.status().to_string());
  auto report = (*engine)->verify();
  if (!report || !report->ok) die("the audit chain does not verify after the HTTP run");
  if (report->entries_verified != commands + 3)
    die("expected " + std::to_string(commands + 3) + " audit entries, found " +
        std::to_string(report->entries_verified));
}

}  // namespace

int run_http_bench(const HttpBenchOptions& o) {
  std::filesystem::create_directories(o.dir);
  const std::string pem = new_ec_key(), jwks = o.dir + "/jwks.json";
  std::ofstream(jwks) << server::public_jwks(pem, "bench").value();
  const std::string worker_token = token_for(pem, worker), chair_token = token_for(pem, chair);
  const std::string db = o.dir + "/http-w1.db";
  nlohmann::json results = nlohmann::json::array();
  std::cout << "W1 over HTTP: " << o.cases << " cases (" << 12 * o.cases << " requests), " << o.connections
            << " keep-alive connections, server threads " << o.server_threads << "; in-process W1 in the same run\n";
  for (int round = 1; round <= o.rounds; ++round) {
    for (const std::string& sync : o.syncs) {
      double alone = in_process_rate(db, sync, o.cases, 1);
      double shared = in_process_rate(db, sync, o.cases, o.connections);
      fresh_database(db, sync);
      LoadFigures load;
      {
        ServerProcess server(o, db, sync, jwks);
        load = run_load(server.port(), 0, o.cases, o.connections, worker_token, chair_token);
      }
      check_end_state(db, 12L * o.cases);
      double rate = static_cast<double>(load.requests) / load.seconds;
      std::printf(
          "round %d %-6s in-process 1 thread %7.0f/s, %d threads %7.0f/s | HTTP %7.0f/s = %.2fx of 1 thread, %.2fx "
          "of %d | p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms\n",
          round, sync.c_str(), alone, o.connections, shared, rate, rate / alone, rate / shared, o.connections,
          load.percentile(0.5), load.percentile(0.99), load.percentile(0.999));
      results.push_back({{"round", round},
                         {"sync", sync},
                         {"in_process_1", static_cast<long>(alone)},
                         {"in_process_shared", static_cast<long>(shared)},
                         {"http", static_cast<long>(rate)},
                         {"p50_ms", load.percentile(0.5)},
                         {"p99_ms", load.percentile(0.99)},
                         {"p999_ms", load.percentile(0.999)}});
    }
  }
  nlohmann::json result{{"impl", "casegate_http"},
                        {"n", o.cases},
                        {"connections", o.connections},
                        {"server_threads", o.server_threads},
                        {"runs", results}};
  if (o.rss_requests > 0) {
    // The server's memory under a long run: RSS after 10,000 requests and after rss_requests.
    fresh_database(db, "NORMAL");
    ServerProcess server(o, db, "NORMAL", jwks);
    const int warm_cases = (10000 + 11) / 12, all_cases = static_cast<int>((o.rss_requests + 11) / 12);
    run_load(server.port(), 0, warm_cases, o.connections, worker_token, chair_token);
    long after_warm = server.rss_kb();
    auto start = Clock::now();
    run_load(server.port(), warm_cases, all_cases - warm_cases, o.connections, worker_token, chair_token);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    long after_all = server.rss_kb();
    double growth = 100.0 * static_cast<double>(after_all - after_warm) / static_cast<double>(after_warm);
    std::printf("RSS of casegate serve (NORMAL): %.1f MB after %d requests, %.1f MB after %ld (%+.1f%%; %.0f s)\n",
                static_cast<double>(after_warm) / 1024, warm_cases * 12, static_cast<double>(after_all) / 1024,
                static_cast<long>(all_cases) * 12, growth, seconds);
    result["rss"] = {{"after_kb", after_warm},
                     {"after_requests", warm_cases * 12},
                     {"final_kb", after_all},
                     {"final_requests", static_cast<long>(all_cases) * 12},
                     {"growth_percent", growth}};
  }
  std::cout << "RESULT " << result.dump() << "\n";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  return 0;
}

}  // namespace casegate::bench

// Engine::once: a command and the reply kept for its idempotency key in one transaction.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "casegate/casegate.hpp"
#include "casegate/sqlite_store.hpp"
#include "fixture.hpp"
#include "forwarding_store.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

OpenCaseRequest child(const std::string& subject) {
  return OpenCaseRequest{"child_protection", subject, "", std::nullopt, {}};
}

// Opens a case inside once(), answering with its id.
Result<OnceReply> open_once(Engine& engine, const std::string& as, const std::string& key, const std::string& subject,
                            int* runs = nullptr, bool keep = true) {
  return engine.once(as, key, "open " + subject, [&](bool& kept) {
    if (runs != nullptr) ++*runs;
    kept = keep;
    auto opened = engine.open_case(as, child(subject));
    return opened ? std::to_string(opened->id) : "error: " + opened.status().message();
  });
}

// Cases opened, by the audit log.
std::size_t opens_in(EngineFixture& f) {
  auto log = f.engine->audit_feed(auditor, 0, 1000, false);
  REQUIRE(log.is_ok());
  return static_cast<std::size_t>(std::count_if(log->entries.begin(), log->entries.end(), [](const AuditEntry& e) {
    return e.entry.action == "open" && e.entry.outcome == "accepted";
  }));
}

// Fails to keep replies: what happens when the last write of once()'s transaction fails.
class FailingReplies final : public ForwardingCaseStore {
 public:
  using ForwardingCaseStore::ForwardingCaseStore;
  Status store_reply(std::string_view, std::string_view, const StoredReply&, Instant, Instant) override {
    return Status::internal("disk full");
  }
};

}  // namespace

TEST_CASE("once runs a command once for its key and answers a retry with the kept reply", "[engine][once]") {
  EngineFixture f;
  int runs = 0;
  auto first = open_once(*f.engine, social_worker, "key-1", "C-1", &runs);
  REQUIRE(first.is_ok());
  CHECK_FALSE(first->replayed);
  auto again = open_once(*f.engine, social_worker, "key-1", "C-1", &runs);
  REQUIRE(again.is_ok());
  CHECK(again->replayed);
  CHECK(again->reply == first->reply);
  CHECK(runs == 1);
  CHECK(opens_in(f) == 1);

  SECTION("the same key for another request is refused and runs nothing") {
    auto other = open_once(*f.engine, social_worker, "key-1", "C-2", &runs);
    CHECK(other.status().code() == Code::invalid_input);
    CHECK(runs == 1);
  }
  SECTION("keys are each user's own") {
    auto theirs = open_once(*f.engine, team_manager, "key-1", "C-1", &runs);
    REQUIRE(theirs.is_ok());
    CHECK_FALSE(theirs->replayed);
    CHECK(opens_in(f) == 2);
  }
  SECTION("a reply not to be kept leaves the key free, so the retry runs") {
    REQUIRE(open_once(*f.engine, social_worker, "key-2", "C-3", &runs, false).is_ok());
    auto retry = open_once(*f.engine, social_worker, "key-2", "C-3", &runs, false);
    REQUIRE(retry.is_ok());
    CHECK_FALSE(retry->replayed);
    CHECK(runs == 3);
  }
  SECTION("keys are kept for 24 hours") {
    f.clock->advance(std::chrono::hours(25));
    REQUIRE(open_once(*f.engine, social_worker, "key-3", "C-4").is_ok());  // forgets the day-old key-1
    auto late = open_once(*f.engine, social_worker, "key-1", "C-1", &runs);
    REQUIRE(late.is_ok());
    CHECK_FALSE(late->replayed);
  }
  SECTION("a key that is empty, too long or not visible ASCII is refused") {
    for (std::string key : {std::string(), std::string(256, 'k'), std::string("a b"), std::string("caf\xc3\xa9")})
      CHECK(open_once(*f.engine, social_worker, key, "C-5", &runs).status().code() == Code::invalid_input);
    CHECK(runs == 1);
  }
  SECTION("verify needs the store to itself, so it cannot be part of once") {
    std::string answer;
    auto once = f.engine->once(auditor, "v", "verify", [&](bool&) {
      answer = f.engine->verify().status().message();
      return answer;
    });
    REQUIRE(once.is_ok());
    CHECK(answer.find("cannot run as part of another command") != std::string::npos);
  }
}

TEST_CASE("a command that throws inside once leaves nothing behind, and the engine goes on", "[engine][once]") {
  EngineFixture f;
  auto thrown = f.engine->once(social_worker, "key-1", "open C-1", [&](bool&) -> std::string {
    REQUIRE(f.engine->open_case(social_worker, child("C-1")).is_ok());
    throw std::runtime_error("disk on fire");
  });
  CHECK(thrown.status().to_string() == "internal: the command failed: disk on fire");
  CHECK(opens_in(f) == 0);
  auto retry = open_once(*f.engine, social_worker, "key-1", "C-1");
  REQUIRE(retry.is_ok());
  CHECK_FALSE(retry->replayed);
  CHECK(opens_in(f) == 1);
}

TEST_CASE("an unknown or inactive user's command fails as it would alone, and nothing is kept", "[engine][once]") {
  EngineFixture f;
  REQUIRE(f.engine->set_user_active(admin, social_worker, false).is_ok());
  int runs = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto denied = open_once(*f.engine, social_worker, "key-1", "C-1", &runs);
    REQUIRE(denied.is_ok());
    CHECK_FALSE(denied->replayed);
    CHECK(denied->reply.find("inactive") != std::string::npos);
  }
  CHECK(runs == 2);
}

TEST_CASE("when the reply cannot be kept, the command's writes are undone too", "[engine][once]") {
  Storage storage = open_sqlite_store(":memory:").value();
  storage.cases = std::make_shared<FailingReplies>(storage.cases);
  EngineFixture f(std::move(storage));
  auto failed = open_once(*f.engine, social_worker, "key-1", "C-1");
  CHECK(failed.status().code() == Code::internal);
  CHECK(f.engine->status(social_worker, 1).status().code() == Code::not_found);
  auto report = f.engine->verify();
  REQUIRE(report.is_ok());
  CHECK(report->ok);
}

TEST_CASE("once under group commit: threads racing on the same keys run each command once",
          "[engine][once][group_commit]") {
  auto dir = std::filesystem::temp_directory_path() / ("casegate-once-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    EngineFixture f(open_sqlite_store((dir / "once.db").string()).value());
    constexpr int threads = 6, keys = 8;
    std::atomic<int> runs{0}, failures{0};
    auto worker = [&] {
      for (int k = 0; k < keys; ++k) {
        std::string key = "key-" + std::to_string(k), subject = "C-" + std::to_string(k);
        auto once = f.engine->once(social_worker, key, subject, [&](bool&) {
          ++runs;
          auto opened = f.engine->open_case(social_worker, child(subject));
          return opened ? std::to_string(opened->id) : std::string("failed");
        });
        if (!once || once->reply == "failed") ++failures;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    CHECK(failures == 0);
    CHECK(runs == keys);
    CHECK(opens_in(f) == keys);
    auto report = f.engine->verify();
    REQUIRE(report.is_ok());
    CHECK(report->ok);
  }
  std::filesystem::remove_all(dir);
}

#include <unistd.h>

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

TEST_CASE("commands from many threads are committed together, each isolated from the others",
          "[engine][group_commit]") {
  auto dir = std::filesystem::temp_directory_path() / ("casegate-gc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "gc.db").string();
  {
    auto engine = std::move(open_engine(path).value());
    REQUIRE(engine->init(admin, "").is_ok());
    REQUIRE(engine->add_user(admin, User{social_worker, "", Role::social_worker, "north", true}).is_ok());

    constexpr int threads = 8, cases_per_thread = 6;
    std::atomic<int> failures{0};
    auto worker = [&](int t) {
      for (int n = 0; n < cases_per_thread; ++n) {
        auto opened = engine->open_case(
            social_worker,
            OpenCaseRequest{"child_protection", std::string("T") += std::to_string(t), "", std::nullopt, {}});
        if (!opened) {
          ++failures;
          continue;
        }
        CaseId id = opened->id;
        // Interleaved with the other threads: an invalid record, a refused fire, then the real steps.
        auto bad = engine->record_task(
            social_worker, RecordTaskRequest{id, "referral_decision", R"({"decision":"perhaps"})", std::nullopt});
        if (bad.status().code() != Code::invalid_input) ++failures;
        auto refused = engine->fire(social_worker, FireRequest{id, "refer_to_strategy", false, "", std::nullopt});
        if (!refused || refused->outcome != FireOutcome::refused) ++failures;
        auto good = engine->record_task(
            social_worker,
            RecordTaskRequest{id, "referral_decision", R"({"decision":"significant_harm"})", std::nullopt});
        if (!good) ++failures;
        auto accepted = engine->fire(social_worker, FireRequest{id, "refer_to_strategy", false, "", std::int64_t{1}});
        if (!accepted || accepted->outcome != FireOutcome::accepted) ++failures;
        auto stale = engine->fire(social_worker, FireRequest{id, "start_section_47", false, "", std::int64_t{1}});
        if (stale.status().code() != Code::conflict) ++failures;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
    for (auto& t : pool) t.join();
    CHECK(failures == 0);

    for (CaseId id = 1; id <= threads * cases_per_thread; ++id) {
      auto status = engine->status(social_worker, id);
      REQUIRE(status.is_ok());
      CHECK(status->record.state == "strategy_discussion");
      CHECK(status->record.version == 2);
      auto history = engine->history(social_worker, id);
      REQUIRE(history.is_ok());
      std::vector<std::string> outcomes;
      for (const auto& e : *history) outcomes.push_back(e.entry.action + ":" + e.entry.outcome);
      CHECK(outcomes == std::vector<std::string>{"open:accepted", "record:invalid", "fire:refused", "record:accepted",
                                                 "fire:accepted", "fire:conflict", "view:accepted"});
    }
    auto report = engine->verify();
    REQUIRE(report.is_ok());
    CHECK(report->ok);
    CHECK(report->entries_verified == 2 + threads * cases_per_thread * (6 + 2));
  }
  std::filesystem::remove_all(dir);
}

namespace {

// Counts batches and the commands committed in them.
class BatchCountingStore final : public ForwardingTransactions {
 public:
  using ForwardingTransactions::ForwardingTransactions;
  std::atomic<int> batches{0}, commands{0}, commands_in_batches{0};
  bool in_batch = false;
  Status begin_batch() override {
    in_batch = true;
    return ForwardingTransactions::begin_batch();
  }
  Status commit_command() override {
    ++commands;
    if (in_batch) ++commands_in_batches;
    return ForwardingTransactions::commit_command();
  }
  Status commit_batch() override {
    in_batch = false;
    ++batches;
    return ForwardingTransactions::commit_batch();
  }
};

}  // namespace

TEST_CASE("callers share batches while a verify, which needs the store to itself, runs between them",
          "[engine][group_commit]") {
  auto dir = std::filesystem::temp_directory_path() / ("casegate-gc2-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    Storage storage = open_sqlite_store((dir / "gc.db").string()).value();
    auto counting = std::make_shared<BatchCountingStore>(storage.transactions);
    BatchCountingStore& store = *counting;
    storage.transactions = counting;
    EngineFixture f(std::move(storage));
    constexpr int writers = 6, cases_per_writer = 8;
    std::atomic<int> failures{0}, verified{0};
    std::atomic<bool> writing{true};
    auto writer = [&] {
      for (int n = 0; n < cases_per_writer; ++n) {
        auto opened =
            f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", "C", "", std::nullopt, {}});
        if (!opened) {
          ++failures;
          continue;
        }
        auto decided = f.engine->record_task(
            social_worker,
            RecordTaskRequest{opened->id, "referral_decision", R"({"decision":"significant_harm"})", std::nullopt});
        auto moved = f.engine->fire(social_worker, FireRequest{opened->id, "refer_to_strategy", false, "", {}});
        if (!decided || !moved || moved->outcome != FireOutcome::accepted) ++failures;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < writers; ++t) pool.emplace_back(writer);
    std::thread checker([&] {
      while (writing) {
        auto report = f.engine->verify();
        if (!report || !report->ok) ++failures;
        ++verified;
      }
    });
    for (auto& t : pool) t.join();
    writing = false;
    checker.join();
    CHECK(failures == 0);
    CHECK(verified > 0);
    // Six callers at once on two cores: some commands must have shared a commit.
    CHECK(store.batches > 0);
    CHECK(store.commands_in_batches > store.batches);
    auto report = f.engine->verify();
    REQUIRE(report.is_ok());
    CHECK(report->ok);
    // init, 5 users, then 3 commands per case; verifies are not audited.
    CHECK(report->entries_verified == 8 /*init, 7 users*/ + writers * cases_per_writer * 3);
  }
  std::filesystem::remove_all(dir);
}

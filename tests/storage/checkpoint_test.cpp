// What the chain alone cannot show, a signed checkpoint kept elsewhere can: a truncated tail and
// a log rewritten with every later hash recomputed.
#include "casegate/checkpoint.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "casegate/casegate.hpp"
#include "casegate/sqlite_store.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

struct Scenario {
  std::filesystem::path dir;
  std::string db;
  Checkpoint checkpoint;
  std::string key_pem;

  Scenario() {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          ("casegate-cp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    db = (dir / "cp.db").string();
    EngineFixture f(std::move(open_sqlite_store(db).value()));
    for (int n = 0; n < 3; ++n) {
      CaseId id = f.open_case();
      f.record(id, "referral_decision", R"({"decision":"significant_harm"})");
      f.fire(id, "refer_to_strategy");
    }
    key_pem = generate_ed25519_key()->private_key_pem;
    checkpoint = f.engine->checkpoint(key_pem).value();
    // Work carries on after the checkpoint.
    CaseId later = f.open_case();
    f.record(later, "referral_decision", R"({"decision":"child_in_need"})");
  }
  ~Scenario() { std::filesystem::remove_all(dir); }

  void sql(const std::string& statement) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    CHECK(sqlite3_exec(raw, statement.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }

  // Rewrites entry `from` (its actor) and recomputes every later hash, as someone with the file
  // and this project's documentation could.
  void rewrite_from(std::int64_t from) {
    sql("DROP TRIGGER audit_log_no_update");
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* read = nullptr;
    REQUIRE(
        sqlite3_prepare_v2(raw,
                           "SELECT seq, at, case_id, actor, role, action, outcome, detail, prev_hash FROM audit_log "
                           "WHERE seq >= ?1 ORDER BY seq",
                           -1, &read, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(read, 1, from);
    std::vector<std::pair<std::int64_t, AuditDraft>> rows;
    std::string prev;
    while (sqlite3_step(read) == SQLITE_ROW) {
      auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(read, c))); };
      AuditDraft d{parse_instant(text(1)).value(),
                   sqlite3_column_type(read, 2) == SQLITE_NULL ? std::nullopt
                                                               : std::optional<CaseId>(sqlite3_column_int64(read, 2)),
                   text(3),
                   text(4),
                   text(5),
                   text(6),
                   text(7)};
      if (rows.empty()) {
        prev = text(8);
        d.actor = "someone.else";
      }
      rows.emplace_back(sqlite3_column_int64(read, 0), d);
    }
    sqlite3_finalize(read);
    for (auto& [seq, d] : rows) {
      std::string hash = audit_entry_hash(prev, seq, d);
      std::string update = "UPDATE audit_log SET actor='" + d.actor + "', prev_hash='" + prev + "', hash='" + hash +
                           "' WHERE seq=" + std::to_string(seq);
      REQUIRE(sqlite3_exec(raw, update.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
      prev = hash;
    }
    sqlite3_close(raw);
  }

  ChainReport verify(const Checkpoint* against, const std::string& pinned = "") {
    auto engine = std::move(open_engine(db).value());
    return engine->verify(against, pinned).value();
  }
};

}  // namespace

TEST_CASE("a checkpoint matches while the log only grows", "[storage][checkpoint]") {
  Scenario s;
  CHECK(check_checkpoint_signature(s.checkpoint).is_ok());
  ChainReport report = s.verify(&s.checkpoint, s.checkpoint.public_key);
  CHECK(report.ok);
  CHECK(report.head.seq > s.checkpoint.head.seq);
  auto round_trip = parse_checkpoint_json(checkpoint_json(s.checkpoint));
  REQUIRE(round_trip.is_ok());
  CHECK(round_trip->signed_text() == s.checkpoint.signed_text());
  CHECK(round_trip->signature == s.checkpoint.signature);
}

TEST_CASE("a truncated log verifies alone but not against the checkpoint", "[storage][checkpoint][tamper]") {
  Scenario s;
  s.sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > " +
        std::to_string(s.checkpoint.head.seq - 3));
  CHECK(s.verify(nullptr).ok);
  ChainReport report = s.verify(&s.checkpoint);
  CHECK_FALSE(report.ok);
  CHECK(report.first_bad_seq == s.checkpoint.head.seq - 2);
  CHECK_THAT(report.problem, Catch::Contains("entries were removed"));
}

TEST_CASE("a log rewritten with recomputed hashes verifies alone but not against the checkpoint",
          "[storage][checkpoint][tamper]") {
  Scenario s;
  s.rewrite_from(10);
  CHECK(s.verify(nullptr).ok);  // the chain is whole again: only the checkpoint can tell
  ChainReport report = s.verify(&s.checkpoint);
  CHECK_FALSE(report.ok);
  CHECK(report.first_bad_seq == s.checkpoint.head.seq);
  CHECK_THAT(report.problem, Catch::Contains("the log was rewritten"));
}

TEST_CASE("an altered checkpoint or one signed by another key is refused", "[storage][checkpoint][tamper]") {
  Scenario s;
  Checkpoint moved = s.checkpoint;
  moved.head.seq -= 1;
  CHECK(check_checkpoint_signature(moved).code() == Code::integrity);
  CHECK_FALSE(s.verify(&moved).ok);
  std::string other_key = generate_ed25519_key()->public_key;
  ChainReport pinned = s.verify(&s.checkpoint, other_key);
  CHECK_FALSE(pinned.ok);
  CHECK_THAT(pinned.problem, Catch::Contains("signed by another key"));
  auto not_a_key = sign_checkpoint(s.checkpoint.head, s.checkpoint.at, "-----BEGIN PRIVATE KEY-----\nnope\n");
  CHECK(not_a_key.status().code() == Code::invalid_input);
}

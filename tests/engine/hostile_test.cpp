// Hostile input through the API: each attempt gets one clear line and changes nothing but the
// audit entry of the rejected attempt.
#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <map>

#include "casegate/task_kinds.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

struct Snapshot {
  std::vector<std::string> cases;  // state@version per case
  std::int64_t audit_entries = 0;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(EngineFixture& f, int cases) {
  Snapshot s;
  for (CaseId id = 1; id <= cases; ++id) {
    auto status = f.engine->status(team_manager, id);
    s.cases.push_back(status->record.state + "@" + std::to_string(status->record.version));
  }
  s.audit_entries = f.engine->verify()->entries_verified;  // after the views above
  return s;
}

const std::string injections[] = {
    "'; DROP TABLE audit_log; --",
    "1 OR 1=1",
    "\") ; DELETE FROM cases; --",
    "x' UNION SELECT hash FROM audit_log --",
};

}  // namespace

TEST_CASE("hostile input is refused with one line and changes nothing but the audit", "[engine][hostile]") {
  EngineFixture f;
  CaseId id = f.open_case();
  f.record(id, "referral_decision", R"({"decision":"significant_harm"})");
  std::string nul_text("voice\0child", 11);
  std::string big_payload = R"({"description":")" + std::string(max_payload_bytes, 'x') + R"("})";
  std::string deep = std::string(5000, '[') + std::string(5000, ']');
  std::map<std::string, std::string> many_attributes;
  for (int i = 0; i < 1000; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "a%d", i);
    many_attributes[key] = "v";
  }

  struct Attempt {
    std::string what;
    std::function<Status()> run;
    Code expected;
  };
  std::vector<Attempt> attempts;
  for (const auto& evil : injections) {
    attempts.push_back({"event " + evil,
                        [&, evil] {
                          return f.engine->fire(social_worker, FireRequest{id, evil, false, "", std::nullopt}).status();
                        },
                        Code::invalid_input});
    attempts.push_back(
        {"kind " + evil,
         [&, evil] {
           return f.engine->record_task(social_worker, RecordTaskRequest{id, evil, "{}", std::nullopt}).status();
         },
         Code::invalid_input});
    attempts.push_back(
        {"workflow " + evil,
         [&, evil] {
           return f.engine->open_case(social_worker, OpenCaseRequest{evil, "S", "", std::nullopt, {}}).status();
         },
         Code::invalid_input});
    attempts.push_back({"attribute name " + evil,
                        [&, evil] {
                          return f.engine
                              ->open_case(social_worker,
                                          OpenCaseRequest{"child_protection", "S", "", std::nullopt, {{evil, "v"}}})
                              .status();
                        },
                        Code::invalid_input});
    attempts.push_back({"user id " + evil,
                        [&, evil] {
                          return f.engine->add_user(admin, User{evil, "", Role::social_worker, "", true});
                        },
                        Code::invalid_input});
    attempts.push_back({"payload value " + evil,
                        [&, evil] {
                          return f.engine
                              ->record_task(social_worker,
                                            RecordTaskRequest{id, "referral_decision",
                                                              R"({"decision":")" + evil + "\"}", std::nullopt})
                              .status();
                        },
                        Code::invalid_input});
  }
  attempts.push_back(
      {"invalid UTF-8 event",
       [&] {
         return f.engine->fire(social_worker, FireRequest{id, "refer\xff\xfe", false, "", std::nullopt}).status();
       },
       Code::invalid_input});
  attempts.push_back({"invalid UTF-8 payload",
                      [&] {
                        return f.engine
                            ->record_task(
                                social_worker,
                                RecordTaskRequest{id, "evidence", "{\"description\":\"\xc0\xaf\"}", std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back({"NUL in a kind",
                      [&] {
                        return f.engine
                            ->record_task(social_worker,
                                          RecordTaskRequest{id, std::string("assessment\0x", 12), "{}", std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back({"NUL in an override reason",
                      [&] {
                        return f.engine
                            ->fire(team_manager, FireRequest{id, "refer_to_strategy", true, nul_text, std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back({"payload of 64 KiB + 1",
                      [&] {
                        return f.engine
                            ->record_task(social_worker, RecordTaskRequest{id, "evidence", big_payload, std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back(
      {"deeply nested payload",
       [&] {
         return f.engine->record_task(social_worker, RecordTaskRequest{id, "evidence", deep, std::nullopt}).status();
       },
       Code::invalid_input});
  attempts.push_back({"number out of range",
                      [&] {
                        return f.engine
                            ->record_task(social_worker,
                                          RecordTaskRequest{id, "assessment",
                                                            R"({"type":"section_47","outcome":1e400})", std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back({"huge integer",
                      [&] {
                        return f.engine
                            ->record_task(
                                social_worker,
                                RecordTaskRequest{id, "assessment",
                                                  R"({"type":"section_47","outcome":123456789012345678901234567890})",
                                                  std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back({"unknown field",
                      [&] {
                        return f.engine
                            ->record_task(
                                social_worker,
                                RecordTaskRequest{id, "assessment",
                                                  R"({"type":"section_47","outcome":"x","admin":true})", std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back({"wrong type",
                      [&] {
                        return f.engine
                            ->record_task(social_worker,
                                          RecordTaskRequest{id, "voice_of_child",
                                                            R"({"child_seen":"true","method":"direct"})", std::nullopt})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back({"a thousand attributes",
                      [&] {
                        return f.engine
                            ->open_case(social_worker,
                                        OpenCaseRequest{"child_protection", "S", "", std::nullopt, many_attributes})
                            .status();
                      },
                      Code::invalid_input});
  attempts.push_back(
      {"a negative case id",
       [&] {
         return f.engine->fire(social_worker, FireRequest{-1, "refer_to_strategy", false, "", std::nullopt}).status();
       },
       Code::not_found});
  attempts.push_back({"an enormous case id",
                      [&] {
                        return f.engine
                            ->fire(social_worker, FireRequest{INT64_MAX, "refer_to_strategy", false, "", std::nullopt})
                            .status();
                      },
                      Code::not_found});

  for (const auto& attempt : attempts) {
    INFO(attempt.what);
    Snapshot before = snapshot(f, 1);
    Status status = attempt.run();
    CHECK(status.code() == attempt.expected);
    CHECK_FALSE(status.message().empty());
    CHECK(status.message().find('\n') == std::string::npos);
    CHECK(status.message().size() < 300);
    Snapshot after = snapshot(f, 1);
    CHECK(after.cases == before.cases);
    // One entry for the rejected attempt, one for the status view inside snapshot().
    CHECK(after.audit_entries == before.audit_entries + 2);
  }
  // The case is still where it was and still moves on.
  CHECK(f.fire(id, "refer_to_strategy").outcome == FireOutcome::accepted);
  CHECK(f.engine->verify()->ok);
}

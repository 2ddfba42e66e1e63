// Need-to-know access beyond the matrix (tests/cli/access_matrix_test.cpp): break-glass limits
// and expiry, gates under a grant, transfer, the access report, scoped lists.
#include <catch2/catch.hpp>

#include "casegate/seed_reports.hpp"
#include "fixture.hpp"

using namespace casegate;
using namespace casegate::testing;

namespace {

const char* const reason = "child presented at the south office";

CaseId north_case(EngineFixture& f, const std::string& subject = "NORTH-CHILD") {
  return f.engine->open_case(social_worker, OpenCaseRequest{"child_protection", subject, "", std::nullopt, {}})->id;
}

}  // namespace

TEST_CASE("break-glass needs a reason and a bounded time, and is no admin's", "[engine][access]") {
  EngineFixture f;
  CaseId id = north_case(f);
  CHECK(f.engine->break_glass(south_worker, id, "", std::nullopt).status().code() == Code::invalid_input);
  CHECK(f.engine->break_glass(south_worker, id, "   urgent  ", std::nullopt).status().to_string() ==
        "invalid_input: a break-glass reason needs at least 10 characters: say why this child's record must be seen");
  CHECK(f.engine->break_glass(south_worker, id, reason, 0).status().code() == Code::invalid_input);
  CHECK(f.engine->break_glass(south_worker, id, reason, 25).status().to_string() ==
        "refused: break-glass access lasts at most 24 hours");
  CHECK(f.engine->break_glass(admin, id, reason, std::nullopt).status().code() == Code::refused);
  CHECK(f.engine->break_glass(social_worker, id, reason, std::nullopt).status().code() == Code::refused);
  CHECK(f.engine->break_glass(south_worker, 999, reason, std::nullopt).status().code() == Code::not_found);
  // Nothing was granted by any of those, and each attempt is in the case's log.
  CHECK(f.engine->status(south_worker, id).status().code() == Code::denied);
  auto entries = f.audit_of(id);
  CHECK(std::count_if(entries.begin(), entries.end(), [](const AuditEntry& e) {
          return e.entry.action == "access" && e.entry.outcome != "accepted";
        }) == 6);

  // The default length is a setting; 24 hours is the most it may be.
  CHECK(f.engine->set_setting(team_manager, "access.break_glass_hours", "25").code() == Code::invalid_input);
  REQUIRE(f.engine->set_setting(team_manager, "access.break_glass_hours", "2").is_ok());
  auto grant = f.engine->break_glass(south_worker, id, reason, std::nullopt);
  REQUIRE(grant.is_ok());
  CHECK(grant->expires_at - grant->granted_at == std::chrono::hours(2));
}

TEST_CASE("a grant lasts until it expires by the engine's clock, and meets no gate", "[engine][access]") {
  EngineFixture f;
  CaseId id = north_case(f);
  REQUIRE(f.engine->break_glass(south_worker, id, reason, 1).is_ok());
  // Under the grant: the worker's rights, and the gates as they are.
  auto refused = f.engine->fire(south_worker, FireRequest{id, "refer_to_strategy", false, "", std::nullopt});
  REQUIRE(refused.is_ok());
  CHECK(refused->outcome == FireOutcome::refused);
  REQUIRE(refused->missing.size() == 1);
  CHECK(refused->missing[0].task == "referral_decision");
  // A team manager from elsewhere cannot override a gate under a grant.
  REQUIRE(f.engine->break_glass(south_manager, id, reason, 1).is_ok());
  CHECK(f.engine->fire(south_manager, FireRequest{id, "refer_to_strategy", true, "urgent, police", std::nullopt})
            .status()
            .code() == Code::denied);
  CHECK(f.state_of(id) == "referral");
  f.record(id, "referral_decision", R"({"decision":"significant_harm"})", south_worker);
  CHECK(f.engine->fire(south_worker, FireRequest{id, "refer_to_strategy", false, "", std::nullopt})->outcome ==
        FireOutcome::accepted);
  // Each use is audited with the grant it was done under.
  auto entries = f.audit_of(id);
  CHECK(entries.back().entry.detail_json.find("\"grant\":1") != std::string::npos);

  f.clock->advance(std::chrono::minutes(61));
  auto expired = f.engine->status(south_worker, id);
  CHECK(expired.status().code() == Code::denied);
  CHECK(expired.status().message().find("NORTH-CHILD") == std::string::npos);
  CHECK(f.audit_of(id).back().entry.outcome == "denied");
}

TEST_CASE("a transfer moves the case, its clocks and its access to the new team", "[engine][access]") {
  EngineFixture f;
  CaseId id = north_case(f);
  REQUIRE(f.engine->allocate(team_manager, id, social_worker).is_ok());
  CHECK(f.engine->status(social_worker, id)->record.allocated_to == social_worker);
  CHECK(f.engine->allocate(team_manager, id, south_worker).status().code() == Code::refused);  // not of the team
  CHECK(f.engine->allocate(social_worker, id, social_worker).status().code() == Code::refused);
  CHECK(f.engine->transfer(south_manager, id, "south").status().code() == Code::denied);

  auto by_team = [&] {
    std::map<std::string, std::int64_t> running;
    auto report = f.engine->timeliness(auditor, parse_date("2026-01-01").value(), parse_date("2027-01-01").value(),
                                       std::nullopt, true);
    REQUIRE(report.is_ok());
    for (const auto& row : report->rows) running[row.team] += row.running + row.overdue;
    return running;
  };
  CHECK(by_team() == std::map<std::string, std::int64_t>{{"north", 1}});
  auto moved = f.engine->transfer(team_manager, id, "south");
  REQUIRE(moved.is_ok());
  CHECK(moved->allocated_to.empty());
  CHECK(by_team() == std::map<std::string, std::int64_t>{{"south", 1}});
  CHECK(f.engine->status(social_worker, id).status().code() == Code::denied);
  CHECK(f.engine->status(team_manager, id).status().code() == Code::denied);
  auto theirs = f.engine->status(south_worker, id);
  REQUIRE(theirs.is_ok());
  CHECK(theirs->record.team == "south");
  REQUIRE(theirs->clocks.size() == 1);
  CHECK(theirs->clocks[0].record.team == "south");
  auto entries = f.audit_of(id);
  CHECK(std::any_of(entries.begin(), entries.end(), [](const AuditEntry& e) {
    return e.entry.action == "transfer" && e.entry.detail_json.find(R"("from_team":"north")") != std::string::npos;
  }));
}

TEST_CASE("the access report shows each grant to the owning team's managers only", "[engine][access]") {
  EngineFixture f;
  CaseId north = north_case(f);
  CaseId south = f.engine->open_case(south_worker, OpenCaseRequest{"child_protection", "S", "", std::nullopt, {}})->id;
  auto into_north = f.engine->break_glass(south_worker, north, reason, std::nullopt);
  auto into_south = f.engine->break_glass(social_worker, south, "covering the duty desk today", std::nullopt);
  REQUIRE(into_north.is_ok());
  REQUIRE(into_south.is_ok());
  REQUIRE(f.engine->status(south_worker, north).is_ok());

  GrantQuery everything{std::nullopt, Instant{}, f.clock->now(), false};
  auto north_view = f.engine->access_report(team_manager, everything);
  REQUIRE(north_view.is_ok());
  REQUIRE(north_view->size() == 1);
  CHECK((*north_view)[0].grant.case_id == north);
  CHECK((*north_view)[0].grant.reason == reason);
  REQUIRE((*north_view)[0].uses.size() == 1);
  CHECK((*north_view)[0].uses[0].entry.action == "view");
  auto south_view = f.engine->access_report(south_manager, everything);
  REQUIRE(south_view->size() == 1);
  CHECK((*south_view)[0].grant.case_id == south);
  CHECK(f.engine->access_report(auditor, everything)->size() == 2);
  CHECK(f.engine->access_report(social_worker, everything).status().code() == Code::refused);
  CHECK(f.engine->access_report(admin, everything).status().code() == Code::refused);

  // Reviewed by a manager of the owning team, once; not by another team's.
  CHECK(f.engine->review_access(south_manager, into_north->id, "seen").status().code() == Code::denied);
  REQUIRE(f.engine->review_access(team_manager, into_north->id, "proportionate: child at the south office").is_ok());
  CHECK(f.engine->review_access(team_manager, into_north->id, "again").status().code() == Code::conflict);
  CHECK(f.engine->review_access(team_manager, 99, "x").status().code() == Code::not_found);
  auto unreviewed = f.engine->access_report(auditor, GrantQuery{std::nullopt, Instant{}, f.clock->now(), true});
  REQUIRE(unreviewed->size() == 1);
  CHECK((*unreviewed)[0].grant.case_id == south);
  auto reviewed = f.engine->access_report(team_manager, GrantQuery{north, Instant{}, f.clock->now(), false});
  REQUIRE(reviewed->size() == 1);
  CHECK((*reviewed)[0].grant.reviewed_by == team_manager);
}

TEST_CASE("case lists page by id through what the user may see", "[engine][access]") {
  EngineFixture f;
  for (int n = 0; n < 5; ++n) north_case(f, "N" + std::to_string(n));
  CaseId theirs = f.engine->open_case(south_worker, OpenCaseRequest{"child_protection", "S", "", std::nullopt, {}})->id;
  REQUIRE(f.engine->allocate(team_manager, 2, social_worker).is_ok());

  auto page = f.engine->cases(social_worker, CaseQuery{"", "", "", "", std::nullopt, 0, 2});
  REQUIRE(page.is_ok());
  REQUIRE(page->cases.size() == 2);
  CHECK(page->cases[0].id == 1);
  REQUIRE(page->next);
  std::vector<CaseId> seen{page->cases[0].id, page->cases[1].id};
  while (page->next) {
    page = f.engine->cases(social_worker, CaseQuery{"", "", "", "", std::nullopt, *page->next, 2});
    REQUIRE(page.is_ok());
    for (const auto& c : page->cases) seen.push_back(c.id);
  }
  CHECK(seen == std::vector<CaseId>{1, 2, 3, 4, 5});  // not the south case
  CHECK(f.engine->cases(social_worker, CaseQuery{"", "", "", social_worker, std::nullopt, 0, 100})->cases.size() == 1);
  CHECK(f.engine->cases(auditor, CaseQuery{})->cases.size() == 6);
  CHECK(f.engine->cases(auditor, CaseQuery{"south", "", "", "", std::nullopt, 0, 100})->cases.at(0).id == theirs);
  CHECK(f.engine->cases(board_chair, CaseQuery{})->cases.empty());  // no improvement actions yet
  CHECK(f.engine->cases(social_worker, CaseQuery{"south", "", "", "", std::nullopt, 0, 100}).status().code() ==
        Code::denied);
  CHECK(f.engine->cases(admin, CaseQuery{}).status().code() == Code::refused);
  CHECK(f.engine->cases(social_worker, CaseQuery{"", "", "", "", std::nullopt, 0, 0}).status().code() ==
        Code::invalid_input);
  // Overdue: the referral decision is due within a working day.
  CHECK(f.engine->cases(social_worker, CaseQuery{"", "", "", "", f.clock->now(), 0, 100})->cases.empty());
  f.clock->advance(std::chrono::hours(24 * 5));
  CHECK(f.engine->cases(social_worker, CaseQuery{"", "referral", "child_protection", "", f.clock->now(), 0, 100})
            ->cases.size() == 5);
}

TEST_CASE("per-child oversight lists keep to the user's teams; counts cover every team", "[engine][access]") {
  EngineFixture f;
  north_case(f);
  f.engine->open_case(south_worker, OpenCaseRequest{"child_protection", "S", "", std::nullopt, {}}).value();
  f.clock->advance(std::chrono::hours(24 * 5));
  auto mine = f.engine->overdue(team_manager, std::nullopt, "", 100);
  REQUIRE(mine.is_ok());
  REQUIRE(mine->clocks.size() == 1);
  CHECK(mine->clocks[0].clock.team == "north");
  CHECK(f.engine->overdue(team_manager, std::nullopt, "south", 100).status().code() == Code::denied);
  CHECK(f.engine->overdue(auditor, std::nullopt, "", 100)->clocks.size() == 2);
  CHECK(f.engine->overdue(admin, std::nullopt, "", 100).status().code() == Code::refused);
  auto voice = voice_report(*f.engine, team_manager, Instant{}, f.clock->now(), "");
  REQUIRE(voice.is_ok());
  for (const auto& row : *voice) CHECK(row.team == "north");
  auto counts = f.engine->timeliness(team_manager, parse_date("2026-01-01").value(), parse_date("2027-01-01").value(),
                                     std::nullopt, true);
  REQUIRE(counts.is_ok());
  CHECK(counts->rows.size() == 2);  // both teams' counts
}

TEST_CASE("the live feed shows each user the entries of the cases they may see, and pages on", "[engine][access]") {
  EngineFixture f;
  auto start = f.engine->audit_feed(team_manager, std::nullopt, 10, true);  // from now on
  REQUIRE(start.is_ok());
  CHECK(start->entries.empty());
  const std::int64_t from = start->through;

  CaseId north = north_case(f);
  CaseId south = f.engine->open_case(south_worker, OpenCaseRequest{"child_protection", "S", "", std::nullopt, {}})->id;
  CaseId north2 = north_case(f, "NORTH-2");

  auto page = f.engine->audit_feed(team_manager, from, 10, false);
  REQUIRE(page.is_ok());
  std::vector<CaseId> seen;
  for (const auto& e : page->entries) seen.push_back(e.entry.case_id.value_or(0));
  CHECK(seen == std::vector<CaseId>{north, north2});  // not south's child, nor entries of no case
  // Through the whole log, the unseen entries too: the next read starts after them.
  auto everything = f.engine->audit_feed(auditor, from, 1000, false);
  REQUIRE(everything.is_ok());
  CHECK(page->through == everything->entries.back().seq);
  CHECK(std::any_of(everything->entries.begin(), everything->entries.end(),
                    [&](const AuditEntry& e) { return e.entry.case_id == south; }));

  // A full page runs through its last entry, and the next page starts after it.
  auto first = f.engine->audit_feed(team_manager, from, 1, false);
  REQUIRE(first.is_ok());
  REQUIRE(first->entries.size() == 1);
  CHECK(first->through == first->entries[0].seq);
  auto second = f.engine->audit_feed(team_manager, first->through, 1, false);
  REQUIRE(second.is_ok());
  CHECK(second->entries.at(0).entry.case_id == north2);

  // Opening a feed is a view in the audit log; the reads after it are not.
  auto views = f.engine->audit_feed(auditor, 0, 1000, false);
  REQUIRE(views.is_ok());
  CHECK(std::count_if(views->entries.begin(), views->entries.end(), [](const AuditEntry& e) {
          return e.entry.action == "view" && e.entry.detail_json.find("\"events\"") != std::string::npos;
        }) == 1);

  CHECK(f.engine->audit_feed(admin, 0, 10, true).status().code() == Code::refused);
  CHECK(f.engine->audit_feed(team_manager, -1, 10, true).status().code() == Code::invalid_input);
  CHECK(f.engine->audit_feed(team_manager, 0, 0, true).status().code() == Code::invalid_input);
}

TEST_CASE("a payload on a case the user may not see is denied before it is judged", "[engine][access]") {
  EngineFixture f;
  CaseId id = north_case(f);
  for (const char* payload : {R"({"decision":)", R"({"decision":"no_further_action"})"}) {
    auto attempt = f.engine->record_task(south_worker, RecordTaskRequest{id, "referral_decision", payload, {}});
    CHECK(attempt.status().code() == Code::denied);
    CHECK(attempt.status().message().find("payload") == std::string::npos);
  }
  // The user who may see it is told what is wrong with the payload, after the checks of the case.
  auto malformed = f.engine->record_task(social_worker, RecordTaskRequest{id, "referral_decision", "{", {}});
  CHECK(malformed.status().to_string() == "invalid_input: referral_decision: payload is not valid JSON");
  // A kind the user's role may not record is refused as such, whatever its payload.
  auto by_wrong_role = f.engine->record_task(social_worker, RecordTaskRequest{id, "audit_check", "{", {}});
  CHECK(by_wrong_role.status().to_string() ==
        "refused: audit_check is recorded only by an auditor; sw.jones is social_worker");
}

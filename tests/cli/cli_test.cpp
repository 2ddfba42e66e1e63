// The casegate command's contract, run against the built binary: exit codes, one-line errors,
// JSON shapes.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "casegate/casegate.hpp"
#include "casegate/protocol.hpp"
#include "cli_runner.hpp"
#include "test_store.hpp"

using casegate::testing::Cli;
using casegate::testing::edit_as_owner;
using casegate::testing::Run;
using casegate::testing::slurp;
using nlohmann::json;

namespace {

bool one_line(const std::string& text) {
  return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

}  // namespace

TEST_CASE("cli: a case walks from referral with refusals that exit 3 and name what is missing", "[cli]") {
  Cli casegate;
  casegate.set_up_team();
  Run opened = casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "CHILD-7"});
  REQUIRE(opened.exit_code == 0);
  CHECK(opened.out == "1\n");

  Run refused = casegate({"--as", "sw.jones", "--json", "fire", "1", "refer_to_strategy"});
  CHECK(refused.exit_code == 3);
  json r = refused.parsed();
  CHECK(r == json::parse(R"({"case":1,"event":"refer_to_strategy","outcome":"refused","from":"referral",
      "to":"referral","version":1,
      "missing":[{"task":"referral_decision","condition":"decision=significant_harm","role":null,"scope":"stage"}],
      "message":"refer_to_strategy refused: missing referral_decision with decision=significant_harm"})"));
  CHECK(one_line(refused.err));

  Run human = casegate({"--as", "sw.jones", "fire", "1", "refer_to_strategy"});
  CHECK(human.exit_code == 3);
  CHECK_THAT(human.out, Catch::Contains("- referral_decision with decision=significant_harm"));

  Run recorded =
      casegate({"--as", "sw.jones", "--json", "record", "1", "referral_decision", "--data",
                R"({"decision":"significant_harm","urgency":"immediate"})", "--occurred-at", "2020-01-01T00:00:00Z"});
  CHECK(recorded.exit_code == 2);
  CHECK_THAT(recorded.err, Catch::Contains("before case 1 was received"));
  recorded = casegate({"--as", "sw.jones", "--json", "record", "1", "referral_decision", "--data",
                       R"({"decision":"significant_harm","urgency":"immediate"})"});
  REQUIRE(recorded.exit_code == 0);
  CHECK(recorded.parsed()["payload"]["urgency"] == "immediate");
  CHECK(recorded.parsed()["kind"] == "referral_decision");

  Run accepted = casegate({"--as", "sw.jones", "--json", "fire", "1", "refer_to_strategy", "--expect-version", "1"});
  REQUIRE(accepted.exit_code == 0);
  CHECK(accepted.parsed()["outcome"] == "accepted");
  CHECK(accepted.parsed()["to"] == "strategy_discussion");
  CHECK(accepted.parsed()["version"] == 2);

  Run stale = casegate({"--as", "sw.jones", "fire", "1", "start_section_47", "--expect-version", "1"});
  CHECK(stale.exit_code == 5);
  CHECK(stale.err == "casegate: case 1 is at version 2, not the expected 1\n");

  Run status = casegate({"--as", "tm.khan", "--json", "status", "1"});
  REQUIRE(status.exit_code == 0);
  json s = status.parsed();
  CHECK(s["workflow"] == "child_protection");
  CHECK(s["workflow_version"] == 2);  // new cases open with the newest version
  CHECK(s["state"] == "strategy_discussion");
  CHECK(s["version"] == 2);
  REQUIRE(s["events"].size() == 2);
  CHECK(s["events"][0]["event"] == "start_section_47");
  CHECK(s["events"][0]["to"] == "section_47_enquiry");
  CHECK(s["events"][0]["ready"] == false);
  CHECK(s["events"][0]["missing"][0]["condition"] == "participants include social_care, police, health");
  CHECK(s["events"][1]["missing"][1]["role"] == "team_manager");

  Run history = casegate({"--as", "tm.khan", "--json", "history", "1"});
  REQUIRE(history.exit_code == 0);
  json h = history.parsed();
  REQUIRE(h.is_array());
  std::vector<std::string> outcomes;
  for (const auto& e : h) outcomes.push_back(e["action"].get<std::string>() + ":" + e["outcome"].get<std::string>());
  CHECK(outcomes == std::vector<std::string>{"open:accepted", "fire:refused", "fire:refused", "record:invalid",
                                             "record:accepted", "fire:accepted", "fire:conflict", "view:accepted"});
  CHECK(h[0]["hash"].get<std::string>().size() == 64);
  CHECK(h[1]["detail"]["missing"][0]["task"] == "referral_decision");

  Run verified = casegate({"verify"});
  CHECK(verified.exit_code == 0);
  CHECK(verified.out == "audit chain verified: 13 entries\n");
}

TEST_CASE("cli: overrides need a team manager and a reason", "[cli]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C"}).exit_code == 0);
  Run no_reason = casegate({"--as", "tm.khan", "fire", "1", "refer_to_strategy", "--override"});
  CHECK(no_reason.exit_code == 2);
  CHECK(no_reason.err == "casegate: --override needs --reason TEXT\n");
  Run worker =
      casegate({"--as", "sw.jones", "--json", "fire", "1", "refer_to_strategy", "--override", "--reason", "x"});
  CHECK(worker.exit_code == 3);
  CHECK(worker.out.empty());
  CHECK(worker.err == "casegate: a social_worker may not override a gate on a case\n");
  Run manager = casegate({"--as", "tm.khan", "--json", "fire", "1", "refer_to_strategy", "--override", "--reason",
                          "police already at the house"});
  CHECK(manager.exit_code == 0);
  CHECK(manager.parsed()["outcome"] == "override");
  CHECK(manager.parsed()["missing"][0]["task"] == "referral_decision");
}

TEST_CASE("cli: every error is one line on stderr with its exit code", "[cli]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C"}).exit_code == 0);
  struct Expectation {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  const std::vector<Expectation> expectations{
      {{"--as", "sw.jones", "fire", "99", "refer_to_strategy"}, 4, "case 99 does not exist"},
      {{"--as", "nobody", "fire", "1", "refer_to_strategy"}, 4, "user 'nobody' does not exist"},
      {{"fire", "1", "refer_to_strategy"}, 2, "no acting user"},
      {{"--as", "sw.jones", "fire", "1", "teleport"}, 2, "unknown event 'teleport'"},
      {{"--as", "sw.jones", "fire", "one", "refer_to_strategy"}, 2, "case id 'one' is not a positive whole number"},
      {{"--as", "sw.jones", "fire", "1", "start_plan"}, 3, "start_plan is not valid in state referral"},
      {{"--as", "sw.jones", "record", "1", "horoscope", "--data", "{}"}, 2, "unknown task kind 'horoscope'"},
      {{"--as", "sw.jones", "record", "1", "assessment", "--data", "{\"type\":1}"},
       2,
       "assessment.type: expected one of"},
      {{"--as", "sw.jones", "record", "1", "assessment", "--data", "not json"}, 2, "payload is not valid JSON"},
      {{"--as", "sw.jones", "record", "1", "conference_decision", "--data", R"({"outcome":"no_plan"})"},
       3,
       "conference_decision is recorded only by a conference_chair"},
      {{"--as", "sw.jones", "open", "adoption", "--subject", "C"}, 2, "unknown workflow 'adoption'"},
      {{"--as", "sw.jones", "open", "child_protection", "--subject", "C", "--received-at", "tomorrow"},
       2,
       "--received-at: 'tomorrow' is not an ISO 8601 time"},
      {{"--as", "sw.jones", "user", "add", "x", "--role", "social_worker"}, 3, "only an admin adds users"},
      {{"--as", "admin.ali", "user", "add", "x", "--role", "wizard"}, 2, "unknown role 'wizard'"},
      {{"init"}, 3, "already initialised"},
      {{"frobnicate"}, 2, "unknown command 'frobnicate'"},
      {{"--as", "sw.jones", "workflow", "show", "adoption"}, 4, "no workflow 'adoption'"},
  };
  for (const auto& e : expectations) {
    std::string joined;
    for (const auto& a : e.args) joined += a + " ";
    INFO(joined);
    Run run = casegate(e.args);
    CHECK(run.exit_code == e.exit_code);
    CHECK(one_line(run.err));
    CHECK_THAT(run.err, Catch::Contains(e.message));
  }
  CHECK(casegate({"verify"}).exit_code == 0);
}

TEST_CASE("cli: verify exits 6 naming the first entry that does not verify", "[cli][audit]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C"}).exit_code == 0);
  // The owner of the database can get past the triggers: verify still finds the edit.
  edit_as_owner(casegate.db(),
                "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor='someone.else' WHERE seq=3;",
                "ALTER TABLE audit_log DISABLE TRIGGER USER; UPDATE audit_log SET actor='someone.else' WHERE seq=3");
  Run run = casegate({"--json", "verify"});
  CHECK(run.exit_code == 6);
  CHECK(run.err ==
        "casegate: audit chain does not verify at entry 3: entry 3 was altered (hash does not match its content)\n");
  CHECK(run.parsed()["ok"] == false);
  CHECK(run.parsed()["first_bad_seq"] == 3);
  CHECK(run.parsed()["entries_verified"] == 2);
  // The 20-line verifier of docs/audit.md, in another language, agrees.
  std::string script = std::string(CASEGATE_TEST_DATA) + "/../docs/verify_audit.py";
  CHECK(std::system(("python3 '" + script + "' '" + casegate.db() + "' 2>/dev/null").c_str()) != 0);
}

TEST_CASE("cli: the Python verifier of docs/audit.md accepts a chain the engine wrote", "[cli][audit]") {
  Cli casegate;
  REQUIRE(casegate({"demo", "--demo-db", casegate.db()}).exit_code == 0);
  std::string script = std::string(CASEGATE_TEST_DATA) + "/../docs/verify_audit.py";
  std::string out = (casegate.dir() / "py.out").string();
  REQUIRE(std::system(("python3 '" + script + "' '" + casegate.db() + "' > '" + out + "'").c_str()) == 0);
  CHECK(slurp(out) == "audit chain verified: 20 entries\n");
}

TEST_CASE("cli: users are listed and can be deactivated", "[cli]") {
  Cli casegate;
  casegate.set_up_team();
  Run list = casegate({"--as", "admin.ali", "--json", "user", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(list.parsed().size() == 4);
  CHECK(list.parsed()[2] ==
        json::parse(R"({"id":"sw.jones","name":"sw.jones","role":"social_worker","team":"north","active":true})"));
  REQUIRE(casegate({"--as", "admin.ali", "user", "deactivate", "sw.jones"}).exit_code == 0);
  Run refused = casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C"});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err == "casegate: user 'sw.jones' is inactive\n");
}

TEST_CASE("cli: workflows are listed and shown from the compiled machine", "[cli][workflows]") {
  Cli casegate;
  Run list = casegate({"--json", "workflow", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(list.parsed()[0] == json::parse(R"({"name":"child_protection","version":1,"initial_state":"referral"})"));
  Run show = casegate({"workflow", "show", "child_protection"});
  REQUIRE(show.exit_code == 0);
  CHECK_THAT(show.out, Catch::Contains("start_section_47"));
  CHECK_THAT(show.out, Catch::Contains("strategy_meeting with participants include social_care, police, health"));
  Run json_show = casegate({"--json", "workflow", "show", "child_protection"});
  CHECK(json_show.parsed()["transitions"].size() == 13);
}

TEST_CASE("cli: --help describes the commands and exit codes", "[cli]") {
  Cli casegate;
  Run help = casegate({"--help"});
  CHECK(help.exit_code == 0);
  for (const char* word :
       {"init", "user", "open", "record", "fire", "status", "history", "verify", "workflow", "demo", "3 refused"})
    CHECK_THAT(help.out, Catch::Contains(word));
}

TEST_CASE("cli: the demo walks a case to a plan and verifies the chain", "[cli][demo]") {
  Cli casegate;
  Run demo = casegate({"demo"});
  CHECK(demo.exit_code == 0);
  CHECK_THAT(demo.out, Catch::Contains("refused in referral; missing:"));
  CHECK_THAT(demo.out, Catch::Contains("start_plan accepted: initial_conference -> child_protection_plan"));
  CHECK_THAT(demo.out, Catch::Contains("audit chain verified: 20 entries"));
  CHECK(std::filesystem::exists(casegate.dir() / "casegate-demo.db"));
}

TEST_CASE("cli: a signed checkpoint finds a truncated log that verify alone cannot", "[cli][checkpoint]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C"}).exit_code == 0);
  Run keygen = casegate({"keygen", "--out", "audit-key.pem"});
  REQUIRE(keygen.exit_code == 0);
  CHECK(keygen.out.size() == 65);
  CHECK((std::filesystem::status(casegate.dir() / "audit-key.pem").permissions() &
         std::filesystem::perms::group_read) == std::filesystem::perms::none);
  Run checkpoint = casegate({"checkpoint", "--key", "audit-key.pem", "--out", "head.json"});
  REQUIRE(checkpoint.exit_code == 0);
  CHECK(casegate({"checkpoint", "--key", "audit-key.pem", "--out", "head.json"}).exit_code == 2);  // never overwrites
  Run matches = casegate({"verify", "--checkpoint", "head.json", "--public-key", keygen.out.substr(0, 64)});
  CHECK(matches.exit_code == 0);
  CHECK_THAT(matches.out, Catch::Contains("entry 5 matches the checkpoint"));

  edit_as_owner(casegate.db(), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 3;",
                "ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE seq > 3");
  CHECK(casegate({"verify"}).exit_code == 0);
  Run truncated = casegate({"verify", "--checkpoint", "head.json"});
  CHECK(truncated.exit_code == 6);
  CHECK(truncated.err ==
        "casegate: audit chain does not verify at entry 4: the log ends at entry 3 but the checkpoint of " +
            json::parse(slurp(casegate.dir() / "head.json"))["at"].get<std::string>() +
            " holds entry 5: entries were removed\n");
}

TEST_CASE("cli: the HTML report renders in Chromium with the same figures as the JSON reports", "[cli][report]") {
  Cli casegate;
  REQUIRE(casegate({"demo", "--demo-db", casegate.db()}).exit_code == 0);
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--as", "tm.khan"});
    return casegate(args);
  };
  REQUIRE(run({"record", "1", "delay_reason", "--data", R"({"clock":"core_group","reason":"<b>family</b> away"})"})
              .exit_code == 0);
  Run report = run({"report", "--as-of", "2027-06-01", "--out", "report.html"});
  REQUIRE(report.exit_code == 0);
  std::string html = slurp(casegate.dir() / "report.html");
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http") == std::string::npos);  // self-contained: no URL at all
  CHECK(html.find("<svg") != std::string::npos);

  // Rendered by a real browser: the DOM it builds, and a screenshot.
  std::string chromium =
      "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir='" +
      (casegate.dir() / "profile").string() + "' ";
  std::string page = "file://" + (casegate.dir() / "report.html").string();
  std::string dom_file = (casegate.dir() / "dom.html").string();
  REQUIRE(std::system((chromium + "--dump-dom '" + page + "' > '" + dom_file + "' 2>/dev/null").c_str()) == 0);
  std::string png = (casegate.dir() / "report.png").string();
  REQUIRE(std::system((chromium + "--window-size=1100,1500 --screenshot='" + png + "' '" + page + "' >/dev/null 2>&1")
                          .c_str()) == 0);
  REQUIRE(std::filesystem::exists(png));
  CHECK(std::filesystem::file_size(png) > 20000);
  std::ifstream header(png, std::ios::binary);
  char magic[8] = {};
  header.read(magic, 8);
  CHECK(std::string(magic + 1, 3) == "PNG");

  std::map<std::string, std::string> figures;
  std::string dom = slurp(dom_file);
  static const std::regex figure("data-figure=\"([^\"]+)\">([^<]*)<");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), figure); it != std::sregex_iterator(); ++it)
    figures[(*it)[1]] = (*it)[2];
  REQUIRE_FALSE(figures.empty());

  json overdue = run({"--json", "oversight", "overdue", "--as-of", "2027-06-01"}).parsed();
  CHECK(figures["overdue.total"] == std::to_string(overdue["total"].get<int>()));
  json timeliness =
      run({"--json", "oversight", "timeliness", "--from", "2026-06-01", "--to", "2027-06-01", "--as-of", "2027-06-01"})
          .parsed();
  REQUIRE(timeliness["rows"].size() == 6);
  for (const auto& row : timeliness["rows"]) {
    std::string key = "timeliness." + row["clock"].get<std::string>() + ".";
    INFO(key);
    for (const char* count : {"met_on_time", "met_late", "overdue", "running"})
      CHECK(figures[key + count] == std::to_string(row[count].get<int>()));
  }
  json refusals = run({"--json", "oversight", "refusals"}).parsed();
  CHECK(figures["refusals.count"] == std::to_string(refusals.size()));
  CHECK(figures["overrides.count"] == "0");
  json voice = run({"--json", "oversight", "voice"}).parsed();
  int captured = 0;
  for (const auto& v : voice) captured += v["captured"].get<bool>();
  CHECK(figures["voice.captured"] == std::to_string(captured));
  CHECK(figures["voice.stages"] == std::to_string(voice.size()));
}

TEST_CASE("cli: oversight tables come as CSV, and export gives every row", "[cli][report]") {
  Cli casegate;
  REQUIRE(casegate({"demo", "--demo-db", casegate.db()}).exit_code == 0);
  Run csv =
      casegate({"--as", "tm.khan", "oversight", "timeliness", "--from", "2026-01-01", "--to", "2030-01-01", "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("clock,team,met_on_time,met_late,overdue,running,percent_on_time\r\n", 0) == 0);
  // An auditor exports every row; a team manager only their team's cases' rows.
  REQUIRE(casegate({"--as", "admin.ali", "user", "add", "aud.lee", "--role", "auditor"}).exit_code == 0);
  Run exported = casegate({"--as", "aud.lee", "--json", "export", "--table", "audit", "--format", "json"});
  REQUIRE(exported.exit_code == 0);
  json rows = exported.parsed();
  CHECK(rows.size() == 22);  // the demo's 20, the timeliness report just run (a view), the auditor added
  CHECK(rows[0]["action"] == "init");
  json team_rows = casegate({"--as", "tm.khan", "--json", "export", "--table", "audit"}).parsed();
  CHECK(team_rows.size() < rows.size());
  for (const json& row : team_rows) CHECK(row["case_id"] == "1");
  Run refused = casegate({"--as", "sw.jones", "oversight", "overdue"});
  CHECK(refused.exit_code == 3);
  Run bad_table = casegate({"--as", "tm.khan", "export", "--table", "users"});
  CHECK(bad_table.exit_code == 2);
}

TEST_CASE("cli: a scenario with a wrong expectation names the step and fails", "[cli][scenario]") {
  Cli casegate;
  std::ofstream(casegate.dir() / "wrong.json") << R"({
    "name": "wrong on purpose", "start": "2026-12-01T09:00:00Z",
    "users": [{"id": "sw", "role": "social_worker", "team": "north"}],
    "steps": [
      {"as": "sw", "open": "child_protection"},
      {"as": "sw", "fire": "refer_to_strategy", "expect": {"outcome": "accepted"}},
      {"as": "sw", "record": "referral_decision", "data": {"decision": "significant_harm"},
       "expect": {"clocks": [{"clock": "strategy_discussion", "due_date": "2026-12-05"}]}},
      {"as": "sw", "case": "nobody", "fire": "refer_to_strategy"}
    ]})";
  Run run = casegate({"scenario", "run", "wrong.json"});
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("wrong.json: step 2 (fire refer_to_strategy): expected outcome accepted, got "
                                      "refused (missing [\"referral_decision\"])"));
  CHECK_THAT(
      run.out,
      Catch::Contains(
          "step 3 (record referral_decision): expected clock strategy_discussion due 2026-12-05, got 2026-12-02"));
  CHECK_THAT(run.out, Catch::Contains("step 4 (case): no case 'nobody' opened"));
  CHECK_THAT(run.out, Catch::Contains("0 passed, 1 failed"));
}

TEST_CASE("cli: workflow show draws the compiled machine as a table, Graphviz, Mermaid or JSON; check lints",
          "[cli][workflows]") {
  Cli casegate;
  Run dot = casegate({"workflow", "show", "improvement_action", "--format", "dot"});
  REQUIRE(dot.exit_code == 0);
  CHECK_THAT(
      dot.out,
      Catch::Contains(
          "\"completed\" -> \"assured\" [label=\"assure\\naudit_check with effective=true (recorded by auditor)\"]"));
  CHECK_THAT(dot.out, Catch::Contains("\"closed\" [shape=doublecircle]"));
  Run mermaid = casegate({"workflow", "show", "pre_birth", "--format", "mermaid"});
  CHECK_THAT(mermaid.out, Catch::Contains("pre_birth_plan --> post_birth_review : born: birth"));
  CHECK_THAT(mermaid.out, Catch::Contains("closed --> [*]"));
  Run as_json = casegate({"workflow", "show", "pre_birth", "--format", "json"});
  json shown = as_json.parsed();
  CHECK(shown["required_attributes"][0]["name"] == "expected_delivery_date");
  CHECK(shown["clocks"].size() == 3);
  CHECK(casegate({"--json", "workflow", "show", "child_protection", "--version", "1"}).parsed()["version"] == 1);
  Run check = casegate({"workflow", "check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out == "checked 4 workflow(s): no findings\n");
}

TEST_CASE("cli: strategy meetings are summarised per team, and refusals list what was missing", "[cli]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C"}).exit_code == 0);
  CHECK(casegate({"--as", "sw.jones", "fire", "1", "refer_to_strategy"}).exit_code == 3);
  REQUIRE(
      casegate({"--as", "sw.jones", "record", "1", "referral_decision", "--data", R"({"decision":"significant_harm"})"})
          .exit_code == 0);
  REQUIRE(casegate({"--as", "sw.jones", "fire", "1", "refer_to_strategy"}).exit_code == 0);
  REQUIRE(casegate({"--as", "sw.jones", "record", "1", "strategy_meeting", "--data",
                    R"({"participants":[{"agency":"police","mode":"phone"},{"agency":"health","mode":"phone"}]})"})
              .exit_code == 0);

  Run teams = casegate({"--as", "tm.khan", "--json", "oversight", "strategy-meetings", "--from", "2000-01-01", "--to",
                        "2100-01-01", "--by", "team"});
  REQUIRE(teams.exit_code == 0);
  CHECK(teams.parsed() == json::parse(R"([{"team":"north","held":1,"within":1,"late":0,"no_clock":0,
                                          "agencies":{"health":{"phone":1},"police":{"phone":1}}}])"));
  Run table = casegate({"--as", "tm.khan", "oversight", "strategy-meetings", "--from", "2000-01-01", "--to",
                        "2100-01-01", "--by", "team", "--csv"});
  CHECK(table.out ==
        "team,held,within,late,no_clock,agencies\r\n"
        "north,1,1,0,0,\"{\"\"health\"\":{\"\"phone\"\":1},\"\"police\"\":{\"\"phone\"\":1}}\"\r\n");

  Run refusals = casegate({"--as", "tm.khan", "oversight", "refusals", "--csv"});
  REQUIRE(refusals.exit_code == 0);
  CHECK_THAT(refusals.out, Catch::Contains(",refer_to_strategy,referral,referral,referral_decision,\r\n"));
}

TEST_CASE("cli: --json answers exactly as the command protocol does, command by command", "[cli][protocol]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C", "--received-at",
                    "2026-11-20T09:00:00Z"})
              .exit_code == 0);
  REQUIRE(casegate({"--as", "sw.jones", "fire", "1", "refer_to_strategy"}).exit_code == 3);
  REQUIRE(casegate({"--as", "sw.jones", "record", "1", "referral_decision", "--data",
                    R"({"decision":"significant_harm"})", "--occurred-at", "2026-11-20T10:00:00Z"})
              .exit_code == 0);
  REQUIRE(casegate({"--as", "tm.khan", "fire", "1", "start_section_47", "--override", "--reason", "x"}).exit_code == 3);

  // Each row: the CLI's words, and the request the protocol is given; as_of and periods are
  // fixed so that both answers are of the same moment. Reads only: a write cannot run twice.
  struct Row {
    std::vector<std::string> cli;
    const char* as;
    json request;
  };
  const std::vector<Row> rows{
      {{"user", "list"}, "admin.ali", {{"command", "user list"}}},
      {{"status", "1", "--as-of", "2026-11-22T00:00:00Z"},
       "tm.khan",
       {{"command", "status"}, {"case", 1}, {"as_of", "2026-11-22T00:00:00Z"}}},
      {{"status", "99"}, "tm.khan", {{"command", "status"}, {"case", 99}}},
      {{"settings", "list"}, "tm.khan", {{"command", "settings list"}}},
      {{"calendar", "show", "2026"}, "tm.khan", {{"command", "calendar show"}, {"year", 2026}}},
      {{"oversight", "overdue", "--as-of", "2026-12-01"},
       "tm.khan",
       {{"command", "oversight overdue"}, {"as_of", "2026-12-01"}, {"limit", 500}}},
      {{"oversight", "timeliness", "--from", "2026-11-01", "--to", "2026-12-31", "--as-of", "2026-12-01", "--by",
        "team"},
       "tm.khan",
       {{"command", "oversight timeliness"},
        {"from", "2026-11-01"},
        {"to", "2026-12-31"},
        {"as_of", "2026-12-01"},
        {"by", "team"}}},
      {{"oversight", "refusals", "--from", "2026-01-01", "--to", "2100-01-01"},
       "tm.khan",
       {{"command", "oversight refusals"}, {"from", "2026-01-01"}, {"to", "2100-01-01"}}},
      {{"oversight", "overrides", "--from", "2026-01-01", "--to", "2100-01-01"},
       "tm.khan",
       {{"command", "oversight overrides"}, {"from", "2026-01-01"}, {"to", "2100-01-01"}}},
      {{"oversight", "voice", "--from", "2026-01-01", "--to", "2100-01-01"},
       "tm.khan",
       {{"command", "oversight voice"}, {"from", "2026-01-01"}, {"to", "2100-01-01"}}},
      {{"oversight", "strategy-meetings", "--from", "2026-01-01", "--to", "2100-01-01", "--by", "team"},
       "tm.khan",
       {{"command", "oversight strategy-meetings"}, {"from", "2026-01-01"}, {"to", "2100-01-01"}, {"by", "team"}}},
      {{"oversight", "actions", "--as-of", "2026-12-01"},
       "tm.khan",
       {{"command", "oversight actions"}, {"as_of", "2026-12-01"}}},
      {{"oversight", "actions", "--as-of", "2026-12-01", "--by", "action", "--team", "north"},
       "tm.khan",
       {{"command", "oversight actions"}, {"as_of", "2026-12-01"}, {"by", "action"}, {"team", "north"}}},
      {{"oversight", "actions", "--team", "north"}, "tm.khan", {{"command", "oversight actions"}, {"team", "north"}}},
      {{"verify"}, "admin.ali", {{"command", "verify"}}},
      {{"export", "--table", "cases"}, "tm.khan", {{"command", "export"}, {"table", "cases"}}},
      {{"cases", "--limit", "1"}, "tm.khan", {{"command", "cases"}, {"limit", 1}, {"after", 0}}},
      {{"cases", "--team", "south"},
       "tm.khan",
       {{"command", "cases"}, {"team", "south"}, {"limit", 100}, {"after", 0}}},
      {{"oversight", "access", "--to", "2100-01-01"},
       "tm.khan",
       {{"command", "oversight access"}, {"to", "2100-01-01"}}},
      {{"export", "--table", "clocks", "--format", "json"}, "tm.khan", {{"command", "export"}, {"table", "clocks"}}},
      {{"workflow", "list"}, "tm.khan", {{"command", "workflow list"}}},
      {{"workflow", "show", "pre_birth"}, "tm.khan", {{"command", "workflow show"}, {"workflow", "pre_birth"}}},
      {{"workflow", "show", "child_protection", "--version", "1", "--format", "dot"},
       "tm.khan",
       {{"command", "workflow show"}, {"workflow", "child_protection"}, {"version", 1}}},
      {{"workflow", "show", "nope"}, "tm.khan", {{"command", "workflow show"}, {"workflow", "nope"}}},
      {{"workflow", "check", "improvement_action"},
       "tm.khan",
       {{"command", "workflow check"}, {"workflow", "improvement_action"}}},
  };
  for (const Row& row : rows) {
    std::vector<std::string> args{"--as", row.as, "--json"};
    args.insert(args.end(), row.cli.begin(), row.cli.end());
    INFO(row.request.dump());
    Run cli = casegate(args);
    // The protocol on the same database, in this process; its view is audited like the CLI's.
    auto engine = casegate::open_engine(casegate.db()).value();
    auto answer = casegate::execute_request(*engine, row.as, row.request.dump(), casegate.db());
    CHECK(cli.exit_code == answer.code);
    auto body = json::parse(answer.json);
    if (body.contains("error") && body.size() == 1) {
      CHECK(cli.out.empty());
      CHECK(cli.err == "casegate: " + body["error"]["message"].get<std::string>() + "\n");
    } else {
      CHECK(cli.parsed() == body);
    }
  }
}

TEST_CASE("cli: --json writes answer as the protocol does on an identical copy of the database",
          "[cli][protocol][sqlite]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "sw.jones", "open", "child_protection", "--subject", "C"}).exit_code == 0);
  struct Row {
    std::vector<std::string> cli;
    const char* as;
    json request;
  };
  const std::vector<Row> rows{
      {{"user", "add", "sw.new", "--role", "social_worker", "--team", "north"},
       "admin.ali",
       {{"command", "user add"}, {"user", "sw.new"}, {"role", "social_worker"}, {"team", "north"}}},
      {{"user", "deactivate", "sw.jones"}, "admin.ali", {{"command", "user deactivate"}, {"user", "sw.jones"}}},
      {{"open", "pre_birth", "--subject", "P", "--attr", "expected_delivery_date=2027-03-01"},
       "tm.khan",
       {{"command", "open"},
        {"workflow", "pre_birth"},
        {"subject", "P"},
        {"attr", {{"expected_delivery_date", "2027-03-01"}}}}},
      {{"record", "1", "referral_decision", "--data", R"({"decision":"significant_harm"})"},
       "tm.khan",
       {{"command", "record"},
        {"case", 1},
        {"kind", "referral_decision"},
        {"data", {{"decision", "significant_harm"}}}}},
      {{"fire", "1", "refer_to_strategy"},
       "tm.khan",
       {{"command", "fire"}, {"case", 1}, {"event", "refer_to_strategy"}}},
      {{"fire", "1", "start_section_47", "--override", "--reason", "urgent", "--expect-version", "1"},
       "tm.khan",
       {{"command", "fire"},
        {"case", 1},
        {"event", "start_section_47"},
        {"override", true},
        {"reason", "urgent"},
        {"expect_version", 1}}},
      {{"settings", "set", "strategy_discussion.hours", "12"},
       "tm.khan",
       {{"command", "settings set"}, {"key", "strategy_discussion.hours"}, {"value", "12"}}},
      {{"calendar", "add-closure", "2026-12-24", "--reason", "office move"},
       "tm.khan",
       {{"command", "calendar add-closure"}, {"date", "2026-12-24"}, {"reason", "office move"}}},
      {{"migrate", "child_protection", "--to-version", "2", "--dry-run"},
       "tm.khan",
       {{"command", "migrate"}, {"workflow", "child_protection"}, {"to_version", 2}, {"dry_run", true}}},
  };
  for (const Row& row : rows) {
    INFO(row.request.dump());
    // The same state twice: the CLI writes on the database, the protocol on a copy made first.
    std::string copy = casegate.db() + ".copy";
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(copy + suffix);
      if (std::filesystem::exists(casegate.db() + suffix))
        std::filesystem::copy_file(casegate.db() + suffix, copy + suffix);
    }
    std::vector<std::string> args{"--as", row.as, "--json"};
    args.insert(args.end(), row.cli.begin(), row.cli.end());
    Run cli = casegate(args);
    auto engine = casegate::open_engine(copy).value();
    auto answer = casegate::execute_request(*engine, row.as, row.request.dump(), copy);
    CHECK(cli.exit_code == answer.code);
    auto body = json::parse(answer.json);
    if (body.contains("error") && body.size() == 1)
      CHECK(cli.err == "casegate: " + body["error"]["message"].get<std::string>() + "\n");
    else
      CHECK(cli.parsed() == body);
  }
}

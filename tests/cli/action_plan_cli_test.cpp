// casegate oversight actions --by action: the action plan as people and spreadsheets read it.
#include <catch2/catch.hpp>

#include "cli_runner.hpp"

using casegate::testing::Cli;

TEST_CASE("cli: the action plan says when a step was taken with no evidence recorded", "[cli][improvement_action]") {
  Cli casegate;
  casegate.set_up_team();
  REQUIRE(casegate({"--as", "admin.ali", "user", "add", "aud.lee", "--role", "auditor"}).exit_code == 0);
  REQUIRE(
      casegate({"--as", "tm.khan", "open", "improvement_action", "--subject", "A1", "--attr", "title=Seen alone",
                "--attr", "theme=voice_of_the_child", "--attr", "owner=tm.khan", "--attr", "target_date=2100-01-31"})
          .exit_code == 0);
  REQUIRE(casegate({"--as", "tm.khan", "fire", "1", "start"}).exit_code == 0);
  REQUIRE(casegate({"--as", "tm.khan", "fire", "1", "complete", "--override", "--reason", "held on paper"}).exit_code ==
          0);

  auto text = casegate({"--as", "tm.khan", "oversight", "actions", "--by", "action"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("case 1") != std::string::npos);
  CHECK(text.out.find("completed on time") != std::string::npos);
  CHECK(text.out.find("voice_of_the_child: Seen alone") != std::string::npos);
  CHECK(text.out.find("evidence:    none recorded") != std::string::npos);

  auto csv = casegate({"--as", "aud.lee", "oversight", "actions", "--by", "action", "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("case,team,title,theme,owner,target_date,state,due_at,completed_at,standing,evidence_by,", 0) ==
        0);
  CHECK(csv.out.find("\r\n1,north,Seen alone,voice_of_the_child,tm.khan,2100-01-31,completed,") != std::string::npos);
  // The evidence, audit check and sign-off columns are empty: none was recorded.
  CHECK(csv.out.find(",completed_on_time,,,,,,,,,,,\r\n") != std::string::npos);

  auto counts_for_a_team = casegate({"--as", "tm.khan", "oversight", "actions", "--team", "north"});
  CHECK(counts_for_a_team.exit_code == 2);
  CHECK(counts_for_a_team.err == "casegate: --team needs --by action: the counts cover every team\n");
}

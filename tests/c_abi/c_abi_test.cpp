// The C ABI's contract: bad input is an outcome, never a crash; ownership and threads.
#include <casegate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "test_database.hpp"

using nlohmann::json;

namespace {

struct Answer {
  int code;
  json body;
};

Answer run(casegate_engine* engine, const char* as, const char* request) {
  char* response = nullptr;
  int code = casegate_execute(engine, as, request, &response);
  REQUIRE(response != nullptr);
  json body = json::parse(response);
  casegate_free(response);
  return {code, body};
}

struct Opened {
  casegate_engine* engine = nullptr;
  Opened() {
    const std::string db = casegate::testing::test_database(":memory:");
    REQUIRE(casegate_open(db.c_str(), nullptr, &engine, nullptr) == 0);
    REQUIRE(run(engine, "admin", R"({"command": "init"})").code == 0);
    REQUIRE(run(engine, "admin", R"({"command": "user add", "user": "sw", "role": "social_worker", "team": "north"})")
                .code == 0);
  }
  ~Opened() { casegate_close(engine); }
};

}  // namespace

TEST_CASE("NULL arguments are code 2 with a message, never a crash", "[c_abi]") {
  Opened o;
  char* response = nullptr;
  CHECK(casegate_execute(nullptr, "sw", R"({"command": "user list"})", &response) == 2);
  CHECK(json::parse(response)["error"]["message"] == "engine must not be NULL");
  casegate_free(response);
  CHECK(casegate_execute(o.engine, nullptr, R"({"command": "user list"})", &response) == 2);
  casegate_free(response);
  CHECK(casegate_execute(o.engine, "sw", nullptr, &response) == 2);
  casegate_free(response);
  // Nowhere to answer: refused, and nothing runs.
  CHECK(casegate_execute(o.engine, "sw", R"({"command": "open", "workflow": "child_protection", "subject": "X"})",
                         nullptr) == 2);
  CHECK(run(o.engine, "sw", R"({"command": "status", "case": 1})").code == 4);
  casegate_engine* none = nullptr;
  char* error = nullptr;
  CHECK(casegate_open(nullptr, nullptr, &none, &error) == 2);
  CHECK(none == nullptr);
  CHECK(std::string(error) == "db must not be NULL");
  casegate_free(error);
  CHECK(casegate_open(":memory:", nullptr, nullptr, nullptr) == 2);
  casegate_free(nullptr);  // like free(NULL)
  casegate_close(nullptr);
}

TEST_CASE("malformed requests are code 2 naming the problem", "[c_abi]") {
  Opened o;
  auto message = [&](const char* request) {
    Answer a = run(o.engine, "sw", request);
    CHECK(a.code == 2);
    return a.body["error"]["message"].get<std::string>();
  };
  CHECK(message("{\"command\": \"status\", \"case\": 1") == "the request is not valid JSON (UTF-8)");
  CHECK(message("{\"command\": \"open\", \"workflow\": \"child_protection\", \"subject\": \"\xff\xfe\"}") ==
        "the request is not valid JSON (UTF-8)");
  CHECK(message("[1, 2]") == "the request must be a JSON object");
  CHECK(message(R"({"case": 1})") == "field 'command' (text) is required");
  CHECK(message(R"({"command": "teleport"})") == "unknown command \"teleport\"");
  CHECK(message(R"({"command": "status", "case": "one"})") == "field 'case' must be a whole number");
  CHECK(message(R"({"command": "status"})") == "field 'case' is required");
  CHECK(message(R"({"command": "status", "case": 1, "colour": "red"})") == "status: unknown field \"colour\"");
  CHECK(message(R"({"command": "fire", "case": 1, "event": "x", "override": "yes"})") ==
        "field 'override' must be true or false");
  CHECK(message(R"({"command": "status", "case": 1, "as_of": "yesterday"})").find("as_of") != std::string::npos);
  // Options are checked as strictly.
  casegate_engine* e = nullptr;
  char* error = nullptr;
  CHECK(casegate_open(":memory:", R"({"synchronous": "SOMETIMES"})", &e, &error) == 2);
  CHECK(std::string(error) == "option 'synchronous' must be FULL, NORMAL or OFF");
  casegate_free(error);
  CHECK(casegate_open(":memory:", R"({"cache": 1})", &e, &error) == 2);
  casegate_free(error);
  CHECK(casegate_open(":memory:", R"({"wal_checkpoint_in_background": "no"})", &e, &error) == 2);
  CHECK(std::string(error) == "unknown or invalid option \"wal_checkpoint_in_background\"");
  casegate_free(error);
  CHECK(e == nullptr);
}

TEST_CASE("an unknown case is 4 and reveals nothing else; an unknown user is 4", "[c_abi]") {
  Opened o;
  Answer a = run(o.engine, "sw", R"({"command": "status", "case": 41})");
  CHECK(a.code == 4);
  CHECK(a.body == json::parse(R"({"error": {"code": "not_found", "message": "case 41 does not exist"}})"));
  CHECK(run(o.engine, "ghost", R"({"command": "user list"})").code == 4);
}

TEST_CASE("one engine serves several threads at once", "[c_abi]") {
  Opened o;
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int n = 0; n < 10; ++n) {
        char* response = nullptr;
        int code = casegate_execute(
            o.engine, "sw", R"({"command": "open", "workflow": "child_protection", "subject": "T"})", &response);
        failures[static_cast<std::size_t>(t)] += code != 0;
        casegate_free(response);
      }
    });
  for (auto& t : threads) t.join();
  CHECK(failures == std::vector<int>(4, 0));
  Answer verified = run(o.engine, "admin", R"({"command": "verify"})");
  CHECK(verified.body["entries_verified"] == 2 + 40);
  CHECK(std::string(casegate_version()) == "0.1.0");
}

TEST_CASE("a request with an idempotency_key runs once; a retry gets the first answer", "[c_abi]") {
  Opened o;
  const char* open = R"({"command": "open", "workflow": "child_protection", "subject": "K", "idempotency_key": "k1"})";
  Answer first = run(o.engine, "sw", open);
  Answer again = run(o.engine, "sw", open);
  REQUIRE(first.code == 0);
  CHECK(again.code == 0);
  CHECK(again.body == first.body);
  CHECK(run(o.engine, "sw", R"({"command": "status", "case": 2})").code == 4);  // no second case
  Answer other = run(o.engine, "sw",
                     R"({"command": "open", "workflow": "child_protection", "subject": "L", "idempotency_key": "k1"})");
  CHECK(other.code == 2);
  CHECK(other.body["error"]["message"] == "this idempotency key was used for another request");
  // Only commands that change something take a key.
  Answer read = run(o.engine, "sw", R"({"command": "status", "case": 1, "idempotency_key": "k2"})");
  CHECK(read.code == 2);
  CHECK(read.body["error"]["message"] == "status changes nothing, so it takes no idempotency_key");
  CHECK(run(o.engine, "sw",
            R"({"command": "open", "workflow": "child_protection", "subject": "K", "idempotency_key": 7})")
            .code == 2);
}

TEST_CASE("a message quoting a long name is cut between characters, never inside one", "[c_abi]") {
  Opened o;
  // The quoted name runs past 60 bytes with a two-byte character across the 60th.
  std::string name = std::string(58, 'a') + "\xc3\x91" + "bc";
  Answer a = run(o.engine, "sw", (R"({"command": "cases", ")" + name + R"(": 1})").c_str());
  CHECK(a.code == 2);
  std::string message = a.body["error"]["message"];
  CHECK(message.rfind("cases: unknown field \"", 0) == 0);
  CHECK(message.find("...") != std::string::npos);
}

TEST_CASE("a time or a table name cut in a message is cut between characters", "[c_abi]") {
  Opened o;
  const std::string long_text = std::string(39, 'x') + "\xc3\x91" + "yz";  // the 40th byte splits it
  for (const std::string& request : {R"({"command": "status", "case": 1, "as_of": ")" + long_text + "\"}",
                                     R"({"command": "export", "table": ")" + long_text + "\"}"}) {
    Answer a = run(o.engine, "sw", request.c_str());
    CHECK((a.code == 2 || a.code == 3 || a.code == 4));  // an answer, never an internal error
    CHECK(a.body["error"]["code"] != "internal");
  }
}

// casegate serve without the network: what the server remembers between requests (verified
// tokens, recently active users) never lets in what a fresh check would keep out.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "casegate/casegate.hpp"
#include "http_api.hpp"
#include "identity.hpp"
#include "test_signing_key.hpp"

using namespace casegate;
using namespace casegate::server;

namespace {

struct KeySet {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("casegate-server-test-" + std::to_string(getpid()) + ".json");
  KeySet() { std::ofstream(path) << public_jwks(test_key, "k").value(); }
  ~KeySet() { std::filesystem::remove(path); }
};

// An engine with a social worker "sw", and the identity that trusts the test key.
struct World {
  KeySet keys;
  std::unique_ptr<Identity> identity = std::move(Identity::load({keys.path.string(), "iss", "aud", "sub"}).value());
  std::unique_ptr<Engine> engine = std::move(open_engine(":memory:").value());
  World() {
    REQUIRE(engine->init("admin", "").is_ok());
    REQUIRE(engine->add_user("admin", {"sw", "", Role::social_worker, "north", true}).is_ok());
  }
  std::string bearer() const {
    return "Bearer " + sign_token({test_key, "k", "sw", "iss", "aud", 600, engine->clock().now()}).value();
  }
};

}  // namespace

TEST_CASE("a remembered token is still refused once it expires or before it is valid", "[server]") {
  KeySet keys;
  auto identity = std::move(Identity::load({keys.path.string(), "iss", "aud", "sub"}).value());
  const Instant now = SystemClock().now();
  std::string token = sign_token({test_key, "k", "sw", "iss", "aud", 600, now}).value();
  REQUIRE(identity->verify(token, now).value() == "sw");
  CHECK(identity->verify(token, now + std::chrono::seconds(30)).value() == "sw");  // from memory
  // 60 s of skew either side, as when first verified.
  CHECK(identity->verify(token, now + std::chrono::seconds(650)).is_ok());
  CHECK(identity->verify(token, now + std::chrono::seconds(661)).status().to_string() == "refused: expired");
  CHECK(identity->verify(token, now - std::chrono::seconds(61)).status().to_string() == "refused: not yet valid");
  // Another token, or the same one altered, is checked afresh.
  std::string altered = token;
  char& in_signature = altered[altered.size() - 10];  // not the last: its low bits are padding
  in_signature = in_signature == 'A' ? 'B' : 'A';
  CHECK_FALSE(identity->verify(altered, now).is_ok());
  // A reload forgets what the old keys verified.
  std::ofstream(keys.path) << public_jwks(test_key, "other").value();
  REQUIRE(identity->reload().is_ok());
  CHECK(identity->verify(token, now).status().to_string() == "refused: unknown kid");
}

TEST_CASE("a deactivated user is refused at once, whatever the server remembers of them", "[server]") {
  World w;
  auto& engine = w.engine;
  REQUIRE(engine->open_case("sw", {"child_protection", "C", "", std::nullopt, {}}).is_ok());
  ActiveUsers active;
  ApiContext remembering{*engine, *w.identity, nullptr, &active}, fresh{*engine, *w.identity};
  HttpRequest request;
  request.method = "GET";
  request.target = "/v1/cases/1";
  request.authorization = w.bearer();
  CHECK(handle(remembering, request).status == 200);
  REQUIRE(engine->set_user_active("admin", "sw", false).is_ok());
  // Remembered as active a moment ago: the command itself refuses, audited as denied.
  HttpResponse refused = handle(remembering, request);
  CHECK(refused.status == 403);
  CHECK(refused.body.find("inactive") != std::string::npos);
  CHECK(handle(fresh, request).status == 401);
  std::this_thread::sleep_for(ActiveUsers::fresh_for + std::chrono::milliseconds(100));
  CHECK(handle(remembering, request).status == 401);
}

TEST_CASE("an Idempotency-Key that is not visible ASCII is a 422, whatever its bytes", "[server]") {
  World w;
  auto& engine = w.engine;
  ApiContext context{*engine, *w.identity};
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/cases";
  request.body = R"({"workflow": "child_protection", "subject": "C"})";
  request.authorization = w.bearer();
  for (std::string key : {std::string("\x8e\x8a\x9d"), std::string("two words"), std::string(256, 'k')}) {
    request.idempotency_key = key;
    HttpResponse response = handle(context, request);
    CHECK(response.status == 422);
    CHECK(response.body.find("visible ASCII") != std::string::npos);
  }
  CHECK(engine->status("sw", 1).status().code() == Code::not_found);  // nothing was opened
}

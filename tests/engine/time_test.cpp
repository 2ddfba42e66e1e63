#include "casegate/time.hpp"

#include <catch2/catch.hpp>

#include "casegate/status.hpp"

using namespace casegate;

TEST_CASE("an ISO 8601 time with an offset is stored as the same instant in UTC", "[time]") {
  CHECK(format_instant(parse_instant("2026-06-01T10:30:00+01:00").value()) == "2026-06-01T09:30:00.000Z");
  CHECK(format_instant(parse_instant("2026-06-01T10:30:00-0230").value()) == "2026-06-01T13:00:00.000Z");
  CHECK(format_instant(parse_instant("2026-01-31 23:59Z").value()) == "2026-01-31T23:59:00.000Z");
  CHECK(format_instant(parse_instant("2024-02-29T00:00:00.1234Z").value()) == "2024-02-29T00:00:00.123Z");
}

TEST_CASE("a time that is not ISO 8601 is refused naming the field", "[time]") {
  for (const char* bad : {"", "yesterday", "2026-02-30T10:00:00Z", "2026-06-01T10:30:00", "2026-06-01T24:00:00Z",
                          "2026-06-01", "2026-06-01T10:30:00Zjunk", "2026-6-1T10:30:00Z"}) {
    auto parsed = parse_instant(bad, "occurred_at");
    INFO(bad);
    REQUIRE_FALSE(parsed.is_ok());
    CHECK(parsed.status().code() == Code::invalid_input);
    CHECK(parsed.status().message().rfind("occurred_at: ", 0) == 0);
  }
}

TEST_CASE("a status prints its code and message on one line", "[status]") {
  CHECK(Status::ok().to_string() == "ok");
  CHECK(Status::not_found("case 7 does not exist").to_string() == "not_found: case 7 does not exist");
  CHECK(Status::conflict("x").to_string() == "conflict: x");
  Result<int> failed = Status::refused("no");
  CHECK_FALSE(failed.is_ok());
  CHECK(failed.status().code() == Code::refused);
}

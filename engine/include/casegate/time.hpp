#pragma once
// Instants are UTC with millisecond precision; the text form is ISO 8601, e.g.
// "2026-11-26T09:30:00.000Z".

#include <chrono>
#include <string>
#include <string_view>

#include "casegate/status.hpp"

namespace casegate {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// Accepts YYYY-MM-DDTHH:MM[:SS[.fff]] followed by Z or an offset (+HH:MM, -HH:MM, +HHMM).
// A space may stand for the T. Returns invalid_input naming `field` on anything else.
Result<Instant> parse_instant(std::string_view text, std::string_view field = "time");

// Always "YYYY-MM-DDTHH:MM:SS.fffZ".
std::string format_instant(Instant instant);

// The engine's clock. Audit times always come from it; tests inject a fixed one.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

// A clock that stands still until moved: for tests and for replaying scenarios.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_(start) {}
  Instant now() const override { return now_; }
  void set(Instant instant) { now_ = instant; }
  void advance(std::chrono::milliseconds by) { now_ += by; }

 private:
  Instant now_;
};

}  // namespace casegate

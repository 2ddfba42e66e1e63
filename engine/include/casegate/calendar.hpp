#pragma once
// Working-day calendars (bank holidays by rule for England and Wales, Scotland and Northern
// Ireland, plus local closures and explicit changes) and Europe/London local time.
//
// "Within N working days of D" is the Nth working day after D's local date (D not counted),
// ending at the end of that day in Europe/London. Hours are exact instants. Calendar months keep
// the day of month, clamped to the month's end.

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "casegate/status.hpp"
#include "casegate/time.hpp"

namespace casegate {

using Date = std::chrono::year_month_day;

enum class Jurisdiction { england_and_wales, scotland, northern_ireland };
std::string_view jurisdiction_name(Jurisdiction jurisdiction);
std::optional<Jurisdiction> parse_jurisdiction(std::string_view name);

// YYYY-MM-DD; invalid_input naming `field` otherwise.
Result<Date> parse_date(std::string_view text, std::string_view field = "date");
std::string format_date(Date date);

struct Holiday {
  Date date;
  std::string name;  // e.g. "Christmas Day (substitute day)"
};

// The bank holidays of `year`, by rule: fixed dates with substitute days, Easter (computus),
// Monday holidays, and the one-off changes made by proclamation (2020, 2022, 2023). In date order.
std::vector<Holiday> bank_holidays(Jurisdiction jurisdiction, int year);

// Europe/London: UTC+1 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
// Sunday of October, UTC otherwise.
std::chrono::minutes london_offset(Instant instant);
Date london_date(Instant instant);
// The first and last millisecond of a London calendar day, as instants.
Instant london_start_of_day(Date date);
Instant london_end_of_day(Date date);
// A bound of a report's period: an ISO 8601 instant, or a date meaning the start (or, with
// `end_of_day`, the end) of that London day.
Result<Instant> parse_bound(std::string_view text, std::string_view field, bool end_of_day);

Date add_days(Date date, int days);
// Keeps the day of month, clamped to the end of the target month (31 Jan + 1 month = 28/29 Feb).
Date add_months(Date date, int months);
bool is_weekend(Date date);

// A local change to the calendar: a closure day (not a working day) or a day that is worked
// despite the rules (e.g. a bank holiday the service stays open).
struct CalendarChange {
  Date date;
  bool working = false;  // false: closed; true: worked
  std::string reason;
};

class Calendar {
 public:
  Calendar(Jurisdiction jurisdiction, std::vector<CalendarChange> changes, std::int64_t version);

  Jurisdiction jurisdiction() const { return jurisdiction_; }
  // Increases with every change recorded; clocks keep the version they were computed with.
  std::int64_t version() const { return version_; }

  bool is_working_day(Date date) const;
  // Why `date` is not a working day ("Saturday", "Christmas Day", a closure's reason), or empty.
  std::string closed_because(Date date) const;
  // The Nth working day after `date` (`date` itself not counted). REQUIRES: n >= 0.
  Date add_working_days(Date date, int n) const;
  // Every non-working weekday of `year` with its reason, in date order.
  std::vector<Holiday> closures(int year) const;

 private:
  const std::vector<Holiday>& holidays_of(int year) const;  // REQUIRES: mutex_ held
  bool is_working_day_locked(Date date) const;              // REQUIRES: mutex_ held

  Jurisdiction jurisdiction_;
  std::map<int, CalendarChange> changes_by_day_;  // key: days since epoch
  std::int64_t version_;
  // Clocks ask the same questions on every command: holidays per year, and the Nth working day
  // after a date, are remembered. A Calendar is shared between threads, hence the mutex.
  mutable std::mutex mutex_;
  mutable std::map<int, std::vector<Holiday>> holiday_cache_;
  mutable std::map<int, std::set<int>> holiday_days_;                 // year -> days since epoch
  mutable std::unordered_map<std::int64_t, int> working_days_cache_;  // (day, n) -> day
};

}  // namespace casegate

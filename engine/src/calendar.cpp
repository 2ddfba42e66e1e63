#include "casegate/calendar.hpp"

#include <algorithm>
#include <cstdio>

namespace casegate {
namespace {

using namespace std::chrono;

int day_number(Date date) {
  return static_cast<int>(sys_days{date}.time_since_epoch().count());
}

Date make_date(int y, unsigned m, unsigned d) {
  return Date{year{y}, month{m}, day{d}};
}

weekday weekday_of(Date date) {
  return weekday{sys_days{date}};
}

// The first `wd` of month `m` (n = 1), the second (n = 2), ...; or the last (n = -1).
Date nth_weekday(int y, unsigned m, weekday wd, int n) {
  if (n > 0) return Date{sys_days{year{y} / month{m} / wd[static_cast<unsigned>(n)]}};
  return Date{sys_days{year{y} / month{m} / wd[last]}};
}

// Anonymous Gregorian computus (Meeus/Jones/Butcher).
Date easter_sunday(int y) {
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month_number = (h + l - 7 * m + 114) / 31, day_of_month = (h + l - 7 * m + 114) % 31 + 1;
  return make_date(y, static_cast<unsigned>(month_number), static_cast<unsigned>(day_of_month));
}

struct Builder {
  std::vector<Holiday> days;
  bool taken(Date date) const {
    return std::any_of(days.begin(), days.end(), [&](const Holiday& h) { return h.date == date; });
  }
  void add(Date date, std::string name) { days.push_back({date, std::move(name)}); }
  // Fixed-date holidays that sit close together (Christmas and Boxing Day): those on weekdays
  // first, then each one on a weekend gets the next weekday that is not already a holiday.
  void add_fixed(std::initializer_list<std::pair<Date, const char*>> group) {
    for (const auto& [date, name] : group)
      if (!is_weekend(date)) add(date, name);
    for (const auto& [date, name] : group) {
      if (!is_weekend(date)) continue;
      Date substitute = date;
      do substitute = add_days(substitute, 1);
      while (is_weekend(substitute) || taken(substitute));
      add(substitute, std::string(name) + " (substitute day)");
    }
  }
  void remove(Date date) {
    days.erase(std::remove_if(days.begin(), days.end(), [&](const Holiday& h) { return h.date == date; }), days.end());
  }
};

}  // namespace

std::string_view jurisdiction_name(Jurisdiction jurisdiction) {
  switch (jurisdiction) {
    case Jurisdiction::england_and_wales: return "england_and_wales";
    case Jurisdiction::scotland: return "scotland";
    case Jurisdiction::northern_ireland: return "northern_ireland";
  }
  return "england_and_wales";
}

std::optional<Jurisdiction> parse_jurisdiction(std::string_view name) {
  for (auto j : {Jurisdiction::england_and_wales, Jurisdiction::scotland, Jurisdiction::northern_ireland})
    if (jurisdiction_name(j) == name) return j;
  return std::nullopt;
}

Result<Date> parse_date(std::string_view text, std::string_view field) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  std::string copy(text.substr(0, 20));
  if (text.size() != 10 || std::sscanf(copy.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 || copy[4] != '-' ||
      copy[7] != '-')
    return Status::invalid_input(std::string(field) + ": expected a date YYYY-MM-DD");
  Date date = make_date(y, m, d);
  if (!date.ok()) return Status::invalid_input(std::string(field) + ": " + copy + " is not a date");
  return date;
}

std::string format_date(Date date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", int(date.year()), unsigned(date.month()),
                unsigned(date.day()));
  return buffer;
}

bool is_weekend(Date date) {
  weekday wd = weekday_of(date);
  return wd == Saturday || wd == Sunday;
}

Date add_days(Date date, int days_to_add) {
  return Date{sys_days{date} + days{days_to_add}};
}

Date add_months(Date date, int months_to_add) {
  year_month ym = year_month{date.year(), date.month()} + months{months_to_add};
  day last_day = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return Date{ym.year(), ym.month(), std::min(date.day(), last_day)};
}

std::vector<Holiday> bank_holidays(Jurisdiction jurisdiction, int y) {
  Builder b;
  const bool scotland = jurisdiction == Jurisdiction::scotland;
  if (scotland)
    b.add_fixed({{make_date(y, 1, 1), "New Year's Day"}, {make_date(y, 1, 2), "2nd January"}});
  else
    b.add_fixed({{make_date(y, 1, 1), "New Year's Day"}});
  if (jurisdiction == Jurisdiction::northern_ireland) b.add_fixed({{make_date(y, 3, 17), "St Patrick's Day"}});
  Date easter = easter_sunday(y);
  b.add(add_days(easter, -2), "Good Friday");
  if (!scotland) b.add(add_days(easter, 1), "Easter Monday");
  b.add(nth_weekday(y, 5, Monday, 1), "Early May bank holiday");
  b.add(nth_weekday(y, 5, Monday, -1), "Spring bank holiday");
  if (jurisdiction == Jurisdiction::northern_ireland)
    b.add_fixed({{make_date(y, 7, 12), "Battle of the Boyne (Orangemen's Day)"}});
  b.add(scotland ? nth_weekday(y, 8, Monday, 1) : nth_weekday(y, 8, Monday, -1), "Summer bank holiday");
  if (scotland) b.add_fixed({{make_date(y, 11, 30), "St Andrew's Day"}});
  b.add_fixed({{make_date(y, 12, 25), "Christmas Day"}, {make_date(y, 12, 26), "Boxing Day"}});

  // One-off changes by royal proclamation, UK-wide.
  if (y == 2020) {  // VE Day 75: the early May bank holiday moved from Monday 4 to Friday 8 May
    b.remove(make_date(2020, 5, 4));
    b.add(make_date(2020, 5, 8), "Early May bank holiday (VE Day)");
  }
  if (y == 2022) {  // Platinum Jubilee: spring bank holiday moved to Thursday 2 June, plus Friday 3 June
    b.remove(make_date(2022, 5, 30));
    b.add(make_date(2022, 6, 2), "Spring bank holiday");
    b.add(make_date(2022, 6, 3), "Platinum Jubilee bank holiday");
    b.add(make_date(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II");
  }
  if (y == 2023) b.add(make_date(2023, 5, 8), "Bank holiday for the coronation of King Charles III");
  std::sort(b.days.begin(), b.days.end(),
            [](const Holiday& l, const Holiday& r) { return sys_days{l.date} < sys_days{r.date}; });
  return b.days;
}

std::chrono::minutes london_offset(Instant instant) {
  int y = int(year_month_day{floor<days>(instant)}.year());
  auto summer_starts = sys_days{year{y} / March / Sunday[last]} + hours{1};
  auto summer_ends = sys_days{year{y} / October / Sunday[last]} + hours{1};
  return instant >= summer_starts && instant < summer_ends ? minutes{60} : minutes{0};
}

Date london_date(Instant instant) {
  return Date{floor<days>(instant + london_offset(instant))};
}

Instant london_start_of_day(Date date) {
  Instant midnight_utc{sys_days{date}};
  // The offset in force at local midnight: both changes happen at 01:00 UTC, never near midnight.
  return midnight_utc - london_offset(midnight_utc);
}

Instant london_end_of_day(Date date) {
  return london_start_of_day(add_days(date, 1)) - milliseconds{1};
}

Calendar::Calendar(Jurisdiction jurisdiction, std::vector<CalendarChange> changes, std::int64_t version)
    : jurisdiction_(jurisdiction), version_(version) {
  for (auto& change : changes) changes_by_day_[day_number(change.date)] = std::move(change);  // the latest wins
}

const std::vector<Holiday>& Calendar::holidays_of(int y) const {
  auto it = holiday_cache_.find(y);
  if (it == holiday_cache_.end()) {
    it = holiday_cache_.emplace(y, bank_holidays(jurisdiction_, y)).first;
    auto& days_of_year = holiday_days_[y];
    for (const auto& holiday : it->second) days_of_year.insert(day_number(holiday.date));
  }
  return it->second;
}

std::string Calendar::closed_because(Date date) const {
  std::lock_guard lock(mutex_);
  if (auto change = changes_by_day_.find(day_number(date)); change != changes_by_day_.end())
    return change->second.working ? "" : change->second.reason;
  if (is_weekend(date)) return weekday_of(date) == Saturday ? "Saturday" : "Sunday";
  for (const auto& holiday : holidays_of(int(date.year())))
    if (holiday.date == date) return holiday.name;
  return "";
}

bool Calendar::is_working_day_locked(Date date) const {
  int day = day_number(date);
  if (auto change = changes_by_day_.find(day); change != changes_by_day_.end()) return change->second.working;
  if (is_weekend(date)) return false;
  holidays_of(int(date.year()));
  return holiday_days_[int(date.year())].count(day) == 0;
}

bool Calendar::is_working_day(Date date) const {
  std::lock_guard lock(mutex_);
  return is_working_day_locked(date);
}

Date Calendar::add_working_days(Date date, int n) const {
  std::lock_guard lock(mutex_);
  std::int64_t key = static_cast<std::int64_t>(day_number(date)) * 4096 + n;
  if (n >= 0 && n < 4096)
    if (auto hit = working_days_cache_.find(key); hit != working_days_cache_.end())
      return Date{sys_days{days{hit->second}}};
  Date current = date;
  for (int counted = 0; counted < n;) {
    current = add_days(current, 1);
    if (is_working_day_locked(current)) ++counted;
  }
  if (n >= 0 && n < 4096) working_days_cache_[key] = day_number(current);
  return current;
}

std::vector<Holiday> Calendar::closures(int y) const {
  std::vector<Holiday> list;
  for (Date d = make_date(y, 1, 1); int(d.year()) == y; d = add_days(d, 1)) {
    if (is_weekend(d)) continue;
    if (std::string why = closed_because(d); !why.empty()) list.push_back({d, why});
  }
  return list;
}

Result<Instant> parse_bound(std::string_view text, std::string_view field, bool end_of_day) {
  if (text.size() == 10) {
    auto date = parse_date(text, field);
    if (!date) return date.status();
    return end_of_day ? london_end_of_day(*date) : london_start_of_day(*date);
  }
  return parse_instant(text, field);
}

}  // namespace casegate

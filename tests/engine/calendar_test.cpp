#include "casegate/calendar.hpp"

#include <catch2/catch.hpp>

using namespace casegate;

namespace {

std::vector<std::string> holidays(Jurisdiction j, int year) {
  std::vector<std::string> days;
  for (const auto& h : bank_holidays(j, year)) days.push_back(format_date(h.date));
  return days;
}

Date d(const char* text) {
  return parse_date(text).value();
}

}  // namespace

// Facts as published for each year (gov.uk bank holidays).
TEST_CASE("England and Wales bank holidays, substitutes and one-offs", "[calendar]") {
  auto ew = Jurisdiction::england_and_wales;
  CHECK(holidays(ew, 2020) == std::vector<std::string>{"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08",
                                                       "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"});
  CHECK(holidays(ew, 2021) == std::vector<std::string>{"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03",
                                                       "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"});
  CHECK(holidays(ew, 2022) == std::vector<std::string>{"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02",
                                                       "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19",
                                                       "2022-12-26", "2022-12-27"});
  CHECK(holidays(ew, 2023) == std::vector<std::string>{"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01",
                                                       "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25",
                                                       "2023-12-26"});
  CHECK(holidays(ew, 2024) == std::vector<std::string>{"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06",
                                                       "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"});
  CHECK(holidays(ew, 2026) == std::vector<std::string>{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
                                                       "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"});
  CHECK(holidays(ew, 2027) == std::vector<std::string>{"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03",
                                                       "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"});
  auto christmas_2022 = bank_holidays(ew, 2022);
  CHECK(christmas_2022.back().name == "Christmas Day (substitute day)");
}

TEST_CASE("Scotland keeps 2 January, St Andrew's Day and an August holiday, not Easter Monday", "[calendar]") {
  auto sc = Jurisdiction::scotland;
  CHECK(holidays(sc, 2022) == std::vector<std::string>{"2022-01-03", "2022-01-04", "2022-04-15", "2022-05-02",
                                                       "2022-06-02", "2022-06-03", "2022-08-01", "2022-09-19",
                                                       "2022-11-30", "2022-12-26", "2022-12-27"});
  CHECK(holidays(sc, 2023) == std::vector<std::string>{"2023-01-02", "2023-01-03", "2023-04-07", "2023-05-01",
                                                       "2023-05-08", "2023-05-29", "2023-08-07", "2023-11-30",
                                                       "2023-12-25", "2023-12-26"});
  CHECK(holidays(sc, 2024) == std::vector<std::string>{"2024-01-01", "2024-01-02", "2024-03-29", "2024-05-06",
                                                       "2024-05-27", "2024-08-05", "2024-12-02", "2024-12-25",
                                                       "2024-12-26"});
}

TEST_CASE("Northern Ireland adds St Patrick's Day and the Boyne, with substitutes", "[calendar]") {
  auto ni = Jurisdiction::northern_ireland;
  CHECK(holidays(ni, 2020) == std::vector<std::string>{"2020-01-01", "2020-03-17", "2020-04-10", "2020-04-13",
                                                       "2020-05-08", "2020-05-25", "2020-07-13", "2020-08-31",
                                                       "2020-12-25", "2020-12-28"});
  CHECK(holidays(ni, 2021) == std::vector<std::string>{"2021-01-01", "2021-03-17", "2021-04-02", "2021-04-05",
                                                       "2021-05-03", "2021-05-31", "2021-07-12", "2021-08-30",
                                                       "2021-12-27", "2021-12-28"});
  CHECK(holidays(ni, 2023) == std::vector<std::string>{"2023-01-02", "2023-03-17", "2023-04-07", "2023-04-10",
                                                       "2023-05-01", "2023-05-08", "2023-05-29", "2023-07-12",
                                                       "2023-08-28", "2023-12-25", "2023-12-26"});
}

TEST_CASE("London time follows the last Sundays of March and October", "[calendar][time]") {
  using std::chrono::minutes;
  CHECK(london_offset(parse_instant("2026-03-29T00:59:59Z").value()) == minutes{0});
  CHECK(london_offset(parse_instant("2026-03-29T01:00:00Z").value()) == minutes{60});
  CHECK(london_offset(parse_instant("2026-10-25T00:59:59Z").value()) == minutes{60});
  CHECK(london_offset(parse_instant("2026-10-25T01:00:00Z").value()) == minutes{0});
  CHECK(format_date(london_date(parse_instant("2026-06-30T23:30:00Z").value())) == "2026-07-01");
  CHECK(format_date(london_date(parse_instant("2026-12-31T23:30:00Z").value())) == "2026-12-31");
  CHECK(format_instant(london_end_of_day(d("2026-07-01"))) == "2026-07-01T22:59:59.999Z");
  CHECK(format_instant(london_end_of_day(d("2026-12-01"))) == "2026-12-01T23:59:59.999Z");
  CHECK(format_instant(london_start_of_day(d("2026-03-29"))) == "2026-03-29T00:00:00.000Z");
  CHECK(format_instant(london_end_of_day(d("2026-03-29"))) == "2026-03-29T22:59:59.999Z");  // a 23-hour day
}

TEST_CASE("working days skip weekends, bank holidays and local closures", "[calendar]") {
  Calendar plain(Jurisdiction::england_and_wales, {}, 0);
  CHECK(format_date(plain.add_working_days(d("2026-12-24"), 1)) == "2026-12-29");
  CHECK(format_date(plain.add_working_days(d("2026-03-27"), 1)) == "2026-03-30");
  CHECK(format_date(plain.add_working_days(d("2026-04-02"), 1)) == "2026-04-07");  // Good Friday, Easter Monday
  CHECK(format_date(plain.add_working_days(d("2026-11-26"), 0)) == "2026-11-26");
  CHECK(format_date(plain.add_working_days(d("2026-01-05"), 45)) == "2026-03-09");
  CHECK(plain.closed_because(d("2026-12-28")) == "Boxing Day (substitute day)");
  Calendar local(Jurisdiction::england_and_wales,
                 {{d("2026-12-29"), false, "office move"}, {d("2026-12-28"), true, "open for the duty team"}}, 2);
  CHECK(local.version() == 2);
  CHECK(local.closed_because(d("2026-12-29")) == "office move");
  CHECK(local.is_working_day(d("2026-12-28")));
  CHECK(format_date(local.add_working_days(d("2026-12-24"), 1)) == "2026-12-28");
  CHECK(format_date(local.add_working_days(d("2026-12-24"), 2)) == "2026-12-30");
  Calendar scotland(Jurisdiction::scotland, {}, 0);
  CHECK(format_date(scotland.add_working_days(d("2026-04-02"), 1)) == "2026-04-06");  // no Easter Monday
}

TEST_CASE("calendar months keep the day, clamped to the month's end", "[calendar]") {
  CHECK(format_date(add_months(d("2027-01-31"), 3)) == "2027-04-30");
  CHECK(format_date(add_months(d("2027-11-30"), 3)) == "2028-02-29");
  CHECK(format_date(add_months(d("2027-01-31"), 1)) == "2027-02-28");
  CHECK(format_date(add_months(d("2026-08-31"), 6)) == "2027-02-28");
  CHECK(format_date(add_months(d("2026-05-15"), 6)) == "2026-11-15");
}

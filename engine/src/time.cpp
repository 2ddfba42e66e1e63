#include "casegate/time.hpp"

#include <optional>

#include "casegate/utf8.hpp"

namespace casegate {
namespace {

using namespace std::chrono;

// Reads exactly `width` decimal digits at `pos`.
bool read_digits(std::string_view text, std::size_t& pos, int width, int& out) {
  if (pos + static_cast<std::size_t>(width) > text.size()) return false;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(width);
  out = value;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// The form format_instant writes, "YYYY-MM-DDTHH:MM:SS.mmmZ", read without the general parser's
// branches: stored times are read several times per command.
std::optional<Instant> parse_canonical(std::string_view text) {
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || text[23] != 'Z')
    return std::nullopt;
  auto digits = [&](std::size_t at, std::size_t width, int& out) {
    int value = 0;
    for (std::size_t i = at; i < at + width; ++i) {
      unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
      if (digit > 9) return false;
      value = value * 10 + static_cast<int>(digit);
    }
    out = value;
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (!digits(0, 4, y) || !digits(5, 2, mo) || !digits(8, 2, d) || !digits(11, 2, h) || !digits(14, 2, mi) ||
      !digits(17, 2, s) || !digits(20, 3, ms))
    return std::nullopt;
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return Instant{sys_days{date} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms}};
}

}  // namespace

Result<Instant> parse_instant(std::string_view text, std::string_view field) {
  if (auto canonical = parse_canonical(text)) return *canonical;
  auto bad = [&](std::string_view why) {
    return Status::invalid_input(std::string(field) + ": '" + printable(text, 40) + "' is not an ISO 8601 time (" +
                                 std::string(why) + "), e.g. 2026-11-26T09:30:00Z");
  };
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (!read_digits(text, pos, 4, y) || !expect(text, pos, '-') || !read_digits(text, pos, 2, mo) ||
      !expect(text, pos, '-') || !read_digits(text, pos, 2, d))
    return bad("expected YYYY-MM-DD");
  if (!expect(text, pos, 'T') && !expect(text, pos, ' ')) return bad("expected T and a time of day");
  if (!read_digits(text, pos, 2, h) || !expect(text, pos, ':') || !read_digits(text, pos, 2, mi))
    return bad("expected HH:MM");
  if (expect(text, pos, ':')) {
    if (!read_digits(text, pos, 2, s)) return bad("expected seconds");
    if (expect(text, pos, '.')) {
      std::size_t start = pos;
      int scale = 100;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ms += (text[pos] - '0') * scale;  // digits past milliseconds are dropped
        scale /= 10;
        ++pos;
      }
      if (pos == start) return bad("expected fraction digits");
    }
  }
  int offset_minutes = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!read_digits(text, pos, 2, oh)) return bad("expected offset hours");
    expect(text, pos, ':');
    if (!read_digits(text, pos, 2, om)) return bad("expected offset minutes");
    if (oh > 23 || om > 59) return bad("offset out of range");
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return bad("expected Z or an offset such as +01:00");
  }
  if (pos != text.size()) return bad("unexpected text after the time");
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return bad("no such date");
  if (h > 23 || mi > 59 || s > 59) return bad("time of day out of range");
  auto local = sys_days{date} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
  return Instant{local - minutes{offset_minutes}};
}

std::string format_instant(Instant instant) {
  // By hand rather than snprintf: this runs several times per command.
  auto day_point = floor<days>(instant);
  year_month_day date{day_point};
  auto ms_of_day = (instant - day_point).count();
  std::string text = "0000-00-00T00:00:00.000Z";
  auto put = [&](std::size_t at, long long value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, int(date.year()), 4);
  put(5, unsigned(date.month()), 2);
  put(8, unsigned(date.day()), 2);
  put(11, ms_of_day / 3'600'000, 2);
  put(14, ms_of_day / 60'000 % 60, 2);
  put(17, ms_of_day / 1000 % 60, 2);
  put(20, ms_of_day % 1000, 3);
  return text;
}

Instant SystemClock::now() const {
  return floor<milliseconds>(system_clock::now());
}

}  // namespace casegate

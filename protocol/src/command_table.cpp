#include "command_table.hpp"

#include "casegate/calendar.hpp"

namespace casegate::protocol {

Result<Reply> status_reply(const Status& status, json body) {
  if (!status) return status;
  return Reply{std::move(body)};
}

Result<std::pair<Instant, Instant>> period(Engine& engine, const Request& r) {
  Instant from{}, to = engine.clock().now();
  if (r.find("from")) {
    CASEGATE_TRY(text, r.text("from"));
    CASEGATE_TRY(bound, parse_bound(text, "from", false));
    from = bound;
  }
  if (r.find("to")) {
    CASEGATE_TRY(text, r.text("to"));
    CASEGATE_TRY(bound, parse_bound(text, "to", true));
    to = bound;
  }
  if (to < from) return Status::invalid_input("to is before from");
  return std::pair{from, to};
}

Result<std::optional<Instant>> as_of(const Request& r) {
  if (!r.find("as_of")) return std::optional<Instant>();
  CASEGATE_TRY(text, r.text("as_of"));
  CASEGATE_TRY(bound, parse_bound(text, "as_of", true));
  return std::optional<Instant>(bound);
}

}  // namespace casegate::protocol

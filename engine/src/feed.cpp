// The live feed (GET /v1/events): the audit entries a user may see, after a sequence number.
#include "engine_impl.hpp"

namespace casegate {

Result<AuditFeedPage> Engine::audit_feed(std::string_view as, std::optional<std::int64_t> after_seq, std::int64_t limit,
                                         bool opening) {
  if (after_seq && *after_seq < 0) return Status::invalid_input("after must be an audit sequence number (0 or more)");
  if (limit < 1 || limit > 1000) return Status::invalid_input("limit must be 1..1000");
  auto page_for = [&](const User& actor) -> Result<AuditFeedPage> {
    auto scope = impl_->scope_for(actor);
    if (!scope) return scope.status();
    return impl_->oversight().audit_after(after_seq.value_or(0), after_seq ? limit : 0, *scope);
  };
  if (opening)
    return impl_->runner.audited<AuditFeedPage>(as, "view", std::nullopt,
                                                [&](const User& actor, AuditBuilder& audit) -> Result<AuditFeedPage> {
                                                  audit.detail.text("report", "events");
                                                  if (after_seq) audit.detail.number("after", *after_seq);
                                                  return page_for(actor);
                                                });
  return impl_->runner.read_as<AuditFeedPage>(as, page_for);
}

}  // namespace casegate

// Integrity: the audit chain recomputed, checked against a signed checkpoint, and checkpointed.
#include "engine_impl.hpp"

namespace casegate {

Result<ChainReport> Engine::verify(const Checkpoint* checkpoint, std::string_view pinned_public_key) {
  return impl_->runner.exclusive<ChainReport>([&]() -> Result<ChainReport> {
    auto report = impl_->audit().verify_chain();
    if (!report || !report->ok || checkpoint == nullptr) return report;
    auto broken = [&](std::int64_t seq, std::string problem) {
      report->ok = false;
      report->first_bad_seq = seq;
      report->problem = std::move(problem);
      return report;
    };
    if (Status signature = check_checkpoint_signature(*checkpoint, pinned_public_key); !signature)
      return broken(0, signature.message());
    const ChainHead& held = checkpoint->head;
    if (report->head.seq < held.seq)
      return broken(report->head.seq + 1, "the log ends at entry " + std::to_string(report->head.seq) +
                                              " but the checkpoint of " + format_instant(checkpoint->at) +
                                              " holds entry " + std::to_string(held.seq) + ": entries were removed");
    auto hash = impl_->audit().hash_at(held.seq);
    if (!hash) return hash.status();
    if (held.seq > 0 && (!hash->has_value() || **hash != held.hash))
      return broken(held.seq, "entry " + std::to_string(held.seq) + " is not the one checkpointed at " +
                                  format_instant(checkpoint->at) + ": the log was rewritten");
    return report;
  });
}

Result<Checkpoint> Engine::checkpoint(std::string_view private_key_pem) {
  auto report = verify();
  if (!report) return report.status();
  if (!report->ok)
    return Status::integrity("audit chain does not verify at entry " + std::to_string(report->first_bad_seq) + ": " +
                             report->problem + "; not checkpointed");
  return sign_checkpoint(report->head, impl_->clock->now(), private_key_pem);
}

}  // namespace casegate

#pragma once
// Signed checkpoints of the audit chain, kept outside the database. The chain alone cannot show
// that its newest entries were removed, or that it was rewritten from some entry on with every
// later hash recomputed; a checkpoint signed earlier (Ed25519) and compared later can.

#include <cstdint>
#include <string>
#include <string_view>

#include "casegate/records.hpp"
#include "casegate/status.hpp"
#include "casegate/time.hpp"

namespace casegate {

struct Checkpoint {
  ChainHead head;
  Instant at;
  std::string public_key;  // Ed25519, 64 hex digits
  std::string signature;   // Ed25519 over signed_text(), 128 hex digits

  // "casegate-checkpoint-v1␟<seq>␟<hash>␟<at>" (␟ = 0x1F): what the signature covers.
  std::string signed_text() const;
};

// Signs `head` with the Ed25519 private key in `private_key_pem` (as written by
// `openssl genpkey -algorithm ed25519` or `casegate keygen`). invalid_input for another key type.
Result<Checkpoint> sign_checkpoint(const ChainHead& head, Instant at, std::string_view private_key_pem);

// ok when the signature holds, and (when `pinned_public_key` is not empty) the checkpoint was
// signed by that key; integrity otherwise.
Status check_checkpoint_signature(const Checkpoint& checkpoint, std::string_view pinned_public_key = {});

// {"seq", "hash", "at", "public_key", "signature"}
std::string checkpoint_json(const Checkpoint& checkpoint);
Result<Checkpoint> parse_checkpoint_json(std::string_view text);

// A new Ed25519 private key as PEM, and its public key as hex.
struct KeyPair {
  std::string private_key_pem;
  std::string public_key;
};
Result<KeyPair> generate_ed25519_key();

}  // namespace casegate

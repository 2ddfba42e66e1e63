#pragma once
// Who is calling `casegate serve`: a bearer JWT, verified against a JWKS file (RS256 or ES256
// only) with its issuer, audience and times checked, names the casegate user. JOSE is cjose's;
// nothing here checks a signature by hand.
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "casegate/status.hpp"
#include "casegate/time.hpp"

namespace casegate::server {

struct IdentityOptions {
  std::string jwks_path;
  std::string issuer;
  std::string audience;
  std::string user_claim = "sub";
};

class Identity {
 public:
  // Reads the key set: invalid_input naming the problem when the file is missing, not a JWKS,
  // or holds no RS256 or ES256 (P-256) key with a "kid".
  static Result<std::unique_ptr<Identity>> load(IdentityOptions options);
  ~Identity();
  Identity(const Identity&) = delete;
  Identity& operator=(const Identity&) = delete;

  // Reads the key set again (SIGHUP). On failure the keys in force stay.
  Status reload();

  // The casegate user the token names, or refused with the reason (for the log; a client gets
  // only a 401). Refused: no token, garbage, "alg" none or HMAC or anything but RS256 and
  // ES256, an unknown "kid", a key of another type than "alg", a bad signature, another issuer
  // or audience, expired or not yet valid (60 s of skew either way), no user claim.
  Result<std::string> verify(std::string_view token, Instant now) const;

 private:
  struct Keys;
  explicit Identity(IdentityOptions options);
  IdentityOptions options_;
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const Keys> keys_;
};

// `casegate jwks`: the public JWKS of a PEM private key (RSA or EC P-256), with `kid`.
Result<std::string> public_jwks(const std::string& private_key_pem, const std::string& kid);
// `casegate token`: a JWT signed with a PEM private key (RS256 for RSA, ES256 for EC P-256).
struct TokenRequest {
  std::string private_key_pem, kid, subject, issuer, audience;
  std::int64_t ttl_seconds = 3600;
  Instant now;
};
Result<std::string> sign_token(const TokenRequest& request);

}  // namespace casegate::server

#include "identity.hpp"

#include <cjose/cjose.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "casegate/digest.hpp"
#include "casegate/utf8.hpp"

namespace casegate::server {
namespace {

using nlohmann::json;

constexpr auto skew = std::chrono::seconds(60);

struct JwkDeleter {
  void operator()(cjose_jwk_t* jwk) const { cjose_jwk_release(jwk); }
};
using JwkPtr = std::unique_ptr<cjose_jwk_t, JwkDeleter>;
struct JwsDeleter {
  void operator()(cjose_jws_t* jws) const { cjose_jws_release(jws); }
};
using JwsPtr = std::unique_ptr<cjose_jws_t, JwsDeleter>;
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string_view alg_for(cjose_jwk_kty_t kty) {
  return kty == CJOSE_JWK_KTY_RSA ? "RS256" : kty == CJOSE_JWK_KTY_EC ? "ES256" : "";
}

// The unsigned segments of a compact JWS, as JSON: what the token says before it is trusted.
Result<json> segment(std::string_view token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) {
    start = token.find('.', start);
    if (start == std::string_view::npos) return Status::refused("the token is not a compact JWS");
    ++start;
  }
  std::size_t end = token.find('.', start);
  std::string_view part = token.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  uint8_t* decoded = nullptr;
  size_t length = 0;
  cjose_err err;
  if (!cjose_base64url_decode(part.data(), part.size(), &decoded, &length, &err))
    return Status::refused("the token is not base64url");
  json value = json::parse(decoded, decoded + length, nullptr, false);
  cjose_get_dealloc()(decoded);
  if (!value.is_object()) return Status::refused("the token's header or claims are not a JSON object");
  return value;
}

Result<PkeyPtr> read_private_key(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return Status::invalid_input("the key is not a PEM private key");
  return key;
}

std::vector<uint8_t> bn_param(const EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &bn)) return {};
  std::vector<uint8_t> bytes(static_cast<std::size_t>(pad > 0 ? pad : BN_num_bytes(bn)));
  if (pad > 0)
    BN_bn2binpad(bn, bytes.data(), pad);
  else
    BN_bn2bin(bn, bytes.data());
  BN_clear_free(bn);
  return bytes;
}

// A PEM private key as a cjose JWK (private parts included), with `kid`.
Result<JwkPtr> jwk_from_pem(const std::string& pem, const std::string& kid) {
  auto key = read_private_key(pem);
  if (!key) return key.status();
  cjose_err err;
  JwkPtr jwk;
  if (EVP_PKEY_get_base_id(key->get()) == EVP_PKEY_RSA) {
    auto n = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_N), e = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_E),
         d = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_D), p = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_FACTOR1),
         q = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_FACTOR2),
         dp = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_EXPONENT1),
         dq = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_EXPONENT2),
         qi = bn_param(key->get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    if (EVP_PKEY_get_bits(key->get()) < 2048) return Status::invalid_input("an RSA key needs at least 2048 bits");
    cjose_jwk_rsa_keyspec spec{e.data(), e.size(), n.data(),  n.size(),  d.data(),  d.size(),  p.data(),  p.size(),
                               q.data(), q.size(), dp.data(), dp.size(), dq.data(), dq.size(), qi.data(), qi.size()};
    jwk.reset(cjose_jwk_create_RSA_spec(&spec, &err));
  } else if (EVP_PKEY_get_base_id(key->get()) == EVP_PKEY_EC) {
    char group[64] = {};
    if (!EVP_PKEY_get_utf8_string_param(key->get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) ||
        std::string_view(group) != "prime256v1")
      return Status::invalid_input("an EC key must be on P-256 (prime256v1) for ES256");
    auto d = bn_param(key->get(), OSSL_PKEY_PARAM_PRIV_KEY, 32), x = bn_param(key->get(), OSSL_PKEY_PARAM_EC_PUB_X, 32),
         y = bn_param(key->get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32);
    cjose_jwk_ec_keyspec spec{CJOSE_JWK_EC_P_256, d.data(), d.size(), x.data(), x.size(), y.data(), y.size()};
    jwk.reset(cjose_jwk_create_EC_spec(&spec, &err));
  } else {
    return Status::invalid_input("the key must be RSA (RS256) or EC P-256 (ES256)");
  }
  if (!jwk) return Status::internal(std::string("cjose: ") + err.message);
  if (!cjose_jwk_set_kid(jwk.get(), kid.data(), kid.size(), &err))
    return Status::internal(std::string("cjose: ") + err.message);
  return jwk;
}

}  // namespace

struct Identity::Keys {
  std::map<std::string, JwkPtr, std::less<>> by_kid;
  // Tokens these keys have verified: a client sends the same token with every request, and a
  // signature check costs more than the command it carries. Gone with the keys on reload.
  struct Verified {
    std::string user;
    Instant not_before, expires;  // skew included
  };
  static constexpr std::size_t cache_limit = 10000;
  mutable std::mutex cache_mutex;
  mutable std::unordered_map<std::string, Verified> verified;  // by the token's SHA-256
};

Identity::Identity(IdentityOptions options) : options_(std::move(options)) {}
Identity::~Identity() = default;

Result<std::unique_ptr<Identity>> Identity::load(IdentityOptions options) {
  if (options.issuer.empty() || options.audience.empty())
    return Status::invalid_input("--issuer and --audience are required");
  if (options.user_claim.empty()) return Status::invalid_input("--user-claim may not be empty");
  std::unique_ptr<Identity> identity(new Identity(std::move(options)));
  if (Status loaded = identity->reload(); !loaded) return loaded;
  return identity;
}

Status Identity::reload() {
  std::ifstream in(options_.jwks_path, std::ios::binary);
  if (!in) return Status::invalid_input("cannot read the key set '" + options_.jwks_path + "'");
  std::stringstream text;
  text << in.rdbuf();
  json jwks = json::parse(text.str(), nullptr, false);
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
    return Status::invalid_input("'" + options_.jwks_path + "' is not a JWKS ({\"keys\": [...]})");
  auto keys = std::make_shared<Keys>();
  for (const json& entry : jwks["keys"]) {
    if (!entry.is_object() || !entry.contains("kid") || !entry["kid"].is_string()) continue;
    std::string serialized = entry.dump();
    cjose_err err;
    JwkPtr jwk(cjose_jwk_import(serialized.data(), serialized.size(), &err));
    if (!jwk) continue;
    cjose_jwk_kty_t kty = cjose_jwk_get_kty(jwk.get(), &err);
    if (kty == CJOSE_JWK_KTY_EC && cjose_jwk_EC_get_curve(jwk.get(), &err) != CJOSE_JWK_EC_P_256) continue;
    if (alg_for(kty).empty()) continue;  // an "oct" (HMAC) key is never trusted
    keys->by_kid[entry["kid"].get<std::string>()] = std::move(jwk);
  }
  if (keys->by_kid.empty())
    return Status::invalid_input("'" + options_.jwks_path + "' holds no RSA or EC P-256 key with a kid");
  std::unique_lock lock(mutex_);
  keys_ = std::move(keys);
  return Status::ok();
}

Result<std::string> Identity::verify(std::string_view token, Instant now) const {
  if (token.empty()) return Status::refused("no bearer token");
  if (token.size() > 16 * 1024) return Status::refused("the token is too long");
  auto header = segment(token, 0);
  if (!header) return header.status();
  std::string alg = header->value("alg", ""), kid = header->value("kid", "");
  if (alg != "RS256" && alg != "ES256") return Status::refused("alg '" + printable(alg, 20) + "' is not accepted");
  std::shared_ptr<const Keys> keys;
  {
    std::shared_lock lock(mutex_);
    keys = keys_;
  }
  {
    std::lock_guard lock(keys->cache_mutex);
    if (auto known = keys->verified.find(sha256_hex(token)); known != keys->verified.end()) {
      if (now > known->second.expires) return Status::refused("expired");
      if (now < known->second.not_before) return Status::refused("not yet valid");
      return known->second.user;
    }
  }
  auto key = keys->by_kid.find(kid);
  if (key == keys->by_kid.end()) return Status::refused("unknown kid");
  cjose_err err;
  if (alg_for(cjose_jwk_get_kty(key->second.get(), &err)) != alg)
    return Status::refused("the key named by kid is not for " + alg);
  JwsPtr jws(cjose_jws_import(token.data(), token.size(), &err));
  if (!jws) return Status::refused("the token is not a compact JWS");
  if (!cjose_jws_verify(jws.get(), key->second.get(), &err)) return Status::refused("bad signature");
  uint8_t* plaintext = nullptr;
  size_t length = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plaintext, &length, &err)) return Status::refused("no claims");
  json claims = json::parse(plaintext, plaintext + length, nullptr, false);  // owned by the JWS
  if (!claims.is_object()) return Status::refused("the claims are not a JSON object");

  if (claims.value("iss", "") != options_.issuer) return Status::refused("another issuer");
  const json* audience = claims.contains("aud") ? &claims["aud"] : nullptr;
  bool audience_ok = audience && ((audience->is_string() && *audience == options_.audience) ||
                                  (audience->is_array() && std::find(audience->begin(), audience->end(),
                                                                     json(options_.audience)) != audience->end()));
  if (!audience_ok) return Status::refused("another audience");
  auto at = [&](const char* name) -> std::optional<Instant> {
    if (!claims.contains(name) || !claims[name].is_number()) return std::nullopt;
    return Instant(std::chrono::milliseconds(static_cast<std::int64_t>(claims[name].get<double>() * 1000)));
  };
  auto expires = at("exp");
  if (!expires) return Status::refused("no exp");
  if (now > *expires + skew) return Status::refused("expired");
  auto not_before = at("nbf");
  if (not_before && now + skew < *not_before) return Status::refused("not yet valid");
  if (!claims.contains(options_.user_claim) || !claims[options_.user_claim].is_string() ||
      claims[options_.user_claim].get<std::string>().empty())
    return Status::refused("no " + options_.user_claim + " claim");
  std::string user = claims[options_.user_claim].get<std::string>();
  std::lock_guard lock(keys->cache_mutex);
  if (keys->verified.size() >= Keys::cache_limit) keys->verified.clear();
  keys->verified[sha256_hex(token)] = {user, not_before ? *not_before - skew : Instant::min(), *expires + skew};
  return user;
}

Result<std::string> public_jwks(const std::string& private_key_pem, const std::string& kid) {
  auto jwk = jwk_from_pem(private_key_pem, kid);
  if (!jwk) return jwk.status();
  cjose_err err;
  char* text = cjose_jwk_to_json(jwk->get(), false, &err);
  if (text == nullptr) return Status::internal(std::string("cjose: ") + err.message);
  json key = json::parse(text);
  cjose_get_dealloc()(text);
  key["kid"] = kid;
  key["alg"] = key.value("kty", "") == "RSA" ? "RS256" : "ES256";
  key["use"] = "sig";
  return json{{"keys", json::array({key})}}.dump(2) + "\n";
}

Result<std::string> sign_token(const TokenRequest& request) {
  if (request.subject.empty() || request.issuer.empty() || request.audience.empty())
    return Status::invalid_input("--sub, --issuer and --audience are required");
  if (request.ttl_seconds < 1 || request.ttl_seconds > 7 * 24 * 3600)
    return Status::invalid_input("--ttl must be between 1 second and 7 days");
  auto jwk = jwk_from_pem(request.private_key_pem, request.kid);
  if (!jwk) return jwk.status();
  cjose_err err;
  std::string alg(alg_for(cjose_jwk_get_kty(jwk->get(), &err)));
  std::unique_ptr<cjose_header_t, decltype(&cjose_header_release)> header(cjose_header_new(&err), cjose_header_release);
  if (!header || !cjose_header_set(header.get(), CJOSE_HDR_ALG, alg.c_str(), &err) ||
      !cjose_header_set(header.get(), CJOSE_HDR_KID, request.kid.c_str(), &err) ||
      !cjose_header_set(header.get(), "typ", "JWT", &err))
    return Status::internal("cjose: cannot build the header");
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(request.now.time_since_epoch()).count();
  std::string claims = json{{"iss", request.issuer}, {"aud", request.audience}, {"sub", request.subject},
                            {"iat", seconds},        {"nbf", seconds},          {"exp", seconds + request.ttl_seconds}}
                           .dump();
  JwsPtr jws(
      cjose_jws_sign(jwk->get(), header.get(), reinterpret_cast<const uint8_t*>(claims.data()), claims.size(), &err));
  if (!jws) return Status::internal(std::string("cjose: ") + err.message);
  const char* compact = nullptr;
  if (!cjose_jws_export(jws.get(), &compact, &err)) return Status::internal(std::string("cjose: ") + err.message);
  return std::string(compact);
}

}  // namespace casegate::server

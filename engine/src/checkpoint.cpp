#include "casegate/checkpoint.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace casegate {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text(2 * size, '0');
  for (std::size_t i = 0; i < size; ++i) {
    text[2 * i] = hex[bytes[i] >> 4];
    text[2 * i + 1] = hex[bytes[i] & 0x0F];
  }
  return text;
}

bool from_hex(std::string_view text, std::string& bytes) {
  if (text.size() % 2 != 0) return false;
  bytes.assign(text.size() / 2, '\0');
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    int high = nibble(text[2 * i]), low = nibble(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    bytes[i] = static_cast<char>(high << 4 | low);
  }
  return true;
}

std::string public_key_hex(EVP_PKEY* key) {
  unsigned char raw[32];
  std::size_t size = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &size) != 1) return {};
  return to_hex(raw, size);
}

}  // namespace

std::string Checkpoint::signed_text() const {
  constexpr char separator = '\x1f';
  return std::string("casegate-checkpoint-v1") + separator + std::to_string(head.seq) + separator + head.hash +
         separator + format_instant(at);
}

Result<Checkpoint> sign_checkpoint(const ChainHead& head, Instant at, std::string_view private_key_pem) {
  Bio bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), &BIO_free);
  PKey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, &EVP_PKEY_free);
  if (!key) return Status::invalid_input("the key file is not a PEM private key");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return Status::invalid_input("the key is not an Ed25519 key");
  Checkpoint checkpoint{head, at, public_key_hex(key.get()), {}};
  std::string text = checkpoint.signed_text();
  MdContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char signature[64];
  std::size_t size = sizeof signature;
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), signature, &size, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size()) != 1)
    return Status::internal("signing the checkpoint failed");
  checkpoint.signature = to_hex(signature, size);
  return checkpoint;
}

Status check_checkpoint_signature(const Checkpoint& checkpoint, std::string_view pinned_public_key) {
  if (!pinned_public_key.empty() && pinned_public_key != checkpoint.public_key)
    return Status::integrity("the checkpoint was signed by another key than the one given");
  std::string raw_key, raw_signature;
  if (!from_hex(checkpoint.public_key, raw_key) || raw_key.size() != 32 ||
      !from_hex(checkpoint.signature, raw_signature) || raw_signature.size() != 64)
    return Status::integrity("the checkpoint's key or signature is malformed");
  PKey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(raw_key.data()), raw_key.size()),
           &EVP_PKEY_free);
  MdContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::string text = checkpoint.signed_text();
  if (!key || !context || EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(raw_signature.data()),
                       raw_signature.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    return Status::integrity("the checkpoint's signature does not verify: it was altered or signed by another key");
  return Status::ok();
}

std::string checkpoint_json(const Checkpoint& checkpoint) {
  return nlohmann::json{{"seq", checkpoint.head.seq},
                        {"hash", checkpoint.head.hash},
                        {"at", format_instant(checkpoint.at)},
                        {"public_key", checkpoint.public_key},
                        {"signature", checkpoint.signature}}
      .dump(2);
}

Result<Checkpoint> parse_checkpoint_json(std::string_view text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Status::invalid_input("the checkpoint file is not JSON");
  for (const char* field : {"hash", "at", "public_key", "signature"})
    if (!json.contains(field) || !json[field].is_string())
      return Status::invalid_input(std::string("the checkpoint has no text field '") + field + "'");
  if (!json.contains("seq") || !json["seq"].is_number_integer())
    return Status::invalid_input("the checkpoint has no whole-number field 'seq'");
  auto at = parse_instant(json["at"].get<std::string>(), "checkpoint at");
  if (!at) return at.status();
  return Checkpoint{{json["seq"].get<std::int64_t>(), json["hash"].get<std::string>()},
                    *at,
                    json["public_key"].get<std::string>(),
                    json["signature"].get<std::string>()};
}

Result<KeyPair> generate_ed25519_key() {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                                      &EVP_PKEY_CTX_free);
  if (!context || EVP_PKEY_keygen_init(context.get()) != 1 || EVP_PKEY_keygen(context.get(), &raw) != 1)
    return Status::internal("generating an Ed25519 key failed");
  PKey key(raw, &EVP_PKEY_free);
  Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return Status::internal("writing the key failed");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return KeyPair{std::string(data, static_cast<std::size_t>(size)), public_key_hex(key.get())};
}

}  // namespace casegate

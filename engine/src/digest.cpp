#include "casegate/digest.hpp"

#include <openssl/evp.h>

#include <memory>

namespace casegate {
namespace {

// OpenSSL 3 looks the algorithm up on every EVP_sha256() digest (locks included): fetch it once
// and keep one context per thread.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return algorithm;
}

EVP_MD_CTX* thread_context() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return context.get();
}

}  // namespace

std::string sha256_hex(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* context = thread_context();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestInit_ex(context, sha256_algorithm(), nullptr);
  for (std::string_view part : parts) EVP_DigestUpdate(context, part.data(), part.size());
  EVP_DigestFinal_ex(context, digest, &length);
  static constexpr char hex[] = "0123456789abcdef";
  std::string text(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    text[2 * i] = hex[digest[i] >> 4];
    text[2 * i + 1] = hex[digest[i] & 0x0F];
  }
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  return sha256_hex({bytes});
}

}  // namespace casegate

#pragma once
#include <string>
#include <string_view>

namespace casegate {

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace casegate

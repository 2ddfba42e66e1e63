#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

namespace casegate {

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
// SHA-256 of the parts one after another, without joining them first.
std::string sha256_hex(std::initializer_list<std::string_view> parts);

}  // namespace casegate

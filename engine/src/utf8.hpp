#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace casegate {

// The offset of the first byte that breaks UTF-8 (overlongs, surrogates and code points past
// U+10FFFF included), or nullopt when `text` is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

}  // namespace casegate

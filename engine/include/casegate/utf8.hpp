#pragma once
// UTF-8 checks for text that crosses a boundary (payloads, messages, HTTP paths).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace casegate {

// The offset of the first byte that breaks UTF-8 (overlongs, surrogates and code points past
// U+10FFFF included), or nullopt when `text` is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// `text` made safe to quote in a one-line message: control bytes and bytes that are not UTF-8
// become \xNN, and it is cut after `max_chars` characters (never inside one) with "...".
std::string printable(std::string_view text, std::size_t max_chars = 60);

}  // namespace casegate

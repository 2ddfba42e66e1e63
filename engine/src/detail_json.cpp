#include "detail_json.hpp"

namespace casegate {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // Plain printable ASCII is copied a run at a time.
    std::size_t run = i;
    while (run < text.size()) {
      auto b = static_cast<unsigned char>(text[run]);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++run;
    }
    if (run > i) {
      out.append(text.substr(i, run - i));
      i = run;
      continue;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0x0F];
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: copied when well-formed, replaced by U+FFFD when not.
    std::size_t length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool valid = length != 0 && i + length <= text.size();
    char32_t code = length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t j = 1; valid && j < length; ++j) {
      auto next = static_cast<unsigned char>(text[i + j]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    valid = valid && !((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                       (length == 4 && code < 0x10000) || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF));
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
}

void append_requirement_json(std::string& out, const Requirement& requirement) {
  out += "{\"task\":";
  append_json_string(out, requirement.task);
  out += ",\"condition\":";
  if (requirement.conditions.empty())
    out += "null";
  else
    append_json_string(out, describe(requirement.conditions));
  out += ",\"role\":";
  if (requirement.role)
    append_json_string(out, role_name(*requirement.role));
  else
    out += "null";
  out += ",\"scope\":";
  append_json_string(out, scope_name(requirement.scope));
  out += '}';
}

std::string& DetailJson::slot(std::string_view key) {
  for (auto& [name, value] : fields_)
    if (name == key) {
      value.clear();
      return value;
    }
  return fields_.emplace_back(std::string(key), std::string()).second;
}

void DetailJson::text(std::string_view key, std::string_view value) {
  append_json_string(slot(key), value);
}
void DetailJson::number(std::string_view key, std::int64_t value) {
  slot(key) = std::to_string(value);
}
void DetailJson::flag(std::string_view key, bool value) {
  slot(key) = value ? "true" : "false";
}
void DetailJson::null(std::string_view key) {
  slot(key) = "null";
}

void DetailJson::requirements(std::string_view key, const std::vector<Requirement>& value) {
  std::string& out = slot(key);
  out += '[';
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i) out += ',';
    append_requirement_json(out, value[i]);
  }
  out += ']';
}

std::string DetailJson::str() const {
  std::string out = "{";
  for (const auto& [name, value] : fields_) {
    if (out.size() > 1) out += ',';
    append_json_string(out, name);
    out += ':';
    out += value;
  }
  out += '}';
  return out;
}

}  // namespace casegate

#include "store_common.hpp"

#include <stdexcept>

#include "casegate/audit_hash.hpp"
#include "casegate/utf8.hpp"

namespace casegate::storage {

Instant parse_stored_time(std::string_view text) {
  auto parsed = parse_instant(text, "stored time");
  if (!parsed) throw std::runtime_error(parsed.status().message());
  return *parsed;
}

Role parse_stored_role(std::string_view text) {
  auto role = parse_role(text);
  if (!role) throw std::runtime_error("stored role '" + std::string(text) + "' is not a role");
  return *role;
}

std::string hex_to_bytes(std::string_view hex) {
  std::string bytes(hex.size() / 2, '\0');
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>((nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]));
  return bytes;
}

namespace {

bool is_hash_text(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

void add_calendar_row(CaseStore::CalendarData& data, std::int64_t id, const std::string& kind, std::string_view date,
                      const std::string& value) {
  data.version = id;
  if (kind == "jurisdiction") {
    if (auto j = parse_jurisdiction(value)) data.jurisdiction = *j;
    return;
  }
  auto day = parse_date(date);
  if (!day) throw std::runtime_error("stored calendar change has a bad date");
  data.changes.push_back({*day, kind == "working", value});
}

void finish_timeliness(std::map<std::pair<std::string, std::string>, TimelinessRow>& rows, TimelinessReport& report) {
  for (auto& [key, row] : rows) {
    std::int64_t judged = row.met_on_time + row.met_late + row.overdue;
    if (judged > 0) row.percent_on_time = 100.0 * static_cast<double>(row.met_on_time) / static_cast<double>(judged);
    if (judged + row.running > 0) report.rows.push_back(std::move(row));
  }
}

Result<int> export_table_index(std::string_view table) {
  if (table == "cases") return 0;
  if (table == "tasks") return 1;
  if (table == "audit") return 2;
  if (table == "clocks") return export_clocks_index;
  return Status::invalid_input("no table '" + printable(table, 40) + "' to export: cases, tasks, audit or clocks");
}

void set_next_page(ExportPage& page, int table, bool full_of_cases, std::int64_t upto, std::int64_t limit) {
  if (table == export_clocks_index) {
    if (full_of_cases) page.next = upto;
  } else if (static_cast<std::int64_t>(page.table.rows.size()) == limit) {
    page.next = std::stoll(*page.table.rows.back()[0]);  // the key is the first column
  }
}

Status export_in_pages(OversightStore& store, std::string_view table, const CaseScope& scope,
                       const std::function<void(const ExportTable&)>& chunk) {
  for (std::int64_t after = 0;;) {
    auto page = store.export_page(table, scope, after, 10000);
    if (!page) return page.status();
    if (!page->table.rows.empty() || after == 0) chunk(page->table);
    if (!page->next) return Status::ok();
    after = *page->next;
  }
}

bool ChainCheck::fail(std::int64_t seq, std::string problem) {
  report_.ok = false;
  report_.first_bad_seq = seq;
  report_.problem = std::move(problem);
  return false;
}

bool ChainCheck::next(std::int64_t seq, std::string_view at_text, const std::function<AuditEntry()>& read) {
  std::int64_t expected = report_.head.seq + 1;
  if (seq != expected)
    return fail(expected,
                "entry " + std::to_string(expected) + " is missing (next entry is " + std::to_string(seq) + ")");
  // The stored text is what was hashed: an entry whose time no longer reads back to the same
  // text was edited.
  auto at = parse_instant(at_text, "at");
  if (!at || format_instant(*at) != at_text)
    return fail(seq, "entry " + std::to_string(seq) + " was altered (its time is not as written)");
  AuditEntry entry = read();
  if (entry.prev_hash != report_.head.hash)
    return fail(seq, "entry " + std::to_string(seq) + " does not follow entry " + std::to_string(seq - 1) +
                         " (prev_hash differs)");
  if (!is_hash_text(entry.hash) || audit_entry_hash(report_.head.hash, seq, entry.entry) != entry.hash)
    return fail(seq, "entry " + std::to_string(seq) + " was altered (hash does not match its content)");
  ++report_.entries_verified;
  report_.head = {seq, entry.hash};
  return true;
}

}  // namespace casegate::storage

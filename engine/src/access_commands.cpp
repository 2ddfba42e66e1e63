// Need-to-know access: case lists, allocation, transfer, break-glass and its review.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "engine_impl.hpp"

namespace casegate {
namespace {

constexpr std::int64_t max_grant_hours = 24;
constexpr std::size_t min_reason_chars = 10;

// Characters (code points) of valid UTF-8, not counting leading and trailing blanks.
std::size_t characters(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return 0;
  text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The grant an audit entry was done under (its detail's "grant"), or 0.
std::int64_t grant_of(const AuditEntry& entry) {
  auto detail = nlohmann::json::parse(entry.entry.detail_json, nullptr, false);
  if (!detail.is_object()) return 0;
  auto grant = detail.find("grant");
  return grant != detail.end() && grant->is_number_integer() ? grant->get<std::int64_t>() : 0;
}

}  // namespace

Result<CasePage> Engine::cases(std::string_view as, const CaseQuery& query) {
  return impl_->runner.audited<CasePage>(
      as, "view", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<CasePage> {
        audit.detail.text("report", "cases");
        if (!query.team.empty()) audit.detail.text("team", query.team.substr(0, max_text_bytes));
        if (query.limit < 1 || query.limit > 1000) return Status::invalid_input("limit must be 1..1000");
        if (query.after < 0) return Status::invalid_input("after must be a case id (0 or more)");
        auto scope = impl_->scope_for(actor, query.team);
        if (!scope) return scope.status();
        CaseQuery page = query;
        page.team.clear();  // in the scope now
        auto found = impl_->oversight().list_cases(page, *scope);
        if (!found) return found.status();
        CasePage result{std::move(*found), std::nullopt};
        if (static_cast<std::int64_t>(result.cases.size()) == query.limit) result.next = result.cases.back().id;
        audit.detail.number("listed", static_cast<std::int64_t>(result.cases.size()));
        return result;
      });
}

Result<CaseRecord> Engine::allocate(std::string_view as, CaseId id, std::string_view user) {
  return impl_->runner.audited<CaseRecord>(
      as, "allocate", id, [&](const User& actor, AuditBuilder& audit) -> Result<CaseRecord> {
        audit.detail.text("user", user.substr(0, max_id_bytes));
        auto record = impl_->case_for(actor, id, CaseRight::allocate, audit.detail);
        if (!record) return record;
        if (auto s = check_identifier("user", user); !s) return s;
        auto worker = impl_->cases().find_user(user);
        if (!worker) return worker.status();
        if (!worker->has_value()) return Status::not_found("user " + shown_name(user) + " does not exist");
        const User& to = **worker;
        if (!to.active) return Status::refused("user " + shown_name(user) + " is inactive");
        if ((to.role != Role::social_worker && to.role != Role::team_manager) || to.team != record->team)
          return Status::refused("a case is allocated to a social_worker or team_manager of its own team; " + to.id +
                                 " is not one");
        audit.detail.text("from_user", record->allocated_to);
        if (auto s = impl_->cases().allocate_case(id, user); !s) return s;
        record->allocated_to = std::string(user);
        return record;
      });
}

Result<CaseRecord> Engine::transfer(std::string_view as, CaseId id, std::string_view team) {
  return impl_->runner.audited<CaseRecord>(
      as, "transfer", id, [&](const User& actor, AuditBuilder& audit) -> Result<CaseRecord> {
        audit.detail.text("to_team", team.substr(0, max_text_bytes));
        auto record = impl_->case_for(actor, id, CaseRight::transfer, audit.detail);
        if (!record) return record;
        if (auto s = check_text("team", team, true); !s) return s;
        if (team == record->team)
          return Status::invalid_input(case_name(id) + " is already with team " + shown_name(team));
        audit.detail.text("from_team", record->team);
        if (auto s = impl_->cases().transfer_case(id, team); !s) return s;
        // The clocks move with the case, and with them the team's counts.
        auto clocks = impl_->cases().clocks_of(id);
        if (!clocks) return clocks.status();
        for (const ClockRecord& before : *clocks) {
          ClockRecord moved = before;
          moved.team = std::string(team);
          if (auto s = impl_->cases().save_clock(moved, &before); !s) return s;
        }
        record->team = std::string(team);
        record->allocated_to.clear();
        return record;
      });
}

Result<AccessGrant> Engine::break_glass(std::string_view as, CaseId id, std::string_view reason,
                                        std::optional<std::int64_t> hours) {
  return impl_->runner.audited<AccessGrant>(
      as, "access", id, [&](const User& actor, AuditBuilder& audit) -> Result<AccessGrant> {
        audit.detail.text("reason", reason.substr(0, max_text_bytes));
        if (actor.role == Role::admin) return Status::refused("an admin cannot break glass: admins see no cases");
        if (auto s = check_text("reason", reason, true); !s) return s;
        if (characters(reason) < min_reason_chars)
          return Status::invalid_input("a break-glass reason needs at least " + std::to_string(min_reason_chars) +
                                       " characters: say why this child's record must be seen");
        std::int64_t granted_hours = 0;
        if (hours) {
          if (*hours < 1) return Status::invalid_input("hours must be 1 or more");
          if (*hours > max_grant_hours)
            return Status::refused("break-glass access lasts at most " + std::to_string(max_grant_hours) + " hours");
          granted_hours = *hours;
        } else {
          auto settings = impl_->current_settings();
          if (!settings) return settings.status();
          granted_hours = settings->get(break_glass_hours_setting);
        }
        auto record = impl_->load_case(id);
        if (!record) return record.status();
        if (has_relationship(actor, *record, impl_->workflows))
          return Status::refused(actor.id + " already has access to " + case_name(id) + "; break-glass is not needed");
        AccessGrant grant;
        grant.case_id = id;
        grant.user = actor.id;
        grant.role = actor.role;
        grant.reason = std::string(reason);
        grant.granted_at = impl_->clock->now();
        grant.expires_at = grant.granted_at + std::chrono::hours(granted_hours);
        auto grant_id = impl_->cases().insert_grant(grant);
        if (!grant_id) return grant_id.status();
        grant.id = *grant_id;
        audit.detail.number("grant", grant.id);
        audit.detail.number("hours", granted_hours);
        audit.detail.text("expires_at", format_instant(grant.expires_at));
        return grant;
      });
}

Result<AccessGrant> Engine::review_access(std::string_view as, std::int64_t grant_id, std::string_view note) {
  return impl_->runner.audited<AccessGrant>(
      as, "access_review", std::nullopt, [&](const User& actor, AuditBuilder& audit) -> Result<AccessGrant> {
        audit.detail.number("grant", grant_id);
        auto grant = impl_->cases().find_grant(grant_id);
        if (!grant) return grant.status();
        if (!grant->has_value())
          return Status::not_found("break-glass grant " + std::to_string(grant_id) + " does not exist");
        audit.draft.case_id = (*grant)->case_id;
        auto record = impl_->case_for(actor, (*grant)->case_id, CaseRight::review_access, audit.detail);
        if (!record) return record.status();
        if (auto s = check_text("review note", note, true); !s) return s;
        audit.detail.text("note", note);
        Instant now = impl_->clock->now();
        if (auto s = impl_->cases().review_grant(grant_id, actor.id, now, note); !s) return s;
        AccessGrant reviewed = std::move(**grant);
        reviewed.reviewed_by = actor.id;
        reviewed.reviewed_at = now;
        reviewed.review_note = std::string(note);
        return reviewed;
      });
}

Result<std::vector<GrantReport>> Engine::access_report(std::string_view as, const GrantQuery& query) {
  return impl_->report<std::vector<GrantReport>>(
      as, "access", [&](const User& actor, AuditBuilder& audit) -> Result<std::vector<GrantReport>> {
        audit.detail.text("from", format_instant(query.from));
        audit.detail.text("to", format_instant(query.to));
        if (query.case_id) audit.detail.number("case", *query.case_id);
        if (actor.role != Role::team_manager && actor.role != Role::auditor)
          return Status::refused("break-glass grants are reviewed by the owning team's managers (and auditors)");
        if (query.to < query.from) return Status::invalid_input("to is before from");
        auto scope = impl_->scope_for(actor);
        if (!scope) return scope.status();
        auto grants = impl_->oversight().grants(query, *scope);
        if (!grants) return grants.status();
        std::vector<GrantReport> rows;
        std::map<CaseId, std::vector<AuditEntry>> logs;  // each case's log read once, however many grants
        for (AccessGrant& grant : *grants) {
          auto log = logs.find(grant.case_id);
          if (log == logs.end()) {
            auto entries = impl_->audit().entries_of_case(grant.case_id);
            if (!entries) return entries.status();
            log = logs.emplace(grant.case_id, std::move(*entries)).first;
          }
          GrantReport row{std::move(grant), {}};
          for (const AuditEntry& entry : log->second)
            if (entry.entry.actor == row.grant.user && entry.entry.action != "access" &&
                grant_of(entry) == row.grant.id)
              row.uses.push_back(entry);
          rows.push_back(std::move(row));
        }
        return rows;
      });
}

}  // namespace casegate

// The protocol's commands of need-to-know access (docs/access.md).
#include "casegate/json.hpp"
#include "command_table.hpp"

namespace casegate::protocol {

CommandTable access_commands() {
  CommandTable t;
  t["cases"] = {{"team", "state", "workflow", "mine", "overdue", "limit", "after"},
                [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                  CaseQuery query;
                  CASEGATE_TRY(team, r.text_or("team", ""));
                  CASEGATE_TRY(state, r.text_or("state", ""));
                  CASEGATE_TRY(workflow, r.text_or("workflow", ""));
                  CASEGATE_TRY(mine, r.flag("mine"));
                  CASEGATE_TRY(overdue, r.flag("overdue"));
                  CASEGATE_TRY(limit, r.number("limit"));
                  CASEGATE_TRY(after, r.number("after"));
                  query.team = team;
                  query.state = state;
                  query.workflow = workflow;
                  if (mine) query.allocated_to = as;
                  if (overdue) query.overdue_at = e.clock().now();
                  query.limit = limit.value_or(100);
                  query.after = after.value_or(0);
                  CASEGATE_TRY(page, e.cases(as, query));
                  return Reply{json(page)};
                }};
  t["allocate"] = {{"case", "user"},
                   [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                     CASEGATE_TRY(id, r.required_number("case"));
                     CASEGATE_TRY(user, r.text("user"));
                     CASEGATE_TRY(record, e.allocate(as, id, user));
                     return Reply{json{{"case", record.id}, {"allocated_to", record.allocated_to}}};
                   }};
  t["transfer"] = {{"case", "team"},
                   [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                     CASEGATE_TRY(id, r.required_number("case"));
                     CASEGATE_TRY(team, r.text("team"));
                     CASEGATE_TRY(record, e.transfer(as, id, team));
                     return Reply{json{{"case", record.id}, {"team", record.team}}};
                   }};
  t["access"] = {{"case", "reason", "hours"},
                 [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                   CASEGATE_TRY(id, r.required_number("case"));
                   CASEGATE_TRY(reason, r.text_or("reason", ""));
                   CASEGATE_TRY(hours, r.number("hours"));
                   CASEGATE_TRY(grant, e.break_glass(as, id, reason, hours));
                   return Reply{json(grant)};
                 }};
  t["access review"] = {{"grant", "note"},
                        [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                          CASEGATE_TRY(id, r.required_number("grant"));
                          CASEGATE_TRY(note, r.text_or("note", ""));
                          CASEGATE_TRY(grant, e.review_access(as, id, note));
                          return Reply{json(grant)};
                        }};
  t["oversight access"] = {{"case", "from", "to", "unreviewed"},
                           [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                             GrantQuery query;
                             CASEGATE_TRY(id, r.number("case"));
                             CASEGATE_TRY(between, period(e, r));
                             CASEGATE_TRY(unreviewed, r.flag("unreviewed"));
                             query.case_id = id;
                             query.from = between.first;
                             query.to = between.second;
                             query.unreviewed_only = unreviewed;
                             CASEGATE_TRY(rows, e.access_report(as, query));
                             return Reply{json(rows)};
                           }};
  // The live feed's first page (GET /v1/events reads on from "through").
  t["events"] = {{"after", "limit"},
                 [](Engine& e, const std::string& as, const Request& r, std::string_view) -> Result<Reply> {
                   CASEGATE_TRY(after, r.number("after"));
                   CASEGATE_TRY(limit, r.number("limit"));
                   CASEGATE_TRY(page, e.audit_feed(as, after, limit.value_or(500), true));
                   return Reply{json{{"events", page.entries}, {"through", page.through}}};
                 }};
  return t;
}

}  // namespace casegate::protocol

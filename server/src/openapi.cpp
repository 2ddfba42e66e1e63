// The OpenAPI 3 document of casegate serve, checked against real responses by
// tests/server/test_serve.py.
#include <nlohmann/json.hpp>

#include "http_api.hpp"

namespace casegate::server {
namespace {

using nlohmann::json;

json ref(const std::string& name) {
  return json{{"$ref", "#/components/schemas/" + name}};
}

json json_content(const json& schema) {
  return json{{"application/json", {{"schema", schema}}}};
}

json problem_responses(std::initializer_list<int> codes) {
  json responses = json::object();
  for (int code : codes)
    responses[std::to_string(code)] = {{"description", "a problem (RFC 9457)"},
                                       {"content", {{"application/problem+json", {{"schema", ref("Problem")}}}}}};
  return responses;
}

json operation(const std::string& summary, int success, const json& schema, std::initializer_list<int> problems,
               const json& parameters = json::array(), const json& body = nullptr) {
  json responses = problem_responses(problems);
  responses[std::to_string(success)] = {{"description", summary}, {"content", json_content(schema)}};
  json op{{"summary", summary}, {"responses", responses}, {"parameters", parameters}};
  if (!body.is_null()) op["requestBody"] = {{"required", true}, {"content", json_content(body)}};
  op["security"] = json::array({json{{"bearer", json::array()}}});
  return op;
}

json parameter(const std::string& name, const std::string& in, const std::string& type, bool required = false) {
  return json{{"name", name}, {"in", in}, {"required", required || in == "path"}, {"schema", {{"type", type}}}};
}

json object(json properties, std::vector<std::string> required = {}) {
  json schema{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

json build() {
  const json any_object{{"type", "object"}};
  const json text{{"type", "string"}}, integer{{"type", "integer"}}, boolean{{"type", "boolean"}};
  const json nullable_text{{"type", "string"}, {"nullable", true}};
  const json requirement =
      object({{"task", text}, {"condition", nullable_text}, {"role", nullable_text}, {"scope", text}});
  json schemas{
      {"Problem", object({{"type", text},
                          {"title", text},
                          {"status", integer},
                          {"detail", text},
                          {"code", text},
                          {"missing", {{"type", "array"}, {"items", requirement}}}},
                         {"title", "status", "detail", "code"})},
      {"Requirement", requirement},
      {"Opened", object({{"case", integer},
                         {"workflow", text},
                         {"workflow_version", integer},
                         {"state", text},
                         {"version", integer}},
                        {"case", "state", "version"})},
      {"Case", object({{"case", integer},
                       {"workflow", text},
                       {"team", text},
                       {"state", text},
                       {"version", integer},
                       {"subject", text},
                       {"allocated_to", nullable_text}},
                      {"case", "workflow", "team", "state", "version"})},
      {"CasePage", object({{"cases", {{"type", "array"}, {"items", ref("Case")}}},
                           {"next", {{"type", "integer"}, {"nullable", true}}}},
                          {"cases", "next"})},
      {"Status", object({{"case", integer},
                         {"state", text},
                         {"version", integer},
                         {"final", boolean},
                         {"events", {{"type", "array"}, {"items", any_object}}},
                         {"clocks", {{"type", "array"}}}},
                        {"case", "state", "version", "events"})},
      {"Receipt",
       object({{"task_id", integer}, {"case", integer}, {"kind", text}, {"state", text}}, {"task_id", "case", "kind"})},
      {"Fired", object({{"case", integer},
                        {"event", text},
                        {"outcome", text},
                        {"from", text},
                        {"to", text},
                        {"version", integer},
                        {"missing", {{"type", "array"}, {"items", requirement}}}},
                       {"case", "event", "outcome", "version"})},
      {"Entries",
       {{"type", "array"},
        {"items", object({{"seq", integer}, {"action", text}, {"outcome", text}}, {"seq", "action", "outcome"})}}},
      {"Grant", object({{"grant", integer}, {"case", integer}, {"user", text}, {"reason", text}, {"expires_at", text}},
                       {"grant", "case", "user", "expires_at"})},
      {"Verified", object({{"ok", boolean}, {"entries_verified", integer}}, {"ok", "entries_verified"})},
      {"Any", json::object()},
  };
  json case_id = parameter("id", "path", "integer");
  json paths{
      {"/v1/health",
       {{"get",
         {{"summary", "liveness, no token"},
          {"responses",
           {{"200", {{"description", "up"}, {"content", json_content(object({{"status", text}}, {"status"}))}}}}}}}}},
      {"/openapi.json",
       {{"get",
         {{"summary", "this document, no token"},
          {"responses", {{"200", {{"description", "OpenAPI 3"}, {"content", json_content(any_object)}}}}}}}}},
      {"/v1/cases",
       {{"post", operation("open a case (201, Location, ETag)", 201, ref("Opened"), {400, 401, 403, 422}, json::array(),
                           object({{"workflow", text},
                                   {"subject", text},
                                   {"received_at", text},
                                   {"attr", any_object},
                                   {"workflow_version", integer}},
                                  {"workflow", "subject"}))},
        {"get",
         operation("the cases the caller may see, a page at a time", 200, ref("CasePage"), {400, 401, 403, 422},
                   json::array({parameter("team", "query", "string"), parameter("state", "query", "string"),
                                parameter("workflow", "query", "string"), parameter("allocated_to", "query", "string"),
                                parameter("overdue", "query", "boolean"), parameter("limit", "query", "integer"),
                                parameter("after", "query", "integer")}))}}},
      {"/v1/cases/{id}",
       {{"get", operation("a case's state, gates and clocks (ETag: its version)", 200, ref("Status"),
                          {401, 403, 404, 422}, json::array({case_id, parameter("as_of", "query", "string")}))}}},
      {"/v1/cases/{id}/tasks",
       {{"post", operation("record a task", 201, ref("Receipt"), {400, 401, 403, 404, 422}, json::array({case_id}),
                           object({{"kind", text}, {"data", any_object}, {"occurred_at", text}}, {"kind", "data"}))}}},
      {"/v1/cases/{id}/events/{event}",
       {{"post",
         operation(
             "fire an event (If-Match: the expected version)", 200, ref("Fired"), {400, 401, 403, 404, 409, 412, 422},
             json::array({case_id, parameter("event", "path", "string"), parameter("If-Match", "header", "string")}),
             object({{"override", boolean}, {"reason", text}}))}}},
      {"/v1/cases/{id}/history",
       {{"get",
         operation("every audit entry of the case", 200, ref("Entries"), {401, 403, 404}, json::array({case_id}))}}},
      {"/v1/cases/{id}/allocation",
       {{"post", operation("allocate to a worker of the team", 200, any_object, {400, 401, 403, 404, 422},
                           json::array({case_id}), object({{"user", text}}, {"user"}))}}},
      {"/v1/cases/{id}/transfer",
       {{"post", operation("transfer to another team", 200, any_object, {400, 401, 403, 404, 422},
                           json::array({case_id}), object({{"team", text}}, {"team"}))}}},
      {"/v1/cases/{id}/access",
       {{"post", operation("break glass, with a reason", 200, ref("Grant"), {400, 401, 403, 404, 422},
                           json::array({case_id}), object({{"reason", text}, {"hours", integer}}, {"reason"}))}}},
      {"/v1/workflows", {{"get", operation("the registered workflows", 200, {{"type", "array"}}, {401})}}},
      {"/v1/workflows/{name}",
       {{"get", operation("one workflow (format json, mermaid or dot)", 200, any_object, {400, 401, 404},
                          json::array({parameter("name", "path", "string"), parameter("version", "query", "integer"),
                                       parameter("format", "query", "string")}))}}},
      {"/v1/verify", {{"post", operation("recompute the audit chain", 200, ref("Verified"), {401})}}},
      {"/v1/events",
       {{"get",
         {{"summary", "Server-Sent Events of the audit entries the caller may see; id: the entry's seq; resumes "
                      "after Last-Event-ID (else after the query's `after`, else from now)"},
          {"security", json::array({json{{"bearer", json::array()}}})},
          {"parameters",
           json::array({parameter("Last-Event-ID", "header", "integer"), parameter("after", "query", "integer")})},
          {"responses", [&] {
             json responses = problem_responses({400, 401, 403});
             responses["200"] = {{"description", "an event stream: event audit, data: one audit entry (JSON)"},
                                 {"content", {{"text/event-stream", {{"schema", text}}}}}};
             return responses;
           }()}}}}},
      {"/metrics",
       {{"get",
         {{"summary", "Prometheus text: requests by route and status, latency, group-commit batch sizes"},
          {"security", json::array({json{{"bearer", json::array()}}})},
          {"responses", {{"200", {{"description", "metrics"}, {"content", {{"text/plain", {{"schema", text}}}}}}}}}}}}},
  };
  // Each report's query parameters: the fields its protocol command takes (docs/timescales.md).
  const std::vector<std::pair<const char*, std::vector<std::pair<const char*, const char*>>>> reports{
      {"overdue", {{"as_of", "string"}, {"team", "string"}, {"limit", "integer"}}},
      {"due",
       {{"as_of", "string"},
        {"team", "string"},
        {"working_days", "integer"},
        {"workflow", "string"},
        {"limit", "integer"}}},
      {"clocks",
       {{"from", "string"},
        {"to", "string"},
        {"clock", "string"},
        {"outcome", "string"},
        {"team", "string"},
        {"as_of", "string"},
        {"limit", "integer"}}},
      {"caseload", {{"team", "string"}}},
      {"timeliness", {{"from", "string"}, {"to", "string"}, {"as_of", "string"}, {"by", "string"}}},
      {"refusals", {{"from", "string"}, {"to", "string"}, {"team", "string"}}},
      {"overrides", {{"from", "string"}, {"to", "string"}, {"team", "string"}}},
      {"voice", {{"from", "string"}, {"to", "string"}, {"team", "string"}}},
      {"strategy-meetings", {{"from", "string"}, {"to", "string"}, {"team", "string"}, {"by", "string"}}},
      {"actions", {{"as_of", "string"}, {"by", "string"}, {"team", "string"}}},
      {"access", {{"case", "integer"}, {"from", "string"}, {"to", "string"}, {"unreviewed", "boolean"}}},
  };
  for (const auto& [report, fields] : reports) {
    json parameters = json::array();
    for (const auto& [name, type] : fields) parameters.push_back(parameter(name, "query", type));
    paths["/v1/oversight/" + std::string(report)] = {
        {"get", operation(std::string("oversight: ") + report, 200, ref("Any"), {400, 401, 403, 422}, parameters)}};
  }
  paths["/v1/export/{table}"] = {
      {"get", operation("every row of cases, tasks, audit or clocks the caller may see (format csv or json)", 200,
                        {{"type", "array"}}, {400, 401, 403, 422},
                        json::array({parameter("table", "path", "string"), parameter("format", "query", "string")}))}};
  // Every POST but verify (which changes nothing) runs at most once for an Idempotency-Key.
  for (auto& [path, operations] : paths.items()) {
    if (!operations.contains("post") || path == "/v1/verify") continue;
    auto& post = operations["post"];
    json key = parameter("Idempotency-Key", "header", "string");
    key["description"] = "1-255 visible ASCII characters; a retry gets the first answer (Idempotent-Replayed: true)";
    post["parameters"].push_back(key);
  }
  return json{{"openapi", "3.0.3"},
              {"info", {{"title", "casegate"}, {"version", "0.1.0"}}},
              {"paths", paths},
              {"components",
               {{"schemas", schemas},
                {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}}}};
}

}  // namespace

const std::string& openapi_document() {
  static const std::string document = build().dump();
  return document;
}

}  // namespace casegate::server

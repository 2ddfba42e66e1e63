#include "dashboard.hpp"

#include "dashboard_files.hpp"

namespace casegate::server {
namespace {

std::string content_type_of(std::string_view path) {
  auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<HttpResponse> dashboard_file(const std::vector<std::string>& segments) {
  std::string_view path;
  if (segments.empty())
    path = "index.html";
  else if (segments.size() == 2 && segments[0] == "ui" && segments[1] != "index.html")
    path = segments[1];
  else
    return std::nullopt;
  for (const auto& file : dashboard_files()) {
    if (file.path != path) continue;
    HttpResponse response;
    response.content_type = content_type_of(path);
    response.body = std::string(file.bytes);
    response.route = segments.empty() ? "/" : "/ui/{file}";
    response.headers = {{"Content-Security-Policy", dashboard_policy},
                        {"X-Content-Type-Options", "nosniff"},
                        {"Referrer-Policy", "no-referrer"},
                        {"Cache-Control", "no-cache"}};
    return response;
  }
  return std::nullopt;
}

}  // namespace casegate::server

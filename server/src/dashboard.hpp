#pragma once
// The managers' dashboard (docs/dashboard.md): GET / and GET /ui/{file}, the embedded files. They
// hold no data and need no token: each page asks /v1 for what its user may see.
#include <optional>
#include <string>
#include <vector>

#include "http_api.hpp"

namespace casegate::server {

// The file for this path, or nullopt when the path is not the dashboard's.
std::optional<HttpResponse> dashboard_file(const std::vector<std::string>& segments);

// Sent with every dashboard file: nothing is loaded or sent anywhere but this origin, no inline
// script runs, and no other site may frame the pages.
inline constexpr const char* dashboard_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

}  // namespace casegate::server

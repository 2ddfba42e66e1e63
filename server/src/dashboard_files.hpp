#pragma once
// The dashboard's files (server/dashboard), compiled into the server by cmake/EmbedFiles.cmake.
#include <string_view>
#include <vector>

namespace casegate::server {

struct EmbeddedFile {
  std::string_view path;  // relative to server/dashboard, e.g. "app.js"
  std::string_view bytes;
};

const std::vector<EmbeddedFile>& dashboard_files();

}  // namespace casegate::server

#pragma once
// RFC 4180 CSV, as the CLI's --csv, export and the server write it.
#include <string>
#include <vector>

namespace casegate {

// One row: fields quoted when they hold a comma, a quote or a line break; ends in CRLF.
std::string csv_row(const std::vector<std::string>& fields);

}  // namespace casegate

#pragma once
#include <string>

#include "casegate/casegate.hpp"

namespace casegate::cli {

// One self-contained HTML page (no scripts, no network, no external files): overdue clocks,
// timeliness per clock and per team (inline SVG), refusals, overrides and the child's voice.
// Every figure also sits in a data-figure attribute, so tests can read the rendered page.
Result<std::string> render_html_report(Engine& engine, const std::string& as, Instant as_of, Date from, Date to);

}  // namespace casegate::cli

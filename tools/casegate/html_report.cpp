#include "html_report.hpp"

#include <algorithm>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace casegate::cli {
namespace {

std::string esc(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fixed(double value) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << value;
  return out.str();
}

std::string figure(const std::string& name, const std::string& value) {
  return "<span data-figure=\"" + esc(name) + "\">" + esc(value) + "</span>";
}

// Horizontal bars of "% on time", one per label.
std::string bar_chart(const std::string& title,
                      const std::vector<std::pair<std::string, std::optional<double>>>& bars) {
  const int row = 26, label_width = 210, bar_width = 360;
  int height = static_cast<int>(bars.size()) * row + 30;
  std::ostringstream svg;
  svg << "<figure><figcaption>" << esc(title) << "</figcaption><svg width=\"" << label_width + bar_width + 70
      << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << esc(title) << "\">";
  for (int x : {0, 25, 50, 75, 100}) {
    int px = label_width + bar_width * x / 100;
    svg << "<line x1=\"" << px << "\" y1=\"0\" x2=\"" << px << "\" y2=\"" << height - 20
        << "\" stroke=\"#ddd\"/><text x=\"" << px << "\" y=\"" << height - 5
        << "\" font-size=\"11\" text-anchor=\"middle\">" << x << "%</text>";
  }
  int y = 4;
  for (const auto& [label, percent] : bars) {
    double p = percent.value_or(0);
    const char* colour = !percent ? "#bbb" : p >= 90 ? "#2e7d32" : p >= 70 ? "#f9a825" : "#c62828";
    svg << "<text x=\"" << label_width - 8 << "\" y=\"" << y + 15 << "\" font-size=\"13\" text-anchor=\"end\">"
        << esc(label) << "</text><rect x=\"" << label_width << "\" y=\"" << y << "\" width=\""
        << static_cast<int>(bar_width * p / 100) << "\" height=\"" << row - 8 << "\" fill=\"" << colour
        << "\"/><text x=\"" << label_width + static_cast<int>(bar_width * p / 100) + 6 << "\" y=\"" << y + 15
        << "\" font-size=\"12\">" << (percent ? fixed(p) + "%" : "no clocks due") << "</text>";
    y += row;
  }
  svg << "</svg></figure>";
  return svg.str();
}

}  // namespace

Result<std::string> render_html_report(Engine& engine, const std::string& as, Instant as_of, Date from, Date to) {
  auto overdue = engine.overdue(as, as_of, "", 200);
  if (!overdue) return overdue.status();
  auto by_clock = engine.timeliness(as, from, to, as_of, false);
  if (!by_clock) return by_clock.status();
  auto by_team = engine.timeliness(as, from, to, as_of, true);
  if (!by_team) return by_team.status();
  Instant start = london_start_of_day(from), end = std::min(as_of, london_end_of_day(to));
  auto refusals = engine.exceptions(as, "refused", start, end);
  if (!refusals) return refusals.status();
  auto overrides = engine.exceptions(as, "override", start, end);
  if (!overrides) return overrides.status();
  auto voice = voice_report(engine, as, start, end, "");
  if (!voice) return voice.status();

  std::ostringstream html;
  html << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>casegate oversight "
          "report</title><style>"
          "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}"
          "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}td.n{text-align:right}"
          "h2{margin-top:1.6em;border-bottom:2px solid #444}figcaption{font-weight:bold;margin:0.5em "
          "0}</style></head><body>";
  html << "<h1>Oversight report</h1><p>As of " << esc(format_instant(as_of)) << "; clocks due " << format_date(from)
       << " to " << format_date(to) << ".</p>";

  html << "<h2>Overdue</h2><p>" << figure("overdue.total", std::to_string(overdue->total))
       << " clocks are past due and not met"
       << (overdue->total > static_cast<std::int64_t>(overdue->clocks.size()) ? " (the oldest 200 listed)" : "")
       << ".</p>";
  if (!overdue->clocks.empty()) {
    html << "<table><tr><th>Case</th><th>Subject</th><th>Team</th><th>State</th><th>Clock</th><th>Due</th><th>Days "
            "over</th></tr>";
    for (const auto& o : overdue->clocks)
      html << "<tr><td>" << o.clock.case_id << "</td><td>" << esc(o.subject) << "</td><td>" << esc(o.clock.team)
           << "</td><td>" << esc(o.state) << "</td><td>" << esc(o.clock.clock) << "</td><td>" << esc(o.clock.due_date)
           << "</td><td class=\"n\">" << fixed(o.days_overdue) << "</td></tr>";
    html << "</table>";
  }

  html << "<h2>Timeliness</h2><table><tr><th>Clock</th><th>Met on time</th><th>Met "
          "late</th><th>Overdue</th><th>Running</th><th>% on time</th></tr>";
  std::vector<std::pair<std::string, std::optional<double>>> clock_bars;
  for (const auto& r : by_clock->rows) {
    std::string key = "timeliness." + r.clock + ".";
    html << "<tr><td>" << esc(r.clock) << "</td><td class=\"n\">"
         << figure(key + "met_on_time", std::to_string(r.met_on_time)) << "</td><td class=\"n\">"
         << figure(key + "met_late", std::to_string(r.met_late)) << "</td><td class=\"n\">"
         << figure(key + "overdue", std::to_string(r.overdue)) << "</td><td class=\"n\">"
         << figure(key + "running", std::to_string(r.running)) << "</td><td class=\"n\">"
         << figure(key + "percent_on_time", r.percent_on_time ? fixed(*r.percent_on_time) : "-") << "</td></tr>";
    clock_bars.emplace_back(r.clock, r.percent_on_time);
  }
  html << "</table>" << bar_chart("% on time, per clock", clock_bars);
  // Per team: every clock pooled.
  std::map<std::string, std::array<std::int64_t, 3>> teams;  // on time, late, overdue
  for (const auto& r : by_team->rows) {
    auto& t = teams[r.team.empty() ? "(no team)" : r.team];
    t[0] += r.met_on_time;
    t[1] += r.met_late;
    t[2] += r.overdue;
  }
  std::vector<std::pair<std::string, std::optional<double>>> team_bars;
  for (const auto& [team, t] : teams) {
    std::int64_t judged = t[0] + t[1] + t[2];
    team_bars.emplace_back(
        team,
        judged ? std::optional<double>(100.0 * static_cast<double>(t[0]) / static_cast<double>(judged)) : std::nullopt);
  }
  html << bar_chart("% on time, per team (every clock)", team_bars) << "<p>";
  for (const auto& [team, percent] : team_bars)
    html << esc(team) << ": " << figure("team." + team + ".percent_on_time", percent ? fixed(*percent) : "-")
         << "% &nbsp; ";
  html << "</p>";

  html << "<h2>Refusals</h2><p>" << figure("refusals.count", std::to_string(refusals->size()))
       << " attempts to move a case on were refused because something was missing or not allowed.</p>";
  std::map<std::string, int> missing_counts;
  for (const auto& e : *refusals)
    for (const auto& task : read_fire_attempt(e).missing_tasks) ++missing_counts[task];
  if (!missing_counts.empty()) {
    html << "<table><tr><th>Missing task</th><th>Refusals</th></tr>";
    for (const auto& [task, count] : missing_counts)
      html << "<tr><td>" << esc(task) << "</td><td class=\"n\">"
           << figure("refusals.missing." + task, std::to_string(count)) << "</td></tr>";
    html << "</table>";
  }

  html << "<h2>Overrides</h2><p>" << figure("overrides.count", std::to_string(overrides->size()))
       << " gates were overridden by a team manager.</p>";
  if (!overrides->empty()) {
    html << "<table><tr><th>When</th><th>Case</th><th>Manager</th><th>Event</th><th>Without</th><th>Reason</th></tr>";
    for (const auto& e : *overrides) {
      FireAttempt attempt = read_fire_attempt(e);
      std::string without;
      for (const auto& task : attempt.missing_tasks) without += (without.empty() ? "" : ", ") + task;
      html << "<tr><td>" << esc(format_instant(e.entry.at)) << "</td><td>"
           << (e.entry.case_id ? std::to_string(*e.entry.case_id) : "") << "</td><td>" << esc(e.entry.actor)
           << "</td><td>" << esc(attempt.event) << "</td><td>" << esc(without) << "</td><td>" << esc(attempt.reason)
           << "</td></tr>";
    }
    html << "</table>";
  }

  std::int64_t stages = static_cast<std::int64_t>(voice->size()), captured = 0, alone = 0, advocated = 0;
  for (const auto& v : *voice) {
    captured += v.captured;
    alone += v.seen_alone.value_or(false);
    advocated += !v.advocate.empty();
  }
  html << "<h2>The child's voice</h2><p>In " << figure("voice.stages", std::to_string(stages))
       << " stages begun in the period, the child's voice was captured in "
       << figure("voice.captured", std::to_string(captured)) << "; the child was seen alone in "
       << figure("voice.seen_alone", std::to_string(alone)) << " and an advocate was used in "
       << figure("voice.advocate", std::to_string(advocated)) << ".</p>";
  html << "<p style=\"color:#777;font-size:small\">Generated by casegate. Every figure here comes from the same "
          "queries as "
          "<code>casegate oversight</code>.</p></body></html>\n";
  return html.str();
}

}  // namespace casegate::cli

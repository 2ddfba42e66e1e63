#include "casegate/workflow_views.hpp"

#include <sstream>

namespace casegate {
namespace {

std::string dot_escape(const std::string& text) {
  std::string out;
  for (char c : text) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out;
}

// The gate's requirements joined by `separator`, each passed through `escape`.
std::string gate_text(const TransitionInfo& t, const char* separator,
                      std::string (*escape)(const std::string&) = nullptr) {
  std::string text;
  for (const auto& r : t.gate) text += (text.empty() ? "" : separator) + (escape ? escape(describe(r)) : describe(r));
  return text.empty() ? "(no gate)" : text;
}

}  // namespace

std::string workflow_dot(const Workflow& w) {
  std::ostringstream out;
  out << "digraph \"" << w.name() << "_v" << w.version() << "\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  for (const auto& s : w.states())
    out << "  \"" << s.name << "\"" << (s.final ? " [shape=doublecircle]" : s.initial ? " [penwidth=2]" : "") << ";\n";
  for (const auto& t : w.transitions())
    out << "  \"" << t.from << "\" -> \"" << t.to << "\" [label=\""
        << dot_escape(t.event) + "\\n" + gate_text(t, "\\n", dot_escape) << "\"];\n";
  out << "}\n";
  return out.str();
}

std::string workflow_mermaid(const Workflow& w) {
  std::ostringstream out;
  out << "stateDiagram-v2\n  [*] --> " << w.initial_state() << "\n";
  for (const auto& t : w.transitions()) {
    std::string label = t.event + ": " + gate_text(t, "; ");
    for (std::size_t i = t.event.size() + 1; i < label.size(); ++i)
      if (label[i] == ':') label[i] = ' ';  // one colon only: mermaid's separator
    out << "  " << t.from << " --> " << t.to << " : " << label << "\n";
  }
  for (const auto& s : w.states())
    if (s.final) out << "  " << s.name << " --> [*]\n";
  return out.str();
}

}  // namespace casegate

#pragma once
// A workflow drawn from its compiled machine, never a hand-written copy: Graphviz and Mermaid
// text (the JSON form is to_json in casegate/json.hpp). One rendering for the CLI, the protocol
// and the server.
#include <string>

#include "casegate/workflow.hpp"

namespace casegate {

// A Graphviz digraph: states as boxes (final ones double circles), transitions labelled with the
// event and its gate.
std::string workflow_dot(const Workflow& workflow);
// A Mermaid stateDiagram-v2 with the same labels.
std::string workflow_mermaid(const Workflow& workflow);

}  // namespace casegate

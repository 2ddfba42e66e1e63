#pragma once
// The scope of a query as SQLite parameters; the rows are read by store_common.hpp's readers.
#include "casegate/clocks.hpp"
#include "casegate/oversight.hpp"
#include "casegate/records.hpp"
#include "sqlite.hpp"
#include "store_common.hpp"

namespace casegate::storage {

// A scope as two parameters, ?N and ?N+1: the team (empty: every team), then the workflows as a
// JSON array for json_each (null: every workflow). in_scope(N) is the condition on `cases c`.
std::string in_scope(int first_index);
void bind_scope(sqlite::Statement::Use& q, int first_index, const CaseScope& scope);

// A line of the case directory (schema 9), whose key (case_id, kind, n) keeps what is read by case
// together; a stage's line also holds its state and time. Stored as these integers.
enum class DirectoryKind : std::int64_t { stage = 0, task = 1, audit = 2 };
inline constexpr const char* insert_directory_line =
    "INSERT INTO case_directory (case_id, kind, n) VALUES (?1, ?2, ?3)";
void add_to_directory(sqlite::Statement& insert_line, CaseId id, DirectoryKind kind, std::int64_t n);

}  // namespace casegate::storage

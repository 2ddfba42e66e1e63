#pragma once
// Status and Result<T>: the only way casegate reports failure across its API.
// Exceptions never cross the public API.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace casegate {

// A closed set of failure codes. The CLI maps each to one exit code (see docs/cli.md).
enum class Code {
  ok,
  invalid_input,  // malformed or inconsistent input: bad payload, unknown event or kind, bad time
  refused,        // well-formed but not allowed: the role may not do it, a gate (see FireResult)
  denied,         // no legitimate relationship with the case, an expired grant, an inactive user;
                  // its message names nothing of the case but its id (docs/access.md)
  not_found,      // unknown case or user
  conflict,       // stale expected version, database busy past the timeout
  integrity,      // the audit chain does not verify, or the database is from a newer casegate
  internal,       // a bug or an environment failure (I/O error, disk full)
};

std::string_view code_name(Code code);
// The audit log's word for how a command ended: accepted, invalid, refused, denied, not_found,
// conflict, or error for the rest.
std::string_view audit_outcome(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid_input(std::string m) { return {Code::invalid_input, std::move(m)}; }
  static Status refused(std::string m) { return {Code::refused, std::move(m)}; }
  static Status denied(std::string m) { return {Code::denied, std::move(m)}; }
  static Status not_found(std::string m) { return {Code::not_found, std::move(m)}; }
  static Status conflict(std::string m) { return {Code::conflict, std::move(m)}; }
  static Status integrity(std::string m) { return {Code::integrity, std::move(m)}; }
  static Status internal(std::string m) { return {Code::internal, std::move(m)}; }

  bool is_ok() const { return code_ == Code::ok; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  // One line, naming the problem (which field, which value, which case).
  const std::string& message() const { return message_; }
  // "ok" or "<code name>: <message>", e.g. "not_found: case 42 does not exist".
  std::string to_string() const;

 private:
  Code code_ = Code::ok;
  std::string message_;
};

// A value or the Status saying why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}                           // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { ensure_error(); }  // NOLINT

  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: is_ok(). Calling these on an error terminates the program with the status.
  T& value() & {
    check();
    return *value_;
  }
  const T& value() const& {
    check();
    return *value_;
  }
  T&& value() && {
    check();
    return std::move(*value_);
  }
  T* operator->() {
    check();
    return &*value_;
  }
  const T* operator->() const {
    check();
    return &*value_;
  }
  T& operator*() & {
    check();
    return *value_;
  }
  const T& operator*() const& {
    check();
    return *value_;
  }

 private:
  void check() const {
    if (!value_) detail_terminate(status_);
  }
  void ensure_error() {
    if (status_.is_ok()) status_ = Status::internal("Result constructed from an ok Status without a value");
  }
  [[noreturn]] static void detail_terminate(const Status& status);

  std::optional<T> value_;
  Status status_;
};

// What a command that returns nothing but success reports: a Status, spelt as a Result so that
// generic code (the command runner) handles both alike.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool is_ok() const { return status_.is_ok(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

[[noreturn]] void terminate_on_unchecked_result(const Status& status);

template <class T>
void Result<T>::detail_terminate(const Status& status) {
  terminate_on_unchecked_result(status);
}

}  // namespace casegate

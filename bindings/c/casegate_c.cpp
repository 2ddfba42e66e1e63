// The C ABI over the command protocol. Every entry point catches everything: no exception
// crosses into C.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <string>

#include "casegate.h"
#include "casegate/casegate.hpp"
#include "casegate/protocol.hpp"
#include "casegate/utf8.hpp"

#define CASEGATE_EXPORT __attribute__((visibility("default")))

struct casegate_engine {
  std::unique_ptr<casegate::Engine> engine;
  std::string db;
};

namespace {

using casegate::Status;

// A copy the caller frees with casegate_free (malloc'd, so that free() is the matching call).
char* copy_out(const std::string& text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy != nullptr) std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

int fail(const Status& status, char** out, bool as_json) {
  if (out != nullptr) {
    std::string text =
        as_json
            ? nlohmann::json{{"error", {{"code", casegate::code_name(status.code())}, {"message", status.message()}}}}
                  .dump()
            : status.message();
    *out = copy_out(text);
  }
  return casegate::outcome_code(status.code());
}

casegate::Result<casegate::SqliteOptions> parse_options(const char* options_json) {
  casegate::SqliteOptions options;
  if (options_json == nullptr) return options;
  auto body = nlohmann::json::parse(options_json, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Status::invalid_input("options are not a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key == "synchronous" && value.is_string()) {
      const auto& mode = value.get_ref<const std::string&>();
      if (mode == "FULL")
        options.synchronous = casegate::Synchronous::full;
      else if (mode == "NORMAL")
        options.synchronous = casegate::Synchronous::normal;
      else if (mode == "OFF")
        options.synchronous = casegate::Synchronous::off;
      else
        return Status::invalid_input("option 'synchronous' must be FULL, NORMAL or OFF");
    } else if (key == "busy_timeout_ms" && value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
               value.get<std::int64_t>() <= 600000) {
      options.busy_timeout_ms = value.get<int>();
    } else if (key == "wal_checkpoint_in_background" && value.is_boolean()) {
      options.wal_checkpoint_in_background = value.get<bool>();
    } else {
      return Status::invalid_input("unknown or invalid option " + casegate::printable(nlohmann::json(key).dump()));
    }
  }
  return options;
}

}  // namespace

extern "C" {

CASEGATE_EXPORT int casegate_open(const char* db, const char* options_json, casegate_engine** out, char** error) {
  try {
    if (out == nullptr) return fail(Status::invalid_input("out must not be NULL"), error, false);
    *out = nullptr;
    if (db == nullptr) return fail(Status::invalid_input("db must not be NULL"), error, false);
    auto options = parse_options(options_json);
    if (!options) return fail(options.status(), error, false);
    auto opened = casegate::open_engine(db, *options);
    if (!opened) return fail(opened.status(), error, false);
    *out = new casegate_engine{std::move(*opened), db};
    return 0;
  } catch (const std::bad_alloc&) {
    return fail(Status::internal("out of memory"), error, false);
  } catch (const std::exception& e) {
    return fail(Status::internal(e.what()), error, false);
  } catch (...) {
    return fail(Status::internal("unknown failure"), error, false);
  }
}

CASEGATE_EXPORT int casegate_execute(casegate_engine* e, const char* as_user, const char* request_json,
                                     char** response_json) {
  try {
    // Nothing runs when its answer could not be returned.
    if (response_json == nullptr) return casegate::outcome_code(casegate::Code::invalid_input);
    if (e == nullptr) return fail(Status::invalid_input("engine must not be NULL"), response_json, true);
    if (as_user == nullptr) return fail(Status::invalid_input("as_user must not be NULL"), response_json, true);
    if (request_json == nullptr) return fail(Status::invalid_input("request must not be NULL"), response_json, true);
    auto response = casegate::execute_request(*e->engine, as_user, request_json, e->db);
    *response_json = copy_out(response.json);
    return response.code;
  } catch (const std::bad_alloc&) {
    return fail(Status::internal("out of memory"), response_json, true);
  } catch (const std::exception& error) {
    return fail(Status::internal(error.what()), response_json, true);
  } catch (...) {
    return fail(Status::internal("unknown failure"), response_json, true);
  }
}

CASEGATE_EXPORT void casegate_free(char* s) {
  std::free(s);
}

CASEGATE_EXPORT void casegate_close(casegate_engine* e) {
  delete e;  // the engine finishes its last command in its destructor; nothing throws there
}

CASEGATE_EXPORT const char* casegate_version(void) {
  return CASEGATE_VERSION;
}

}  // extern "C"

/* casegate's C ABI: the engine behind one function that takes a JSON request (the command
 * protocol of docs/embedding.md) and returns a JSON response and an outcome code. For .NET
 * (P/Invoke), Java (FFM or JNA), Python (ctypes) and C.
 *
 * Outcome codes: 0 ok, 1 internal, 2 invalid input, 3 refused or denied, 4 not found,
 * 5 conflict, 6 integrity.
 * Strings returned through an out-parameter belong to the caller: free them with casegate_free.
 * An engine may be used from several threads at once; commands from many threads share commits.
 * No C++ exception crosses this boundary. */
#ifndef CASEGATE_H
#define CASEGATE_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct casegate_engine casegate_engine;

/* Opens (creating and migrating) the SQLite database at `db` (":memory:" for a private one) with
 * the seed workflows. `options_json` may be NULL or {"synchronous": "FULL"|"NORMAL"|"OFF",
 * "busy_timeout_ms": N}. On failure *out is NULL and *error (when error is not NULL) holds a
 * one-line message to free with casegate_free. */
int casegate_open(const char* db, const char* options_json, casegate_engine** out, char** error);

/* Runs one request as the user `as_user`; *response_json always receives a JSON document (the
 * command's result, or {"error": {"code", "message"}}) to free with casegate_free. With
 * response_json NULL nothing runs and the answer is 2. */
int casegate_execute(casegate_engine* e, const char* as_user, const char* request_json, char** response_json);

void casegate_free(char* s);
void casegate_close(casegate_engine* e);
/* The library's version, e.g. "0.1.0"; static, not to be freed. */
const char* casegate_version(void);

#ifdef __cplusplus
}
#endif

#endif /* CASEGATE_H */

/* casegate from C11 through libcasegate.so: a case refused until its referral decision is
 * recorded, then accepted; malformed JSON and an unknown case answered with their codes.
 * Exits non-zero unless every step answers as its comment says. */
#include <casegate.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

/* Runs one request and checks its outcome code and that the response contains `expect`. */
static void step(casegate_engine *engine, const char *as, const char *request, int code, const char *expect) {
  char *response = NULL;
  int got = casegate_execute(engine, as, request, &response);
  if (got != code || response == NULL || strstr(response, expect) == NULL) {
    fprintf(stderr, "FAILED %s: code %d (wanted %d), response %s\n", request, got, code, response ? response : "(none)");
    ++failures;
  } else {
    printf("%d %s\n", got, response);
  }
  casegate_free(response);
}

int main(void) {
  casegate_engine *engine = NULL;
  char *error = NULL;
  if (casegate_open(":memory:", "{\"synchronous\": \"NORMAL\"}", &engine, &error) != 0) {
    fprintf(stderr, "cannot open: %s\n", error);
    casegate_free(error);
    return 1;
  }
  printf("casegate %s\n", casegate_version());
  step(engine, "admin", "{\"command\": \"init\", \"admin\": \"admin\"}", 0, "\"admin\":\"admin\"");
  step(engine, "admin", "{\"command\": \"user add\", \"user\": \"sw\", \"role\": \"social_worker\", \"team\": \"north\"}",
       0, "\"role\":\"social_worker\"");
  step(engine, "sw", "{\"command\": \"open\", \"workflow\": \"child_protection\", \"subject\": \"CHILD-1\"}", 0,
       "\"case\":1");
  /* Refused: the gate names what is missing. */
  step(engine, "sw", "{\"command\": \"fire\", \"case\": 1, \"event\": \"refer_to_strategy\"}", 3,
       "\"task\":\"referral_decision\"");
  step(engine, "sw",
       "{\"command\": \"record\", \"case\": 1, \"kind\": \"referral_decision\", "
       "\"data\": {\"decision\": \"significant_harm\"}}",
       0, "\"kind\":\"referral_decision\"");
  step(engine, "sw", "{\"command\": \"fire\", \"case\": 1, \"event\": \"refer_to_strategy\"}", 0,
       "\"outcome\":\"accepted\"");
  step(engine, "sw", "{\"command\": \"fire\", \"case\": ", 2, "\"code\":\"invalid_input\"");
  step(engine, "sw", "{\"command\": \"status\", \"case\": 99}", 4, "\"code\":\"not_found\"");
  casegate_close(engine);
  return failures == 0 ? 0 : 1;
}

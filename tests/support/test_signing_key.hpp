#pragma once
// A signing key for tests only (EC P-256): the server tests and the HTTP fuzzer sign tokens with it.

inline const char* const test_key = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgUpIfX1b/PHM6xRMu
fZcFGPjv3IAJtdLDxn9t68SKbwahRANCAAR8VPL8TcpPyo+xlSEO/FHeXemSqeaf
J0jgC3pPjW4suPRGXCzw2quIc7Cuzb72+5ca3Gvedt5+4LRE0DB+aha1
-----END PRIVATE KEY-----
)";

#pragma once
// Runs the built casegate binary on a test's own database, in a test's own folder.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_database.hpp"

namespace casegate::testing {

struct Run {
  int exit_code;
  std::string out;
  std::string err;
  nlohmann::json parsed() const { return nlohmann::json::parse(out); }
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class Cli {
 public:
  // On the test's store: a SQLite file in the test's folder, or a fresh PostgreSQL schema.
  Cli() : Cli(nullptr) { db_ = test_database((dir_ / "cli.db").string()); }
  // On a SQLite file of this name in the test's folder, whatever the test's store.
  explicit Cli(const char* sqlite_file) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("casegate-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    if (sqlite_file) db_ = (dir_ / sqlite_file).string();
  }
  ~Cli() { std::filesystem::remove_all(dir_); }

  // Runs casegate with --db set to this test's database, in this test's folder.
  Run operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {CASEGATE_BIN, "--db", db_});
    auto out_path = dir_ / "stdout", err_path = dir_ / "stderr";
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      if (chdir(dir_.c_str()) != 0) _exit(120);
      FILE* out = freopen(out_path.c_str(), "w", stdout);
      FILE* err = freopen(err_path.c_str(), "w", stderr);
      if (!out || !err) _exit(121);
      unsetenv("CASEGATE_USER");
      unsetenv("CASEGATE_DB");
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    return Run{WEXITSTATUS(status), slurp(out_path), slurp(err_path)};
  }

  // init, and one user of each role a case needs.
  void set_up_team() const {
    REQUIRE((*this)({"init", "--admin", "admin.ali"}).exit_code == 0);
    for (auto [id, role] :
         {std::pair{"sw.jones", "social_worker"}, {"tm.khan", "team_manager"}, {"chair.patel", "conference_chair"}})
      REQUIRE((*this)({"--as", "admin.ali", "user", "add", id, "--role", role, "--team", "north"}).exit_code == 0);
  }

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& db() const { return db_; }

 private:
  std::filesystem::path dir_;
  std::string db_;
};

}  // namespace casegate::testing

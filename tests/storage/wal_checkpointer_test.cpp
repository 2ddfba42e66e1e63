// The store's write-ahead log: who copies it into the database file, that the log stays bounded,
// and that the pages each commit appends are counted.
#include "wal_checkpointer.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "sqlite.hpp"

using namespace casegate::storage;

namespace {

constexpr std::uintmax_t frame = 24 + 4096;  // a frame header and a page

// A WAL-mode database with one table in a fresh folder, written one row per commit as the store
// would, with a checkpointer on its connection.
struct LogScene {
  std::filesystem::path dir;
  std::string path;
  std::unique_ptr<casegate::sqlite::Database> db;
  std::unique_ptr<WalCheckpointer> checkpointer;
  std::uintmax_t initial_file_size = 0;

  LogScene() {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          ("casegate-wal-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    path = (dir / "log.db").string();
    db = std::make_unique<casegate::sqlite::Database>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db->execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0");
    sqlite3_busy_timeout(db->handle(), 5000);  // as the store's connection waits
    db->execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
  }
  void checkpoint_by(bool background, CheckpointThresholds thresholds) {
    checkpointer = std::make_unique<WalCheckpointer>(db->handle(), path, background, thresholds);
    initial_file_size = file_size();  // with the table, copied as the checkpointer starts
  }
  bool copied() const { return file_size() > initial_file_size; }
  ~LogScene() {
    checkpointer.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
  void commit_rows(int rows) {
    for (int n = 0; n < rows; ++n) db->execute("INSERT INTO t (body) VALUES (randomblob(1500))");
  }
  std::uintmax_t file_size() const { return std::filesystem::file_size(path); }
  std::uintmax_t log_size() const { return std::filesystem::file_size(path + "-wal"); }
  std::int64_t rows() {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db->handle(), "SELECT count(*) FROM t", -1, &q, nullptr);
    sqlite3_step(q);
    std::int64_t n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
  }
};

// Waits up to ten seconds for `done`; a thread on a loaded machine may take a while to run.
template <class F>
bool eventually(F done) {
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10); !done();) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

TEST_CASE("the store's own thread copies the log into the database file while commits go on", "[sqlite][wal]") {
  LogScene scene;
  // The committing thread is never to copy: anything copied was copied by the other thread.
  scene.checkpoint_by(true, {.background_at = 20, .writer_at = 1000000});
  scene.commit_rows(40);
  CHECK(eventually([&] { return scene.copied(); }));
}

TEST_CASE("without a checkpoint, nothing copies the log (SQLite's own checkpoint is replaced)", "[sqlite][wal]") {
  LogScene scene;
  scene.checkpoint_by(false, {.background_at = 1000000});
  scene.commit_rows(1200);  // more than SQLite's own 1,000-page threshold
  CHECK_FALSE(scene.copied());
  CHECK(scene.log_size() > 1000 * frame);
}

TEST_CASE("in the committing thread, the commit that fills the log copies it before it returns", "[sqlite][wal]") {
  LogScene scene;
  scene.checkpoint_by(false, {.background_at = 20});
  scene.commit_rows(5);
  CHECK_FALSE(scene.copied());
  scene.commit_rows(20);
  CHECK(scene.copied());
  // And the log starts again instead of growing.
  scene.commit_rows(500);
  CHECK(scene.log_size() < 60 * frame);
}

TEST_CASE("beside a busy writer the log still starts again, so it stays bounded, and nothing is lost",
          "[sqlite][wal]") {
  LogScene scene;
  scene.checkpoint_by(true, {.background_at = 20, .writer_at = 100});
  scene.commit_rows(2000);
  scene.checkpointer.reset();
  // The log reaches the writer's threshold and then some: commits made while the other thread
  // held the copy, up to twice the threshold, where the writer waits for it (a disk kept busy by
  // others holds that copy's syncs up). Without the writer finishing the copy it would never
  // start again and would hold every page of the 2,000 commits, about 4,000.
  CHECK(scene.log_size() < 1000 * frame);
  CHECK(scene.rows() == 2000);
  scene.db = std::make_unique<casegate::sqlite::Database>(scene.path, SQLITE_OPEN_READWRITE);
  CHECK(scene.rows() == 2000);
}

TEST_CASE("the pages each commit appends to the log are counted", "[sqlite][wal]") {
  LogScene scene;
  scene.checkpoint_by(false, {.background_at = 1000000});
  const auto before = WalCheckpointer::pages_appended();
  const auto log_before = scene.log_size();
  scene.commit_rows(30);
  // The log was never copied, so it holds every page appended, each in a frame of its own.
  const auto frames = static_cast<std::int64_t>((scene.log_size() - log_before) / frame);
  CHECK(frames >= 30);
  CHECK(WalCheckpointer::pages_appended() - before == frames);
}

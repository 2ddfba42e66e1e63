// Integrity: verify the audit chain (against a signed checkpoint too), checkpoint it, make a key,
// and copy a SQLite database into PostgreSQL with every hash unchanged.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace casegate::cli {

std::vector<Command> integrity_commands() {
  struct Options {
    std::string checkpoint_file, public_key, key_file, out_file, to;
  };
  auto o = std::make_shared<Options>();
  std::vector<Command> table{
      {"verify", "recompute the audit hash chain; exit 6 if it does not verify",
       [o](CLI::App& c) {
         c.add_option("--checkpoint", o->checkpoint_file,
                      "also check against a signed checkpoint (finds truncation, rewriting)");
         c.add_option("--public-key", o->public_key, "require the checkpoint to be signed by this key (64 hex digits)");
       },
       [o](Session& s) {
         std::optional<Checkpoint> checkpoint;
         if (!o->checkpoint_file.empty()) {
           auto text = read_file(o->checkpoint_file);
           if (!text) return report(text.status());
           auto parsed = parse_checkpoint_json(*text);
           if (!parsed) return report(parsed.status());
           checkpoint = *parsed;
         }
         if (int failed = s.ready(false)) return failed;
         auto verified = s.engine->verify(checkpoint ? &*checkpoint : nullptr, o->public_key);
         if (!verified) return Session::finish(verified.status());

         if (!verified->ok)
           return report(Status::integrity("audit chain does not verify at entry " +
                                           std::to_string(verified->first_bad_seq) + ": " + verified->problem));
         {
           std::cout << "audit chain verified: " << verified->entries_verified << " entries";
           if (checkpoint)
             std::cout << "; entry " << checkpoint->head.seq << " matches the checkpoint of "
                       << format_instant(checkpoint->at);
           std::cout << "\n";
         }
         return 0;
       }},
      {"checkpoint", "verify the chain and sign its newest entry (keep the file elsewhere)",
       [o](CLI::App& c) {
         c.add_option("--key", o->key_file,
                      "Ed25519 private key, PEM (casegate keygen, or openssl genpkey -algorithm ed25519)")
             ->required();
         c.add_option("--out", o->out_file, "write the checkpoint here (default: stdout)");
       },
       [o](Session& s) {
         auto key = read_file(o->key_file);
         if (!key) return report(key.status());
         if (int failed = s.ready(false)) return failed;
         auto signed_checkpoint = s.engine->checkpoint(*key);
         if (!signed_checkpoint) return Session::finish(signed_checkpoint.status());
         std::string text = checkpoint_json(*signed_checkpoint) + "\n";
         if (o->out_file.empty()) {
           std::cout << text;
           return 0;
         }
         if (auto written = write_file(o->out_file, text, false); !written) return Session::finish(written);
         std::cerr << "checkpoint of entry " << signed_checkpoint->head.seq << " written to " << o->out_file << "\n";
         return 0;
       }},
      {"copy", "copy the --db SQLite database into an empty PostgreSQL database, then verify both chains",
       [o](CLI::App& c) {
         c.add_option("--to", o->to, "the PostgreSQL database: a libpq URI, postgresql://...")->required();
       },
       [o](Session& s) {
         if (!is_postgres_uri(o->to))
           return report(Status::invalid_input("--to must be a postgresql:// or postgres:// URI"));
         if (int failed = s.ready(false)) return failed;  // migrates the source first
         if (is_postgres_uri(s.globals.db))
           return report(Status::invalid_input("copy reads a SQLite --db file; this --db is PostgreSQL"));
         s.engine.reset();
         // The copy verifies the source's chain as it reads it: no separate pass over it.
         auto copied = copy_sqlite_to_postgres(s.globals.db, o->to);
         if (!copied) return report(copied.status());
         auto target = open(s.globals, o->to);
         if (!target) return report(target.status());
         auto verified = (*target)->verify(nullptr, "");
         if (!verified) return Session::finish(verified.status());
         if (!verified->ok || verified->head.hash != copied->hash)
           return report(Status::integrity("the copy's audit chain does not match the source's"));
         std::cout << "copied; audit chain verified on both: " << verified->entries_verified << " entries, head "
                   << verified->head.hash << "\n";
         return 0;
       }},
      {"keygen", "create an Ed25519 key for checkpoints; prints its public key",
       [o](CLI::App& c) { c.add_option("--out", o->out_file, "private key file to create (mode 0600)")->required(); },
       [o](Session&) {
         auto pair = generate_ed25519_key();
         if (!pair) return Session::finish(pair.status());
         if (auto written = write_file(o->out_file, pair->private_key_pem, true); !written)
           return Session::finish(written);
         std::cout << pair->public_key << "\n";
         return 0;
       }},
  };
  // --json: the chain's report through the protocol, with the checkpoint file's content.
  set_request(
      table, "verify",
      [o]() -> Result<nlohmann::json> {
        nlohmann::json r{{"command", "verify"}};
        if (!o->checkpoint_file.empty()) {
          auto text = read_file(o->checkpoint_file);
          if (!text) return text.status();
          auto checkpoint = nlohmann::json::parse(*text, nullptr, false);
          if (checkpoint.is_discarded()) return Status::invalid_input("'" + o->checkpoint_file + "' is not JSON");
          r["checkpoint"] = checkpoint;
        }
        put_text(r, "public_key", o->public_key);
        return r;
      },
      false);
  return table;
}

}  // namespace casegate::cli

// Users: the first admin, adding users, (de)activating them, listing them.
#include "engine_impl.hpp"

namespace casegate {

Status Engine::init(const std::string& admin_id, const std::string& admin_name) {
  if (auto s = check_identifier("admin id", admin_id); !s) return s;
  if (auto s = check_text("admin name", admin_name, false); !s) return s;
  return impl_->runner
      .unattended<void>([&]() -> Result<void> {
        auto any = impl_->cases().has_users();
        if (!any) return any.status();
        if (*any) return Status::refused("the database is already initialised; an admin adds users");
        User admin{admin_id, admin_name.empty() ? admin_id : admin_name, Role::admin, "", true};
        if (auto s = impl_->cases().insert_user(admin); !s) return s;
        DetailJson detail;
        detail.text("user", admin.id);
        detail.text("role", "admin");
        return impl_->audit()
            .append(AuditDraft{impl_->clock->now(), std::nullopt, admin.id, "admin", "init", "accepted", detail.str()})
            .status();
      })
      .status();
}

Status Engine::add_user(std::string_view as, const User& user) {
  return impl_->runner
      .audited<void>(
          as, "user_add", std::nullopt,
          [&](const User& actor, AuditBuilder& audit) -> Result<void> {
            audit.detail.text("user", user.id.substr(0, max_id_bytes));
            audit.detail.text("role", role_name(user.role));
            if (actor.role != Role::admin)
              return Status::refused("only an admin adds users; " + actor.id + " is " +
                                     std::string(role_name(actor.role)));
            if (auto s = check_identifier("user id", user.id); !s) return s;
            if (auto s = check_text("user name", user.name, false); !s) return s;
            if (auto s = check_text("team", user.team, false); !s) return s;
            // Their cases are their team's (docs/access.md).
            if ((user.role == Role::social_worker || user.role == Role::team_manager) && user.team.empty())
              return Status::invalid_input("a " + std::string(role_name(user.role)) + " needs a team (--team)");
            auto existing = impl_->cases().find_user(user.id);
            if (!existing) return existing.status();
            if (existing->has_value()) return Status::invalid_input("user " + shown_name(user.id) + " already exists");
            User stored = user;
            if (stored.name.empty()) stored.name = stored.id;
            stored.active = true;
            audit.detail.text("team", stored.team);
            return impl_->cases().insert_user(stored);
          })
      .status();
}

Status Engine::set_user_active(std::string_view as, std::string_view user_id, bool active) {
  return impl_->runner
      .audited<void>(as, "user_update", std::nullopt,
                     [&](const User& actor, AuditBuilder& audit) -> Result<void> {
                       audit.detail.text("user", std::string(user_id.substr(0, max_id_bytes)));
                       audit.detail.flag("active", active);
                       if (actor.role != Role::admin)
                         return Status::refused("only an admin changes users; " + actor.id + " is " +
                                                std::string(role_name(actor.role)));
                       if (actor.id == user_id && !active)
                         return Status::refused("an admin cannot deactivate themself");
                       auto existing = impl_->cases().find_user(user_id);
                       if (!existing) return existing.status();
                       if (!existing->has_value())
                         return Status::not_found("user " + shown_name(user_id) + " does not exist");
                       return impl_->cases().set_user_active(user_id, active);
                     })
      .status();
}

Status Engine::check_user(std::string_view user) {
  return impl_->runner.read<void>(user, [] { return Result<void>(); }).status();
}

Result<std::vector<User>> Engine::list_users(std::string_view as) {
  return impl_->runner.read<std::vector<User>>(as, [&] { return impl_->cases().list_users(); });
}

}  // namespace casegate

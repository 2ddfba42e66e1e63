// Deployment settings and the working-day calendar.
#include <charconv>

#include "engine_impl.hpp"

namespace casegate {

Status Engine::set_setting(std::string_view as, std::string_view key, std::string_view value) {
  return impl_->runner
      .audited<void>(
          as, "settings", std::nullopt,
          [&](const User& actor, AuditBuilder& audit) -> Result<void> {
            audit.detail.text("key", key.substr(0, max_id_bytes));
            audit.detail.text("value", value.substr(0, max_id_bytes));
            if (!may_configure(actor.role)) return Status::refused("only a team_manager or an admin changes settings");
            if (key == "calendar.jurisdiction") {
              if (!parse_jurisdiction(value))
                return Status::invalid_input("calendar.jurisdiction: " + shown_name(value) +
                                             " is not england_and_wales, scotland or northern_ireland");
              if (auto s = impl_->cases().set_setting(key, value); !s) return s;
              return impl_->cases().add_calendar_change("jurisdiction", std::nullopt, value);
            }
            const SettingDefinition* definition = impl_->workflows.find_setting(key);
            if (definition == nullptr) return Status::invalid_input("unknown setting " + shown_name(key));
            std::int64_t number = 0;
            auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
            if (error != std::errc() || end != value.data() + value.size())
              return Status::invalid_input(definition->key + ": " + shown_name(value) + " is not a whole number");
            if (number < definition->min || number > definition->max)
              return Status::invalid_input(definition->key + ": " + std::to_string(number) + " is outside " +
                                           std::to_string(definition->min) + ".." + std::to_string(definition->max));
            return impl_->cases().set_setting(key, std::to_string(number));
          })
      .status();
}

Result<std::vector<SettingView>> Engine::settings(std::string_view as) {
  return impl_->runner.read<std::vector<SettingView>>(as, [&]() -> Result<std::vector<SettingView>> {
    auto stored = impl_->cases().settings();
    if (!stored) return stored.status();
    std::vector<SettingView> list;
    auto jurisdiction = stored->find("calendar.jurisdiction");
    list.push_back({"calendar.jurisdiction", jurisdiction == stored->end() ? "england_and_wales" : jurisdiction->second,
                    jurisdiction == stored->end(), "bank holidays by the rules of this jurisdiction"});
    for (const auto& d : impl_->workflows.settings()) {
      auto it = stored->find(d.key);
      list.push_back(
          {d.key, it == stored->end() ? std::to_string(d.default_value) : it->second, it == stored->end(), d.meaning});
    }
    return list;
  });
}

Status Engine::change_calendar(std::string_view as, std::string_view kind, Date date, std::string_view reason) {
  return impl_->runner
      .audited<void>(
          as, "calendar", std::nullopt,
          [&](const User& actor, AuditBuilder& audit) -> Result<void> {
            audit.detail.text("change", kind.substr(0, max_id_bytes));
            audit.detail.text("date", format_date(date));
            audit.detail.text("reason", reason.substr(0, max_text_bytes));
            if (!may_configure(actor.role))
              return Status::refused("only a team_manager or an admin changes the calendar");
            if (kind != "closure" && kind != "working")
              return Status::invalid_input("calendar change " + shown_name(kind) + " is not closure or working");
            if (!date.ok()) return Status::invalid_input("not a date");
            if (auto s = check_text("reason", reason, true); !s) return s;
            return impl_->cases().add_calendar_change(kind, date, reason);
          })
      .status();
}

Result<std::shared_ptr<const Calendar>> Engine::calendar(std::string_view as) {
  return impl_->runner.read<std::shared_ptr<const Calendar>>(as, [&] { return impl_->current_calendar(); });
}

}  // namespace casegate

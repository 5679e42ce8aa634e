// See access_commands.h. Each command is parsed and checked (role names, the
// password on stdin, the hash cost) before the store is opened, so a usage
// error never creates or touches a database.
#include "access_commands.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <vector>

#include "output.h"
#include "password_input.h"
#include "progress.h"

#include "rapport/app/access_service.h"
#include "rapport/domain/access.h"

namespace rapport::cli {
namespace {

// What a command does once the store is open and the acting principal known.
struct AccessContext {
  app::AccessService& service;
  const app::Principal& principal;
  const app::Origin& origin;
};
using AccessBody = std::function<int(const AccessContext&)>;

std::vector<std::string> RoleNames() {
  std::vector<std::string> names;
  for (domain::Role role : domain::kAllRoles) names.emplace_back(domain::RoleName(role));
  return names;
}

std::string RoleList() {
  std::string list;
  for (const std::string& name : RoleNames()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

domain::Role RoleFromOption(const std::string& name) {
  const std::optional<domain::Role> role = domain::ParseRole(name);
  RAPPORT_ASSERT(role.has_value());  // the option's IsMember check ran first
  return *role;
}

// RFC 3339 to the second: tables are for people.
std::string TableTime(Timestamp at) {
  std::string text = FormatRfc3339(at);
  const std::size_t fraction = text.find('.');
  if (fraction != std::string::npos) text = text.substr(0, fraction) + "Z";
  return text;
}

std::string JsonTime(const std::optional<Timestamp>& at) {
  return at.has_value() ? JsonQuoted(FormatRfc3339(*at)) : std::string("null");
}

// --- Options shared by every access command

void AddActorOptions(CLI::App& command, AccessCommandLine& line) {
  ActorOptions& actor = line.actors[&command];
  AddDataOptions(command, actor.data);
  command
      .add_option("--token", actor.token,
                  "Act as this API token (its role's permissions) instead of as the operator (admin)")
      ->envname("RAPPORT_TOKEN");
}

CLI::Option* AddEmailOption(CLI::App& command, AccessCommandLine& line) {
  return command.add_option("--email", line.email, "The user's e-mail address (any case)")->required();
}

CLI::Option* AddRoleOption(CLI::App& command, AccessCommandLine& line, const std::string& what) {
  return command.add_option("--role", line.role, what + ": " + RoleList())
      ->required()
      ->check(CLI::IsMember(RoleNames()));
}

CLI::Option* AddPasswordStdinFlag(CLI::App& command, AccessCommandLine& line) {
  return command
      .add_flag("--password-stdin", line.password_stdin,
                "Read the password from the first line of standard input (never from an argument)")
      ->required();
}

// --- Opening the store and choosing the principal

Result<app::Principal> ResolvePrincipal(app::AccessService& service, const std::string& token,
                                        const app::Origin& origin) {
  if (token.empty()) return app::AccessService::Operator(OperatorAccount());
  app::AccessOutcome<app::Principal> outcome = service.AuthenticateToken(token, origin);
  if (outcome.ok()) return std::move(*outcome.value);
  if (outcome.retry_after_s > 0) {
    return ResourceExhausted("the token is rate limited; retry in " + std::to_string(outcome.retry_after_s) + " s");
  }
  return Status(StatusCode::kUnauthenticated, "the token was refused (unknown, revoked or malformed)");
}

int RunWithAccess(const Environment& environment, const ActorOptions& actor, const app::AccessOptions& options,
                  const AccessBody& body) {
  Result<std::unique_ptr<app::Store>> store = environment.open_store(ToStoreOptions(actor.data, environment.clock));
  if (!store.ok()) return Fail(environment, store.status());
  int code = kExitFailure;
  {
    app::AccessService service(**store, *environment.clock, options);
    const app::Origin origin{.remote = "", .user_agent = "rapport-cli/" + environment.version};
    Result<app::Principal> principal = ResolvePrincipal(service, actor.token, origin);
    code = principal.ok() ? body(AccessContext{service, *principal, origin}) : Fail(environment, principal.status());
    // As in the API, a token's use is recorded only for work it was allowed to do.
    if (code == kExitSuccess && principal.ok()) {
      const Status recorded = service.RecordUse(*principal, origin);
      if (!recorded.ok()) code = Fail(environment, recorded);
    }
  }
  const Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(environment, closed);
  return code;
}

// --- Users

std::string UserJson(const app::User& user) {
  return std::string("{\"id\":") + std::to_string(user.id.value()) + ",\"email\":" + JsonQuoted(user.email) +
         ",\"display_name\":" + JsonQuoted(user.display_name) + ",\"role\":" + JsonQuoted(domain::RoleName(user.role)) +
         ",\"disabled\":" + (user.disabled ? "true" : "false") +
         ",\"created_at\":" + JsonQuoted(FormatRfc3339(user.created_at)) +
         ",\"updated_at\":" + JsonQuoted(FormatRfc3339(user.updated_at)) + "}";
}

std::string UserSummary(const app::User& user) {
  return user.email + " (id " + std::to_string(user.id.value()) + ", role " + std::string(domain::RoleName(user.role)) +
         (user.disabled ? ", disabled)" : ", active)");
}

// The display name when --name is not given: the e-mail's local part.
std::string DefaultDisplayName(const std::string& email) { return email.substr(0, email.find('@')); }

int UserAdd(const Environment& environment, const AccessCommandLine& line, const AccessContext& context,
            const std::string& password) {
  const app::CreateUserRequest request{
      .email = line.email,
      .display_name = line.display_name.empty() ? DefaultDisplayName(line.email) : line.display_name,
      .role = RoleFromOption(line.role),
      .password = password,
  };
  Result<app::User> user = context.service.CreateUser(context.principal, context.origin, request);
  if (!user.ok()) return Fail(environment, user.status());
  *environment.out << "added user " << UserSummary(*user) << '\n';
  return kExitSuccess;
}

int UserList(const Environment& environment, const AccessCommandLine& line, const AccessContext& context) {
  Result<std::vector<app::User>> users = context.service.ListUsers(context.principal);
  if (!users.ok()) return Fail(environment, users.status());
  if (line.json) {
    for (const app::User& user : *users) *environment.out << UserJson(user) << '\n';
    return kExitSuccess;
  }
  TextTable table({"ID", "EMAIL", "NAME", "ROLE", "STATUS", "CREATED"});
  for (const app::User& user : *users) {
    table.AddRow({std::to_string(user.id.value()), user.email, user.display_name,
                  std::string(domain::RoleName(user.role)), user.disabled ? "disabled" : "active",
                  TableTime(user.created_at)});
  }
  table.Print(*environment.out);
  return kExitSuccess;
}

// Finds the user named by --email, then applies `request` to it.
int UserUpdate(const Environment& environment, const AccessCommandLine& line, const AccessContext& context,
               const app::UpdateUserRequest& request, std::string_view done) {
  Result<app::User> user = context.service.GetUserByEmail(context.principal, line.email);
  if (!user.ok()) return Fail(environment, user.status());
  Result<app::User> updated = context.service.UpdateUser(context.principal, context.origin, user->id, request);
  if (!updated.ok()) return Fail(environment, updated.status());
  *environment.out << done << ' ' << UserSummary(*updated) << '\n';
  return kExitSuccess;
}

// --- Tokens

std::string TokenJson(const app::ApiToken& token) {
  const std::string created_by =
      token.created_by.has_value() ? std::to_string(token.created_by->value()) : std::string("null");
  return std::string("{\"id\":") + std::to_string(token.id.value()) + ",\"name\":" + JsonQuoted(token.name) +
         ",\"role\":" + JsonQuoted(domain::RoleName(token.role)) + ",\"created_by\":" + created_by +
         ",\"created_at\":" + JsonQuoted(FormatRfc3339(token.created_at)) +
         ",\"last_used_at\":" + JsonTime(token.last_used_at) + ",\"revoked_at\":" + JsonTime(token.revoked_at) + "}";
}

int TokenCreate(const Environment& environment, const AccessCommandLine& line, const AccessContext& context) {
  Result<app::CreatedToken> created =
      context.service.CreateToken(context.principal, context.origin, line.token_name, RoleFromOption(line.role));
  if (!created.ok()) return Fail(environment, created.status());
  *environment.out << "created token '" << created->token.name << "' (id " << created->token.id.value() << ", role "
                   << domain::RoleName(created->token.role) << ")\n"
                   << "Copy it now: it is not stored and will not be shown again.\n"
                   << created->secret << '\n';
  return kExitSuccess;
}

int TokenList(const Environment& environment, const AccessCommandLine& line, const AccessContext& context) {
  Result<std::vector<app::ApiToken>> tokens = context.service.ListTokens(context.principal);
  if (!tokens.ok()) return Fail(environment, tokens.status());
  if (line.json) {
    for (const app::ApiToken& token : *tokens) *environment.out << TokenJson(token) << '\n';
    return kExitSuccess;
  }
  TextTable table({"ID", "NAME", "ROLE", "CREATED_BY", "CREATED", "LAST_USED", "REVOKED"});
  for (const app::ApiToken& token : *tokens) {
    table.AddRow({std::to_string(token.id.value()), token.name, std::string(domain::RoleName(token.role)),
                  token.created_by.has_value() ? "user:" + std::to_string(token.created_by->value()) : "cli",
                  TableTime(token.created_at), token.last_used_at.has_value() ? TableTime(*token.last_used_at) : "-",
                  token.revoked_at.has_value() ? TableTime(*token.revoked_at) : "-"});
  }
  table.Print(*environment.out);
  return kExitSuccess;
}

int TokenRevoke(const Environment& environment, const AccessCommandLine& line, const AccessContext& context) {
  Result<app::ApiToken> token = context.service.RevokeTokenByName(context.principal, context.origin, line.token_name);
  if (!token.ok()) return Fail(environment, token.status());
  *environment.out << "revoked token '" << token->name << "' (id " << token->id.value() << ")\n";
  return kExitSuccess;
}

// --- Audit

std::string AuditJson(const app::AuditRecord& record) {
  return std::string("{\"sequence\":") + std::to_string(record.sequence) +
         ",\"at\":" + JsonQuoted(FormatRfc3339(record.at)) + ",\"actor\":" + JsonQuoted(record.actor) +
         ",\"action\":" + JsonQuoted(record.action) + ",\"subject_type\":" + JsonQuoted(record.subject_type) +
         ",\"subject_id\":" + std::to_string(record.subject_id) + ",\"remote\":" + JsonQuoted(record.remote) +
         ",\"details\":" + (record.details_json.empty() ? std::string("{}") : record.details_json) +
         ",\"hash\":" + JsonQuoted(record.hash) + "}";
}

int AuditList(const Environment& environment, const AccessCommandLine& line, const AccessContext& context) {
  app::AuditQuery query;
  if (line.audit_before_option->count() > 0) query.before_sequence = line.audit_before;
  query.actor = line.audit_actor;
  query.action_prefix = line.audit_action_prefix;
  query.limit = line.audit_limit;
  Result<std::vector<app::AuditRecord>> records = context.service.ListAudit(context.principal, query);
  if (!records.ok()) return Fail(environment, records.status());
  if (line.json) {
    for (const app::AuditRecord& record : *records) *environment.out << AuditJson(record) << '\n';
    return kExitSuccess;
  }
  TextTable table({"SEQUENCE", "AT", "ACTOR", "ACTION", "SUBJECT", "REMOTE", "DETAILS"});
  for (const app::AuditRecord& record : *records) {
    const std::string subject =
        record.subject_type.empty() ? "-" : record.subject_type + ":" + std::to_string(record.subject_id);
    table.AddRow({std::to_string(record.sequence), TableTime(record.at), record.actor, record.action, subject,
                  record.remote.empty() ? "-" : record.remote, record.details_json});
  }
  table.Print(*environment.out);
  if (static_cast<int>(records->size()) == query.limit) {
    *environment.err << "older records: --before " << records->back().sequence << '\n';
  }
  return kExitSuccess;
}

int AuditVerify(const Environment& environment, const AccessContext& context) {
  // Sequences have no gaps, so the newest one is the length the walk expects.
  app::AuditQuery newest_query;
  newest_query.limit = 1;
  Result<std::vector<app::AuditRecord>> newest = context.service.ListAudit(context.principal, newest_query);
  if (!newest.ok()) return Fail(environment, newest.status());
  const std::int64_t expected_rows = newest->empty() ? 0 : newest->front().sequence;

  TerminalProgress progress(*environment.err, environment.err_is_terminal);
  const bool show_progress = expected_rows >= kAuditProgressRowsMin;
  Result<app::ChainVerification> verification =
      context.service.VerifyAudit(context.principal, [&](std::int64_t rows_so_far) {
        if (show_progress) progress.Update("audit", rows_so_far, std::max(rows_so_far, expected_rows));
      });
  progress.Finish();
  if (!verification.ok()) return Fail(environment, verification.status());
  if (verification->ok()) {
    *environment.out << "Audit log intact: " << verification->rows_verified << " records\n";
    return kExitSuccess;
  }
  *environment.out << "Audit log BROKEN at sequence " << verification->broken_sequence << ": "
                   << app::ChainFaultName(verification->fault) << '\n'
                   << verification->rows_verified << " records verified before the break";
  if (verification->fault == app::ChainFault::kMissing) {
    *environment.out << "; sequence " << verification->expected_sequence << " is missing";
  }
  *environment.out << '\n';
  return kExitFailure;
}

// --- Declaring the commands

void AddUserCommands(CLI::App& app, AccessCommandLine& line) {
  CLI::App* user = app.add_subcommand("user", "Manage the people who sign in: add, list, disable, change role");
  user->require_subcommand(1);
  user->footer(
      "Roles: " + RoleList() +
      ".\n"
      "Passwords are read from standard input only, e.g.\n"
      "  printf '%s\\n' \"$PASSWORD\" | rapport user add --email ann@example.com --role manager --password-stdin\n"
      "Acts as the operator (admin) unless --token or RAPPORT_TOKEN names an API token.");

  line.user_add = user->add_subcommand("add", "Add a user (password from standard input)");
  AddEmailOption(*line.user_add, line);
  AddRoleOption(*line.user_add, line, "The user's role");
  line.user_add->add_option("--name", line.display_name, "Display name (default: the part of the e-mail before @)");
  AddPasswordStdinFlag(*line.user_add, line);

  line.user_list = user->add_subcommand("list", "List users: id, e-mail, name, role, status, created");
  line.user_list->add_flag("--json", line.json, "One JSON object per line instead of a table");

  line.user_disable = user->add_subcommand("disable", "Disable a user: their sessions end, sign-in is refused");
  AddEmailOption(*line.user_disable, line);
  line.user_enable = user->add_subcommand("enable", "Enable a disabled user again");
  AddEmailOption(*line.user_enable, line);

  line.user_set_role = user->add_subcommand("set-role", "Change a user's role: their sessions end");
  AddEmailOption(*line.user_set_role, line);
  AddRoleOption(*line.user_set_role, line, "The new role");

  line.user_set_password =
      user->add_subcommand("set-password", "Reset a user's password (from standard input): their sessions end");
  AddEmailOption(*line.user_set_password, line);
  AddPasswordStdinFlag(*line.user_set_password, line);

  for (CLI::App* command : {line.user_add, line.user_list, line.user_disable, line.user_enable, line.user_set_role,
                            line.user_set_password}) {
    AddActorOptions(*command, line);
  }
}

void AddTokenCommands(CLI::App& app, AccessCommandLine& line) {
  CLI::App* token = app.add_subcommand("token", "Manage API tokens for integrations: create, list, revoke");
  token->require_subcommand(1);
  token->footer(
      "A token acts with its role's permissions: send it as 'Authorization: Bearer rpt_...'.\n"
      "Only its digest is stored: the token is printed once, as the last line of 'token create'.");

  line.token_create = token->add_subcommand("create", "Create a token; prints it once, as the last line");
  line.token_create->add_option("--name", line.token_name, "A name unique among active tokens, e.g. shop")->required();
  AddRoleOption(*line.token_create, line, "The token's role");

  line.token_list = token->add_subcommand("list", "List tokens, revoked ones included (never their secrets)");
  line.token_list->add_flag("--json", line.json, "One JSON object per line instead of a table");

  line.token_revoke = token->add_subcommand("revoke", "Revoke a token: it is refused from the next request on");
  line.token_revoke->add_option("--name", line.token_name, "The active token's name")->required();

  for (CLI::App* command : {line.token_create, line.token_list, line.token_revoke}) {
    AddActorOptions(*command, line);
  }
}

void AddAuditCommands(CLI::App& app, AccessCommandLine& line) {
  CLI::App* audit = app.add_subcommand("audit", "Read and verify the tamper-evident audit log");
  audit->require_subcommand(1);

  line.audit_verify = audit->add_subcommand(
      "verify", "Check the hash chain of the whole audit log; exit 1 naming the first broken sequence");
  line.audit_verify->footer(
      "The chain shows edited, deleted and reordered records. It cannot show records cut off\n"
      "the end: compare the newest hash ('audit list --limit 1 --json') with one kept elsewhere.");

  line.audit_list = audit->add_subcommand("list", "List audit records, newest first");
  line.audit_list->add_option("--limit", line.audit_limit, "At most this many records")
      ->capture_default_str()
      ->check(CLI::Range(1, limits::kPageSizeMax));
  line.audit_before_option =
      line.audit_list->add_option("--before", line.audit_before, "Only records older than this sequence (paging)")
          ->check(CLI::PositiveNumber);
  line.audit_list->add_option("--actor", line.audit_actor, "Only this actor, e.g. user:1, token:3, cli:alice");
  line.audit_list->add_option("--action", line.audit_action_prefix, "Only actions starting with this, e.g. auth.");
  line.audit_list->add_flag("--json", line.json, "One JSON object per line instead of a table");

  for (CLI::App* command : {line.audit_verify, line.audit_list}) AddActorOptions(*command, line);
}

// A password read from stdin and checked, or the exit code that refuses it.
struct PasswordInput {
  std::optional<std::string> password;
  int exit_code = kExitFailure;
};

// Reads and checks the password before anything is opened: an empty line is
// bad usage, a password the policy refuses is a failure.
PasswordInput ReadPassword(const Environment& environment) {
  std::istream& in = environment.in != nullptr ? *environment.in : std::cin;
  Result<std::string> password = ReadPasswordLine(in);
  if (!password.ok()) {
    *environment.err << "rapport: " << password.status().message() << '\n';
    return {.password = std::nullopt, .exit_code = kExitUsage};
  }
  switch (app::CheckPassword(*password)) {
    case app::PasswordCheck::kAccepted: return {.password = std::move(*password), .exit_code = kExitSuccess};
    case app::PasswordCheck::kWeakPassword:
      *environment.err << "rapport: the password is too short: it needs at least " << app::kPasswordCodePointsMin
                       << " characters\n";
      break;
    case app::PasswordCheck::kPasswordTooLong:
      *environment.err << "rapport: the password is longer than " << app::kPasswordBytesMax << " bytes\n";
      break;
    case app::PasswordCheck::kInvalidUtf8: *environment.err << "rapport: the password is not valid UTF-8\n"; break;
  }
  return {.password = std::nullopt, .exit_code = kExitFailure};
}

}  // namespace

void AddAccessCommands(CLI::App& app, AccessCommandLine& line) {
  AddUserCommands(app, line);
  AddTokenCommands(app, line);
  AddAuditCommands(app, line);
}

std::optional<int> RunAccessCommand(const Environment& environment, const AccessCommandLine& line) {
  const auto chosen = [](const CLI::App* command) { return command != nullptr && command->parsed(); };
  const auto command =
      std::find_if(line.actors.begin(), line.actors.end(), [&](const auto& entry) { return chosen(entry.first); });
  if (command == line.actors.end()) return std::nullopt;
  const ActorOptions& actor = command->second;

  Result<app::PasswordHashOptions> hash_cost = ParsePasswordHashCost(std::getenv(kPasswordHashCostVariable));
  if (!hash_cost.ok()) {
    *environment.err << "rapport: " << hash_cost.status().message() << '\n';
    return kExitUsage;
  }
  app::AccessOptions options;
  options.password_hash = *hash_cost;

  std::string password;
  if (chosen(line.user_add) || chosen(line.user_set_password)) {
    PasswordInput input = ReadPassword(environment);
    if (!input.password.has_value()) return input.exit_code;
    password = std::move(*input.password);
  }

  const auto run = [&](const AccessBody& body) { return RunWithAccess(environment, actor, options, body); };
  if (chosen(line.user_add))
    return run([&](const AccessContext& context) { return UserAdd(environment, line, context, password); });
  if (chosen(line.user_list))
    return run([&](const AccessContext& context) { return UserList(environment, line, context); });
  if (chosen(line.user_disable)) {
    return run([&](const AccessContext& context) {
      return UserUpdate(environment, line, context, {.disabled = true}, "disabled user");
    });
  }
  if (chosen(line.user_enable)) {
    return run([&](const AccessContext& context) {
      return UserUpdate(environment, line, context, {.disabled = false}, "enabled user");
    });
  }
  if (chosen(line.user_set_role)) {
    return run([&](const AccessContext& context) {
      return UserUpdate(environment, line, context, {.role = RoleFromOption(line.role)}, "changed the role of");
    });
  }
  if (chosen(line.user_set_password)) {
    return run([&](const AccessContext& context) {
      return UserUpdate(environment, line, context, {.password = password}, "set the password of");
    });
  }
  if (chosen(line.token_create))
    return run([&](const AccessContext& context) { return TokenCreate(environment, line, context); });
  if (chosen(line.token_list))
    return run([&](const AccessContext& context) { return TokenList(environment, line, context); });
  if (chosen(line.token_revoke))
    return run([&](const AccessContext& context) { return TokenRevoke(environment, line, context); });
  if (chosen(line.audit_verify))
    return run([&](const AccessContext& context) { return AuditVerify(environment, context); });
  if (chosen(line.audit_list))
    return run([&](const AccessContext& context) { return AuditList(environment, line, context); });
  RAPPORT_UNREACHABLE();
}

}  // namespace rapport::cli

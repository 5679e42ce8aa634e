// The access subcommands' argument handling, which needs no database: usage
// errors exit 2 before the store is opened, passwords come from stdin only, and
// a refused password never reaches the store. The commands themselves run
// against a real binary and database in tests/cli/cli_access_end_to_end.sh.
#include <stdlib.h>

#include <sstream>

#include <gtest/gtest.h>

#include "rapport/cli/cli.h"

namespace rapport::cli {
namespace {

class AccessCommandsTest : public ::testing::Test {
 protected:
  AccessCommandsTest() : clock_(FromUnixMicros(0)) {
    ::unsetenv("RAPPORT_TOKEN");
    ::unsetenv("RAPPORT_PASSWORD_HASH_COST");
    environment_.version = "9.9.9";
    environment_.clock = &clock_;
    environment_.in = &in_;
    environment_.out = &out_;
    environment_.err = &err_;
    environment_.open_store = [this](const app::StoreOptions& options) -> Result<std::unique_ptr<app::Store>> {
      opened_database_ = options.database;
      return Unavailable("no database in this test");
    };
  }
  ~AccessCommandsTest() override { ::unsetenv("RAPPORT_PASSWORD_HASH_COST"); }

  int Run(std::vector<const char*> arguments) {
    arguments.insert(arguments.begin(), "rapport");
    return cli::Run(static_cast<int>(arguments.size()), arguments.data(), environment_);
  }

  bool StoreOpened() const { return opened_database_.has_value(); }

  FakeClock clock_;
  Environment environment_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::optional<std::string> opened_database_;
};

TEST_F(AccessCommandsTest, GroupsWithoutASubcommandAreUsageErrors) {
  for (const char* group : {"user", "token", "audit"}) {
    err_.str("");
    EXPECT_EQ(Run({group}), 2) << group;
    EXPECT_NE(err_.str().find("subcommand"), std::string::npos) << group << ": " << err_.str();
  }
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, UserAddWithoutPasswordStdinIsAUsageError) {
  in_.str("a long enough password\n");
  EXPECT_EQ(Run({"user", "add", "--email", "ann@example.com", "--role", "admin"}), 2);
  EXPECT_NE(err_.str().find("--password-stdin"), std::string::npos) << err_.str();
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, APasswordArgumentIsNotAccepted) {
  EXPECT_EQ(Run({"user", "add", "--email", "ann@example.com", "--role", "admin", "--password", "hunter2hunter2"}), 2);
  EXPECT_EQ(Run({"user", "set-password", "--email", "ann@example.com", "--password-stdin", "hunter2hunter2"}), 2);
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, UnknownRoleIsAUsageError) {
  in_.str("a long enough password\n");
  EXPECT_EQ(Run({"user", "add", "--email", "ann@example.com", "--role", "root", "--password-stdin"}), 2);
  EXPECT_EQ(Run({"user", "set-role", "--email", "ann@example.com", "--role", "Admin"}), 2);
  EXPECT_EQ(Run({"token", "create", "--name", "shop", "--role", "owner"}), 2);
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, RequiredOptionsAreUsageErrors) {
  EXPECT_EQ(Run({"user", "disable"}), 2);
  EXPECT_EQ(Run({"user", "enable"}), 2);
  EXPECT_EQ(Run({"user", "set-role", "--email", "ann@example.com"}), 2);
  EXPECT_EQ(Run({"token", "create", "--role", "analyst"}), 2);
  EXPECT_EQ(Run({"token", "revoke"}), 2);
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, EmptyPasswordOnStdinIsRefusedBeforeOpeningTheStore) {
  for (const char* input : {"", "\n", "\r\n"}) {
    in_.clear();
    in_.str(input);
    err_.str("");
    EXPECT_EQ(Run({"user", "add", "--email", "ann@example.com", "--role", "admin", "--password-stdin"}), 2);
    EXPECT_NE(err_.str().find("empty password"), std::string::npos) << err_.str();
  }
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, WeakPasswordIsRefusedBeforeOpeningTheStore) {
  in_.str("short\n");
  EXPECT_EQ(Run({"user", "set-password", "--email", "ann@example.com", "--password-stdin"}), 1);
  EXPECT_NE(err_.str().find("at least 12 characters"), std::string::npos) << err_.str();
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, AcceptedPasswordGoesOnToTheStore) {
  in_.str("correct horse battery staple\n");
  ::setenv("RAPPORT_DATABASE", "/tmp/rapport-cli-test.db", 1);
  EXPECT_EQ(Run({"user", "add", "--email", "ann@example.com", "--role", "manager", "--password-stdin"}), 1);
  ::unsetenv("RAPPORT_DATABASE");
  EXPECT_EQ(opened_database_, "/tmp/rapport-cli-test.db");
  EXPECT_NE(err_.str().find("unavailable: no database"), std::string::npos) << err_.str();
  EXPECT_EQ(err_.str().find("correct horse"), std::string::npos) << "the password must never be echoed";
}

TEST_F(AccessCommandsTest, TheChosenCommandsDatabaseFlagBeatsTheEnvironment) {
  ::setenv("RAPPORT_DATABASE", "/from/the/environment.db", 1);
  EXPECT_EQ(Run({"token", "list", "--database", "/from/the/flag.db"}), 1);
  EXPECT_EQ(opened_database_, "/from/the/flag.db");
  EXPECT_EQ(Run({"audit", "verify"}), 1);
  ::unsetenv("RAPPORT_DATABASE");
  EXPECT_EQ(opened_database_, "/from/the/environment.db");
}

TEST_F(AccessCommandsTest, AuditListLimitIsCheckedAtItsEdges) {
  EXPECT_EQ(Run({"audit", "list", "--limit", "0"}), 2);
  EXPECT_EQ(Run({"audit", "list", "--limit", "501"}), 2);
  EXPECT_EQ(Run({"audit", "list", "--before", "0"}), 2);
  EXPECT_FALSE(StoreOpened());
  EXPECT_EQ(Run({"audit", "list", "--limit", "500"}), 1);  // valid: reaches the (failing) store
  EXPECT_TRUE(StoreOpened());
}

TEST_F(AccessCommandsTest, UnknownHashCostIsAUsageError) {
  ::setenv("RAPPORT_PASSWORD_HASH_COST", "fast", 1);
  EXPECT_EQ(Run({"user", "list"}), 2);
  EXPECT_NE(err_.str().find("RAPPORT_PASSWORD_HASH_COST"), std::string::npos) << err_.str();
  EXPECT_FALSE(StoreOpened());
}

TEST_F(AccessCommandsTest, EveryLeafCommandReachesTheStore) {
  const std::vector<std::vector<const char*>> commands = {
      {"user", "list", "--json"},
      {"user", "disable", "--email", "a@b.c"},
      {"user", "enable", "--email", "a@b.c"},
      {"user", "set-role", "--email", "a@b.c", "--role", "agent"},
      {"token", "create", "--name", "shop", "--role", "analyst"},
      {"token", "list"},
      {"token", "revoke", "--name", "shop"},
      {"audit", "verify"},
      {"audit", "list", "--actor", "user:1", "--action", "auth."},
  };
  for (const std::vector<const char*>& command : commands) {
    opened_database_.reset();
    EXPECT_EQ(Run(command), 1) << command[0] << ' ' << command[1];
    EXPECT_TRUE(StoreOpened()) << command[0] << ' ' << command[1];
  }
}

TEST_F(AccessCommandsTest, HelpNamesTheCommandsAndTheirOptions) {
  EXPECT_EQ(Run({"--help"}), 0);
  for (const char* group : {"user", "token", "audit"}) {
    EXPECT_NE(out_.str().find(group), std::string::npos) << group;
  }
  out_.str("");
  EXPECT_EQ(Run({"user", "--help"}), 0);
  for (const char* text : {"add", "list", "disable", "enable", "set-role", "set-password", "--password-stdin",
                           "admin, manager, agent, analyst"}) {
    EXPECT_NE(out_.str().find(text), std::string::npos) << text << "\n" << out_.str();
  }
  out_.str("");
  EXPECT_EQ(Run({"user", "add", "--help"}), 0);
  for (const char* text : {"--email", "--role", "--name", "--password-stdin", "--token", "RAPPORT_TOKEN"}) {
    EXPECT_NE(out_.str().find(text), std::string::npos) << text << "\n" << out_.str();
  }
  EXPECT_FALSE(StoreOpened());
}

}  // namespace
}  // namespace rapport::cli

#include "rapport/cli/cli.h"

#include <stdlib.h>

#include <sstream>

#include <gtest/gtest.h>

namespace rapport::cli {
namespace {

class CliTest : public ::testing::Test {
 protected:
  CliTest() : clock_(FromUnixMicros(0)) {
    environment_.version = "9.9.9";
    environment_.clock = &clock_;
    environment_.out = &out_;
    environment_.err = &err_;
    environment_.serve = [this](const ServeOptions& options) {
      served_ = options;
      return 0;
    };
    environment_.open_store = [](const app::StoreOptions&) -> Result<std::unique_ptr<app::Store>> {
      return Unavailable("no database in this test");
    };
  }

  int Run(std::vector<const char*> arguments) {
    arguments.insert(arguments.begin(), "rapport");
    return cli::Run(static_cast<int>(arguments.size()), arguments.data(), environment_);
  }

  FakeClock clock_;
  Environment environment_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::optional<ServeOptions> served_;
};

TEST_F(CliTest, VersionPrintsVersion) {
  EXPECT_EQ(Run({"version"}), 0);
  EXPECT_EQ(out_.str(), "rapport 9.9.9\n");
}

TEST_F(CliTest, NoCommandIsAUsageError) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_NE(err_.str().find("subcommand"), std::string::npos) << err_.str();
}

TEST_F(CliTest, HelpExitsZeroAndListsCommands) {
  EXPECT_EQ(Run({"--help"}), 0);
  for (const char* command : {"serve", "migrate", "backup", "demo", "user", "token", "audit", "version"}) {
    EXPECT_NE(out_.str().find(command), std::string::npos) << command;
  }
}

TEST_F(CliTest, ServeDefaultsToLoopbackAndEmbeddedDatabase) {
  ::unsetenv("RAPPORT_LISTEN");
  ::unsetenv("RAPPORT_DATABASE");
  ASSERT_EQ(Run({"serve"}), 0);
  ASSERT_TRUE(served_.has_value());
  EXPECT_EQ(served_->host, "127.0.0.1");
  EXPECT_EQ(served_->port, 8080);
  EXPECT_EQ(served_->store.database, "./data/rapport.db");
  EXPECT_EQ(served_->store.sqlite_synchronous, app::SqliteSynchronous::kFull);
  EXPECT_EQ(served_->io_threads, DefaultIoThreads());
  EXPECT_GE(served_->io_threads, 1);
}

TEST_F(CliTest, ServeTakesEnvironmentAndFlags) {
  ::setenv("RAPPORT_DATABASE", "postgres://rapport@127.0.0.1:5432/rapport", 1);
  ASSERT_EQ(Run({"serve", "--listen", "[::1]:0", "--sqlite-synchronous", "normal"}), 0);
  ::unsetenv("RAPPORT_DATABASE");
  ASSERT_TRUE(served_.has_value());
  EXPECT_EQ(served_->host, "::1");
  EXPECT_EQ(served_->port, 0);
  EXPECT_EQ(served_->store.database, "postgres://rapport@127.0.0.1:5432/rapport");
  EXPECT_EQ(served_->store.sqlite_synchronous, app::SqliteSynchronous::kNormal);
}

TEST_F(CliTest, ServeTakesTheFirstAdminFromFlagsAndTheEnvironment) {
  ::unsetenv("RAPPORT_ADMIN_PASSWORD");
  ::unsetenv("RAPPORT_PASSWORD_HASH_COST");
  ASSERT_EQ(Run({"serve"}), 0);
  EXPECT_EQ(served_->admin_email, "admin@localhost");
  EXPECT_EQ(served_->admin_password, "");
  EXPECT_EQ(served_->password_hash.ops_limit, app::PasswordHashOptions{}.ops_limit);

  ::setenv("RAPPORT_ADMIN_PASSWORD", "a password from the environment", 1);
  ::setenv("RAPPORT_PASSWORD_HASH_COST", "min", 1);
  ASSERT_EQ(Run({"serve", "--admin-email", "owner@example.com"}), 0);
  ::unsetenv("RAPPORT_ADMIN_PASSWORD");
  ::unsetenv("RAPPORT_PASSWORD_HASH_COST");
  EXPECT_EQ(served_->admin_email, "owner@example.com");
  EXPECT_EQ(served_->admin_password, "a password from the environment");
  EXPECT_LT(served_->password_hash.ops_limit, app::PasswordHashOptions{}.ops_limit);
  EXPECT_LT(served_->password_hash.mem_limit_bytes, app::PasswordHashOptions{}.mem_limit_bytes);
}

TEST_F(CliTest, ServeRefusesAnUnknownHashCost) {
  ::setenv("RAPPORT_PASSWORD_HASH_COST", "cheap", 1);
  EXPECT_EQ(Run({"serve"}), 2);
  ::unsetenv("RAPPORT_PASSWORD_HASH_COST");
  EXPECT_FALSE(served_.has_value());
}

TEST_F(CliTest, AFlagBeatsTheEnvironmentForTheChosenCommand) {
  // Regression: the subcommands shared one --database variable, and CLI11
  // applies RAPPORT_DATABASE to every subcommand's options, so the variable
  // overwrote the flag of the command actually chosen.
  ::setenv("RAPPORT_DATABASE", "/from/the/environment.db", 1);
  ASSERT_EQ(Run({"serve", "--database", "/from/the/flag.db"}), 0);
  ::unsetenv("RAPPORT_DATABASE");
  EXPECT_EQ(served_->store.database, "/from/the/flag.db");
}

TEST_F(CliTest, BadListenAddressIsAUsageError) {
  EXPECT_EQ(Run({"serve", "--listen", "localhost"}), 2);
  EXPECT_FALSE(served_.has_value());
  EXPECT_NE(err_.str().find("HOST:PORT"), std::string::npos) << err_.str();
}

TEST_F(CliTest, DemoRejectsOutOfRangeCountsBeforeOpeningTheStore) {
  EXPECT_EQ(Run({"demo", "--contacts", "0"}), 2);
  EXPECT_NE(err_.str().find("contacts must be between"), std::string::npos) << err_.str();
}

TEST_F(CliTest, StoreFailureIsReportedWithExitOne) {
  EXPECT_EQ(Run({"demo", "--contacts", "10"}), 1);
  EXPECT_NE(err_.str().find("unavailable: no database"), std::string::npos) << err_.str();
}

TEST(ParseListenAddressTest, EdgeCases) {
  EXPECT_EQ(ParseListenAddress("0.0.0.0:65535")->second, 65535);
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:65536").ok());
  EXPECT_FALSE(ParseListenAddress(":8080").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:80x").ok());
  EXPECT_FALSE(ParseListenAddress("::1:8080").ok());
}

}  // namespace
}  // namespace rapport::cli

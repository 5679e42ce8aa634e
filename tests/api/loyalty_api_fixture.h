// The server the loyalty and reward API tests talk to: a fresh SQLite store
// in a temp directory, the access service (tokens not rate limited), every
// use case, the real routes on a free port, tokens for a manager, an agent and
// an analyst, and one contact ("Ada"). The clock stands at `now` until a test
// moves it.
//
// Thread safety: a GoogleTest fixture, used from the test's thread.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "http_client.h"
#include "relationship_services.h"
#include "server_testing.h"

#include "rapport/app/access_service.h"
#include "rapport/store/open_store.h"

namespace rapport::api_test {

class LoyaltyApiFixture : public ::testing::Test {
 protected:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  LoyaltyApiFixture(std::string name, Timestamp now) : name_(std::move(name)), clock_(now) {}

  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    directory_ =
        std::filesystem::temp_directory_path() / ("rapport-" + name_ + "-" + std::to_string(::getpid()) + "-" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    app::StoreOptions store_options;
    store_options.database = (directory_ / "rapport.db").string();
    store_options.sqlite_synchronous = app::SqliteSynchronous::kNormal;
    store_options.clock = &clock_;
    auto store = store::OpenStore(store_options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    app::AccessOptions access_options;
    access_options.token_requests_per_second = 0;
    access_ = std::make_unique<app::AccessService>(*store_, clock_, access_options);
    stack_ = std::make_unique<api_testing::RelationshipStack>(*store_, clock_);
    http::ServerOptions options;
    options.port = 0;
    http::ServerDependencies dependencies{
        store_.get(),     &clock_,          "1.0.0",           {}, {}, access_.get(), stack_->Services(),
        &stack_->loyalty, &stack_->rewards, &stack_->programme};
    auto server = http::StartServerWithRoutes(options, std::move(dependencies), nullptr);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    manager_ = Token("manager", domain::Role::kManager);
    agent_ = Token("agent", domain::Role::kAgent);
    analyst_ = Token("analyst", domain::Role::kAnalyst);
    contact_ = CreateContact("Ada");
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
    std::filesystem::remove_all(directory_);
  }

  std::string Token(const std::string& name, domain::Role role) {
    auto token = access_->CreateToken(app::AccessService::Operator("test"), {}, name, role);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? token->secret : "";
  }

  // A request as the manager (or `token`), JSON when there is a body.
  HttpResult Call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string* token = nullptr, const Headers& extra = {}) {
    TestClient client(server_->port());
    Headers headers = {{"Authorization", "Bearer " + (token ? *token : manager_)}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    for (const auto& header : extra) headers.push_back(header);
    return client.Send(method, target, headers, body);
  }

  std::int64_t CreateContact(const std::string& name) {
    const HttpResult result = Call("POST", "/api/v1/contacts", R"({"first_name":")" + name + R"("})");
    EXPECT_EQ(result.status, 201) << result.body;
    if (result.status != 201) return 0;
    rapidjson::Document document;
    document.Parse(result.body.c_str());
    return document["id"].GetInt64();
  }

  std::string name_;
  FakeClock clock_;
  std::filesystem::path directory_;
  std::unique_ptr<app::Store> store_;
  std::unique_ptr<app::AccessService> access_;
  std::unique_ptr<api_testing::RelationshipStack> stack_;
  std::unique_ptr<http::Server> server_;
  std::string manager_;
  std::string agent_;
  std::string analyst_;
  std::int64_t contact_ = 0;
};

}  // namespace rapport::api_test

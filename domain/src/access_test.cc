#include "rapport/domain/access.h"

#include <string>

#include <gtest/gtest.h>

namespace rapport::domain {
namespace {

TEST(AccessTest, AdminIsAllowedEverything) {
  for (Resource resource : kAllResources) {
    for (Action action : kAllActions) {
      EXPECT_TRUE(IsAllowed(Role::kAdmin, resource, action)) << ResourceName(resource) << " " << ActionName(action);
    }
  }
}

TEST(AccessTest, AnalystNeverWrites) {
  for (Resource resource : kAllResources) {
    EXPECT_FALSE(IsAllowed(Role::kAnalyst, resource, Action::kWrite)) << ResourceName(resource);
    EXPECT_FALSE(IsAllowed(Role::kAnalyst, resource, Action::kAdmin)) << ResourceName(resource);
  }
  EXPECT_TRUE(IsAllowed(Role::kAnalyst, Resource::kSurveys, Action::kRead));
}

TEST(AccessTest, AgentCannotAdministerUsers) {
  EXPECT_FALSE(IsAllowed(Role::kAgent, Resource::kUsers, Action::kAdmin));
  EXPECT_FALSE(IsAllowed(Role::kAgent, Resource::kUsers, Action::kWrite));
  EXPECT_TRUE(IsAllowed(Role::kAgent, Resource::kSupport, Action::kWrite));
}

TEST(AccessTest, OnlyAdminAdministersUsersAndSystem) {
  for (Role role : kAllRoles) {
    if (role == Role::kAdmin) continue;
    EXPECT_FALSE(IsAllowed(role, Resource::kUsers, Action::kAdmin)) << RoleName(role);
    EXPECT_FALSE(IsAllowed(role, Resource::kUsers, Action::kWrite)) << RoleName(role);
    EXPECT_FALSE(IsAllowed(role, Resource::kSystem, Action::kAdmin)) << RoleName(role);
  }
}

TEST(AccessTest, UnknownValuesAreDenied) {
  // Values outside the enums can reach here from a corrupted row; they must not grant anything.
  const auto unknown_role = static_cast<Role>(200);
  const auto unknown_resource = static_cast<Resource>(200);
  const auto unknown_action = static_cast<Action>(200);
  EXPECT_FALSE(IsAllowed(unknown_role, Resource::kRelationships, Action::kRead));
  EXPECT_FALSE(IsAllowed(Role::kManager, unknown_resource, Action::kRead));
  EXPECT_FALSE(IsAllowed(Role::kManager, Resource::kRelationships, unknown_action));
  EXPECT_FALSE(IsAllowed(Role::kAgent, Resource::kCampaigns, Action::kRead));
}

// The whole table, one line per role and resource with the granted actions as
// r/w/a (or '-'). Any change to the permission table shows up as a diff here.
TEST(AccessTest, WholeTable) {
  std::string table;
  for (Role role : kAllRoles) {
    for (Resource resource : kAllResources) {
      table += std::string(RoleName(role)) + " " + std::string(ResourceName(resource)) + " ";
      table += IsAllowed(role, resource, Action::kRead) ? 'r' : '-';
      table += IsAllowed(role, resource, Action::kWrite) ? 'w' : '-';
      table += IsAllowed(role, resource, Action::kAdmin) ? 'a' : '-';
      table += '\n';
    }
  }
  EXPECT_EQ(table,
            "admin system rwa\n"
            "admin relationships rwa\n"
            "admin loyalty rwa\n"
            "admin surveys rwa\n"
            "admin campaigns rwa\n"
            "admin support rwa\n"
            "admin users rwa\n"
            "admin audit rwa\n"
            "manager system r--\n"
            "manager relationships rwa\n"
            "manager loyalty rwa\n"
            "manager surveys rwa\n"
            "manager campaigns rwa\n"
            "manager support rwa\n"
            "manager users r--\n"
            "manager audit ---\n"
            "agent system ---\n"
            "agent relationships rw-\n"
            "agent loyalty r--\n"
            "agent surveys r--\n"
            "agent campaigns ---\n"
            "agent support rw-\n"
            "agent users ---\n"
            "agent audit ---\n"
            "analyst system r--\n"
            "analyst relationships r--\n"
            "analyst loyalty r--\n"
            "analyst surveys r--\n"
            "analyst campaigns r--\n"
            "analyst support r--\n"
            "analyst users ---\n"
            "analyst audit ---\n");
}

TEST(AccessTest, RoleNamesRoundTrip) {
  for (Role role : kAllRoles) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(RoleName(Role::kAnalyst), "analyst");
}

TEST(AccessTest, ParseRoleRejectsOtherText) {
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_FALSE(ParseRole("admin ").has_value());
  EXPECT_FALSE(ParseRole("superuser").has_value());
}

TEST(AccessTest, ResourceAndActionNames) {
  EXPECT_EQ(ResourceName(Resource::kRelationships), "relationships");
  EXPECT_EQ(ResourceName(Resource::kUsers), "users");
  EXPECT_EQ(ActionName(Action::kWrite), "write");
  EXPECT_EQ(ActionName(Action::kAdmin), "admin");
}

}  // namespace
}  // namespace rapport::domain

// Tests of the relationship vocabulary: every value has a stable name and
// parsing is its exact inverse.
#include "rapport/domain/relationship.h"

#include <gtest/gtest.h>

namespace rapport::domain {
namespace {

TEST(RelationshipTest, RoleNamesRoundTrip) {
  EXPECT_EQ(RelationshipRoleName(RelationshipRole::kCustomer), "customer");
  EXPECT_EQ(RelationshipRoleName(RelationshipRole::kSupplier), "supplier");
  EXPECT_EQ(RelationshipRoleName(RelationshipRole::kDistributor), "distributor");
  EXPECT_EQ(RelationshipRoleName(RelationshipRole::kPartner), "partner");
  EXPECT_EQ(RelationshipRoleName(RelationshipRole::kInvestor), "investor");
  for (RelationshipRole role : kAllRelationshipRoles) {
    EXPECT_EQ(ParseRelationshipRole(RelationshipRoleName(role)), role);
  }
  EXPECT_EQ(RoleBit(RelationshipRole::kCustomer), 1u);
  EXPECT_EQ(RoleBit(RelationshipRole::kInvestor), 16u);
}

TEST(RelationshipTest, ParseIsExactAndCaseSensitive) {
  EXPECT_EQ(ParseRelationshipRole("Customer"), std::nullopt);
  EXPECT_EQ(ParseRelationshipRole(" customer"), std::nullopt);
  EXPECT_EQ(ParseRelationshipRole(""), std::nullopt);
  EXPECT_EQ(ParseGender("MALE"), std::nullopt);
  EXPECT_EQ(ParseInterestSource("campaign-click"), std::nullopt);
  EXPECT_EQ(ParseConsentChannel("e-mail"), std::nullopt);
  EXPECT_EQ(ParseCustomFieldType("string"), std::nullopt);
}

TEST(RelationshipTest, GenderNames) {
  EXPECT_EQ(GenderName(Gender::kFemale), "female");
  EXPECT_EQ(GenderName(Gender::kMale), "male");
  EXPECT_EQ(GenderName(Gender::kOther), "other");
  for (Gender gender : {Gender::kFemale, Gender::kMale, Gender::kOther}) {
    EXPECT_EQ(ParseGender(GenderName(gender)), gender);
  }
}

TEST(RelationshipTest, InterestSourceNames) {
  EXPECT_EQ(InterestSourceName(InterestSource::kDeclared), "declared");
  EXPECT_EQ(InterestSourceName(InterestSource::kPurchase), "purchase");
  EXPECT_EQ(InterestSourceName(InterestSource::kSurvey), "survey");
  EXPECT_EQ(InterestSourceName(InterestSource::kCampaignClick), "campaign_click");
  EXPECT_EQ(ParseInterestSource("campaign_click"), InterestSource::kCampaignClick);
  EXPECT_EQ(ParseInterestSource("survey"), InterestSource::kSurvey);
}

TEST(RelationshipTest, ConsentNames) {
  EXPECT_EQ(ConsentChannelName(ConsentChannel::kEmail), "email");
  EXPECT_EQ(ConsentChannelName(ConsentChannel::kSms), "sms");
  EXPECT_EQ(ConsentChannelName(ConsentChannel::kPhone), "phone");
  EXPECT_EQ(ConsentChannelName(ConsentChannel::kPost), "post");
  EXPECT_EQ(ConsentChannelName(ConsentChannel::kAny), "any");
  EXPECT_EQ(ParseConsentChannel("post"), ConsentChannel::kPost);
  EXPECT_EQ(ConsentPurposeName(ConsentPurpose::kMarketing), "marketing");
  EXPECT_EQ(ConsentPurposeName(ConsentPurpose::kProfiling), "profiling");
  EXPECT_EQ(ConsentPurposeName(ConsentPurpose::kService), "service");
  EXPECT_EQ(ParseConsentPurpose("service"), ConsentPurpose::kService);
  EXPECT_EQ(ConsentStatusName(ConsentStatus::kGranted), "granted");
  EXPECT_EQ(ConsentStatusName(ConsentStatus::kWithdrawn), "withdrawn");
  EXPECT_EQ(ParseConsentStatus("withdrawn"), ConsentStatus::kWithdrawn);
  EXPECT_EQ(ParseConsentStatus("revoked"), std::nullopt);
}

TEST(RelationshipTest, CustomFieldTypeNames) {
  EXPECT_EQ(CustomFieldTypeName(CustomFieldType::kText), "text");
  EXPECT_EQ(CustomFieldTypeName(CustomFieldType::kNumber), "number");
  EXPECT_EQ(CustomFieldTypeName(CustomFieldType::kDate), "date");
  EXPECT_EQ(CustomFieldTypeName(CustomFieldType::kChoice), "choice");
  EXPECT_EQ(ParseCustomFieldType("choice"), CustomFieldType::kChoice);
  EXPECT_EQ(ParseCustomFieldType("number"), CustomFieldType::kNumber);
}

}  // namespace
}  // namespace rapport::domain

// The vocabulary of a relationship (DESIGN §1): the roles a party holds towards
// the business, and the typed values of the client card — gender, interest
// sources, consent channels and purposes, custom field types. Each has a stable
// lowercase name used by the API, the CLI, files and the database.
//
// Pure: no I/O. Thread safety: values and constant data; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rapport::domain {

// What a party is to the business. One party may hold several roles.
enum class RelationshipRole : std::uint8_t { kCustomer, kSupplier, kDistributor, kPartner, kInvestor };
inline constexpr std::array<RelationshipRole, 5> kAllRelationshipRoles = {
    RelationshipRole::kCustomer, RelationshipRole::kSupplier, RelationshipRole::kDistributor,
    RelationshipRole::kPartner, RelationshipRole::kInvestor};
// A set of roles as a bit mask: bit (1 << role). Stored as an integer column.
using RelationshipRoleSet = std::uint32_t;
inline constexpr RelationshipRoleSet RoleBit(RelationshipRole role) {
  return RelationshipRoleSet{1} << static_cast<unsigned>(role);
}

enum class Gender : std::uint8_t { kFemale, kMale, kOther };

// Where the knowledge of an interest came from.
enum class InterestSource : std::uint8_t { kDeclared, kPurchase, kSurvey, kCampaignClick };
inline constexpr int kInterestStrengthMax = 100;  // strength is 1..100

// A consent is given per channel and purpose: ("email", "marketing"),
// ("sms", "marketing"), ("any", "profiling").
enum class ConsentChannel : std::uint8_t { kEmail, kSms, kPhone, kPost, kAny };
enum class ConsentPurpose : std::uint8_t { kMarketing, kProfiling, kService };
enum class ConsentStatus : std::uint8_t { kGranted, kWithdrawn };

enum class CustomFieldType : std::uint8_t { kText, kNumber, kDate, kChoice };

// Names: "customer", "female", "campaign_click", "email", "marketing",
// "granted", "choice". Parse* is exact and case-sensitive; nullopt otherwise.
std::string_view RelationshipRoleName(RelationshipRole role);
std::optional<RelationshipRole> ParseRelationshipRole(std::string_view name);
std::string_view GenderName(Gender gender);
std::optional<Gender> ParseGender(std::string_view name);
std::string_view InterestSourceName(InterestSource source);
std::optional<InterestSource> ParseInterestSource(std::string_view name);
std::string_view ConsentChannelName(ConsentChannel channel);
std::optional<ConsentChannel> ParseConsentChannel(std::string_view name);
std::string_view ConsentPurposeName(ConsentPurpose purpose);
std::optional<ConsentPurpose> ParseConsentPurpose(std::string_view name);
std::string_view ConsentStatusName(ConsentStatus status);
std::optional<ConsentStatus> ParseConsentStatus(std::string_view name);
std::string_view CustomFieldTypeName(CustomFieldType type);
std::optional<CustomFieldType> ParseCustomFieldType(std::string_view name);

}  // namespace rapport::domain

// The stable names of the relationship vocabulary. Each enum has one table of
// names indexed by its value; Name* reads the table and Parse* searches it, so
// the two directions cannot disagree. Constant data; safe from any thread.
#include "rapport/domain/relationship.h"

#include <cstddef>

#include "rapport/base/assert.h"

namespace rapport::domain {
namespace {

inline constexpr std::array<std::string_view, 5> kRoleNames = {"customer", "supplier", "distributor", "partner",
                                                               "investor"};
inline constexpr std::array<std::string_view, 3> kGenderNames = {"female", "male", "other"};
inline constexpr std::array<std::string_view, 4> kInterestSourceNames = {"declared", "purchase", "survey",
                                                                         "campaign_click"};
inline constexpr std::array<std::string_view, 5> kConsentChannelNames = {"email", "sms", "phone", "post", "any"};
inline constexpr std::array<std::string_view, 3> kConsentPurposeNames = {"marketing", "profiling", "service"};
inline constexpr std::array<std::string_view, 2> kConsentStatusNames = {"granted", "withdrawn"};
inline constexpr std::array<std::string_view, 4> kCustomFieldTypeNames = {"text", "number", "date", "choice"};

template <typename Enum, std::size_t kSize>
std::string_view NameOf(const std::array<std::string_view, kSize>& names, Enum value) {
  const auto index = static_cast<std::size_t>(value);
  RAPPORT_ASSERT(index < kSize);
  return names[index];
}

template <typename Enum, std::size_t kSize>
std::optional<Enum> ParseName(const std::array<std::string_view, kSize>& names, std::string_view name) {
  for (std::size_t index = 0; index < kSize; ++index) {
    if (names[index] == name) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

}  // namespace

std::string_view RelationshipRoleName(RelationshipRole role) { return NameOf(kRoleNames, role); }
std::optional<RelationshipRole> ParseRelationshipRole(std::string_view name) {
  return ParseName<RelationshipRole>(kRoleNames, name);
}

std::string_view GenderName(Gender gender) { return NameOf(kGenderNames, gender); }
std::optional<Gender> ParseGender(std::string_view name) { return ParseName<Gender>(kGenderNames, name); }

std::string_view InterestSourceName(InterestSource source) { return NameOf(kInterestSourceNames, source); }
std::optional<InterestSource> ParseInterestSource(std::string_view name) {
  return ParseName<InterestSource>(kInterestSourceNames, name);
}

std::string_view ConsentChannelName(ConsentChannel channel) { return NameOf(kConsentChannelNames, channel); }
std::optional<ConsentChannel> ParseConsentChannel(std::string_view name) {
  return ParseName<ConsentChannel>(kConsentChannelNames, name);
}

std::string_view ConsentPurposeName(ConsentPurpose purpose) { return NameOf(kConsentPurposeNames, purpose); }
std::optional<ConsentPurpose> ParseConsentPurpose(std::string_view name) {
  return ParseName<ConsentPurpose>(kConsentPurposeNames, name);
}

std::string_view ConsentStatusName(ConsentStatus status) { return NameOf(kConsentStatusNames, status); }
std::optional<ConsentStatus> ParseConsentStatus(std::string_view name) {
  return ParseName<ConsentStatus>(kConsentStatusNames, name);
}

std::string_view CustomFieldTypeName(CustomFieldType type) { return NameOf(kCustomFieldTypeNames, type); }
std::optional<CustomFieldType> ParseCustomFieldType(std::string_view name) {
  return ParseName<CustomFieldType>(kCustomFieldTypeNames, name);
}

}  // namespace rapport::domain

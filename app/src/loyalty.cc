// See loyalty.h: the names of ledger accounts, transaction kinds and lot
// states, as stored and as the API shows them.
#include "rapport/app/loyalty.h"

#include <array>
#include <utility>

#include "rapport/base/assert.h"

namespace rapport::app {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> ParseName(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view name) {
  for (const auto& [value, text] : names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [candidate, text] : names) {
    if (candidate == value) return text;
  }
  RAPPORT_ASSERT_MSG(false, "every enumerator has a name");
  return {};
}

constexpr std::array<std::pair<LedgerAccount, std::string_view>, 7> kAccountNames = {{
    {LedgerAccount::kAvailable, "available"},
    {LedgerAccount::kPending, "pending"},
    {LedgerAccount::kIssued, "issued"},
    {LedgerAccount::kRedeemed, "redeemed"},
    {LedgerAccount::kExpired, "expired"},
    {LedgerAccount::kAdjustments, "adjustments"},
    {LedgerAccount::kWrittenOff, "written_off"},
}};

constexpr std::array<std::pair<LedgerKind, std::string_view>, 8> kKindNames = {{
    {LedgerKind::kEarn, "earn"},
    {LedgerKind::kRelease, "release"},
    {LedgerKind::kRedeem, "redeem"},
    {LedgerKind::kRedeemCancel, "redeem_cancel"},
    {LedgerKind::kExpire, "expire"},
    {LedgerKind::kRefund, "refund"},
    {LedgerKind::kAdjust, "adjust"},
    {LedgerKind::kBonus, "bonus"},
}};

constexpr std::array<std::pair<LotState, std::string_view>, 4> kLotStateNames = {{
    {LotState::kPending, "pending"},
    {LotState::kAvailable, "available"},
    {LotState::kSpent, "spent"},
    {LotState::kExpired, "expired"},
}};

}  // namespace

std::string_view LedgerAccountName(LedgerAccount account) { return NameOf(kAccountNames, account); }
std::optional<LedgerAccount> ParseLedgerAccount(std::string_view name) { return ParseName(kAccountNames, name); }
bool IsMemberAccount(LedgerAccount account) {
  return account == LedgerAccount::kAvailable || account == LedgerAccount::kPending;
}

std::string_view LedgerKindName(LedgerKind kind) { return NameOf(kKindNames, kind); }
std::optional<LedgerKind> ParseLedgerKind(std::string_view name) { return ParseName(kKindNames, name); }

std::string_view LotStateName(LotState state) { return NameOf(kLotStateNames, state); }
std::optional<LotState> ParseLotState(std::string_view name) { return ParseName(kLotStateNames, name); }

}  // namespace rapport::app

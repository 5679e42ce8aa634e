// StrongId<Tag>: a 64-bit database identifier that cannot be mixed up with an
// identifier of another kind or with a plain integer. Ids are positive; a
// default-constructed id is "none" and is only valid as an optional field.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace rapport {

template <typename Tag>
class StrongId {
 public:
  constexpr StrongId() = default;
  constexpr explicit StrongId(std::int64_t value) : value_(value) {}

  constexpr std::int64_t value() const { return value_; }
  constexpr bool valid() const { return value_ > 0; }

  // NOLINTNEXTLINE(modernize-use-nullptr): a clang-tidy 14 false positive on defaulted <=>
  friend constexpr auto operator<=>(StrongId, StrongId) = default;

 private:
  std::int64_t value_ = 0;
};

}  // namespace rapport

template <typename Tag>
struct std::hash<rapport::StrongId<Tag>> {
  std::size_t operator()(rapport::StrongId<Tag> id) const noexcept { return std::hash<std::int64_t>{}(id.value()); }
};

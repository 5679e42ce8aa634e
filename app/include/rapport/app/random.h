// Random: the port for randomness, so tests and the demo generator are
// reproducible from a seed. Not for secrets (tokens use libsodium directly).
#pragma once

#include <cstdint>
#include <random>

namespace rapport::app {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t Next() = 0;

  // Uniform in [low, high], both inclusive.
  std::int64_t Between(std::int64_t low, std::int64_t high);
  // Uniform in [0, 1).
  double Unit();
  bool Chance(double probability) { return Unit() < probability; }
};

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t Next() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace rapport::app

// The transition classes against hand-worked cases.
#include <catch2/catch.hpp>

#include "powersel/model/transition_classes.hpp"

using powersel::model::GroupingSpec;
using powersel::model::TransitionClasses;

TEST_CASE("activation transitions fall into hold, then rise, fall and flip bins", "[model]") {
  const TransitionClasses classes(GroupingSpec{});  // bins 1-2, 3-4, 5-8
  REQUIRE(classes.activation_classes() == 10);
  CHECK(classes.ActivationClass(0, 0) == 0);  // a zero run holds
  CHECK(classes.ActivationClass(77, 77) == 0);
  // Rises and falls by the bits set in the nonzero value: 200 = 0b11001000 has three.
  CHECK(classes.ActivationClass(0, 1) == 1);
  CHECK(classes.ActivationClass(0, 200) == 2);
  CHECK(classes.ActivationClass(0, 255) == 3);
  CHECK(classes.ActivationClass(3, 0) == 4);
  CHECK(classes.ActivationClass(200, 0) == 5);
  CHECK(classes.ActivationClass(0x7F, 0) == 6);
  CHECK(classes.ActivationClass(0b0001, 0b0011) == 7);  // one bit
  CHECK(classes.ActivationClass(0b0001, 0b0110) == 8);  // three bits
  CHECK(classes.ActivationClass(0x0F, 0xF0) == 9);      // eight bits
  CHECK(classes.ActivationName(0) == "hold");
  CHECK(classes.ActivationName(2) == "rise3-4");
  CHECK(classes.ActivationName(6) == "fall5-8");
  CHECK(classes.ActivationName(7) == "hd1-2");
  CHECK(classes.ActivationName(9) == "hd5-8");
  using Kind = TransitionClasses::ActivationKind;
  CHECK(classes.Kind(0) == Kind::kHold);
  CHECK(classes.Kind(3) == Kind::kRise);
  CHECK(classes.Kind(4) == Kind::kFall);
  CHECK(classes.Kind(9) == Kind::kFlip);
  CHECK(classes.ActivationClassOf(Kind::kFall, 2) == 6);
}

TEST_CASE("a weight-load class is the weight register's pair, or its distance under an activation",
          "[model]") {
  CHECK(TransitionClasses::LoadClass(0, 0, 0) == 0);
  CHECK(TransitionClasses::LoadClass(0, 1, -1) == (1 << 8 | 0xFF));
  CHECK(TransitionClasses::LoadName(TransitionClasses::LoadClass(0, -3, 5)) == "load/act0/-3->5");
  CHECK(TransitionClasses::LoadClass(9, 1, -1) == TransitionClasses::kLoadPairs + 7);
  CHECK(TransitionClasses::LoadName(TransitionClasses::kLoadPairs + 7) == "load/act/whd7");
}

TEST_CASE("partial-sum groups count flipped top bits and flipped low bits", "[model]") {
  // "same", then top 8 of 22 bits by distance 0, 1-2, 3-5, 6-8 times the low 14 bits by
  // distance 0-3, 4-7, 8-14: 1 + 4 * 3 groups, msb-major.
  const TransitionClasses classes(GroupingSpec{});
  REQUIRE(classes.psum_groups() == 13);
  CHECK(classes.PsumGroup(1234, 1234) == 0);    // nothing moves
  CHECK(classes.PsumGroup(0, 1 << 22) == 0);    // above the 22 bits the array has
  CHECK(classes.PsumGroup(0, 0x3FFF) == 3);     // 14 low bits: msb0/low8-14
  CHECK(classes.PsumGroup(0, 1 << 14) == 4);    // bit 14, the lowest top bit: msb1-2/low0-3
  CHECK(classes.PsumGroup(0, 0x7 << 19) == 7);  // bits 19..21: msb3-5/low0-3
  // 5 -> -5 flips all 8 top bits and 13 low ones (0x3FFFFE): msb6-8/low8-14.
  CHECK(classes.PsumGroup(5, -5) == 12);
  CHECK(classes.PsumName(0) == "same");
  CHECK(classes.PsumName(3) == "msb0/low8-14");
  CHECK(classes.PsumName(12) == "msb6-8/low8-14");
}

TEST_CASE("bin edges must rise within range", "[model]") {
  GroupingSpec spec;
  spec.psum_edges = {3, 2};
  CHECK_THROWS_WITH(TransitionClasses(spec), Catch::Contains("psum_edges"));
  spec = GroupingSpec{};
  spec.msb_bits = 23;
  CHECK_THROWS_WITH(TransitionClasses(spec), Catch::Contains("msb_bits"));
  spec = GroupingSpec{};
  spec.activation_edges = {1};
  CHECK_THROWS_WITH(TransitionClasses(spec), Catch::Contains("activation_edges"));
  spec = GroupingSpec{};
  spec.psum_low_edges = {4, 15};  // 14 low bits: no distance of 15
  CHECK_THROWS_WITH(TransitionClasses(spec), Catch::Contains("psum_low_edges"));
}

// The transition classes against hand-worked cases.
#include <catch2/catch.hpp>

#include "powersel/model/transition_classes.hpp"

using powersel::model::GroupingSpec;
using powersel::model::TransitionClasses;

TEST_CASE("activation transitions fall into hold, rise, fall and Hamming bins", "[model]") {
  const TransitionClasses classes(GroupingSpec{});  // bins 1-2, 3-4, 5-8
  REQUIRE(classes.activation_classes() == 6);
  CHECK(classes.ActivationClass(0, 0) == 0);  // a zero run holds
  CHECK(classes.ActivationClass(77, 77) == 0);
  CHECK(classes.ActivationClass(0, 200) == 1);          // rise from zero
  CHECK(classes.ActivationClass(200, 0) == 2);          // fall to zero
  CHECK(classes.ActivationClass(0b0001, 0b0011) == 3);  // one bit
  CHECK(classes.ActivationClass(0b0001, 0b0110) == 4);  // three bits
  CHECK(classes.ActivationClass(0x0F, 0xF0) == 5);      // eight bits
  CHECK(classes.ActivationName(0) == "hold");
  CHECK(classes.ActivationName(3) == "hd1-2");
  CHECK(classes.ActivationName(5) == "hd5-8");
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

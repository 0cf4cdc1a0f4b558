// Rank statistics for comparing two orderings of the same items (e.g. the weights ranked by
// two energy measurements, or by a model and by the measurement).
#pragma once

#include <span>

namespace powersel {

// Spearman's rank correlation: Pearson's r of the ranks, tied values sharing their mean rank.
// Needs two equally long series of at least two values; NaN if either is constant.
double SpearmanRho(std::span<const double> a, std::span<const double> b);

// Pearson's linear correlation; NaN if either series is constant.
double PearsonR(std::span<const double> a, std::span<const double> b);

// The fraction of pairs (i, j) that `a` and `b` order oppositely (a tie in one and not the
// other counts as half a swap): Kendall's discordant share.
double SwappedPairFraction(std::span<const double> a, std::span<const double> b);

}  // namespace powersel

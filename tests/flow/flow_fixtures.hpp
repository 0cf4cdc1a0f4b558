// What the flow tests share: real test images as a dataset.
#pragma once

#include "powersel/common/idx.hpp"
#include "powersel/qat/dataset.hpp"

namespace powersel::flow::testing {

// The first `count` Fashion-MNIST test images (labels all 0: the tests compare engines).
inline qat::ImageDataset TestImages(std::size_t count) {
  qat::ImageDataset dataset{"fashion-mnist", 1, 28, 28, {}, {}};
  for (const auto& image : ReadIdxImages(kFashionMnistTestImages, count)) {
    dataset.images.insert(dataset.images.end(), image.values().begin(), image.values().end());
    dataset.labels.push_back(0);
  }
  return dataset;
}

}  // namespace powersel::flow::testing

// An ImageDataset as a torch::data dataset: images scaled to [0, 1], labels as int64.
#pragma once

#include <torch/torch.h>

#include "powersel/qat/dataset.hpp"

namespace powersel::qat::detail {

class ImageTensorDataset : public torch::data::datasets::Dataset<ImageTensorDataset> {
 public:
  explicit ImageTensorDataset(const ImageDataset& dataset)
      : images_(torch::from_blob(const_cast<std::uint8_t*>(dataset.images.data()),
                                 {static_cast<std::int64_t>(dataset.size()), dataset.channels,
                                  dataset.height, dataset.width},
                                 torch::kUInt8)
                    .clone()),
        labels_(torch::from_blob(const_cast<std::uint8_t*>(dataset.labels.data()),
                                 {static_cast<std::int64_t>(dataset.size())}, torch::kUInt8)
                    .to(torch::kInt64)) {}

  torch::data::Example<> get(std::size_t index) override {
    const auto i = static_cast<std::int64_t>(index);
    return {images_[i].to(torch::kFloat32).div_(255.0), labels_[i]};
  }

  torch::optional<std::size_t> size() const override {
    return static_cast<std::size_t>(labels_.size(0));
  }

  // The whole split at once, for evaluation.
  torch::Tensor images() const { return images_.to(torch::kFloat32).div_(255.0); }
  const torch::Tensor& labels() const { return labels_; }

 private:
  torch::Tensor images_;  // uint8, N x C x H x W
  torch::Tensor labels_;
};

}  // namespace powersel::qat::detail

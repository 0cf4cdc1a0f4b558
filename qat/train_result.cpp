#include <nlohmann/json.hpp>

#include "powersel/qat/train.hpp"

namespace powersel::qat {

nlohmann::json ToJson(const EpochRecord& record) {
  return {{"phase", record.phase},
          {"epoch", record.epoch},
          {"loss", record.loss},
          {"train_top1", record.train_top1},
          {"validation_top1", record.validation_top1},
          {"images_per_s", record.images_per_s},
          {"seconds", record.seconds}};
}

EpochRecord EpochRecordFromJson(const nlohmann::json& record) {
  return {record.at("phase"),      record.at("epoch"),           record.at("loss"),
          record.at("train_top1"), record.at("validation_top1"), record.at("images_per_s"),
          record.at("seconds")};
}

nlohmann::json ToJson(const TrainResult& result) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochRecord& record : result.epochs) {
    epochs.push_back(ToJson(record));
  }
  return {{"model", result.model},
          {"dataset", result.dataset},
          {"float_top1", result.float_top1},
          {"qat_top1", result.qat_top1},
          {"int_top1", result.int_top1},
          {"train_images", result.train_images},
          {"validation_images", result.validation_images},
          {"test_images", result.test_images},
          {"epochs", epochs},
          {"resumed", result.resumed},
          {"network", result.network.filename().string()},
          {"int_disagreements", result.int_disagreements},
          {"complete", result.complete},
          {"seconds", result.seconds}};
}

}  // namespace powersel::qat

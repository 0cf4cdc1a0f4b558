#include "powersel/flow/run.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "powersel/common/files.hpp"
#include "powersel/common/gnuplot.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/flow/codesign.hpp"
#include "powersel/flow/compress.hpp"
#include "powersel/flow/correlate.hpp"
#include "powersel/flow/replay.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/qat/dataset.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/regression.hpp"
#include "powersel/tb/serialize.hpp"
#include "run_report.hpp"
#include "run_steps.hpp"

namespace powersel::flow {

namespace {

// The MAC table the run's correlate and compress steps read: the run's liberty, seed and
// threads; one cycles-per-class setting for both, so that they share the cached table.
model::MacTableSpec RunTableSpec(const RunSpec& spec, power::Measurement measurement) {
  model::MacTableSpec table;
  table.liberty = spec.characterize.liberty;
  table.pe = spec.pe;
  table.measurement = measurement;
  table.cycles_per_class = spec.correlate.cycles_per_class;
  table.seed = spec.seed;
  table.threads = spec.threads;
  return table;
}

std::vector<tb::ArrayShape> RegressedShapes(const RunSpec& spec) {
  std::vector<tb::ArrayShape> shapes = {spec.array};
  for (const int size : spec.rtl_regress.extra_sizes) {
    if (tb::ArrayShape{size, size} != spec.array) {
      shapes.push_back({size, size});
    }
  }
  return shapes;
}

// Everything a run reads, read before anything is written.
struct RunInputs {
  std::vector<Matrix<std::uint8_t>> images;  // convolution tiles of the regressions
  qat::DatasetSplits data;
};

RunInputs LoadRunInputs(const RunSpec& spec) {
  int most_images = 0;
  for (const tb::ArrayShape& shape : RegressedShapes(spec)) {
    tb::CheckHarnessOptions({.shape = shape});
    most_images = std::max(most_images, tb::ConvImagesFor(spec.rtl_regress.conv_tiles, shape));
  }
  power::ReadLiberty(spec.characterize.liberty);
  // A clock-gated PE's traces come from the Verilated low-power array (its sizes only), and
  // so do the co-design's, whose rows include clock-gated PEs.
  if (spec.correlate.images > 0) {
    tb::CheckHarnessOptions(power::RtlArrayOptions(spec.correlate.array, spec.pe));
  }
  if (spec.replay.images > 0) {
    tb::CheckHarnessOptions(power::RtlArrayOptions(spec.replay.array, spec.pe));
  }
  if (spec.codesign.enabled) {
    tb::CheckHarnessOptions(power::RtlArrayOptions(spec.replay.array, power::LowPowerPe()));
  }
  RunInputs inputs{ReadIdxImages(kFashionMnistTestImages, most_images),
                   qat::LoadDataset(spec.train.data)};
  tb::CheckRegressionImages(inputs.images, kFashionMnistTestImages);
  return inputs;
}

std::vector<RegressionOutcome> RegressArrays(const RunSpec& spec,
                                             const std::vector<Matrix<std::uint8_t>>& images,
                                             const std::filesystem::path& out,
                                             std::vector<std::string>& failures) {
  const std::vector<tb::ArrayShape> shapes = RegressedShapes(spec);
  std::vector<RegressionOutcome> results;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const tb::RegressionResult result = tb::RunRegression({shapes[i],
                                                           spec.rtl_regress.random_tiles,
                                                           spec.rtl_regress.conv_tiles,
                                                           spec.seed,
                                                           spec.threads,
                                                           {}},
                                                          images);
    const std::string stem = i == 0
                                 ? std::string("rtl-regress")
                                 : fmt::format("rtl-regress-{}x{}", shapes[i].rows, shapes[i].cols);
    tb::WriteRegressionFiles(out, stem, result);
    std::string heatmap;
    if (PlotToggleHeatmap(out / (stem + "_toggles.csv"), out / (stem + "_toggles.png"),
                          fmt::format("toggles per PE, {}x{}", shapes[i].rows, shapes[i].cols))) {
      heatmap = stem + "_toggles.png";
    }
    if (!result.passed()) {
      failures.push_back(fmt::format("rtl-regress {}x{}: {} mismatches", shapes[i].rows,
                                     shapes[i].cols, result.mismatches + result.conv_mismatches));
    }
    results.push_back({result, heatmap});
  }
  return results;
}

power::CharacterizeResult CharacterizeGates(const RunSpec& spec, const std::filesystem::path& out,
                                            std::vector<std::string>& failures) {
  power::CharacterizeSpec characterize;
  characterize.liberty = spec.characterize.liberty;
  characterize.cycles = spec.characterize.cycles;
  characterize.measurement = spec.characterize.measurement;
  characterize.pe = spec.pe;
  characterize.seed = spec.seed;
  characterize.threads = spec.threads;
  power::CharacterizeResult result = power::CharacterizeLibrary(characterize, out);
  if (!result.passed()) {
    failures.push_back("characterize: equivalence or sanity check failed");
  }
  return result;
}

TrainStep TrainInto(const RunSpec& spec, const qat::DatasetSplits& data,
                    const std::filesystem::path& out) {
  TrainStep step{qat::Train(spec.train, data, out), std::nullopt};
  if (!step.training.complete) {
    return step;  // a later call resumes; no train.json until the network exists
  }
  nlohmann::json summary = qat::ToJson(step.training);
  if (spec.rtl_check.images > 0) {
    step.rtl_check = CheckNetworkOnRtl(qat::ReadQuantizedNetwork(step.training.network), data.test,
                                       static_cast<std::size_t>(spec.rtl_check.images), spec.array);
    summary["rtl_check"] = ToJson(*step.rtl_check);
  }
  WriteJsonAtomically(out / "train.json", summary);
  return step;
}

// Runs `body` for `step` unless a record of it with the same key says it finished and its
// outputs are still there; either way its report section and failures join the run's.
detail::StepRecord RunStep(const detail::StepRecords& records, const std::filesystem::path& out,
                           const std::string& step, const std::string& key, Report& report,
                           RunOutcome& outcome,
                           const std::function<bool(detail::StepRecord&)>& body) {
  std::optional<detail::StepRecord> record = records.Finished(step, key);
  bool outputs_there = record.has_value();
  if (record && record->data.contains("outputs") && record->data["outputs"].is_array()) {
    for (const nlohmann::json& file : record->data["outputs"]) {
      outputs_there = outputs_there && file.is_string() &&
                      std::filesystem::exists(out / file.get<std::string>());
    }
  }
  if (outputs_there) {
    fmt::print("run: {}: finished before with the same inputs (key {}), skipped\n", step, key);
  } else {
    records.Forget(step);
    record = detail::StepRecord{key, {}, Report(""), nlohmann::json::object()};
    if (body(*record)) {
      records.Store(step, *record);
    }
  }
  report.Append(record->section);
  if (!record->failures.empty()) {
    outcome.passed = false;
    outcome.failures.insert(outcome.failures.end(), record->failures.begin(),
                            record->failures.end());
  }
  return *record;
}

CompressSpec CompressSpecOf(const RunSpec& spec) {
  CompressSpec compress;
  compress.set_size = spec.compress.set_size;
  compress.sensitivity_images = spec.compress.sensitivity_images;
  compress.energy_weights = spec.compress.lambdas;
  compress.baseline_pools = spec.compress.pools;
  compress.max_accuracy_drop = spec.compress.max_accuracy_drop;
  compress.fine_tune.epochs = spec.compress.epochs;
  compress.fine_tune.learning_rate = spec.compress.learning_rate;
  compress.fine_tune.seed = spec.seed;
  compress.fine_tune.threads = spec.threads;
  compress.fine_tune_images = static_cast<std::size_t>(spec.compress.fine_tune_images);
  compress.array = spec.compress.array;
  compress.table = RunTableSpec(spec, spec.compress.measurement);
  compress.seed = spec.seed;
  return compress;
}

ReplaySpec ReplaySpecOf(const RunSpec& spec) {
  ReplaySpec replay;
  replay.array = spec.replay.array;
  replay.images = spec.replay.images;
  replay.top1_images = static_cast<std::size_t>(spec.replay.top1_images);
  replay.table = RunTableSpec(spec, spec.replay.measurement);
  replay.seed = spec.seed;
  replay.threads = spec.threads;
  return replay;
}

// The ablation on the replay's array and measurement, the run's liberty and MAC-table
// settings.
CodesignSpec CodesignSpecOf(const RunSpec& spec) {
  CodesignSpec codesign;
  codesign.liberty = spec.characterize.liberty;
  codesign.array = spec.replay.array;
  codesign.images = spec.codesign.images;
  codesign.cycles = spec.codesign.cycles;
  codesign.cycles_per_class = spec.correlate.cycles_per_class;
  codesign.measurement = spec.replay.measurement;
  codesign.seed = spec.seed;
  codesign.threads = spec.threads;
  return codesign;
}

}  // namespace

TrainStep TrainAndCheck(const RunSpec& spec, const std::filesystem::path& out) {
  if (spec.rtl_check.images > 0) {
    tb::CheckHarnessOptions({.shape = spec.array});
  }
  const qat::DatasetSplits data = qat::LoadDataset(spec.train.data);
  EnsureOutputDirectory(out, "--out");
  WriteFileAtomically(out / "config.yaml", DumpRunSpec(spec));
  return TrainInto(spec, data, out);
}

void WriteCharacterizationReport(const std::filesystem::path& dir,
                                 const power::CharacterizeResult& result) {
  Report report("powersel characterize");
  ReportCharacterization(report, result);
  WriteFileAtomically(dir / "report.md", report.Markdown());
  WriteFileAtomically(dir / "report.html", report.Html(dir));
}

RunOutcome RunPipeline(const RunSpec& spec, const std::filesystem::path& out) {
  const RunInputs inputs = LoadRunInputs(spec);
  EnsureOutputDirectory(out, "--out");
  WriteFileAtomically(out / "config.yaml", DumpRunSpec(spec));
  std::map<std::string, std::string> sections;
  for (const auto& [name, text] : DumpRunSections(spec)) {
    sections[name] = text;
  }
  const detail::StepRecords records(out);
  RunOutcome outcome;
  Report report("powersel run");
  report.Paragraph(fmt::format("Array {}x{}, seed {}. Configuration: config.yaml.", spec.array.rows,
                               spec.array.cols, spec.seed));
  auto run_step = [&](const std::string& step, const std::vector<std::string>& inputs_of_step,
                      const std::function<bool(detail::StepRecord&)>& body) {
    return RunStep(records, out, step, detail::StepKey(inputs_of_step), report, outcome, body);
  };

  run_step(
      "rtl_regress", {sections["run"], sections["rtl_regress"]}, [&](detail::StepRecord& record) {
        ReportRegressions(record.section, RegressArrays(spec, inputs.images, out, record.failures));
        record.data["outputs"] = {"rtl-regress.json"};
        return true;
      });
  run_step("characterize", {sections["run"], sections["characterize"]},
           [&](detail::StepRecord& record) {
             ReportCharacterization(record.section, CharacterizeGates(spec, out, record.failures));
             record.data["outputs"] = {"characterize.json"};
             return true;
           });
  const detail::StepRecord train = run_step(
      "train", {sections["run"], sections["train"], sections["rtl_check"]},
      [&](detail::StepRecord& record) {
        const TrainStep training = TrainInto(spec, inputs.data, out);
        ReportTraining(record.section, spec, training);
        if (!training.training.complete) {
          record.failures.push_back(fmt::format(
              "train: stopped after {} of {} epochs (max_epochs_this_run); run again to "
              "resume",
              training.training.epochs.size(), spec.train.float_epochs + spec.train.qat_epochs));
        }
        if (training.rtl_check && !training.rtl_check->passed()) {
          record.failures.push_back(
              fmt::format("train: {} mismatches of the network on the {}x{} RTL",
                          training.rtl_check->mismatches, spec.array.rows, spec.array.cols));
        }
        record.data["outputs"] = {"train.json", "network.qnet.json"};
        return training.training.complete;  // an unfinished training resumes next time
      });
  const bool trained = std::filesystem::exists(out / "train.json") && train.failures.empty();
  // What the model-based steps share: the liberty, the MAC table's settings, the network.
  const std::vector<std::string> model_inputs = {sections["run"], sections["characterize"],
                                                 sections["correlate"], train.key};

  if (trained && spec.correlate.images > 0) {
    run_step("correlate", model_inputs, [&](detail::StepRecord& record) {
      CorrelateSpec correlate;
      correlate.array = spec.correlate.array;
      correlate.images = spec.correlate.images;
      correlate.table = RunTableSpec(spec, spec.correlate.measurement);
      correlate.seed = spec.seed;
      correlate.threads = spec.threads;
      ReportCorrelation(record.section,
                        CorrelateRun(correlate, out / "network.qnet.json", inputs.data.test, out));
      record.data["outputs"] = {"correlate.json"};
      return true;
    });
  }

  std::optional<detail::StepRecord> compress;
  if (trained && spec.compress.enabled) {
    std::vector<std::string> compress_inputs = model_inputs;
    compress_inputs.push_back(sections["compress"]);
    compress_inputs.push_back(sections["train"]);
    compress = run_step("compress", compress_inputs, [&](detail::StepRecord& record) {
      const CompressResult compression = Compress(CompressSpecOf(spec), spec.train, out, out);
      WriteCompression(out, compression);
      ReportCompression(record.section, compression);
      // Replay needs a network of ours within the accuracy budget and a baseline to compare.
      record.data["replayable"] = compression.chosen_ours >= 0 && compression.chosen_baseline >= 0;
      record.data["outputs"] = {"compress.json"};
      return true;
    });
  }

  if (compress && compress->data.value("replayable", false) && spec.replay.images > 0) {
    run_step("replay",
             {sections["run"], sections["characterize"], sections["correlate"], sections["replay"],
              compress->key},
             [&](detail::StepRecord& record) {
               const ReplayResult replay = Replay(ReplaySpecOf(spec), out, inputs.data.test, out);
               WriteReplay(out, replay);
               ReportReplay(record.section, replay);
               if (!replay.passed()) {
                 record.failures.push_back(
                     "replay: a network differs from the integer engine on the RTL");
               }
               record.data["outputs"] = {"replay.json"};
               return true;
             });
  }

  if (compress && compress->data.value("replayable", false) && spec.codesign.enabled) {
    run_step("codesign",
             {sections["run"], sections["characterize"], sections["correlate"],
              sections["codesign"], sections["replay"], compress->key},
             [&](detail::StepRecord& record) {
               const CodesignResult result =
                   Codesign(CodesignSpecOf(spec), out, inputs.data.test, out);
               WriteCodesign(out, result);
               ReportCodesign(record.section, result);
               for (const AblationRow& row : result.ablation) {
                 if (!row.equivalent) {
                   record.failures.push_back("codesign: the " + row.name +
                                             " PE differs from the RTL at the gate level");
                 }
               }
               record.data["outputs"] = {"codesign.json"};
               return true;
             });
  }

  ReportVersions(report, spec);
  WriteFileAtomically(out / "report.md", report.Markdown());
  WriteFileAtomically(out / "report.html", report.Html(out));
  return outcome;
}

}  // namespace powersel::flow

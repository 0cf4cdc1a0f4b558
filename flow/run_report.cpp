#include "run_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "powersel/common/gnuplot.hpp"
#include "powersel/qat/train.hpp"

namespace powersel::flow {

namespace {

std::string Percent(double fraction) {
  return fmt::format("{:.2f} %", 100 * fraction);
}

}  // namespace

void ReportRegressions(Report& report, const std::vector<RegressionOutcome>& regressions) {
  report.Heading("RTL regression");
  report.Paragraph(
      "Random tiles (uniform, partial, extreme values, full 22-bit accumulation, wrap-around, "
      "sparse) and convolution tiles of real Fashion-MNIST images, each checked bit-exact "
      "against the C++ integer reference; convolutions also against a direct convolution.");
  std::vector<std::vector<std::string>> rows;
  for (const auto& [r, heatmap] : regressions) {
    rows.push_back({fmt::format("{}x{}", r.shape.rows, r.shape.cols),
                    std::to_string(r.random_tiles), std::to_string(r.conv_tiles),
                    std::to_string(r.mismatches + r.conv_mismatches), std::to_string(r.cycles),
                    std::to_string(r.macs), r.passed() ? "pass" : "FAIL"});
  }
  report.Table({"array", "random tiles", "conv tiles", "mismatches", "cycles", "MACs", "result"},
               rows);

  report.Heading("Toggle counts per signal class");
  std::vector<std::string> header = {"array"};
  for (const auto name : tb::kPeSignalNames) {
    header.emplace_back(name);
  }
  for (const auto name : tb::kEdgeSignalNames) {
    header.emplace_back(name);
  }
  std::vector<std::vector<std::string>> toggle_rows;
  for (const auto& [r, heatmap] : regressions) {
    std::vector<std::string> row = {fmt::format("{}x{}", r.shape.rows, r.shape.cols)};
    for (int s = 0; s < tb::kPeSignalCount; ++s) {
      row.push_back(std::to_string(r.toggles.Total(static_cast<tb::PeSignal>(s))));
    }
    for (int e = 0; e < tb::kEdgeSignalCount; ++e) {
      row.push_back(std::to_string(r.toggles.Total(static_cast<tb::EdgeSignal>(e))));
    }
    toggle_rows.push_back(row);
  }
  report.Table(header, toggle_rows);
  for (const auto& [r, heatmap] : regressions) {
    if (!heatmap.empty()) {
      report.Image(heatmap,
                   fmt::format("Toggles per PE, {}x{} regression", r.shape.rows, r.shape.cols));
    }
  }
}

void ReportCharacterization(Report& report, const power::CharacterizeResult& result) {
  const bool timed = result.measurement == power::Measurement::kTimed;
  report.Heading("Gate-level MAC energy");
  report.Paragraph(fmt::format(
      "{}: the PE maps to {} cells ({} flip-flops, area {:.0f}); the {} gate-level PE equals the "
      "RTL PE over {} random PE-cycles ({} mismatches). Clock floor {:.1f} fJ per cycle. "
      "Energies are per PE cycle (pe scope), measurement **{}**{}. Table: mac_energy.csv.",
      result.liberty.filename().string(), result.pe_cells, result.pe_flip_flops, result.pe_area,
      power::MeasurementName(result.measurement), result.equivalence_pe_cycles,
      result.equivalence_mismatches, result.clock_fj_per_cycle,
      power::MeasurementName(result.measurement),
      timed ? " (delays from OpenSTA, glitches counted)" : " (no glitches)"));
  std::vector<std::vector<std::string>> rows;
  for (const char* stimulus : {"uniform", "conv", "psum_same_sign", "psum_sign_flip"}) {
    rows.push_back({stimulus});
    for (const int weight : {0, 1, 64, 85, 127, -128}) {
      rows.back().push_back(fmt::format("{:.0f}", result.Energy(weight, stimulus)));
    }
  }
  report.Table({"stimulus", "w=0", "w=1", "w=64", "w=85", "w=127", "w=-128"}, rows);
  std::vector<std::vector<std::string>> checks;
  for (const power::SanityCheck& check : result.checks) {
    checks.push_back({check.passed ? "ok" : "FAIL", check.name, check.detail});
  }
  report.Table({"", "check", "numbers (fJ)"}, checks);
  report.Image("mac_energy.png", "Energy per PE cycle against the weight value");
  if (result.comparisons.empty()) {
    return;
  }
  report.Heading("Glitches: timed against zero-delay");
  report.Paragraph(
      "The same stimuli measured both ways. Glitch share = (timed - zero-delay) / timed, per "
      "weight, then averaged; the rank correlation and the swapped pairs say how far glitches "
      "reorder the weights. Per weight: glitch_by_weight.csv.");
  std::vector<std::vector<std::string>> modes;
  for (const power::ModeComparison& c : result.comparisons) {
    modes.push_back({c.stimulus, fmt::format("{:.0f}", c.mean_timed_fj),
                     fmt::format("{:.0f}", c.mean_zero_delay_fj),
                     fmt::format("x{:.2f}", c.mean_timed_fj / c.mean_zero_delay_fj),
                     Percent(c.mean_glitch_share), fmt::format("{:.3f}", c.spearman_rho),
                     Percent(c.swapped_pairs), fmt::format("{}", fmt::join(c.dearest_timed, ", ")),
                     fmt::format("{}", fmt::join(c.dearest_zero_delay, ", "))});
  }
  report.Table({"stimulus", "timed fJ", "zero-delay fJ", "ratio", "glitch share", "Spearman rho",
                "swapped pairs", "dearest (timed)", "dearest (zero-delay)"},
               modes);
  report.Image("mac_energy_modes.png", "Timed and zero-delay energy against the weight value");
}

void ReportTraining(Report& report, const RunSpec& spec, const TrainStep& step) {
  const qat::TrainResult& result = step.training;
  report.Heading("Quantisation-aware training");
  if (!result.complete) {
    report.Paragraph(fmt::format(
        "**Incomplete:** training stopped after {} of {} epochs (max_epochs_this_run); run "
        "again with the same configuration and directory to resume.",
        result.epochs.size(), spec.train.float_epochs + spec.train.qat_epochs));
  } else {
    report.Paragraph(fmt::format(
        "{} on {}: {} training, {} validation, {} test images. The integer engine runs the "
        "exported network (network.qnet.json) exactly as the array computes it; its top-1 "
        "class differs from the fake-quantised network's on {} of {} test images.",
        result.model, result.dataset, result.train_images, result.validation_images,
        result.test_images, result.int_disagreements, result.test_images));
    report.Table({"network", "test top-1"},
                 {{"float", Percent(result.float_top1)},
                  {"8-bit QAT (fake-quantised)", Percent(result.qat_top1)},
                  {"integer engine", Percent(result.int_top1)}});
  }
  if (step.rtl_check) {
    const NetworkRtlCheck& check = *step.rtl_check;
    report.Paragraph(fmt::format(
        "RTL check ({}): {} test images through the Verilated {}x{} array, {} GEMM layer "
        "evaluations and the logits compared with the integer engine, {} mismatches.",
        check.passed() ? "pass" : "**FAIL**", check.images, check.array.rows, check.array.cols,
        check.gemm_layers, check.mismatches));
  } else if (result.complete) {
    report.Paragraph("RTL check: off (rtl_check.images is 0).");
  }
  std::vector<std::vector<std::string>> epochs;
  for (const qat::EpochRecord& record : result.epochs) {
    epochs.push_back({record.phase, std::to_string(record.epoch),
                      fmt::format("{:.3f}", record.loss), Percent(record.validation_top1),
                      fmt::format("{:.0f}", record.images_per_s)});
  }
  report.Table({"phase", "epoch", "loss", "validation top-1", "images/s"}, epochs);
}

bool PlotToggleHeatmap(const std::filesystem::path& csv, const std::filesystem::path& png,
                       const std::string& title) {
  // row, col, five PE signals, total (tb::ToggleHeatmapCsv).
  constexpr int kTotalColumn = 8;
  return PlotPng(png, [&](const std::string& output) {
    return fmt::format(
        "set terminal pngcairo size 640,560\n"
        "set output {}\n"
        "set datafile separator ','\n"
        "set title '{}'\n"
        "set xlabel 'column'\nset ylabel 'row'\nset autoscale fix\nset yrange [*:*] reverse\n"
        "set cblabel 'toggles'\nset view map\nset palette rgbformulae 21,22,23\n"
        "plot {} using 2:1:{} skip 1 with image notitle\n",
        output, title, GnuplotQuoted(csv), kTotalColumn);
  });
}

void ReportVersions(Report& report, const RunSpec& spec) {
  report.Heading("Configuration and tools");
  report.Paragraph(
      "The run's configuration as stored in config.yaml, and the tools its results come "
      "from. A step whose inputs (its configuration sections, the steps it reads from and "
      "powersel's version) are unchanged since it last finished is skipped on a re-run; "
      "steps/ holds their records.");
  report.Code(DumpRunSpec(spec));
  report.Table({"tool", "version"}, {{"powersel", POWERSEL_VERSION},
                                     {"Verilator", POWERSEL_VERILATOR_VERSION},
                                     {"Yosys", POWERSEL_YOSYS_VERSION},
                                     {"OpenSTA", POWERSEL_STA_VERSION},
                                     {"LibTorch", qat::LibTorchVersion()},
                                     {"compiler", __VERSION__},
                                     {"liberty", spec.characterize.liberty.string()}});
}

}  // namespace powersel::flow

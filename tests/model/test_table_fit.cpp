// The MAC table against the gate-level PE on a real stream it was not measured on: the
// activations and partial sums one PE of a real second convolution layer sees.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "powersel/common/idx.hpp"
#include "powersel/model/mac_table.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/tb/regression.hpp"

using namespace powersel;

namespace {

// PE (k, n) of the layer: column k of the im2col matrix, partial sums of rows 0..k-1.
std::vector<tb::PeInputs> RealPeStream(int k, int n, int images) {
  std::vector<tb::PeInputs> stream;
  for (const Matrix<std::uint8_t>& image : ReadIdxImages(kFashionMnistTestImages, images)) {
    const tb::ConvGemm gemm = tb::RegressionSecondLayer(image, 7);
    for (int m = 0; m < gemm.activations.rows(); ++m) {
      std::int64_t psum = 0;
      for (int j = 0; j < k; ++j) {
        psum += std::int64_t{gemm.activations(m, j)} * gemm.weights(j, n);
      }
      tb::PeInputs in;
      in.act = gemm.activations(m, k);
      in.act_valid = true;
      in.psum = tb::WrapPsum(psum);
      stream.push_back(in);
    }
  }
  return stream;
}

}  // namespace

TEST_CASE("the MAC table predicts a real PE stream's energy per weight", "[model]") {
  const power::Measurement measurement = GENERATE(power::Measurement::kZeroDelay);
  model::MacTableSpec spec;
  spec.measurement = measurement;
  spec.cycles_per_class = 200;
  spec.threads = 2;
  spec.real_streams = {RealPeStream(20, 3, 2)};
  const auto cache = std::filesystem::temp_directory_path() /
                     ("powersel_fit_" + std::to_string(static_cast<long>(getpid())));
  const power::MappedDesign design = power::DefaultMappedDesign();
  const model::MacTable table = model::CharacterizeMacTable(spec, design, cache);
  std::filesystem::remove_all(cache);

  // Measure another PE's stream (other images, another row and column) for 64 weights.
  const std::vector<tb::PeInputs> stream = RealPeStream(12, 5, 3);
  const power::Library library = power::ReadLiberty(spec.liberty);
  const power::GateNetlist netlist =
      power::ReadGateNetlist(design.netlist_json, "ws_pe_gates", library);
  power::GatePe pe(netlist, library, spec.energy, power::GatePe::kLanes);
  std::vector<tb::PeInputs> lanes(power::GatePe::kLanes);
  for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
    lanes[static_cast<std::size_t>(lane)].shift = true;
    lanes[static_cast<std::size_t>(lane)].weight = static_cast<std::int8_t>(lane * 4 - 128);
  }
  pe.Step(lanes);
  pe.meter().Clear();
  const model::TransitionClasses& classes = table.classes();
  std::vector<double> predicted(power::GatePe::kLanes, 0);
  tb::PeInputs previous = lanes[0];
  previous.shift = false;
  for (const tb::PeInputs& in : stream) {
    std::fill(lanes.begin(), lanes.end(), in);
    pe.Step(lanes);
    const int a = classes.ActivationClass(previous.act, in.act);
    const int g = classes.PsumGroup(previous.psum, in.psum);
    for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
      predicted[static_cast<std::size_t>(lane)] += table.Datapath(lane * 4 - 128, a, g);
    }
    previous = in;
  }
  double worst = 0;
  double sum_error = 0;
  for (int lane = 0; lane < power::GatePe::kLanes; ++lane) {
    const double measured = pe.meter().lane_energy_fj()[static_cast<std::size_t>(lane)] -
                            table.clock_fj() * static_cast<double>(pe.meter().cycles());
    const double error = std::abs(predicted[static_cast<std::size_t>(lane)] / measured - 1);
    worst = std::max(worst, error);
    sum_error += error;
  }
  WARN("datapath per weight on an unseen real stream: mean rel err "
       << 100 * sum_error / power::GatePe::kLanes << " %, max " << 100 * worst << " %");
  CHECK(sum_error / power::GatePe::kLanes < 0.10);
}

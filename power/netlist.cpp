#include "powersel/power/netlist.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"

namespace powersel::power {

const GateNetlist::Port& GateNetlist::FindPort(const std::string& name) const {
  for (const Port& port : ports) {
    if (port.name == name) {
      return port;
    }
  }
  throw std::out_of_range("netlist " + module + " has no port " + name);
}

std::vector<std::uint8_t> GateNetlist::RegisterNets() const {
  std::vector<std::uint8_t> registers(static_cast<std::size_t>(net_count), 0);
  for (const Instance& instance : instances) {
    if (!instance.cell->flip_flop) {
      continue;
    }
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      if (instance.cell->pins[p].is_output) {
        registers[static_cast<std::size_t>(instance.pin_nets[p])] = 1;
      }
    }
  }
  return registers;
}

std::vector<std::uint8_t> GateNetlist::CombinationalFanOut(std::span<const int> nets) const {
  std::vector<std::vector<const Instance*>> readers(static_cast<std::size_t>(net_count));
  for (const Instance& instance : instances) {
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      if (!instance.cell->pins[p].is_output && !instance.cell->flip_flop && !instance.cell->latch) {
        readers[static_cast<std::size_t>(instance.pin_nets[p])].push_back(&instance);
      }
    }
  }
  std::vector<std::uint8_t> cone(static_cast<std::size_t>(net_count), 0);
  std::vector<int> pending(nets.begin(), nets.end());
  while (!pending.empty()) {
    const auto net = static_cast<std::size_t>(pending.back());
    pending.pop_back();
    if (cone[net] != 0) {
      continue;
    }
    cone[net] = 1;
    for (const Instance* reader : readers[net]) {
      for (std::size_t p = 0; p < reader->cell->pins.size(); ++p) {
        if (reader->cell->pins[p].is_output) {
          pending.push_back(reader->pin_nets[p]);
        }
      }
    }
  }
  return cone;
}

GateNetlist::ClockTree GateNetlist::FindClockTree() const {
  const auto nets = static_cast<std::size_t>(net_count);
  std::vector<const Instance*> driver(nets, nullptr);
  std::vector<int> clock_pins;
  for (const Instance& instance : instances) {
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      const LibertyPin& pin = instance.cell->pins[p];
      if (pin.is_output) {
        driver[static_cast<std::size_t>(instance.pin_nets[p])] = &instance;
      } else if (instance.cell->flip_flop && pin.name == instance.cell->flip_flop->clocked_on) {
        clock_pins.push_back(instance.pin_nets[p]);
      }
    }
  }
  // Back from the clock pins through combinational cells to the primary inputs they reach.
  std::vector<std::uint8_t> visited(nets, 0);
  std::vector<int> roots;
  std::vector<int> pending = clock_pins;
  while (!pending.empty()) {
    const auto net = static_cast<std::size_t>(pending.back());
    pending.pop_back();
    if (net <= 1 || visited[net] != 0) {
      continue;
    }
    visited[net] = 1;
    const Instance* source = driver[net];
    if (source == nullptr) {
      roots.push_back(static_cast<int>(net));
    } else if (!source->cell->flip_flop && !source->cell->latch) {
      for (std::size_t p = 0; p < source->cell->pins.size(); ++p) {
        if (!source->cell->pins[p].is_output) {
          pending.push_back(source->pin_nets[p]);
        }
      }
    }
  }
  ClockTree tree;
  tree.free_running.assign(nets, 0);
  tree.gated.assign(nets, 0);
  if (roots.empty()) {
    return tree;
  }
  if (roots.size() > 1) {
    throw InputError(module, "",
                     "flip-flops are clocked from more than one input (" +
                         net_names[static_cast<std::size_t>(roots[0])] + ", " +
                         net_names[static_cast<std::size_t>(roots[1])] + ")");
  }
  tree.root = roots.front();
  const std::vector<std::uint8_t> cone = CombinationalFanOut(std::span(&tree.root, 1));
  // Free-running: the root, or a cell output whose inputs are all free-running or constant.
  // Cells are visited until nothing changes: a cone is a few levels deep.
  tree.free_running[static_cast<std::size_t>(tree.root)] = 1;
  for (bool changed = true; changed;) {
    changed = false;
    for (const Instance& instance : instances) {
      if (instance.cell->flip_flop || instance.cell->latch) {
        continue;
      }
      bool all_free = true;
      for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
        const auto net = static_cast<std::size_t>(instance.pin_nets[p]);
        if (!instance.cell->pins[p].is_output && net > 1 && tree.free_running[net] == 0) {
          all_free = false;
        }
      }
      for (std::size_t p = 0; p < instance.cell->pins.size() && all_free; ++p) {
        const auto net = static_cast<std::size_t>(instance.pin_nets[p]);
        if (instance.cell->pins[p].is_output && cone[net] != 0 && tree.free_running[net] == 0) {
          tree.free_running[net] = 1;
          changed = true;
        }
      }
    }
  }
  for (std::size_t net = 2; net < nets; ++net) {
    tree.gated[net] = cone[net] != 0 && tree.free_running[net] == 0 ? 1 : 0;
    tree.has_gated = tree.has_gated || tree.gated[net] != 0;
  }
  return tree;
}

int GateNetlist::FlipFlopCount() const {
  int count = 0;
  for (const Instance& instance : instances) {
    count += instance.cell->flip_flop ? 1 : 0;
  }
  return count;
}

namespace {

bool IsNumberedName(const std::string& name) {
  const std::size_t dot = name.rfind('.');
  return name[dot == std::string::npos ? 0 : dot + 1] == '_';
}

// Instantiates a module's cells into the flat netlist, recursing into submodule instances.
// Yosys bit ids are local to a module; `local` maps them to flat net numbers.
class Flattener {
 public:
  Flattener(const nlohmann::json& modules, const Library& library, std::string file,
            GateNetlist& netlist)
      : modules_(modules), library_(library), file_(std::move(file)), netlist_(netlist) {}

  void AddTop(const std::string& module) {
    const nlohmann::json& body = modules_[module];
    std::map<long, int> local;
    const nlohmann::json ports = body.value("ports", nlohmann::json::object());
    for (const auto& [name, port] : ports.items()) {
      GateNetlist::Port entry{name, port.at("direction") == "input", {}};
      for (const auto& bit : port.at("bits")) {
        entry.nets.push_back(Net(bit, local, "ports." + name));
      }
      netlist_.ports.push_back(std::move(entry));
    }
    AddBody(module, body, "", local);
  }

  int net_count() const { return next_net_; }

 private:
  int Net(const nlohmann::json& bit, std::map<long, int>& local, const std::string& where) {
    if (bit.is_string()) {
      const std::string constant = bit.get<std::string>();
      if (constant == "0" || constant == "x" || constant == "z") {
        return 0;  // undriven and unknown bits read as 0, as in the RTL simulation
      }
      if (constant == "1") {
        return 1;
      }
      throw InputError(file_, where, "unknown constant bit '" + constant + "'");
    }
    const auto [entry, inserted] = local.try_emplace(bit.get<long>(), next_net_);
    if (inserted) {
      ++next_net_;
      netlist_.net_names.emplace_back();
    }
    return entry->second;
  }

  void AddBody(const std::string& module, const nlohmann::json& body, const std::string& prefix,
               std::map<long, int>& local) {
    const nlohmann::json cells = body.value("cells", nlohmann::json::object());
    for (const auto& [name, cell] : cells.items()) {
      const std::string type = cell.at("type").get<std::string>();
      const std::string where = fmt::format("modules.{}.cells.{}", module, name);
      const auto& connections = cell.at("connections");
      if (modules_.contains(type)) {
        AddSubmodule(type, prefix + name + ".", connections, local, where);
        continue;
      }
      const auto found = library_.cells.find(type);
      if (found == library_.cells.end()) {
        throw InputError(file_, where,
                         fmt::format("cell type {} is neither a module nor in {}", type,
                                     library_.file.string()));
      }
      GateNetlist::Instance instance{prefix + name, &found->second, {}};
      for (const LibertyPin& pin : instance.cell->pins) {
        if (!connections.contains(pin.name) || connections[pin.name].size() != 1) {
          throw InputError(file_, where + ".connections." + pin.name,
                           "expected exactly one connected bit");
        }
        instance.pin_nets.push_back(Net(connections[pin.name][0], local, where));
      }
      netlist_.instances.push_back(std::move(instance));
    }
    const nlohmann::json netnames = body.value("netnames", nlohmann::json::object());
    for (const auto& [name, net] : netnames.items()) {
      const auto& bits = net.at("bits");
      for (std::size_t i = 0; i < bits.size(); ++i) {
        if (!bits[i].is_number() || local.count(bits[i].get<long>()) == 0) {
          continue;  // constants, and names of bits nothing uses
        }
        std::string& current =
            netlist_.net_names[static_cast<std::size_t>(local[bits[i].get<long>()])];
        const std::string candidate =
            prefix + (bits.size() == 1 ? name : fmt::format("{}[{}]", name, i));
        // The RTL's names (act_q) beat the numbered ones Yosys made up (_123_).
        if (current.empty() || (IsNumberedName(current) && !IsNumberedName(candidate))) {
          current = candidate;
        }
      }
    }
  }

  void AddSubmodule(const std::string& type, const std::string& prefix,
                    const nlohmann::json& connections, std::map<long, int>& parent,
                    const std::string& where) {
    const nlohmann::json& body = modules_[type];
    std::map<long, int> local;
    const nlohmann::json ports = body.value("ports", nlohmann::json::object());
    const std::string instance = prefix.substr(0, prefix.size() - 1);
    for (const auto& [name, port] : ports.items()) {
      if (!connections.contains(name) || connections[name].size() != port.at("bits").size()) {
        throw InputError(file_, where + ".connections." + name, "port width mismatch");
      }
      std::vector<int>& bound = netlist_.submodule_ports[instance][name];
      for (std::size_t i = 0; i < port.at("bits").size(); ++i) {
        const int outer = Net(connections[name][i], parent, where);
        bound.push_back(outer);
        const auto& bit = port.at("bits")[i];
        if (bit.is_number()) {
          local[bit.get<long>()] = outer;
        }
      }
    }
    AddBody(type, body, prefix, local);
  }

  const nlohmann::json& modules_;
  const Library& library_;
  std::string file_;
  GateNetlist& netlist_;
  int next_net_ = 2;
};

}  // namespace

GateNetlist ReadGateNetlist(const std::filesystem::path& json, const std::string& module,
                            const Library& library) {
  const nlohmann::json document = ReadJsonFile(json, "netlist");
  const nlohmann::json modules = document.value("modules", nlohmann::json::object());
  if (!modules.contains(module)) {
    throw InputError(json.string(), "modules." + module, "module not in the netlist");
  }
  GateNetlist netlist;
  netlist.module = module;
  netlist.net_names = {"1'b0", "1'b1"};
  Flattener flattener(modules, library, json.string(), netlist);
  flattener.AddTop(module);
  netlist.net_count = flattener.net_count();
  return netlist;
}

}  // namespace powersel::power

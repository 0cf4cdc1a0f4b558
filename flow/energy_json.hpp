// A scoped energy in the JSON files the flow writes and reads back (private to flow/).
#pragma once

#include <nlohmann/json.hpp>

#include "powersel/model/energy_model.hpp"

namespace powersel::flow::detail {

inline nlohmann::json ScopedEnergyJson(const model::ScopedEnergy& energy) {
  return {{"datapath", energy.datapath}, {"pe", energy.pe}, {"array", energy.array}};
}

// Throws nlohmann::json::exception for a missing or non-numeric scope.
inline model::ScopedEnergy ScopedEnergyFromJson(const nlohmann::json& json) {
  return {json.at("datapath").get<double>(), json.at("pe").get<double>(),
          json.at("array").get<double>()};
}

}  // namespace powersel::flow::detail

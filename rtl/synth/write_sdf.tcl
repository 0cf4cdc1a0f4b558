# Static timing of a mapped netlist with OpenSTA: per-instance, per-arc cell delays at each
# net's load and each pin's propagated slew, written as SDF for the timed energy simulation.
#
# Run as: sta -no_init -no_splash -exit write_sdf.tcl, with the environment variables
#   POWERSEL_LIBERTY   the .lib file
#   POWERSEL_VERILOG   the netlist (e.g. ws_pe_gates.v from map_array.tcl)
#   POWERSEL_COMMANDS  a Tcl file (written by power/static_timing.cpp) that sets
#     powersel_module       the module to time
#     powersel_clock_port   its clock input, or "" for none
#     powersel_period       clock period, library time units
#     powersel_slew         transition time at every input and clock pin, library time units
#     powersel_net_loads    {sink_pin load} pairs: the wire estimate of the net that reaches
#                           sink_pin, library capacitance units (OpenSTA adds the pin loads)
#     powersel_port_loads   {output_port load} pairs: load outside the netlist
#   POWERSEL_SDF       the SDF to write
#
# OpenSTA goes on after a failed command and exits 0, so every failure here prints a line that
# starts with "Error" and the caller treats such a line in the log as a failure.

proc powersel_write_sdf {} {
  global powersel_module powersel_clock_port powersel_period powersel_slew
  global powersel_net_loads powersel_port_loads
  source $::env(POWERSEL_COMMANDS)
  read_liberty $::env(POWERSEL_LIBERTY)
  read_verilog $::env(POWERSEL_VERILOG)
  link_design $powersel_module
  # Asynchronous set/clear arcs (DFFSR R->Q) get no delay unless asked for.
  set ::sta_preset_clear_arcs_enabled 1
  if {$powersel_clock_port ne ""} {
    create_clock -name clk -period $powersel_period [get_ports $powersel_clock_port]
    set_clock_transition $powersel_slew [all_clocks]
  }
  set_input_transition $powersel_slew [all_inputs]
  foreach entry $powersel_net_loads {
    lassign $entry sink load
    set pins [get_pins -quiet $sink]
    if {[llength $pins] != 1} {
      error "no pin $sink in $powersel_module"
    }
    set_load $load [get_nets -of_objects $pins]
  }
  foreach entry $powersel_port_loads {
    lassign $entry port load
    set ports [get_ports -quiet $port]
    if {[llength $ports] != 1} {
      error "no port $port in $powersel_module"
    }
    set_load $load $ports
  }
  # 4 digits of ns: 0.1 ps on delays of 0.05-0.5 ns.
  write_sdf -digits 4 $::env(POWERSEL_SDF)
}

if {[catch powersel_write_sdf message]} {
  puts "Error: powersel write_sdf.tcl: $message"
}

# Maps the weight-stationary array to a Liberty standard-cell library with Yosys, keeping the
# PE as its own module (ws_pe_gates) so that one PE netlist serves the whole array.
#
# Run as: yosys -c map_array.tcl, with the environment variables
#   POWERSEL_RTL_DIR   folder with the rtl/*.sv sources
#   POWERSEL_LIBERTY   the .lib file
#   POWERSEL_ROWS, POWERSEL_COLS   array size
#   POWERSEL_ZERO_WEIGHT_ISOLATION, POWERSEL_SIGN_MAGNITUDE,
#   POWERSEL_ZERO_ACTIVATION_ISOLATION, POWERSEL_CLOCK_GATING   (optional, 0 or 1) the PE's
#                      low-power features (ws_pe parameters); absent or 0: the plain PE
#   POWERSEL_OUT_DIR   where to write:
#     ws_array_gates.json  hierarchical netlist (modules ws_array and ws_pe_gates)
#     ws_pe_gates.v        the PE netlist alone, for Verilator
#     cells.v              Verilator-friendly models of the library's cells
#     synth_report.txt     cell counts and area per module

set rtl $::env(POWERSEL_RTL_DIR)
set lib $::env(POWERSEL_LIBERTY)
set out $::env(POWERSEL_OUT_DIR)

# The library's level-sensitive latch, for the clock gates: a cell with a latch group whose
# enable is a plain pin (high-transparent) and an output that is the latch's state.
proc latch_cell {lib} {
  set text [read [set handle [open $lib]]]
  close $handle
  set starts [regexp -all -indices -inline {\ncell\s*\(} $text]
  lappend starts [list [string length $text] 0]
  for {set i 0} {$i + 1 < [llength $starts]} {incr i} {
    set body [string range $text [lindex $starts $i 0] [lindex $starts [expr {$i + 1}] 0]]
    if {![regexp {cell\s*\(\s*"?(\w+)"?\s*\)} $body - name] ||
        ![regexp {latch\s*\(\s*"?(\w+)"?\s*,[^)]*\)\s*\{([^\}]*)\}} $body - state group]} {
      continue
    }
    if {![regexp {enable\s*:\s*"(\w+)"} $group - enable] ||
        ![regexp {data_in\s*:\s*"(\w+)"} $group - data]} {
      continue
    }
    set pin_pattern [string map [list STATE $state] \
        {pin\s*\(\s*"?(\w+)"?\s*\)\s*\{[^\}]*?function\s*:\s*"STATE"}]
    if {[regexp $pin_pattern $body - output]} {
      return [list $name $enable $data $output]
    }
  }
  error "$lib has no latch cell with a plain enable pin for the clock gates"
}

yosys read_verilog -sv $rtl/ws_delay_line.sv $rtl/ws_clock_gate.sv $rtl/ws_pe.sv $rtl/ws_input_skew.sv \
    $rtl/ws_output_deskew.sv $rtl/ws_array.sv
# hierarchy -chparam trips an assertion in Yosys 0.23; chparam on the module does not.
yosys chparam -set Rows $::env(POWERSEL_ROWS) -set Cols $::env(POWERSEL_COLS) ws_array
foreach {variable parameter} {POWERSEL_ZERO_WEIGHT_ISOLATION ZeroWeightIsolation
                              POWERSEL_SIGN_MAGNITUDE SignMagnitude
                              POWERSEL_ZERO_ACTIVATION_ISOLATION ZeroActivationIsolation
                              POWERSEL_CLOCK_GATING ClockGating
                              POWERSEL_IDLE_COLUMN_GATING IdleColumnGating} {
  if {[info exists ::env($variable)] && $::env($variable)} {
    yosys chparam -set $parameter 1 ws_array
  }
}
yosys hierarchy -top ws_array

# The elaborated PE gets a $paramod name; give it a fixed one and keep it a module.
yosys tee -q -o $out/pe_module.txt select -list *ws_pe
set listing [open $out/pe_module.txt]
set pe [lindex [split [lindex [split [read $listing] "\n"] 0] "/"] 0]
close $listing
file delete $out/pe_module.txt
yosys rename $pe ws_pe_gates
yosys chtype -map $pe ws_pe_gates
yosys setattr -mod -set keep_hierarchy 1 ws_pe_gates

yosys synth -flatten -top ws_array
yosys dfflibmap -liberty $lib
# Latches (the clock gates') onto the library's latch cell; dfflibmap maps flip-flops only.
yosys dfflegalize -cell {$_DLATCH_P_} x t:\$_DLATCH_*
yosys tee -q -o $out/latch_count.txt select -count t:\$_DLATCH_P_
set counted [open $out/latch_count.txt]
set latches [regexp -inline {\d+} [read $counted]]
close $counted
file delete $out/latch_count.txt
if {$latches > 0} {
  lassign [latch_cell $lib] cell enable data output
  set map [open $out/latch_map.v w]
  puts $map "module \\\$_DLATCH_P_ (input E, input D, output Q);"
  puts $map "  $cell _TECHMAP_REPLACE_ (.${enable}(E), .${data}(D), .${output}(Q));"
  puts $map "endmodule"
  close $map
  yosys techmap -map $out/latch_map.v t:\$_DLATCH_P_
}
yosys abc -liberty $lib
yosys opt_clean -purge
yosys setundef -zero
# Readable, stable names for every net (_N_), shared by the JSON and the Verilog.
yosys rename -enumerate
yosys tee -q -o $out/synth_report.txt stat -liberty $lib
yosys write_json $out/ws_array_gates.json
yosys select ws_pe_gates
yosys write_verilog -noattr -noexpr -selected $out/ws_pe_gates.v
yosys select -clear

# Cell models straight from the library's function and ff attributes: no UDPs.
yosys design -reset
yosys read_liberty $lib
yosys write_verilog -noattr $out/cells.v

# Maps the weight-stationary array to a Liberty standard-cell library with Yosys, keeping the
# PE as its own module (ws_pe_gates) so that one PE netlist serves the whole array.
#
# Run as: yosys -c map_array.tcl, with the environment variables
#   POWERSEL_RTL_DIR   folder with the rtl/*.sv sources
#   POWERSEL_LIBERTY   the .lib file
#   POWERSEL_ROWS, POWERSEL_COLS   array size
#   POWERSEL_ZERO_WEIGHT_ISOLATION, POWERSEL_SIGN_MAGNITUDE,
#   POWERSEL_ZERO_ACTIVATION_ISOLATION   (optional, 0 or 1) the PE's
#                      low-power features (ws_pe parameters); absent or 0: the plain PE
#   POWERSEL_OUT_DIR   where to write:
#     ws_array_gates.json  hierarchical netlist (modules ws_array and ws_pe_gates)
#     ws_pe_gates.v        the PE netlist alone, for Verilator
#     cells.v              Verilator-friendly models of the library's cells
#     synth_report.txt     cell counts and area per module

set rtl $::env(POWERSEL_RTL_DIR)
set lib $::env(POWERSEL_LIBERTY)
set out $::env(POWERSEL_OUT_DIR)

yosys read_verilog -sv $rtl/ws_delay_line.sv $rtl/ws_pe.sv $rtl/ws_input_skew.sv \
    $rtl/ws_output_deskew.sv $rtl/ws_array.sv
# hierarchy -chparam trips an assertion in Yosys 0.23; chparam on the module does not.
yosys chparam -set Rows $::env(POWERSEL_ROWS) -set Cols $::env(POWERSEL_COLS) ws_array
foreach {variable parameter} {POWERSEL_ZERO_WEIGHT_ISOLATION ZeroWeightIsolation
                              POWERSEL_SIGN_MAGNITUDE SignMagnitude
                              POWERSEL_ZERO_ACTIVATION_ISOLATION ZeroActivationIsolation} {
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

// Clock gate built from a latch and an AND, as a standard-cell ICG is: the enable is sampled
// while the clock is low, so the gated clock cannot glitch when the enable changes, and it
// rises only at edges whose enable was high during the low phase before them.
module ws_clock_gate (
  input  logic clk_i,
  input  logic en_i,
  output logic clk_o
);

  logic en_q;

  always_latch begin
    if (!clk_i) begin
      en_q = en_i;
    end
  end

  assign clk_o = clk_i & en_q;

endmodule

// Input skew: row r of an aligned activation vector is delayed by r + 1 cycles so that the
// wavefront meets the partial sums descending the array. The extra stage registers row 0 as
// well, so every PE input comes from a flip-flop. All rows carry the same valid, so one
// chain of Rows valid stages serves them all: row r taps stage r.
module ws_input_skew #(
  parameter int unsigned Rows     = 4,
  parameter int unsigned ActWidth = 8
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic [Rows*ActWidth-1:0] act_i,
  input  logic                     act_valid_i,
  output logic [Rows*ActWidth-1:0] act_o,
  output logic [Rows-1:0]          act_valid_o
);

  for (genvar r = 0; r < Rows; r++) begin : gen_row
    ws_delay_line #(
      .Width   (ActWidth),
      .Depth   (r + 1),
      .HasReset(1'b0)
    ) u_act_delay (
      .clk_i,
      .rst_ni,
      .data_i(act_i[r*ActWidth +: ActWidth]),
      .data_o(act_o[r*ActWidth +: ActWidth])
    );

    logic valid_in;
    if (r == 0) begin : gen_valid_from_port
      assign valid_in = act_valid_i;
    end else begin : gen_valid_from_previous_row
      assign valid_in = act_valid_o[r-1];
    end

    ws_delay_line #(
      .Width   (1),
      .Depth   (1),
      .HasReset(1'b1)
    ) u_valid_delay (
      .clk_i,
      .rst_ni,
      .data_i(valid_in),
      .data_o(act_valid_o[r])
    );
  end

endmodule

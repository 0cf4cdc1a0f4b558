// Weight-stationary systolic array: Rows x Cols PEs with a weight load path, input skew and
// output de-skew, so that the outside world sees aligned row and column vectors.
module ws_array #(
  parameter int unsigned Rows        = 64,
  parameter int unsigned Cols        = 64,
  parameter int unsigned WeightWidth = 8,
  parameter int unsigned ActWidth    = 8,
  parameter int unsigned PsumWidth   = 22,
  // The PE's low-power features (ws_pe): off gives the plain PE.
  parameter bit ZeroWeightIsolation  = 1'b0,
  parameter bit SignMagnitude        = 1'b0,
  parameter bit ZeroActivationIsolation = 1'b0,
  parameter bit ClockGating          = 1'b0,
  // No valid activation enters a column the tile leaves unused (col_enable_i), so its
  // clock-gated PEs hold: it works through the PEs' clock gates and needs ClockGating.
  parameter bit IdleColumnGating     = 1'b0,
  parameter bit GatesAsEnables       = 1'b0  // simulation only (ws_pe)
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  // Weight load: one row of Cols weights per valid cycle; the bottom row goes in first and
  // Rows valid cycles fill the array. Activations must be idle while weights shift.
  input  logic                        wload_valid_i,
  input  logic [Cols*WeightWidth-1:0] wload_row_i,

  // The columns the tile being loaded uses, a thermometer code (columns 0..N-1), sampled in
  // its weight-load cycles. Only IdleColumnGating reads it; a column it turns off holds
  // every column to its right as well (their valids pass through it).
  input  logic [Cols-1:0]             col_enable_i,

  // One aligned activation vector per valid cycle: element r enters array row r.
  input  logic                        act_valid_i,
  input  logic [Rows*ActWidth-1:0]    act_i,

  // Value that enters the top of each column; it must stay stable while a stream is in
  // flight (it is not skewed). Zero gives a plain matrix product.
  input  logic [Cols*PsumWidth-1:0]   psum_top_i,

  // One aligned result vector per valid cycle: element c leaves column c.
  output logic                        out_valid_o,
  output logic [Cols*PsumWidth-1:0]   out_psum_o
);

  if (Rows < 1 || Cols < 1) begin : gen_size_check
    $error("the array needs at least one row and one column");
  end
  // A column sums Rows products of WeightWidth + ActWidth bits without overflow only if the
  // partial sum has $clog2(Rows) guard bits; the 22-bit default covers 64 rows exactly.
  if (PsumWidth < WeightWidth + ActWidth + $clog2(Rows)) begin : gen_psum_width_check
    $error("PsumWidth must cover the product width plus $clog2(Rows) guard bits");
  end
  if (IdleColumnGating && !ClockGating) begin : gen_idle_column_gating_check
    $error("IdleColumnGating holds idle columns through the PEs' clock gates: set ClockGating");
  end

  // Load path edge registers: they decouple the load port from the column fan-out.
  logic                        wload_valid_q;
  logic [Cols*WeightWidth-1:0] wload_row_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wload_valid_q <= 1'b0;
    end else begin
      wload_valid_q <= wload_valid_i;
    end
  end

  always_ff @(posedge clk_i) begin
    wload_row_q <= wload_row_i;
  end

  // The columns the loaded tile uses, taken with its weights (in every load cycle): the
  // register keeps the port out of every PE's valid path. All on from reset to the first load.
  logic [Cols-1:0] col_enable_q;

  if (IdleColumnGating) begin : gen_column_enables
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        col_enable_q <= '1;
      end else if (wload_valid_i) begin
        col_enable_q <= col_enable_i;
      end
    end
  end else begin : gen_no_column_enables
    assign col_enable_q = '1;
    logic unused_col_enable;
    assign unused_col_enable = ^{col_enable_i, col_enable_q};
  end

  logic [Rows*ActWidth-1:0] skewed_act;
  logic [Rows-1:0]          skewed_act_valid;

  ws_input_skew #(
    .Rows    (Rows),
    .ActWidth(ActWidth)
  ) u_input_skew (
    .clk_i,
    .rst_ni,
    .act_i,
    .act_valid_i,
    .act_o      (skewed_act),
    .act_valid_o(skewed_act_valid)
  );

  // Each PE's links are declared in its generate block and neighbours refer to them by
  // hierarchical name: Yosys 0.23 takes no multi-dimensional nets, and one flat mesh vector
  // would make Verilator rebuild thousands of bits on every evaluation.
  for (genvar r = 0; r < Rows; r++) begin : gen_row
    for (genvar c = 0; c < Cols; c++) begin : gen_col
      logic        [ActWidth-1:0]    act_in, act_out;
      logic                          act_valid_left, act_valid_in, act_valid_out;
      logic signed [PsumWidth-1:0]   psum_in, psum_out;
      logic signed [WeightWidth-1:0] weight_in, weight_out;

      if (c == 0) begin : gen_left_edge
        assign act_in         = skewed_act[r*ActWidth +: ActWidth];
        assign act_valid_left = skewed_act_valid[r];
      end else begin : gen_from_left
        assign act_in         = gen_row[r].gen_col[c-1].act_out;
        assign act_valid_left = gen_row[r].gen_col[c-1].act_valid_out;
      end

      if (IdleColumnGating) begin : gen_column_gate
        assign act_valid_in = act_valid_left & col_enable_q[c];
      end else begin : gen_no_column_gate
        assign act_valid_in = act_valid_left;
      end

      if (r == 0) begin : gen_top_edge
        assign psum_in   = psum_top_i[c*PsumWidth +: PsumWidth];
        assign weight_in = wload_row_q[c*WeightWidth +: WeightWidth];
      end else begin : gen_from_above
        assign psum_in   = gen_row[r-1].gen_col[c].psum_out;
        assign weight_in = gen_row[r-1].gen_col[c].weight_out;
      end

      ws_pe #(
        .WeightWidth        (WeightWidth),
        .ActWidth           (ActWidth),
        .PsumWidth          (PsumWidth),
        .ZeroWeightIsolation(ZeroWeightIsolation),
        .SignMagnitude      (SignMagnitude),
        .ZeroActivationIsolation(ZeroActivationIsolation),
        .ClockGating        (ClockGating),
        .GatesAsEnables     (GatesAsEnables)
      ) u_pe (
        .clk_i,
        .rst_ni,
        .act_i        (act_in),
        .act_valid_i  (act_valid_in),
        .act_o        (act_out),
        .act_valid_o  (act_valid_out),
        .psum_i       (psum_in),
        .psum_o       (psum_out),
        .wload_shift_i(wload_valid_q),
        .weight_i     (weight_in),
        .weight_o     (weight_out)
      );

      // Activations leaving the right edge and weights leaving the bottom edge go nowhere;
      // only the bottom-right valid can mark the output vector.
      if (c == Cols - 1 && r != Rows - 1) begin : gen_right_edge
        logic unused_right;
        assign unused_right = (^act_out) ^ act_valid_out;
      end
      if (c == Cols - 1 && r == Rows - 1) begin : gen_corner
        logic unused_corner;
        assign unused_corner = ^act_out;
      end
      if (r == Rows - 1) begin : gen_bottom_edge
        logic unused_bottom;
        assign unused_bottom = ^weight_out;
      end
    end
  end

  logic [Cols*PsumWidth-1:0] bottom_psum;
  for (genvar c = 0; c < Cols; c++) begin : gen_bottom_psum
    assign bottom_psum[c*PsumWidth +: PsumWidth] = gen_row[Rows-1].gen_col[c].psum_out;
  end

  // The output's valid: the bottom-right PE's, unless idle columns may have gated it off;
  // then a line of its own, Cols stages after the bottom row's skew like that PE's.
  logic bottom_valid;
  if (IdleColumnGating) begin : gen_valid_line
    ws_delay_line #(
      .Width   (1),
      .Depth   (Cols),
      .HasReset(1'b1)
    ) u_out_valid_delay (
      .clk_i,
      .rst_ni,
      .data_i(skewed_act_valid[Rows-1]),
      .data_o(bottom_valid)
    );
    logic unused_corner_valid;
    assign unused_corner_valid = gen_row[Rows-1].gen_col[Cols-1].act_valid_out;
  end else begin : gen_corner_valid
    assign bottom_valid = gen_row[Rows-1].gen_col[Cols-1].act_valid_out;
  end

  ws_output_deskew #(
    .Cols     (Cols),
    .PsumWidth(PsumWidth)
  ) u_output_deskew (
    .clk_i,
    .rst_ni,
    .psum_i      (bottom_psum),
    .psum_valid_i(bottom_valid),
    .psum_o      (out_psum_o),
    .psum_valid_o(out_valid_o)
  );

endmodule

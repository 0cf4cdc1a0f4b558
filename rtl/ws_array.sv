// Weight-stationary systolic array: Rows x Cols PEs with a weight load path, input skew and
// output de-skew, so that the outside world sees aligned row and column vectors.
module ws_array #(
  parameter int unsigned Rows        = 64,
  parameter int unsigned Cols        = 64,
  parameter int unsigned WeightWidth = 8,
  parameter int unsigned ActWidth    = 8,
  parameter int unsigned PsumWidth   = 22
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  // Weight load: one row of Cols weights per valid cycle; the bottom row goes in first and
  // Rows valid cycles fill the array. Activations must be idle while weights shift.
  input  logic                        wload_valid_i,
  input  logic [Cols*WeightWidth-1:0] wload_row_i,

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

  // Mesh nets, flattened because Yosys 0.23 takes no multi-dimensional ports or nets.
  // Activations flow right: row r holds Cols + 1 entries, entry Cols is the right edge.
  // Partial sums and weights flow down: level r feeds PE row r, level Rows is the bottom.
  localparam int unsigned ActLinks = Rows * (Cols + 1);
  localparam int unsigned ColLinks = (Rows + 1) * Cols;

  logic [ActLinks*ActWidth-1:0]    act_mesh;
  logic [ActLinks-1:0]             act_valid_mesh;
  logic [ColLinks*PsumWidth-1:0]   psum_mesh;
  logic [ColLinks*WeightWidth-1:0] weight_mesh;

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

  for (genvar r = 0; r < Rows; r++) begin : gen_left_edge
    assign act_mesh[r*(Cols+1)*ActWidth +: ActWidth] = skewed_act[r*ActWidth +: ActWidth];
    assign act_valid_mesh[r*(Cols+1)]                 = skewed_act_valid[r];
  end

  assign psum_mesh[0 +: Cols*PsumWidth]     = psum_top_i;
  assign weight_mesh[0 +: Cols*WeightWidth] = wload_row_q;

  for (genvar r = 0; r < Rows; r++) begin : gen_row
    for (genvar c = 0; c < Cols; c++) begin : gen_col
      localparam int unsigned ActIn  = r * (Cols + 1) + c;
      localparam int unsigned ColIn  = r * Cols + c;
      localparam int unsigned ColOut = (r + 1) * Cols + c;

      ws_pe #(
        .WeightWidth(WeightWidth),
        .ActWidth   (ActWidth),
        .PsumWidth  (PsumWidth)
      ) u_pe (
        .clk_i,
        .rst_ni,
        .act_i        (act_mesh[ActIn*ActWidth +: ActWidth]),
        .act_valid_i  (act_valid_mesh[ActIn]),
        .act_o        (act_mesh[(ActIn+1)*ActWidth +: ActWidth]),
        .act_valid_o  (act_valid_mesh[ActIn+1]),
        .psum_i       (psum_mesh[ColIn*PsumWidth +: PsumWidth]),
        .psum_o       (psum_mesh[ColOut*PsumWidth +: PsumWidth]),
        .wload_shift_i(wload_valid_q),
        .weight_i     (weight_mesh[ColIn*WeightWidth +: WeightWidth]),
        .weight_o     (weight_mesh[ColOut*WeightWidth +: WeightWidth])
      );
    end
  end

  ws_output_deskew #(
    .Cols     (Cols),
    .PsumWidth(PsumWidth)
  ) u_output_deskew (
    .clk_i,
    .rst_ni,
    .psum_i      (psum_mesh[Rows*Cols*PsumWidth +: Cols*PsumWidth]),
    .psum_valid_i(act_valid_mesh[ActLinks-1]),
    .psum_o      (out_psum_o),
    .psum_valid_o(out_valid_o)
  );

  // Activations leaving the right edge (but the last row's valid) and weights leaving the
  // bottom edge go nowhere.
  logic unused_edges;
  always_comb begin
    unused_edges = ^weight_mesh[Rows*Cols*WeightWidth +: Cols*WeightWidth];
    for (int unsigned r = 0; r < Rows; r++) begin
      unused_edges ^= ^act_mesh[(r*(Cols+1)+Cols)*ActWidth +: ActWidth];
      if (r + 1 < Rows) begin
        unused_edges ^= act_valid_mesh[r*(Cols+1)+Cols];
      end
    end
  end

endmodule

// Weight-stationary processing element: holds one weight, passes activations right and
// accumulates partial sums downwards (psum_o <= psum_i + weight * act_i).
//
// Low-power features, each off in the plain PE and each bit-exact with it:
//   ZeroWeightIsolation  a PE holding weight 0 keeps its multiplier and adder inputs at zero
//                        and passes the partial sum around the adder;
//   SignMagnitude        the multiplier sees |weight| (unsigned), the adder adds or subtracts
//                        by the stationary sign, so a negative weight toggles like its
//                        magnitude instead of like a two's-complement pattern;
//   ZeroActivationIsolation  the same isolation whenever the incoming activation is 0 (ReLU
//                        outputs often are);
//   ClockGating          the weight register is clocked only on weight loads and the
//                        activation and partial-sum registers only when a valid activation
//                        enters (ws_clock_gate): outside those cycles they hold, which
//                        changes nothing the array's valid outputs show (GatesAsEnables
//                        simulates the gates as enables).
module ws_pe #(
  parameter int unsigned WeightWidth         = 8,
  parameter int unsigned ActWidth            = 8,
  parameter int unsigned PsumWidth           = 22,
  parameter bit          ZeroWeightIsolation = 1'b0,
  parameter bit          SignMagnitude       = 1'b0,
  parameter bit          ZeroActivationIsolation = 1'b0,
  parameter bit          ClockGating         = 1'b0,
  // Simulation only: the clock gates as register enables, the same cycle behaviour without
  // two derived clocks per PE (a Verilated 16x16 array runs about ten times faster).
  parameter bit          GatesAsEnables      = 1'b0
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // Activations enter from the left and leave to the right one cycle later.
  input  logic        [ActWidth-1:0]    act_i,
  input  logic                          act_valid_i,
  output logic        [ActWidth-1:0]    act_o,
  output logic                          act_valid_o,

  // Partial sums enter from above and leave below one cycle later.
  input  logic signed [PsumWidth-1:0]   psum_i,
  output logic signed [PsumWidth-1:0]   psum_o,

  // Weight load path: while wload_shift_i is high the weights shift down the column.
  input  logic                          wload_shift_i,
  input  logic signed [WeightWidth-1:0] weight_i,
  output logic signed [WeightWidth-1:0] weight_o
);

  // int8 x uint8 fits a signed product of WeightWidth + ActWidth bits exactly.
  localparam int unsigned ProdWidth = WeightWidth + ActWidth;

  if (PsumWidth < ProdWidth) begin : gen_psum_width_check
    $error("PsumWidth must hold at least one full product");
  end

  logic        [ActWidth-1:0]    act_q;
  logic                          act_valid_q;
  logic signed [WeightWidth-1:0] weight_d, weight_q;
  logic signed [PsumWidth-1:0]   psum_d, psum_q;
  logic signed [PsumWidth-1:0]   sum;
  // The multiplier's output: weight * act, or |weight| * act with sign-magnitude weights
  // (below 2^15 either way, so it is never negative there).
  logic signed [ProdWidth-1:0]   product;

  // Operand isolation: with weight 0 (or activation 0) the product is 0, so the multiplier's
  // and the adder's inputs are held at 0 and the partial sum bypasses the adder. A clock-gated
  // PE does the same while no valid activation enters (its registers hold anyway): else its
  // held activation and partial sum would meet every weight that shifts past during a load.
  logic        [ActWidth-1:0]    mult_act;
  logic signed [PsumWidth-1:0]   adder_psum;

  if (ZeroWeightIsolation || ZeroActivationIsolation || ClockGating) begin : gen_operand_isolation
    logic bypass;
    assign bypass     = (ZeroWeightIsolation && ~|weight_q) ||
                        (ZeroActivationIsolation && ~|act_i) ||
                        (ClockGating && !act_valid_i);
    assign mult_act   = bypass ? '0 : act_i;
    assign adder_psum = bypass ? '0 : psum_i;
    assign psum_d     = bypass ? psum_i : sum;
  end else begin : gen_no_isolation
    assign mult_act       = act_i;
    assign adder_psum     = psum_i;
    assign psum_d         = sum;
  end

  // Two's-complement wrap on overflow is the defined behaviour of the accumulator.
  if (SignMagnitude) begin : gen_sign_magnitude
    // |weight| needs WeightWidth bits unsigned (|-128| = 128); the product is unsigned.
    logic                        weight_negative;
    logic [WeightWidth-1:0]      magnitude;
    assign weight_negative = weight_q[WeightWidth-1];
    assign magnitude       = weight_negative ? WeightWidth'(-weight_q) : weight_q;
    assign product         = $signed(ProdWidth'(magnitude) * ProdWidth'(mult_act));
    assign sum = weight_negative ? adder_psum - PsumWidth'(product)
                                 : adder_psum + PsumWidth'(product);
  end else begin : gen_twos_complement
    // The activation is unsigned: zero-extend it by one bit before the signed multiply.
    assign product = ProdWidth'(weight_q) * ProdWidth'($signed({1'b0, mult_act}));
    assign sum     = adder_psum + PsumWidth'(product);
  end

  // The clocks of the weight register and of the activation and partial-sum registers, and
  // their enables (constant 1 where a clock gate or the weight mux does the work).
  logic clk_weight, clk_data;
  logic weight_load, data_load;

  if (ClockGating && !GatesAsEnables) begin : gen_clock_gates
    ws_clock_gate u_weight_clock_gate (
      .clk_i,
      .en_i (wload_shift_i),
      .clk_o(clk_weight)
    );
    ws_clock_gate u_data_clock_gate (
      .clk_i,
      .en_i (act_valid_i),
      .clk_o(clk_data)
    );
    assign weight_load = 1'b1;
    assign data_load   = 1'b1;
    assign weight_d    = weight_i;
  end else if (ClockGating) begin : gen_gates_as_enables
    assign clk_weight  = clk_i;
    assign clk_data    = clk_i;
    assign weight_load = wload_shift_i;
    assign data_load   = act_valid_i;
    assign weight_d    = weight_i;
  end else begin : gen_free_clock
    assign clk_weight  = clk_i;
    assign clk_data    = clk_i;
    assign weight_load = 1'b1;
    assign data_load   = 1'b1;
    assign weight_d    = wload_shift_i ? weight_i : weight_q;
  end

  // Datapath registers carry no reset: their contents are qualified by the valid bits.
  always_ff @(posedge clk_data) begin
    if (data_load) begin
      act_q  <= act_i;
      psum_q <= psum_d;
    end
  end

  always_ff @(posedge clk_weight) begin
    if (weight_load) begin
      weight_q <= weight_d;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_valid_q <= 1'b0;
    end else begin
      act_valid_q <= act_valid_i;
    end
  end

  assign act_o       = act_q;
  assign act_valid_o = act_valid_q;
  assign psum_o      = psum_q;
  assign weight_o    = weight_q;

endmodule

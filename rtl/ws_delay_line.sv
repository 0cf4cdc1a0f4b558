// Fixed-depth register delay line; depth 0 is a plain wire. Control bits (valids) need a
// reset, datapath bits do not, so the reset is a parameter.
module ws_delay_line #(
  parameter int unsigned Width    = 8,
  parameter int unsigned Depth    = 1,
  parameter bit          HasReset = 1'b0
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [Width-1:0] data_i,
  output logic [Width-1:0] data_o
);

  // Stage 0 takes the input. The stages are declared outside the generate blocks so that
  // toggle coverage sees them; a wire (depth 0) keeps one constant stage to give them a type.
  localparam int unsigned Stages = Depth == 0 ? 1 : Depth;

  logic [Width-1:0] stage_q [Stages];

  if (Depth == 0) begin : gen_wire
    assign data_o     = data_i;
    assign stage_q[0] = '0;
    // A wire needs neither clock, reset nor stages.
    logic unused_wire;
    assign unused_wire = clk_i ^ rst_ni ^ (^stage_q[0]);
  end else begin : gen_stages
    if (HasReset) begin : gen_reset
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          for (int unsigned i = 0; i < Stages; i++) begin
            stage_q[i] <= '0;
          end
        end else begin
          stage_q[0] <= data_i;
          for (int unsigned i = 1; i < Stages; i++) begin
            stage_q[i] <= stage_q[i-1];
          end
        end
      end
    end else begin : gen_no_reset
      always_ff @(posedge clk_i) begin
        stage_q[0] <= data_i;
        for (int unsigned i = 1; i < Stages; i++) begin
          stage_q[i] <= stage_q[i-1];
        end
      end
      // Datapath stages are qualified by valid bits and carry no reset.
      logic unused_rst;
      assign unused_rst = rst_ni;
    end

    assign data_o = stage_q[Stages-1];
  end

endmodule

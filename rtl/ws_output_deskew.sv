// Output de-skew: column c leaves the array c cycles after column 0, so it is delayed by
// Cols - 1 - c cycles to present one aligned result vector per cycle. The valid input is
// the last column's, which arrives aligned already.
module ws_output_deskew #(
  parameter int unsigned Cols      = 4,
  parameter int unsigned PsumWidth = 22
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic [Cols*PsumWidth-1:0] psum_i,
  input  logic                      psum_valid_i,
  output logic [Cols*PsumWidth-1:0] psum_o,
  output logic                      psum_valid_o
);

  for (genvar c = 0; c < Cols; c++) begin : gen_col
    ws_delay_line #(
      .Width   (PsumWidth),
      .Depth   (Cols - 1 - c),
      .HasReset(1'b0)
    ) u_psum_delay (
      .clk_i,
      .rst_ni,
      .data_i(psum_i[c*PsumWidth +: PsumWidth]),
      .data_o(psum_o[c*PsumWidth +: PsumWidth])
    );
  end

  assign psum_valid_o = psum_valid_i;

endmodule

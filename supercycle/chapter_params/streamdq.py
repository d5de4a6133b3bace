"""Parameters of the chapter 'streamdq' (see supercycle/params.py for the rules).

The accelerator defaults are the H100 SXM row of data/reference/accelerators.csv and the model size
is the Llama-3.1-70B row of data/reference/model_shapes.csv (unit tests check they agree). Everything marked 'assumption' is a modelling choice, not a sourced figure.
"""
from supercycle.params import Param

PARAMS: tuple[Param, ...] = (
    Param("model_params_b", "float", 70.6, "billion weights",
          "Weights read per decode step; default: Llama-3.1-70B (dense) row of reference model_shapes.csv", min=0.5, max=2000),
    Param("weight_bits", "int", 4, "bits",
          "Assumption: bits per quantized weight (weight-only quantization, e.g. INT4/AWQ/GPTQ)", min=2, max=8),
    Param("group_size", "int", 128, "weights",
          "Assumption: weights sharing one scale/zero point (128 is the common choice in the kernel literature)", min=16, max=4096),
    Param("group_meta_bits", "int", 16, "bits",
          "Assumption: bits of scale (and zero point) stored per group; 16 = one FP16 scale", min=0, max=64),
    Param("batch", "int", 1, "sequences",
          "Assumption: batch size for the headline numbers (single-stream decode)", min=1, max=1024),
    Param("batch_max", "int", 1024, "sequences",
          "Assumption: largest batch size on the charts (powers of two from 1)", min=2, max=4096),
    Param("hbm_bandwidth_tb_s", "float", 3.35, "tb_per_s",
          "External HBM-to-GPU bandwidth; default: H100 SXM row of reference accelerators.csv", min=0.1, max=100),
    Param("tensor_tflops", "float", 989.0, "TFLOP/s",
          "GPU dense BF16/FP16 tensor rate; default: H100 SXM row of reference accelerators.csv", min=1, max=100000),
    Param("basedie_internal_bandwidth_tb_s", "float", 3.35, "tb_per_s",
          "Assumption: DRAM dies to base die bandwidth inside the stack; default equal to the external one, as in standard HBM", min=0.1, max=400),
    Param("vector_tops", "float", 60.0, "TOPS",
          "Assumption: GPU non-tensor ALU rate available to dequantization (order of an H100's CUDA-core FP32/INT rate)", min=1, max=10000),
    Param("dq_ops_per_weight", "float", 5.0, "ops per weight",
          "Assumption: ALU operations to dequantize one weight on the GPU (unpack, convert, subtract zero, scale)", min=0.25, max=1000),
    Param("basedie_dq_tweights_s", "float", 20.0, "trillion weights/s",
          "Assumption: dequantization rate of the logic in the HBM base die", min=0.1, max=10000),
    Param("basedie_out_bits", "int", 16, "bits",
          "Assumption: bits per dequantized value the base die sends to the GPU (16 = FP16, 8 = FP8)", min=4, max=16),
)

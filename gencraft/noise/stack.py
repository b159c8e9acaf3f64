"""A small stack buffer for Numba kernels, so LLVM can vectorise noise loops.

Why: a loop that gathers from a permutation table passed in as an array and
stores into an output array will not vectorise, because LLVM cannot rule out
that the stores change the table. Writing a chunk of results into a buffer on
the stack (an ``alloca``, which nothing outside the function can point to)
removes that doubt, so the loop may vectorise; a second plain loop copies
the chunk out. Whether the table reads become SIMD gathers depends on the
CPU and LLVM's cost model: on the AVX2 AMD EPYC this project is benchmarked
on, the assembly has no gather instructions (the arithmetic around the reads
is what vectorises), so the README's grid ratios are what this buys there.
"""
from __future__ import annotations

from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

CHUNK = 64  # samples per stack chunk: 512 bytes, stays in L1


@intrinsic
def stack_f64(typingctx, n_ty):
    """Pointer to ``n`` float64 on the stack (``n`` a literal); wrap with ``numba.carray``."""
    if not isinstance(n_ty, types.IntegerLiteral):
        return None
    n = n_ty.literal_value

    def codegen(context, builder, signature, args):
        return cgutils.alloca_once(builder, context.get_value_type(types.float64), size=n)

    return types.CPointer(types.float64)(n_ty), codegen

// Dense symmetric solves for Kernel SHAP's normal equations, in float64.

/**
 * Solves A X = B for X (n x k, row-major) by Gaussian elimination with partial pivoting. A is
 * n x n and is overwritten. Where A is singular (sampled coalitions that cannot tell some features
 * apart) the undetermined unknowns are set to 0 instead of producing NaN or huge values.
 */
export function solveSymmetric(A: Float64Array, B: Float64Array, n: number, k: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.abs(A[i * n + i]!);
  const tiny = (trace / Math.max(n, 1)) * 1e-12;
  const X = Float64Array.from(B);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r * n + col]!) > Math.abs(A[piv * n + col]!)) piv = r;
    if (piv !== col) {
      for (let c = 0; c < n; c++) [A[col * n + c], A[piv * n + c]] = [A[piv * n + c]!, A[col * n + c]!];
      for (let c = 0; c < k; c++) [X[col * k + c], X[piv * k + c]] = [X[piv * k + c]!, X[col * k + c]!];
    }
    if (Math.abs(A[col * n + col]!) <= tiny) continue;
    const d = A[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const f = A[r * n + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++) A[r * n + c] -= f * A[col * n + c]!;
      for (let c = 0; c < k; c++) X[r * k + c] -= f * X[col * k + c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    for (let c = 0; c < k; c++) {
      let s = X[r * k + c]!;
      for (let t = r + 1; t < n; t++) s -= A[r * n + t]! * X[t * k + c]!;
      X[r * k + c] = Math.abs(A[r * n + r]!) <= tiny ? 0 : s / A[r * n + r]!;
    }
  }
  return X;
}

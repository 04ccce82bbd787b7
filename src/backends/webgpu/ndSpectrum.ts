// The spectrum of systems of 3 and 4 qubits on the GPU (shaders/kernels/nd_spectrum.wgsl): the
// Liouvillian gap, spectral radius, slowest decay outside the kernel and the spectrum flags of
// each point, defined as float64's (src/model/spectrum.ts) and the n = 2 spectrum program's.
// One workgroup per point over the work buffers of nd.ts (fillNdWork: G and tau are read, G
// is left as it is; M and P are the program's). The program runs as a sequence of dispatches
// (WebGpuEngine.spectrumNd): init, balance, the Householder reduction in slices, QR iterations
// in slices until every point has all its eigenvalues, finish. Each slice is sized so that one
// invocation stays inside llvmpipe's budget of loop iterations (a probe tells where it did not).

/** A point's spectrum record (f32): the four values of the n = 2 spectrum slots, then the kernel dimension they used (1, or 2 where G' is singular in f32; 0: the point ran past the loop budget), the QR iterations taken and, while they run, the eigenvalues still to find. */
export const ND_SPECTRUM_SLOTS = ['gap', 'spectralRadius', 'slowest', 'spectrumFlags', 'kernelDim', 'qrIterations', 'left'] as const;

export function ndSpectrumLayout() {
  const at = Object.fromEntries(ND_SPECTRUM_SLOTS.map((s, k) => [s, k])) as Record<(typeof ND_SPECTRUM_SLOTS)[number], number>;
  return { ...at, stride: 4 * Math.ceil(ND_SPECTRUM_SLOTS.length / 4) } as const;
}

/** WGSL: the record's offsets, NDSPEC_GAP ... NDSPEC_STRIDE. */
export function wgslNdSpectrumLayout(): string {
  const name = (k: string) => k.replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `_${c}`).toUpperCase();
  return Object.entries(ndSpectrumLayout())
    .map(([k, v]) => `const NDSPEC_${name(k)}: u32 = ${v}u;`)
    .join('\n');
}

/**
 * Loop iterations one dispatch may take per invocation: half of llvmpipe's budget (Mesa gallivm
 * LP_MAX_TGSI_LOOP_ITERATIONS, 65535, shared by every loop of an invocation), the other half a
 * margin for the estimates below (worst cases: the first Householder step, a QR iteration over
 * the whole matrix).
 */
export const ND_LOOP_SHARE = 32768;

/** EISPACK balanc's bound on the passes of the balancing (shaders/spectrum.wgsl). */
export const BALANCE_PASSES = 32;

/** How the dispatches of one chunk split the work of a system of stateDim (N = stateDim - 1, the block A that is reduced). */
export function ndSpectrumPlan(stateDim: number) {
  const N = stateDim - 1;
  const Q = stateDim / 4;
  const rowsEach = Math.ceil(stateDim / 64); // rows (or columns) of one invocation
  const combine = 64; // nd_spectrum.wgsl combine_all: one invocation over the workgroup's values
  // loop iterations per invocation of one pass, step, iteration (the loops of nd_spectrum.wgsl)
  const balancePass = rowsEach * (Q + N + 8) + combine + rowsEach * Q + 1;
  const householderStep = 2 * rowsEach + 2 * combine + Math.ceil(Q / 64) * 2 * N + rowsEach * 2 * Q + rowsEach + 1;
  // one invocation's (spectrum_qr says why): deflation, shift, start, zeroing, then the chase's rows and columns
  const qrIteration = 4 * N + (N - 1) * (N + 5) + 1;
  const balancePassesPerDispatch = Math.min(BALANCE_PASSES, Math.floor(ND_LOOP_SHARE / balancePass));
  return {
    balancePassesPerDispatch,
    balanceDispatches: Math.ceil(BALANCE_PASSES / balancePassesPerDispatch),
    householderStepsPerDispatch: Math.floor(ND_LOOP_SHARE / householderStep),
    /** Householder steps 1 .. N - 2 */
    householderTotal: N - 2,
    qrIterationsPerDispatch: Math.max(1, Math.floor(ND_LOOP_SHARE / qrIteration)),
    /** hqr's budget, 30 N iterations per eigenvalue found: the QR dispatches never exceed it for N eigenvalues */
    qrDispatchesMax: Math.ceil((30 * N * N) / Math.max(1, Math.floor(ND_LOOP_SHARE / qrIteration))),
  };
}

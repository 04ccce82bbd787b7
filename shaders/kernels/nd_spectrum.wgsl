// Programs "nd_spectrum_init", "nd_spectrum_balance", "nd_spectrum_reduce", "nd_spectrum_qr",
// "nd_spectrum_finish" (systems of n > 2 qubits, src/backends/webgpu/ndSpectrum.ts): the
// Liouvillian gap, spectral radius and slowest decay of each point, a workgroup per point, by
// the algorithm of the n = 2 spectrum program (shaders/spectrum.wgsl: balancing, Householder
// reduction to Hessenberg form, Francis double-shift QR, EISPACK balanc + orthes + hqr), the
// balancing and the reduction parallel over rows or columns, the QR iterations in one
// invocation (spectrum_qr says why). G = [[0, 0], [c, A]], so only the N x N block A
// (N = STATE_DIM - 1) is reduced and the eigenvalue 0 stays exact. The work is split over
// dispatches (reduce: Run.steps Householder steps from step Run.first_step; qr: at most
// Run.steps QR iterations) so that no invocation runs past llvmpipe's loop budget; every
// dispatch ends with nd.wgsl's probe, and a point where it trips says so (kernel dimension 0,
// refused by the host). Between dispatches the state lives in the point's work buffer:
// A and then H in its M block (row-major, row stride STATE_DIM; row N, unused by A, holds the
// iteration's state), the eigenvalues found so far in its P block.

const N: i32 = STATE_DIM - 1;
const NU: u32 = D - 1u;

// what a point's iteration is doing (state .w)
const RUNNING: u32 = 0u;
const FINISHED: u32 = 1u;
const NO_CONVERGENCE: u32 = 2u;
const NOT_FINITE: u32 = 3u;
const CUT: u32 = 4u;

// the point's H (its M block) and eigenvalues (its P block: real parts in vec4 blocks 0 .. Q - 1,
// imaginary parts in Q .. 2Q - 1), in vec4 units of the work buffer
var<private> hb: u32;
var<private> eb: u32;

fn h_at(i: i32, j: i32) -> f32 {
  return work[hb + u32(i) * Q + u32(j) / 4u][u32(j) & 3u];
}

fn h_set(i: i32, j: i32, v: f32) {
  work[hb + u32(i) * Q + u32(j) / 4u][u32(j) & 3u] = v;
}

fn eig_set(k: i32, re: f32, im: f32) {
  work[eb + u32(k) / 4u][u32(k) & 3u] = re;
  work[eb + Q + u32(k) / 4u][u32(k) & 3u] = im;
}

// State, row N of H: (nn, iterations since the last eigenvalue, accumulated exceptional shift,
// what it is doing) and (kernel dimension, QR iterations so far, ||H|| of hqr, 0).
fn state_at() -> u32 {
  return hb + NU * Q;
}

// The sum (or maximum) of every invocation's `mine`, the same in every invocation (nd.wgsl
// max_all's pattern: a tree, a loop with a barrier in it, left the rest of the kernel unrun on
// llvmpipe, Mesa 22.3, measured).
fn combine_all(mine: f32, lid: u32, maximum: bool) -> f32 {
  reduce[lid] = mine;
  workgroupBarrier();
  if (lid == 0u) {
    var m = reduce[0];
    for (var k = 1u; k < WORKGROUP_SIZE; k++) { m = select(m + reduce[k], max(m, reduce[k]), maximum); }
    shared_f = m;
  }
  let all = workgroupUniformLoad(&shared_f);
  workgroupBarrier(); // every invocation has read it before anyone writes it again
  return all;
}

// The point, its work offsets and its status (the same in every invocation).
struct Point { i: u32, w: u32, status: u32 }

fn point_of(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> Point {
  let i = nd_point(wid, nwg);
  let w = i * WORK4_STRIDE;
  hb = w + WORK4_M;
  eb = w + WORK4_P;
  var status = NOT_FINITE;
  if (i < run.count) { status = u32(uniform_from_first(work[state_at()].w, lid)); }
  return Point(i, w, status);
}

// Marks the point CUT where the loop budget ran out in this dispatch.
fn probe_budget(lid: u32) {
  if (loop_budget_exhausted(lid) && lid == 0u) { work[state_at()].w = f32(CUT); }
}

// A into H (A's row i is G's row i + 1 from column 1: each vec4 block of H is one of G moved
// by a component), the kernel dimension from the steady solve (1, or 2 where G' is singular in
// f32: the decision of the nd_leap program, so the flags agree), the state.
@compute @workgroup_size(WORKGROUP_SIZE)
fn spectrum_init(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = nd_point(wid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  let g = w + WORK4_G;
  hb = w + WORK4_M;
  eb = w + WORK4_P;
  // no loop on a generator that is not finite (records.wgsl write_non_finite_record says why)
  if (!finite_matrix(g, lid)) {
    if (lid == 0u) { work[state_at()] = vec4<f32>(-1.0, 0.0, 0.0, f32(NOT_FINITE)); }
    return;
  }
  // the solve takes P as its scratch matrix: before any eigenvalue is written there
  let solvable = long_time_nd(eb, g, norm_inf(g, entry(g, 0u, 0u), lid), lid);
  for (var r = lid; r < NU; r += WORKGROUP_SIZE) {
    for (var q = 0u; q < Q; q++) {
      let a = work[g + (r + 1u) * Q + q];
      let b = select(vec4<f32>(0.0), work[g + (r + 1u) * Q + q + 1u], q + 1u < Q);
      work[hb + r * Q + q] = vec4<f32>(a.yzw, b.x);
    }
  }
  for (var q = lid; q < 2u * Q; q += WORKGROUP_SIZE) { work[eb + q] = vec4<f32>(0.0); }
  sync();
  if (lid == 0u) {
    work[state_at()] = vec4<f32>(f32(N - 1), 0.0, 0.0, f32(RUNNING));
    work[state_at() + 1u] = vec4<f32>(select(2.0, 1.0, solvable), 0.0, 0.0, 0.0);
  }
  sync();
  probe_budget(lid);
}

// Diagonal similarity by powers of 2 (shaders/spectrum.wgsl balance, EISPACK balanc), all rows
// at once: each pass scales every row i and column i by the power of 2 that makes their norms
// (off the diagonal) closest, as the sequential sweep would from the matrix of the pass's start;
// eigenvalues unchanged (exact in f32). Run.steps passes at most.
@compute @workgroup_size(WORKGROUP_SIZE)
fn spectrum_balance(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let pt = point_of(wid, nwg, lid);
  if (pt.status != RUNNING) { return; }
  for (var round = 0u; round < run.steps; round++) {
    // the factor of each row in vec_a (nd.wgsl's workgroup vectors: the limits check counts them)
    var changed = 0.0;
    for (var r = lid; r < D; r += WORKGROUP_SIZE) {
      var f = 1.0;
      if (r < NU) {
        var row4 = vec4<f32>(0.0);
        for (var q = 0u; q < Q; q++) { row4 += abs(work[hb + r * Q + q]); }
        var c = 0.0;
        for (var k = 0u; k < NU; k++) { c += abs(work[hb + k * Q + r / 4u][r & 3u]); }
        let d = abs(work[hb + r * Q + r / 4u][r & 3u]);
        let rsum = row4.x + row4.y + row4.z + row4.w - d;
        c -= d;
        if (c != 0.0 && rsum != 0.0) {
          let s = c + rsum;
          var cs = c;
          let lo = rsum / 2.0;
          for (var k = 0; k < 64 && cs < lo; k++) { f *= 2.0; cs *= 4.0; }
          let hi = rsum * 2.0;
          for (var k = 0; k < 64 && cs > hi; k++) { f /= 2.0; cs /= 4.0; }
          if ((cs + rsum) / f >= 0.95 * s) { f = 1.0; }
        }
      }
      vec_a[r / 4u][r & 3u] = f;
      if (f != 1.0) { changed = 1.0; }
    }
    if (combine_all(changed, lid, true) == 0.0) { break; }
    // a_ij f_j / f_i
    for (var r = lid; r < NU; r += WORKGROUP_SIZE) {
      let fr = vec_a[r / 4u][r & 3u];
      for (var q = 0u; q < Q; q++) { work[hb + r * Q + q] *= vec_a[q] / fr; }
    }
    sync();
  }
  probe_budget(lid);
}

// Householder steps m = Run.first_step .. Run.first_step + Run.steps - 1 (of 1 .. N - 2) of the
// reduction to upper Hessenberg form (EISPACK orthes, src/model/eigenvalues.ts hessenberg): the
// reflector of column m - 1 in vec_a, then H <- (I - u u^T / h) H by column blocks and
// H <- H (I - u u^T / h) by rows.
@compute @workgroup_size(WORKGROUP_SIZE)
fn spectrum_reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let pt = point_of(wid, nwg, lid);
  if (pt.status != RUNNING) { return; }
  let last = min(run.first_step + run.steps, NU - 1u);
  for (var m = max(run.first_step, 1u); m < last; m++) { householder_step(m, lid); }
  probe_budget(lid);
}

// One step of orthes: column m - 1 zeroed below row m.
fn householder_step(m: u32, lid: u32) {
  var part = 0.0;
  for (var r = m + lid; r < NU; r += WORKGROUP_SIZE) { part += abs(work[hb + r * Q + (m - 1u) / 4u][(m - 1u) & 3u]); }
  let scale = combine_all(part, lid, false);
  if (scale == 0.0) { return; }
  var hp = 0.0;
  for (var r = lid; r < D; r += WORKGROUP_SIZE) {
    let v = select(0.0, work[hb + r * Q + (m - 1u) / 4u][(m - 1u) & 3u] / scale, r >= m && r < NU);
    vec_a[r / 4u][r & 3u] = v;
    hp += v * v;
  }
  var h = combine_all(hp, lid, false);
  let um = vec_a[m / 4u][m & 3u];
  let g = select(sqrt(h), -sqrt(h), um > 0.0);
  h -= um * g;
  workgroupBarrier(); // every invocation has read u_m
  if (lid == 0u) { vec_a[m / 4u][m & 3u] = um - g; }
  workgroupBarrier();
  // (I - u u^T / h) H, columns m and on (those before: column m - 1 is set below, the rest is
  // zero from row m on already)
  for (var cb = lid; cb < Q; cb += WORKGROUP_SIZE) {
    var f = vec4<f32>(0.0);
    for (var r = m; r < NU; r++) { f += vec_a[r / 4u][r & 3u] * work[hb + r * Q + cb]; }
    f = select(vec4<f32>(0.0), f / h, vec4<u32>(4u * cb) + vec4<u32>(0u, 1u, 2u, 3u) >= vec4<u32>(m));
    for (var r = m; r < NU; r++) { work[hb + r * Q + cb] -= f * vec_a[r / 4u][r & 3u]; }
  }
  sync();
  // H (I - u u^T / h): u is zero before m
  for (var r = lid; r < NU; r += WORKGROUP_SIZE) {
    var f4 = vec4<f32>(0.0);
    for (var q = m / 4u; q < Q; q++) { f4 += vec_a[q] * work[hb + r * Q + q]; }
    let f = (f4.x + f4.y + f4.z + f4.w) / h;
    for (var q = m / 4u; q < Q; q++) { work[hb + r * Q + q] -= f * vec_a[q]; }
  }
  sync();
  for (var r = m + lid; r < NU; r += WORKGROUP_SIZE) { work[hb + r * Q + (m - 1u) / 4u][(m - 1u) & 3u] = select(0.0, scale * g, r == m); }
  sync();
}

// p, q, r of hqr's double shift at row m (shifts x, y, w), scaled by |p| + |q| + |r|.
fn shift_vector(m: i32, x: f32, y: f32, w: f32) -> vec3<f32> {
  let z = h_at(m, m);
  let r = x - z;
  let s = y - z;
  let v = vec3<f32>((r * s - w) / h_at(m + 1, m) + h_at(m, m + 1), h_at(m + 1, m + 1) - z - r - s, h_at(m + 2, m + 1));
  return v / (abs(v.x) + abs(v.y) + abs(v.z));
}

// The two eigenvalues of the trailing 2 x 2 block at nn - 1, nn (t: the shifts so far).
fn two_roots(nn: i32, t: f32) {
  var x = h_at(nn, nn);
  let y = h_at(nn - 1, nn - 1);
  let w = h_at(nn, nn - 1) * h_at(nn - 1, nn);
  let p = 0.5 * (y - x);
  let q = p * p + w;
  var z = sqrt(abs(q));
  x += t;
  if (q >= 0.0) {
    z = p + select(-z, z, p >= 0.0);
    eig_set(nn - 1, x + z, 0.0);
    eig_set(nn, select(x + z, x - w / z, z != 0.0), 0.0);
  } else {
    eig_set(nn - 1, x + p, -z);
    eig_set(nn, x + p, z);
  }
}

// One double-shift QR iteration on rows l .. nn (its: iterations since the last eigenvalue, t:
// the exceptional shifts so far, returned with this one's), one invocation's: the bulge's start m
// is the largest index in l .. nn - 2 where the subdiagonal entry is negligible against the
// shift vector (m = l always passes).
fn qr_iteration(l: i32, nn: i32, its: i32, t_in: f32) -> f32 {
  var t = t_in;
  var x = h_at(nn, nn);
  var y = h_at(nn - 1, nn - 1);
  var w = h_at(nn, nn - 1) * h_at(nn - 1, nn);
  if (its > 0 && its % 10 == 0) {
    // exceptional shift
    t += x;
    for (var r = 0; r <= nn; r++) { h_set(r, r, h_at(r, r) - x); }
    let s = abs(h_at(nn, nn - 1)) + abs(h_at(nn - 1, nn - 2));
    x = 0.75 * s;
    y = x;
    w = -0.4375 * s * s;
  }
  var m = nn - 2;
  var v = shift_vector(m, x, y, w);
  loop {
    if (m == l) { break; }
    let u = abs(h_at(m, m - 1)) * (abs(v.y) + abs(v.z));
    let bound = abs(v.x) * (abs(h_at(m - 1, m - 1)) + abs(h_at(m, m)) + abs(h_at(m + 1, m + 1)));
    if (u <= EPS_F32 * bound) { break; }
    m -= 1;
    v = shift_vector(m, x, y, w);
  }
  for (var r = m + 2; r <= nn; r++) {
    h_set(r, r - 2, 0.0);
    if (r != m + 2) { h_set(r, r - 3, 0.0); }
  }
  // double QR step on rows l .. nn and columns m .. nn
  for (var k = m; k <= nn - 1; k++) {
    var scale = 0.0;
    if (k != m) {
      v = vec3<f32>(h_at(k, k - 1), h_at(k + 1, k - 1), select(0.0, h_at(k + 2, k - 1), k != nn - 1));
      scale = abs(v.x) + abs(v.y) + abs(v.z);
      if (scale != 0.0) { v /= scale; }
    }
    let norm = sqrt(dot(v, v));
    let s = select(-norm, norm, v.x >= 0.0);
    if (s == 0.0) { continue; }
    if (k == m) {
      if (l != m) { h_set(k, k - 1, -h_at(k, k - 1)); }
    } else {
      h_set(k, k - 1, -s * scale);
    }
    // the reflector: (x, y, z) = (p + s, q, r) / s, then q and r over p + s
    let p = v.x + s;
    let ref3 = vec3<f32>(p, v.y, v.z) / s;
    let qr = v.yz / p;
    let three = k != nn - 1;
    for (var j = k; j <= nn; j++) {
      var d = h_at(k, j) + qr.x * h_at(k + 1, j);
      if (three) {
        d += qr.y * h_at(k + 2, j);
        h_set(k + 2, j, h_at(k + 2, j) - d * ref3.z);
      }
      h_set(k + 1, j, h_at(k + 1, j) - d * ref3.y);
      h_set(k, j, h_at(k, j) - d * ref3.x);
    }
    for (var r = l; r <= min(nn, k + 3); r++) {
      var d = ref3.x * h_at(r, k) + ref3.y * h_at(r, k + 1);
      if (three) {
        d += ref3.z * h_at(r, k + 2);
        h_set(r, k + 2, h_at(r, k + 2) - d * qr.y);
      }
      h_set(r, k + 1, h_at(r, k + 1) - d * qr.x);
      h_set(r, k, h_at(r, k) - d);
    }
  }
  return t;
}

// At most Run.steps iterations of hqr (src/model/eigenvalues.ts hessenbergEigenvalues, the
// n = 2 shaders/spectrum.wgsl) from the state the last dispatch left, then the eigenvalues
// still to find in out[NDSPEC_LEFT] (0: done), which the host polls. The iteration runs in one
// invocation: with its row and column updates spread over the workgroup (a barrier a step in
// the loop) llvmpipe (Mesa 22.3) left the rest of the kernel unrun, measured.
@compute @workgroup_size(WORKGROUP_SIZE)
fn spectrum_qr(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let pt = point_of(wid, nwg, lid);
  if (pt.i >= run.count) { return; }
  if (pt.status == RUNNING && lid == 0u) { qr_iterations(); }
  sync();
  probe_budget(lid);
  sync();
  let st = work[state_at()];
  if (lid == 0u) { out[pt.i * NDSPEC_STRIDE + NDSPEC_LEFT] = select(0.0, st.x + 1.0, st.w == f32(RUNNING)); }
}

fn qr_iterations() {
  let st = work[state_at()];
  let st1 = work[state_at() + 1u];
  var nn = i32(st.x);
  var its = i32(st.y);
  var t = st.z;
  var status = RUNNING;
  var iterations = st1.y;
  // ||H|| (hqr's norm of the Hessenberg matrix, the deflation test's scale where a diagonal is 0), at the first dispatch
  var anorm = st1.z;
  if (anorm == 0.0) {
    for (var r = 0; r < N; r++) {
      for (var j = max(r - 1, 0); j < N; j++) { anorm += abs(h_at(r, j)); }
    }
  }
  for (var turn = 0u; turn < run.steps; turn++) {
    if (nn < 0 || status != RUNNING) { break; }
    // the largest l in 1 .. nn with a negligible subdiagonal entry, else 0
    var l = nn;
    loop {
      if (l < 1) { break; }
      var s = abs(h_at(l - 1, l - 1)) + abs(h_at(l, l));
      if (s == 0.0) { s = anorm; }
      if (abs(h_at(l, l - 1)) <= EPS_F32 * s) {
        h_set(l, l - 1, 0.0);
        break;
      }
      l -= 1;
    }
    l = max(l, 0);
    if (l == nn) {
      // one root
      eig_set(nn, h_at(nn, nn) + t, 0.0);
      nn -= 1;
      its = 0;
    } else if (l == nn - 1) {
      two_roots(nn, t);
      nn -= 2;
      its = 0;
    } else if (its == 30 * N) {
      // 30 N iterations with an exceptional shift every 10 (src/model/eigenvalues.ts)
      status = NO_CONVERGENCE;
    } else {
      t = qr_iteration(l, nn, its, t);
      its += 1;
      iterations += 1.0;
    }
  }
  if (nn < 0 && status == RUNNING) { status = FINISHED; }
  work[state_at()] = vec4<f32>(f32(nn), f32(its), t, f32(status));
  work[state_at() + 1u] = vec4<f32>(st1.x, iterations, anorm, 0.0);
}

// The point's record (ndSpectrum.ts ndSpectrumLayout), as the n = 2 spectrum program writes its
// slots: the gap (second largest real part, the exact 0 of row 0 included), the spectral
// radius, the slowest decay outside the kernel and the flags: not-stationary-at-tau, unstable
// (a real part above f32 rounding), non-finite (G not finite, or no convergence: NaN values).
@compute @workgroup_size(WORKGROUP_SIZE)
fn spectrum_finish(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let pt = point_of(wid, nwg, lid);
  if (pt.i >= run.count || lid != 0u) { return; }
  let base = pt.i * NDSPEC_STRIDE;
  let st1 = work[state_at() + 1u];
  let nan = runtime_nan(run.pad0);
  out[base + NDSPEC_LEFT] = 0.0;
  out[base + NDSPEC_QR_ITERATIONS] = st1.y;
  out[base + NDSPEC_KERNEL_DIM] = st1.x;
  if (pt.status != FINISHED) {
    out[base + NDSPEC_GAP] = nan;
    out[base + NDSPEC_SPECTRAL_RADIUS] = nan;
    out[base + NDSPEC_SLOWEST] = nan;
    out[base + NDSPEC_SPECTRUM_FLAGS] = f32(FLAG_NONFINITE);
    if (pt.status == NOT_FINITE) { out[base + NDSPEC_KERNEL_DIM] = nan; }
    // a point cut short (or still running) is no result: kernel dimension 0, which the host refuses
    if (pt.status == CUT || pt.status == RUNNING) { out[base + NDSPEC_KERNEL_DIM] = 0.0; }
    return;
  }
  // the three largest real parts (top.x >= top.y >= top.z) and the largest modulus
  var top = vec3<f32>(-3.0e38);
  var radius = 0.0;
  for (var k = 0u; k < D; k++) {
    let re = select(work[eb + k / 4u][k & 3u], 0.0, k == NU);
    let im = select(work[eb + Q + k / 4u][k & 3u], 0.0, k == NU);
    radius = max(radius, sqrt(re * re + im * im));
    if (re > top.x) {
      top = vec3<f32>(re, top.xy);
    } else if (re > top.y) {
      top = vec3<f32>(top.x, re, top.y);
    } else if (re > top.z) {
      top.z = re;
    }
  }
  let slowest = select(top.z, top.y, st1.x == 1.0);
  var flags = 0u;
  if (abs(slowest) * work[pt.w + WORK4_TAU].x < STATIONARY_DECAYS) { flags |= FLAG_NOT_STATIONARY; }
  if (top.x > UNSTABLE_F32 * radius) { flags |= FLAG_UNSTABLE; }
  out[base + NDSPEC_GAP] = top.y;
  out[base + NDSPEC_SPECTRAL_RADIUS] = radius;
  out[base + NDSPEC_SLOWEST] = slowest;
  out[base + NDSPEC_SPECTRUM_FLAGS] = f32(flags);
}

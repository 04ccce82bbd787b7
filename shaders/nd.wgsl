// The row-parallel algebra of the n > 2 programs (src/backends/webgpu/nd.ts): one workgroup per
// point, invocation `lid` owns rows lid, lid + WORKGROUP_SIZE, ...; matrices are STATE_DIM^2
// row-major blocks of the point's work buffer, read as vec4 (Q = STATE_DIM / 4 per row), vectors
// live in workgroup storage. llvmpipe gives an invocation one budget of loop iterations for all
// its loops together (past it every loop ends at once, barriers then mismatch and the point's
// record stays unwritten): vec4 blocks keep a product at Q^2 iterations per row. Every
// function here holds barriers: call it from uniform control flow only (decisions come back
// through workgroupUniformLoad). Offsets below are in vec4 units.

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read_write> work: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const D: u32 = u32(STATE_DIM);
const Q: u32 = D / 4u;

var<workgroup> vec_a: array<vec4<f32>, Q>;
var<workgroup> vec_b: array<vec4<f32>, Q>;
var<workgroup> vec_c: array<vec4<f32>, Q>;
var<workgroup> reduce: array<f32, WORKGROUP_SIZE>;
var<workgroup> shared_f: f32;

fn sync() {
  storageBarrier();
  workgroupBarrier();
}

// The point of this workgroup: dispatches are 2-D when a chunk has more than 65535 points.
fn nd_point(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// Entry (r, c) of the matrix at `a`.
fn entry(a: u32, r: u32, c: u32) -> f32 {
  return work[a + r * Q + c / 4u][c & 3u];
}

// e_c restricted to the vec4 block of c.
fn unit4(c: u32) -> vec4<f32> {
  return vec4<f32>(f32((c & 3u) == 0u), f32((c & 3u) == 1u), f32((c & 3u) == 2u), f32((c & 3u) == 3u));
}

// The largest of every invocation's `mine`, the same in every invocation.
fn max_all(mine: f32, lid: u32) -> f32 {
  reduce[lid] = mine;
  workgroupBarrier();
  if (lid == 0u) {
    var m = reduce[0];
    for (var k = 1u; k < WORKGROUP_SIZE; k++) { m = max(m, reduce[k]); }
    shared_f = m;
  }
  let all = workgroupUniformLoad(&shared_f);
  workgroupBarrier(); // every invocation has read it before anyone writes it again
  return all;
}

// Invocation 0's `x`, the same in every invocation (a value control flow may depend on).
fn uniform_from_first(x: f32, lid: u32) -> f32 {
  if (lid == 0u) { shared_f = x; }
  let v = workgroupUniformLoad(&shared_f);
  workgroupBarrier();
  return v;
}

// ||A||_inf of the matrix at `a`, the (0, 0) entry read as `corner` (0 for the traceless part).
fn norm_inf(a: u32, corner: f32, lid: u32) -> f32 {
  var best = 0.0;
  for (var i = lid; i < D; i += WORKGROUP_SIZE) {
    var s4 = vec4<f32>(0.0);
    for (var q = 0u; q < Q; q++) { s4 += abs(work[a + i * Q + q]); }
    var s = s4.x + s4.y + s4.z + s4.w;
    if (i == 0u) { s += abs(corner) - abs(work[a].x); }
    best = max(best, s);
  }
  return max_all(best, lid);
}

// Every entry of the matrix at `a` finite: no exponent of all ones (inf, NaN), read from the bits
// (llvmpipe's GL path let NaN through !(|x| <= 3e38), measured).
fn finite_matrix(a: u32, lid: u32) -> bool {
  var bad = 0.0;
  for (var i = lid; i < D; i += WORKGROUP_SIZE) {
    for (var q = 0u; q < Q; q++) {
      if (any((bitcast<vec4<u32>>(work[a + i * Q + q]) & vec4<u32>(0x7f800000u)) == vec4<u32>(0x7f800000u))) { bad = 1.0; }
    }
  }
  return max_all(bad, lid) == 0.0;
}

// dst = s a b + diag I (row-parallel; dst differs from a and b).
fn mat_mul(dst: u32, a: u32, b: u32, s: f32, diag: f32, lid: u32) {
  for (var i = lid; i < D; i += WORKGROUP_SIZE) {
    for (var jb = 0u; jb < Q; jb++) {
      var acc = vec4<f32>(0.0);
      for (var kb = 0u; kb < Q; kb++) {
        let x = work[a + i * Q + kb];
        let k = 4u * kb;
        acc += x.x * work[b + k * Q + jb] + x.y * work[b + (k + 1u) * Q + jb] + x.z * work[b + (k + 2u) * Q + jb] + x.w * work[b + (k + 3u) * Q + jb];
      }
      work[dst + i * Q + jb] = s * acc + select(vec4<f32>(0.0), diag * unit4(i), jb == i / 4u);
    }
  }
  sync();
}

// dst = src (row-parallel).
fn mat_copy(dst: u32, src: u32, lid: u32) {
  for (var i = lid; i < D; i += WORKGROUP_SIZE) {
    for (var q = 0u; q < Q; q++) { work[dst + i * Q + q] = work[src + i * Q + q]; }
  }
  sync();
}

// Row 0 := (1, 0, ..., 0): r_0...0 is never evolved (MODEL.md "float32").
fn fix_trace_row(a: u32, lid: u32) {
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) { work[a + q] = select(vec4<f32>(0.0), vec4<f32>(1.0, 0.0, 0.0, 0.0), q == 0u); }
  sync();
}

// vec_a = A vec_a with component 0 set to `first` (row-parallel, through vec_c).
fn apply_to_vec_a(a: u32, first: f32, lid: u32) {
  for (var i = lid; i < D; i += WORKGROUP_SIZE) {
    var s = 0.0;
    for (var q = 0u; q < Q; q++) { s += dot(work[a + i * Q + q], vec_a[q]); }
    vec_c[i / 4u][i & 3u] = s;
  }
  workgroupBarrier();
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) {
    vec_a[q] = vec_c[q];
    if (q == 0u) { vec_a[0].x = first; }
  }
  workgroupBarrier();
}

// The Taylor polynomial of exp(hG) to `order` by Horner into `m` (`p` a product buffer), row 0
// fixed: order LEAP_ORDER is the leap's one-step map (the n = 2 taylor_step_matrix,
// propagate.wgsl), order 4 is RK4's (rk4_step_matrix: for dr/dt = G r one RK4 step of size h
// is exactly this polynomial), row-parallel.
fn taylor_step(m: u32, p: u32, g: u32, h: f32, order: u32, lid: u32) {
  for (var i = lid; i < D; i += WORKGROUP_SIZE) {
    for (var q = 0u; q < Q; q++) { work[m + i * Q + q] = h / f32(order) * work[g + i * Q + q] + select(vec4<f32>(0.0), unit4(i), q == i / 4u); }
  }
  sync();
  for (var k = order - 1u; k >= 1u; k--) {
    mat_mul(p, g, m, h / f32(k), 1.0, lid);
    mat_copy(m, p, lid);
  }
  fix_trace_row(m, lid);
}

// The leap's base step: the row's dt where given, else the default step of ||G||_inf (nd_leap's, and the sub-step bound of nd_times' grid map).
fn leap_base_step_nd(norm: f32, dt: f32) -> f32 {
  return select(default_step_of(norm), dt, dt > 0.0);
}

// The exact long-time limit: r with r_0 = 1 and (G r)_i = 0 for i >= 1 (row 0 of G replaced by
// e0), Gaussian elimination with partial pivoting on whole rows in `e` (a copy of G), into
// vec_b; returns the smallest pivot (the n = 2 solve_steady of codegen.ts, rows in parallel).
fn solve_steady_nd(e: u32, g: u32, lid: u32) -> f32 {
  mat_copy(e, g, lid);
  fix_trace_row(e, lid);
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) {
    vec_b[q] = select(vec4<f32>(0.0), vec4<f32>(1.0, 0.0, 0.0, 0.0), q == 0u);
    vec_c[q] = vec4<f32>(0.0);
  }
  var min_pivot = 3.0e38;
  for (var c = 0u; c < D; c++) {
    if (lid == 0u) {
      var piv = c;
      var best = abs(entry(e, c, c));
      for (var r = c + 1u; r < D; r++) {
        let v = abs(entry(e, r, c));
        if (v > best) { best = v; piv = r; }
      }
      if (piv != c) {
        for (var q = 0u; q < Q; q++) {
          let t = work[e + c * Q + q];
          work[e + c * Q + q] = work[e + piv * Q + q];
          work[e + piv * Q + q] = t;
        }
        let t = vec_b[c / 4u][c & 3u];
        vec_b[c / 4u][c & 3u] = vec_b[piv / 4u][piv & 3u];
        vec_b[piv / 4u][piv & 3u] = t;
      }
    }
    sync();
    let pivot = entry(e, c, c);
    min_pivot = min(min_pivot, abs(pivot));
    for (var r = c + 1u + lid; r < D; r += WORKGROUP_SIZE) {
      let f = -entry(e, r, c) / pivot;
      for (var q = 0u; q < Q; q++) { work[e + r * Q + q] += f * work[e + c * Q + q]; }
      vec_b[r / 4u][r & 3u] += f * vec_b[c / 4u][c & 3u];
    }
    sync();
  }
  if (lid == 0u) {
    // x in vec_c (zero so far): x_c = (b_c - row_c . x) / e_cc, from the last row up
    for (var c = i32(D) - 1; c >= 0; c--) {
      let cu = u32(c);
      var s = 0.0;
      for (var q = 0u; q < Q; q++) { s += dot(work[e + cu * Q + q], vec_c[q]); }
      vec_c[cu / 4u][cu & 3u] = (vec_b[cu / 4u][cu & 3u] - s) / entry(e, cu, cu);
    }
  }
  workgroupBarrier();
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) {
    vec_b[q] = vec_c[q];
    if (q == 0u) { vec_b[0].x = 1.0; }
  }
  workgroupBarrier();
  return min_pivot;
}

// Writes a point's record (the registry's, REC_*) from r(tau) in vec_a: its r block, the flags,
// the step h and the leap's bound, the spectrum slots NaN (its program, nd_spectrum.wgsl, writes a record of its own); and
// the long-time r in vec_b (NaN where the steady solve found G' singular) into the point's work
// buffer at `w` (the record has no slot for it: the host computes the figures from both). Where
// loop_budget_exhausted, the record says so (kernel dimension 0, which the host refuses) rather than
// hold a state cut short.
fn write_nd_record(base: u32, w: u32, solvable: bool, degenerate: bool, h: f32, bound: f32, lid: u32) {
  let nan = runtime_nan(run.pad0);
  for (var k = lid; k < D; k += WORKGROUP_SIZE) { out[base + REC_R + k] = vec_a[k / 4u][k & 3u]; }
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) { work[w + WORK4_STEADY_R + q] = vec_b[q]; }
  sync();
  // NaN where G' is singular by invocation 0's verdict alone: on llvmpipe later invocations read
  // the verdict (handed through workgroup storage) stale at tau <= one leap step (NaN in half the slot)
  if (lid == 0u && !solvable) {
    for (var q = 0u; q < Q; q++) { work[w + WORK4_STEADY_R + q] = vec4<f32>(nan); }
  }
  let cut = loop_budget_exhausted(lid);
  if (lid == 0u) {
    var flags = 0u;
    if (degenerate) { flags |= FLAG_DEGENERATE; }
    for (var q = 0u; q < Q; q++) {
      if (!all(abs(vec_a[q]) <= vec4<f32>(3.0e38))) { flags |= FLAG_NONFINITE; }
    }
    out[base + REC_FLAGS] = f32(flags);
    out[base + REC_STEADY_FLAGS] = f32(select(FLAG_BISTABLE, 0u, solvable));
    out[base + REC_KERNEL_DIM] = select(select(2.0, 1.0, solvable), 0.0, cut);
    out[base + REC_DT] = h;
    out[base + REC_TRANSIENT_BOUND] = bound;
    out[base + REC_GAP] = nan;
    out[base + REC_SPECTRAL_RADIUS] = nan;
    out[base + REC_SLOWEST] = nan;
    out[base + REC_SPECTRUM_FLAGS] = 0.0;
  }
}

// A generator with an entry that is not finite: NaN everywhere, the non-finite flag alone (no
// loop runs on NaN: records.wgsl write_non_finite_record says why).
fn write_nd_non_finite(base: u32, lid: u32) {
  let nan = runtime_nan(run.pad0);
  for (var k = lid; k < REC_STRIDE; k += WORKGROUP_SIZE) { out[base + k] = nan; }
  sync();
  if (lid == 0u) {
    out[base + REC_FLAGS] = f32(FLAG_NONFINITE);
    out[base + REC_STEADY_FLAGS] = 0.0;
    out[base + REC_SPECTRUM_FLAGS] = 0.0;
  }
}

// The long-time limit into vec_b (`e` a scratch matrix): whether G' was solvable.
fn long_time_nd(e: u32, g: u32, norm: f32, lid: u32) -> bool {
  return uniform_from_first(solve_steady_nd(e, g, lid), lid) >= SINGULAR_PIVOT * max(norm, 1e-30);
}

// Whether llvmpipe's budget of loop iterations ran out in this invocation (in any invocation of
// the workgroup): past it, llvmpipe ends every loop at once and carries on, so a kernel writes
// values cut short. A probe loop run after all the work finishes only if that happened nowhere
// before (its bound is run-time, so no compiler folds it).
fn loop_budget_exhausted(lid: u32) -> bool {
  var probe = 0u;
  for (var k = 0u; k < 256u + run.pad0; k++) { probe += 1u; }
  return max_all(select(0.0, 1.0, probe != 256u), lid) > 0.0;
}

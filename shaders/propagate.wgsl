// Time stepping of dr/dt = G r in f32 (src/model/evolve.ts).

// Step for leap when none is given: default_step_of (src/compiler/steps.ts) of ||G||_inf.
fn default_step(g: Mat16) -> f32 {
  return default_step_of(mat16_norm_inf(g));
}

// The leap's base step of a point: its own dt where the row gives one, else default_step.
fn leap_base_step(p: PointParams, g: Mat16) -> f32 {
  let dt = point_dt(p);
  if (dt > 0.0) { return dt; }
  return default_step(g);
}

// Step for rk4 when none is given: min(0.05, 0.25 / ||G||_inf) (evolve.rk4DefaultStep), where
// RK4's phase error (h w)^5/120 per step stays ~1e-3 rad over 100 time units at w = 1.
fn rk4_default_step(g: Mat16) -> f32 {
  return min(0.05, 0.25 / max(mat16_norm_inf(g), 1e-30));
}

// RK4's one-step map M = I + hG + (hG)^2/2 + (hG)^3/6 + (hG)^4/24, by Horner, row 00 fixed.
fn rk4_step_matrix(g: Mat16, h: f32) -> Mat16 {
  let hg = mat16_scale(h, g);
  let eye = mat16_identity();
  var m = mat16_axpy(0.25, hg, eye);
  m = mat16_axpy(1.0, mat16_scale(1.0 / 3.0, mat16_mul(hg, m)), eye);
  m = mat16_axpy(1.0, mat16_scale(0.5, mat16_mul(hg, m)), eye);
  m = mat16_axpy(1.0, mat16_mul(hg, m), eye);
  return mat16_fix_trace_row(m);
}

// The leap's one-step map: exp(hG) to Taylor order 8, row 00 fixed. With ||hG|| <= 1 the
// truncation is below 3e-6 for the fastest modes and ~1e-12 per step for the slow ones, so n
// squarings follow exp(tau G) to f32 rounding; RK4's map would add a phase error of
// (h w)^5/120 per step, 0.27 rad for w = 1 over tau = 20000 at h = 0.2, which shows wherever a
// slow oscillation survives to tau (the resonant fermion line).
// Horner, with one product call site in a loop: inlining several 16x16 products crashes
// SwiftShader's compiler (Chromium's WebGPU), and Paterson-Stockmeyer (4 products, not 7)
// measured no faster on llvmpipe.
fn taylor_step_matrix(g: Mat16, h: f32) -> Mat16 {
  let hg = mat16_scale(h, g);
  let eye = mat16_identity();
  var m = mat16_axpy(1.0 / f32(LEAP_ORDER), hg, eye);
  for (var k = LEAP_ORDER - 1u; k >= 1u; k--) {
    m = mat16_axpy(1.0, mat16_scale(1.0 / f32(k), mat16_mul(hg, m)), eye);
  }
  return mat16_fix_trace_row(m);
}

// One literal RK4 step of size h on the vector (for the remainder after whole steps).
fn rk4_vec_step(g: Mat16, r: Vec16, h: f32) -> Vec16 {
  let k1 = mat16_vec(g, r);
  let k2 = mat16_vec(g, vec16_axpy(0.5 * h, k1, r));
  let k3 = mat16_vec(g, vec16_axpy(0.5 * h, k2, r));
  let k4 = mat16_vec(g, vec16_axpy(h, k3, r));
  var out = vec16_axpy(h / 6.0, k1, r);
  out = vec16_axpy(h / 3.0, k2, out);
  out = vec16_axpy(h / 3.0, k3, out);
  out = vec16_axpy(h / 6.0, k4, out);
  out.v0.x = 1.0;
  return out;
}

// The leap's steps: tau = n h exactly, n = leap_steps(tau, h0) (src/compiler/steps.ts), h = tau / n <= h0.
struct EvenSteps { steps: u32, h: f32 }
fn even_steps(tau: f32, h0: f32) -> EvenSteps {
  let n = leap_steps(tau, h0);
  return EvenSteps(u32(n), select(h0, tau / n, n > 0.0));
}

// A grid step's sub-step h = step / 2^k <= h0 (k <= 40): the Taylor map of h squared k times is exp(step G) (the times programs).
struct GridSubsteps { k: u32, h: f32 }
fn grid_substeps(step: f32, h0: f32) -> GridSubsteps {
  var k = 0u;
  var h = step;
  loop {
    if (h <= h0 * (1.0 + 1e-6) || k >= 40u) { break; }
    h = h * 0.5;
    k++;
  }
  return GridSubsteps(k, h);
}

// Whole steps and the remainder (literal RK4): tau = steps * h + last.
struct StepPlan { steps: u32, last: f32 }
fn step_plan(tau: f32, h: f32) -> StepPlan {
  if (tau <= 0.0) { return StepPlan(0u, 0.0); }
  let n = floor(tau / h + 1e-6);
  let last = tau - n * h;
  return StepPlan(u32(n), select(0.0, last, last > 1e-6 * tau));
}

// leap: r <- M^n r by binary powering, O(log n) squarings; the same discrete dynamics as n steps.
fn leap(m0: Mat16, r0: Vec16, n: u32) -> Vec16 {
  var base = m0;
  var r = r0;
  var k = n;
  loop {
    if (k == 0u) { break; }
    if ((k & 1u) == 1u) { r = mat16_vec(base, r); r.v0.x = 1.0; }
    k = k >> 1u;
    if (k == 0u) { break; }
    base = mat16_fix_trace_row(mat16_mul(base, base));
  }
  return r;
}

// leap on a traceless vector d (d_00 = 0): column 00 of M only carries the inhomogeneous part,
// which d never sees, so it is dropped before squaring (its rounding would otherwise pile up).
// The last square A^power (power <= n, a power of two) gives ||A^power||^(n/power) >= |eig|^n
// for every traceless mode, so a small bound proves the point stationary at tau without the
// spectrum (for most points of a diagram).
struct Homogeneous { d: Vec16, norm: f32 }
// Once A^(2^j) is below DECAYED, every remaining factor of A^n is smaller still (norms are
// submultiplicative): what they leave of d is below f32 resolution, so the squaring stops
// there. Most points of a diagram decay long before tau: this skips a third of the products.

fn leap_homogeneous(m0: Mat16, d0: Vec16, n: u32) -> Homogeneous {
  var base = m0;
  base.b00[0] = vec4<f32>(1.0, 0.0, 0.0, 0.0);
  base.b10[0] = vec4<f32>(0.0);
  base.b20[0] = vec4<f32>(0.0);
  base.b30[0] = vec4<f32>(0.0);
  var d = d0;
  d.v0.x = 0.0;
  if (n == 0u) { return Homogeneous(d, 3.0e38); }
  var k = n;
  var power = 1.0; // base = A^power
  var norm = 3.0e38;
  loop {
    if (k == 0u) { break; }
    if ((k & 1u) == 1u) { d = mat16_vec(base, d); d.v0.x = 0.0; }
    k = k >> 1u;
    if (k == 0u) { break; }
    base = mat16_mul(base, base);
    power *= 2.0;
    // the (00, 00) entry is the trace's 1, not part of A^power
    base.b00[0][0] = 0.0;
    norm = mat16_norm_inf(base);
    base.b00[0][0] = 1.0;
    if (norm < DECAYED) {
      d = Vec16(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
      break;
    }
  }
  if (power == 1.0) {
    base.b00[0][0] = 0.0;
    norm = mat16_norm_inf(base);
  }
  // |eig|^n = (|eig|^power)^(n / power) <= ||A^power||^(n / power), with power <= n
  return Homogeneous(d, select(norm, exp(log(norm) * f32(n) / power), norm < 1.0));
}

// A steady-state pivot below SINGULAR_PIVOT ||G||_inf: G' is singular in f32, the kernel of G
// is (numerically) at least two-dimensional and the long-time limit depends on the initial state.
fn steady_solvable(st: Steady, g: Mat16) -> bool {
  return st.min_pivot >= SINGULAR_PIVOT * max(mat16_norm_inf(g), 1e-30);
}

struct Evolution { r: Vec16, steady: Steady, solvable: bool, transient_bound: f32 }

// r(tau) = r_ss + M^n (r0 - r_ss): with r_ss from the steady solve, the squarings act on a
// traceless vector that decays, and f32 rounding stays far smaller than in M^n r0 (where the
// steady state itself is rebuilt from the squared affine column). Same dynamics, exactly.
fn evolve_leap(g: Mat16, m: Mat16, r0: Vec16, n: u32) -> Evolution {
  let st = solve_steady(g);
  let solvable = steady_solvable(st, g);
  var r: Vec16;
  var bound = 3.0e38;
  if (solvable) {
    let hom = leap_homogeneous(m, vec16_axpy(-1.0, st.r, r0), n);
    r = vec16_axpy(1.0, st.r, hom.d);
    bound = hom.norm;
  } else {
    r = leap(m, r0, n);
  }
  r.v0.x = 1.0;
  return Evolution(r, st, solvable, bound);
}

fn initial_vector(p: PointParams) -> Vec16 {
  // r_i = Tr(rho P_i) for rho = |psi><psi| (codegen.ts pureStateWgsl)
  return vec16_from_pure(point_psi_re(p), point_psi_im(p));
}

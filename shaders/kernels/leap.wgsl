// Program "leap": one invocation per point builds G, solves for the steady state, takes the
// one-step map M = exp(hG) (Taylor order 8) and applies M^n (h = tau/n, n = ceil(tau/h0)) by
// repeated squaring; writes r(tau) and its outputs, flags and step, the long-time limit and its
// flags, and the bound ||A^n|| (OUT_TRANSIENT_BOUND). The spectrum slots
// start as NaN: the spectrum program overwrites them when it runs after this one.

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<PointParams>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn write_vec16(base: u32, r: Vec16) {
  for (var k = 0u; k < 4u; k++) {
    out[base + k] = r.v0[k];
    out[base + 4u + k] = r.v1[k];
    out[base + 8u + k] = r.v2[k];
    out[base + 12u + k] = r.v3[k];
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let p = params[i];
  let gen = point_generator(run, p);
  let base = i * OUT_STRIDE;
  let nan = runtime_nan(run.pad0);
  if (!mat16_finite(gen.g)) {
    write_non_finite_record(base, nan);
    return;
  }
  let h0 = leap_base_step(p, gen.g);
  let plan = even_steps(point_tau(p), h0);
  let h = plan.h;
  let ev = evolve_leap(gen.g, taylor_step_matrix(gen.g, h), initial_vector(p), plan.steps);
  let r = ev.r;
  let b = battery(r);
  var flags = 0u;
  if (gen.degenerate) { flags |= FLAG_DEGENERATE; }
  if (b.zero_energy) { flags |= FLAG_ZERO_ENERGY; }
  if (!vec16_finite(r)) { flags |= FLAG_NONFINITE; }
  write_vec16(base, r);
  // a branch, not select(): select would evaluate the concurrence even when it is not asked for
  var c = nan;
  if ((run.outputs & 1u) != 0u) { c = concurrence(r); }
  out[base + OUT_DT] = h;
  flags |= write_state_at_tau(base, i, r, c);
  out[base + OUT_FLAGS] = f32(flags);
  out[base + OUT_STEADY_FLAGS] = f32(write_long_time(base, i, ev.steady.r, ev.solvable, (run.outputs & 2u) != 0u, nan));
  out[base + OUT_GAP] = nan;
  out[base + OUT_SPECTRAL_RADIUS] = nan;
  out[base + OUT_SLOWEST] = nan;
  out[base + OUT_SPECTRUM_FLAGS] = 0.0;
  out[base + OUT_TRANSIENT_BOUND] = ev.transient_bound;
}

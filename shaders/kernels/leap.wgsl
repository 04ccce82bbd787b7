// Program "leap": one invocation per point builds G, takes M = RK4 map with step h, applies
// M^n to r0 by repeated squaring (n = floor(tau/h)), one RK4 step of the remainder, and writes
// r(tau) with its observables (out[0..19], [26], [27]).

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
  let i = gid.x + gid.y * nwg.x * WORKGROUP_SIZE;
  if (i >= run.count) { return; }
  let p = params[i];
  let gen = point_generator(run, p);
  var h = p.v[3].x;
  if (h <= 0.0) { h = default_step(gen.g); }
  let plan = step_plan(p.v[2].w, h);
  var r = leap(rk4_step_matrix(gen.g, h), initial_vector(p), plan.steps);
  if (plan.last > 0.0) { r = rk4_vec_step(gen.g, r, plan.last); }
  let b = battery(r);
  let base = i * OUT_STRIDE;
  var flags = 0u;
  if (gen.degenerate) { flags |= FLAG_DEGENERATE; }
  if (b.zero_energy) { flags |= FLAG_ZERO_ENERGY; }
  if (!vec16_finite(r)) { flags |= FLAG_NONFINITE; }
  write_vec16(base, r);
  out[base + 16u] = b.efficiency;
  out[base + 17u] = b.energy;
  out[base + 18u] = b.ergotropy;
  out[base + 19u] = concurrence(r);
  out[base + 26u] = f32(flags);
  out[base + 27u] = h;
}

// Programs "rk4_init", "rk4_step", "rk4_finish": literal time stepping r <- M r with RK4's
// one-step map M (step h), spread over many dispatches so that none runs long (real GPUs and
// browsers kill long dispatches). State lives in storage buffers between dispatches:
//   mats:   16 mat4x4 per point (the Mat16 M, blocks b00, b01, ..., b33)
//   states: 5 vec4 per point: r (4 vec4), then (h, bitcast steps, remainder step, 0)
// (Charging curves come from the times program, not from these steps.)

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<PointParams>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> mats: array<mat4x4<f32>>;
@group(0) @binding(4) var<storage, read_write> states: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn rk4_init(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let p = params[i];
  let gen = point_generator(run, p);
  var h = point_dt(p);
  if (h <= 0.0) { h = rk4_default_step(gen.g); }
  var plan = step_plan(point_tau(p), h);
  // a non-finite generator takes no steps (its step count would be anything); rk4_finish blanks it
  if (!mat16_finite(gen.g)) { plan = StepPlan(0u, 0.0); }
  let m = rk4_step_matrix(gen.g, h);
  let o = i * 16u;
  mats[o + 0u] = m.b00; mats[o + 1u] = m.b01; mats[o + 2u] = m.b02; mats[o + 3u] = m.b03;
  mats[o + 4u] = m.b10; mats[o + 5u] = m.b11; mats[o + 6u] = m.b12; mats[o + 7u] = m.b13;
  mats[o + 8u] = m.b20; mats[o + 9u] = m.b21; mats[o + 10u] = m.b22; mats[o + 11u] = m.b23;
  mats[o + 12u] = m.b30; mats[o + 13u] = m.b31; mats[o + 14u] = m.b32; mats[o + 15u] = m.b33;
  let r = initial_vector(p);
  let s = i * 5u;
  states[s + 0u] = r.v0; states[s + 1u] = r.v1; states[s + 2u] = r.v2; states[s + 3u] = r.v3;
  states[s + 4u] = vec4<f32>(h, bitcast<f32>(plan.steps), plan.last, 0.0);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rk4_step(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let s = i * 5u;
  let total = bitcast<u32>(states[s + 4u].y);
  if (run.first_step >= total) { return; }
  let o = i * 16u;
  let m = Mat16(mats[o + 0u], mats[o + 1u], mats[o + 2u], mats[o + 3u],
                mats[o + 4u], mats[o + 5u], mats[o + 6u], mats[o + 7u],
                mats[o + 8u], mats[o + 9u], mats[o + 10u], mats[o + 11u],
                mats[o + 12u], mats[o + 13u], mats[o + 14u], mats[o + 15u]);
  var r = Vec16(states[s + 0u], states[s + 1u], states[s + 2u], states[s + 3u]);
  let end = min(run.first_step + run.steps, total);
  for (var k = run.first_step; k < end; k++) {
    r = mat16_vec(m, r);
    r.v0.x = 1.0;
  }
  states[s + 0u] = r.v0; states[s + 1u] = r.v1; states[s + 2u] = r.v2; states[s + 3u] = r.v3;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rk4_finish(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let s = i * 5u;
  var r = Vec16(states[s + 0u], states[s + 1u], states[s + 2u], states[s + 3u]);
  let aux = states[s + 4u];
  let gen = point_generator(run, params[i]);
  if (!mat16_finite(gen.g)) {
    write_non_finite_record(i * OUT_STRIDE, runtime_nan(run.pad0));
    return;
  }
  if (aux.z > 0.0) { r = rk4_vec_step(gen.g, r, aux.z); }
  let b = battery(r);
  var flags = 0u;
  if (gen.degenerate) { flags |= FLAG_DEGENERATE; }
  if (b.zero_energy) { flags |= FLAG_ZERO_ENERGY; }
  if (!vec16_finite(r)) { flags |= FLAG_NONFINITE; }
  let base = i * OUT_STRIDE;
  for (var k = 0u; k < 4u; k++) {
    out[base + k] = r.v0[k];
    out[base + 4u + k] = r.v1[k];
    out[base + 8u + k] = r.v2[k];
    out[base + 12u + k] = r.v3[k];
  }
  flags |= write_state_at_tau(base, i, r, concurrence(r));
  out[base + OUT_FLAGS] = f32(flags);
  out[base + OUT_DT] = aux.x;
}

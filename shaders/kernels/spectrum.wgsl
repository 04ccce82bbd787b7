// Program "spectrum" (entry main): the Liouvillian gap of each point (out[25]), the spectral
// radius (out[28]), the slowest decay rate outside the kernel (out[29]) and the
// not-stationary-at-tau flag (out[31]).
// Program "spectrum_subset" (entry subset): the same for the points listed in `indices`, into
// one vec4 each (gap, radius, slowest, flags). After the leap program, only points whose bound
// ||A^(2^K)|| >= exp(-10) leaves |gap| tau >= 10 undecided need it (a few percent of a
// diagram), so the host lists those and the spectrum runs on them alone.

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<PointParams>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> indices: array<u32>;
@group(0) @binding(4) var<storage, read_write> compact: array<vec4<f32>>;

fn spectrum_record(p: PointParams) -> vec4<f32> {
  let gen = point_generator(run, p);
  if (!mat16_finite(gen.g)) {
    // no QR iteration on NaN (records.wgsl write_non_finite_record says why)
    let nan = runtime_nan(run.pad0);
    return vec4<f32>(nan, nan, nan, f32(FLAG_NONFINITE));
  }
  let sp = spectrum_summary(gen.g);
  var flags = 0u;
  if (!sp.ok) { flags |= FLAG_NONFINITE; }
  if (abs(sp.slowest) * point_tau(p) < STATIONARY_DECAYS) { flags |= FLAG_NOT_STATIONARY; }
  // a real part above f32 rounding: the state grows, there is no long-time limit (the host blanks it)
  if (sp.ok && sp.largest > UNSTABLE_F32 * sp.radius) { flags |= FLAG_UNSTABLE; }
  return vec4<f32>(sp.gap, sp.radius, sp.slowest, f32(flags));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let s = spectrum_record(params[i]);
  let base = i * OUT_STRIDE;
  out[base + OUT_GAP] = s.x;
  out[base + OUT_SPECTRAL_RADIUS] = s.y;
  out[base + OUT_SLOWEST] = s.z;
  out[base + OUT_SPECTRUM_FLAGS] = s.w;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn subset(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let j = point_index(gid, nwg);
  if (j >= run.count) { return; }
  compact[j] = spectrum_record(params[indices[j]]);
}

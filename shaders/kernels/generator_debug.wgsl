// Program "generator_debug": writes each point's f32 generator G (256 values, row-major) and
// its degenerate flag, so tests can hold the WGSL physics against the float64 TypeScript.

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<PointParams>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let p = params[i];
  let gen = point_generator(run, p);
  let base = i * 288u;
  for (var col = 0u; col < 16u; col++) {
    var e: Vec16;
    e.v0 = vec4<f32>(0.0); e.v1 = vec4<f32>(0.0); e.v2 = vec4<f32>(0.0); e.v3 = vec4<f32>(0.0);
    switch (col >> 2u) {
      case 0u: { e.v0[col & 3u] = 1.0; }
      case 1u: { e.v1[col & 3u] = 1.0; }
      case 2u: { e.v2[col & 3u] = 1.0; }
      default: { e.v3[col & 3u] = 1.0; }
    }
    let c = mat16_vec(gen.g, e);
    for (var row = 0u; row < 16u; row++) { out[base + row * 16u + col] = vec16_get(c, row); }
  }
  let r0 = initial_vector(p);
  for (var k = 0u; k < 16u; k++) { out[base + 256u + k] = vec16_get(r0, k); }
  out[base + 272u] = select(0.0, 1.0, gen.degenerate);
}

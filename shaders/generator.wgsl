// The point's real 16x16 generator (src/model/generators.ts + pauliTransfer.ts), in f32:
//   L(rho) = -i [H, rho] + sum_t (X_t rho Y_t + h.c.) + (K rho + h.c.)
// with real 4x4 H, X_t, Y_t, K; four sandwich slots cover every model (unused ones are zero).
// Matrices are column-major: the mathematical entry [r][c] is m[c][r].

// sigma_x of the charger and of the battery, sigma_+ of each (basis ee, eg, ge, gg).
const SX1 = mat4x4<f32>(0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0);
const SX2 = mat4x4<f32>(0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0);
// sigma_+ = |e><g|: entries [0][2], [1][3] (charger) and [0][1], [2][3] (battery), column-major
const SP1 = mat4x4<f32>(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0);
const SP2 = mat4x4<f32>(0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0);
const IDENTITY4 = mat4x4<f32>(1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0);

// H_s = D1/2 sz1 + D2/2 sz2 + lambda (s+1 s-2 + h.c.) + F/2 sx1 (Eq. 1); symmetric, so the
// column-major constructor reads the same as the row-major one.
fn system_hamiltonian(d1: f32, d2: f32, lambda: f32, f: f32) -> mat4x4<f32> {
  return mat4x4<f32>(
    (d1 + d2) / 2.0, 0.0, f / 2.0, 0.0,
    0.0, (d1 - d2) / 2.0, lambda, f / 2.0,
    f / 2.0, lambda, (-d1 + d2) / 2.0, 0.0,
    0.0, f / 2.0, 0.0, -(d1 + d2) / 2.0);
}

struct Parts {
  h: mat4x4<f32>,
  x0: mat4x4<f32>, y0: mat4x4<f32>,
  x1: mat4x4<f32>, y1: mat4x4<f32>,
  x2: mat4x4<f32>, y2: mat4x4<f32>,
  x3: mat4x4<f32>, y3: mat4x4<f32>,
  k: mat4x4<f32>,
  degenerate: bool,
}

// Strictly lower part (rows below the diagonal): column c keeps rows r > c.
fn strictly_lower(m: mat4x4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(
    m[0] * vec4<f32>(0.0, 1.0, 1.0, 1.0),
    m[1] * vec4<f32>(0.0, 0.0, 1.0, 1.0),
    m[2] * vec4<f32>(0.0, 0.0, 0.0, 1.0),
    vec4<f32>(0.0));
}

// Rates on the lowering transitions: column c, row r > c holds rate(E_c - E_r) (emission in .x, absorption in .y).
struct RateMats { em: mat4x4<f32>, ab: mat4x4<f32> }
fn transition_rates(fermion: bool, zero_limit: bool, b: Bath, e: vec4<f32>) -> RateMats {
  let r10 = bath_rates(fermion, zero_limit, b, e[0] - e[1]);
  let r20 = bath_rates(fermion, zero_limit, b, e[0] - e[2]);
  let r30 = bath_rates(fermion, zero_limit, b, e[0] - e[3]);
  let r21 = bath_rates(fermion, zero_limit, b, e[1] - e[2]);
  let r31 = bath_rates(fermion, zero_limit, b, e[1] - e[3]);
  let r32 = bath_rates(fermion, zero_limit, b, e[2] - e[3]);
  return RateMats(
    mat4x4<f32>(0.0, r10.x, r20.x, r30.x, 0.0, 0.0, r21.x, r31.x, 0.0, 0.0, 0.0, r32.x, 0.0, 0.0, 0.0, 0.0),
    mat4x4<f32>(0.0, r10.y, r20.y, r30.y, 0.0, 0.0, r21.y, r31.y, 0.0, 0.0, 0.0, r32.y, 0.0, 0.0, 0.0, 0.0));
}

fn hadamard(a: mat4x4<f32>, b: mat4x4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]);
}

// A level crossing where sx restricted to the crossing pair is not a multiple of the identity.
fn crossing_with_coupling(e: vec4<f32>, chi1: mat4x4<f32>, chi2: mat4x4<f32>) -> bool {
  let scale = max(1.0, max(max(abs(e[0]), abs(e[1])), max(abs(e[2]), abs(e[3]))));
  let tol_e = 1e-5 * scale;
  let tol_c = 1e-3;
  var found = false;
  for (var i = 0u; i < 3u; i++) {
    for (var j = i + 1u; j < 4u; j++) {
      if (abs(e[i] - e[j]) <= tol_e) {
        let off = max(abs(chi1[j][i]), abs(chi2[j][i]));
        let dia = max(abs(chi1[i][i] - chi1[j][j]), abs(chi2[i][i] - chi2[j][j]));
        if (off > tol_c || dia > tol_c) { found = true; }
      }
    }
  }
  return found;
}

fn point_baths(p: PointParams) -> array<Bath, 2> {
  return array<Bath, 2>(
    Bath(p.v[1].x, p.v[1].z, p.v[1].w, p.v[2].y),
    Bath(p.v[1].y, p.v[1].z, p.v[2].x, p.v[2].z));
}

fn liouvillian_parts(run: Run, p: PointParams) -> Parts {
  let d1 = p.v[0].x;
  let d2 = p.v[0].y;
  let f = p.v[0].z;
  let lambda = p.v[0].w;
  let fermion = run.reservoir == 1u;
  let zero_limit = run.zero_freq == 0u;
  let baths = point_baths(p);
  var parts: Parts;
  parts.h = system_hamiltonian(d1, d2, lambda, f);
  parts.degenerate = false;

  if (run.model == 2u) {
    // lindblad (Eq. 4): rates J(w*) N on sigma_+, J(w*) Ncal on sigma_-
    var w = lambda;
    if (run.lindblad_mode == 1u) { w = sqrt(f * f + lambda * lambda); }
    if (run.lindblad_mode == 2u) { w = run.lindblad_w; }
    let r1 = bath_rates(fermion, zero_limit, baths[0], w);
    let r2 = bath_rates(fermion, zero_limit, baths[1], w);
    let sm1 = transpose(SP1);
    let sm2 = transpose(SP2);
    parts.x0 = r1.y * SP1; parts.y0 = sm1;
    parts.x1 = r1.x * sm1; parts.y1 = SP1;
    parts.x2 = r2.y * SP2; parts.y2 = sm2;
    parts.x3 = r2.x * sm2; parts.y3 = SP2;
    parts.k = (-1.0) * (r1.y * (sm1 * SP1) + r1.x * (SP1 * sm1) + r2.y * (sm2 * SP2) + r2.x * (SP2 * sm2));
    return parts;
  }

  let eig = eigh4(parts.h);
  let v = eig.vectors;
  let vt = transpose(v);
  let chi1 = vt * SX1 * v;
  let chi2 = vt * SX2 * v;
  parts.degenerate = crossing_with_coupling(eig.values, chi1, chi2);

  // per bath: Low = lowering part of chi, A = Low o J Ncal, B = (Low o J N)^T; back to ee..gg
  let low1 = strictly_lower(chi1);
  let low2 = strictly_lower(chi2);
  let rm1 = transition_rates(fermion, zero_limit, baths[0], eig.values);
  let rm2 = transition_rates(fermion, zero_limit, baths[1], eig.values);
  let lc1 = v * low1 * vt;
  let lc2 = v * low2 * vt;
  let a1 = v * hadamard(low1, rm1.em) * vt;
  let a2 = v * hadamard(low2, rm2.em) * vt;
  let b1 = v * transpose(hadamard(low1, rm1.ab)) * vt;
  let b2 = v * transpose(hadamard(low2, rm2.ab)) * vt;
  if (run.model == 0u) {
    // redfield: A rho Low^T - Low^T A rho + B rho Low - Low B rho + h.c.
    parts.x0 = a1; parts.y0 = transpose(lc1);
    parts.x1 = b1; parts.y1 = lc1;
    parts.x2 = a2; parts.y2 = transpose(lc2);
    parts.x3 = b2; parts.y3 = lc2;
    parts.k = (-1.0) * (transpose(lc1) * a1 + lc1 * b1 + transpose(lc2) * a2 + lc2 * b2);
  } else {
    // bloch-redfield: (A + B) rho S - S (A + B) rho + h.c., S = Low + Low^T
    let s1 = lc1 + transpose(lc1);
    let s2 = lc2 + transpose(lc2);
    parts.x0 = a1 + b1; parts.y0 = s1;
    parts.x1 = a2 + b2; parts.y1 = s2;
    parts.x2 = mat4x4<f32>(); parts.y2 = mat4x4<f32>();
    parts.x3 = mat4x4<f32>(); parts.y3 = mat4x4<f32>();
    parts.k = (-1.0) * (s1 * (a1 + b1) + s2 * (a2 + b2));
  }
  return parts;
}

// S[a][l] = sum_t X_t[a][l] Y_t + K[a][l] 1, i.e. block (a, l) of the sandwich tensor.
fn sandwich_block(parts: Parts, a: u32, l: u32) -> mat4x4<f32> {
  return parts.x0[l][a] * parts.y0 + parts.x1[l][a] * parts.y1 + parts.x2[l][a] * parts.y2 + parts.x3[l][a] * parts.y3 + parts.k[l][a] * IDENTITY4;
}

fn sandwich_tensor(parts: Parts) -> Sandwich {
  return Sandwich(
    sandwich_block(parts, 0u, 0u), sandwich_block(parts, 0u, 1u), sandwich_block(parts, 0u, 2u), sandwich_block(parts, 0u, 3u),
    sandwich_block(parts, 1u, 0u), sandwich_block(parts, 1u, 1u), sandwich_block(parts, 1u, 2u), sandwich_block(parts, 1u, 3u),
    sandwich_block(parts, 2u, 0u), sandwich_block(parts, 2u, 1u), sandwich_block(parts, 2u, 2u), sandwich_block(parts, 2u, 3u),
    sandwich_block(parts, 3u, 0u), sandwich_block(parts, 3u, 1u), sandwich_block(parts, 3u, 2u), sandwich_block(parts, 3u, 3u));
}

struct Generator { g: Mat16, degenerate: bool }

fn point_generator(run: Run, p: PointParams) -> Generator {
  let parts = liouvillian_parts(run, p);
  return Generator(pauli_generator(sandwich_tensor(parts), parts.h), parts.degenerate);
}

// Eigenvalues of the real STATE_DIM x STATE_DIM generator (the system's, generated) in f32:
// Householder reduction to Hessenberg form, then Francis double-shift QR
// (src/model/eigenvalues.ts, EISPACK orthes + hqr). G is [[0, 0], [c, A]] (row 0 is zero), so
// its spectrum is {0} and that of the N x N block A (N = STATE_DIM - 1), which is all this
// reduces. The active window shrinks as eigenvalues converge, so indices
// are dynamic here: the matrix lives in a module-scope private array (faster than a pointer
// argument on the software adapters).

const N: i32 = STATE_DIM - 1;
var<private> a: array<f32, N * N>;

// Diagonal similarity by powers of 2 (EISPACK balanc, src/model/eigenvalues.ts balance): row
// and column norms made comparable, eigenvalues unchanged; strongly dissipative generators
// otherwise leave the QR iteration without convergence.
fn balance() {
  var done = false;
  // each scaling lowers a row + column norm by 5% or more, so this ends; 32 passes bound it in f32
  for (var iteration = 0; iteration < 32 && !done; iteration++) {
    done = true;
    for (var i = 0; i < N; i++) {
      var c = 0.0;
      var r = 0.0;
      for (var j = 0; j < N; j++) {
        if (j == i) { continue; }
        c += abs(a[j * N + i]);
        r += abs(a[i * N + j]);
      }
      if (c == 0.0 || r == 0.0) { continue; }
      let s = c + r;
      var f = 1.0;
      var g = r / 2.0;
      for (var k = 0; k < 64 && c < g; k++) { f *= 2.0; c *= 4.0; }
      g = r * 2.0;
      for (var k = 0; k < 64 && c > g; k++) { f /= 2.0; c /= 4.0; }
      if ((c + r) / f < 0.95 * s) {
        done = false;
        for (var j = 0; j < N; j++) { a[i * N + j] /= f; }
        for (var j = 0; j < N; j++) { a[j * N + i] *= f; }
      }
    }
  }
}

fn hessenberg() {
  var ort: array<f32, N>;
  for (var m = 1; m < N - 1; m++) {
    var scale = 0.0;
    for (var i = m; i < N; i++) { scale += abs(a[i * N + m - 1]); }
    if (scale == 0.0) { continue; }
    var h = 0.0;
    for (var i = N - 1; i >= m; i--) {
      ort[i] = a[i * N + m - 1] / scale;
      h += ort[i] * ort[i];
    }
    var g = sqrt(h);
    if (ort[m] > 0.0) { g = -g; }
    h -= ort[m] * g;
    ort[m] -= g;
    for (var j = m; j < N; j++) {
      var f = 0.0;
      for (var i = N - 1; i >= m; i--) { f += ort[i] * a[i * N + j]; }
      f /= h;
      for (var i = m; i < N; i++) { a[i * N + j] -= f * ort[i]; }
    }
    for (var i = 0; i < N; i++) {
      var f = 0.0;
      for (var j = N - 1; j >= m; j--) { f += ort[j] * a[i * N + j]; }
      f /= h;
      for (var j = m; j < N; j++) { a[i * N + j] -= f * ort[j]; }
    }
    a[m * N + m - 1] = scale * g;
    for (var i = m + 1; i < N; i++) { a[i * N + m - 1] = 0.0; }
  }
}

struct Eig { re: array<f32, STATE_DIM>, im: array<f32, STATE_DIM>, ok: bool }

// The classic tests "|x| + s == s" are written as |x| <= EPS_F32 s (src/core/constants.ts):
// compilers may simplify the former to x == 0 under fast-math, and the iteration would never deflate.

fn hqr() -> Eig {
  var res: Eig;
  res.ok = true;
  var anorm = 0.0;
  for (var i = 0; i < N; i++) {
    for (var j = max(i - 1, 0); j < N; j++) { anorm += abs(a[i * N + j]); }
  }
  var nn = N - 1;
  var t = 0.0;
  var p = 0.0; var q = 0.0; var r = 0.0; var s = 0.0;
  var w = 0.0; var x = 0.0; var y = 0.0; var z = 0.0;
  loop {
    if (nn < 0 || !res.ok) { break; }
    var its = 0;
    var l = 0;
    loop {
      // look for a single small subdiagonal element
      l = 0;
      for (var ll = nn; ll >= 1; ll--) {
        s = abs(a[(ll - 1) * N + ll - 1]) + abs(a[ll * N + ll]);
        if (s == 0.0) { s = anorm; }
        if (abs(a[ll * N + ll - 1]) <= EPS_F32 * s) {
          a[ll * N + ll - 1] = 0.0;
          l = ll;
          break;
        }
      }
      x = a[nn * N + nn];
      if (l == nn) {
        res.re[nn] = x + t;
        res.im[nn] = 0.0;
        nn -= 1;
      } else {
        y = a[(nn - 1) * N + nn - 1];
        w = a[nn * N + nn - 1] * a[(nn - 1) * N + nn];
        if (l == nn - 1) {
          p = 0.5 * (y - x);
          q = p * p + w;
          z = sqrt(abs(q));
          x += t;
          if (q >= 0.0) {
            z = p + select(-z, z, p >= 0.0);
            res.re[nn - 1] = x + z;
            res.re[nn] = x + z;
            if (z != 0.0) { res.re[nn] = x - w / z; }
            res.im[nn - 1] = 0.0;
            res.im[nn] = 0.0;
          } else {
            res.re[nn - 1] = x + p;
            res.re[nn] = x + p;
            res.im[nn - 1] = -z;
            res.im[nn] = z;
          }
          nn -= 2;
        } else {
          // 30 n iterations with an exceptional shift every 10 (src/model/eigenvalues.ts)
          if (its == 30 * N) { res.ok = false; break; }
          if (its > 0 && its % 10 == 0) {
            // exceptional shift
            t += x;
            for (var i = 0; i <= nn; i++) { a[i * N + i] -= x; }
            s = abs(a[nn * N + nn - 1]) + abs(a[(nn - 1) * N + nn - 2]);
            x = 0.75 * s;
            y = x;
            w = -0.4375 * s * s;
          }
          its += 1;
          var m = nn - 2;
          loop {
            z = a[m * N + m];
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[(m + 1) * N + m] + a[m * N + m + 1];
            q = a[(m + 1) * N + m + 1] - z - r - s;
            r = a[(m + 2) * N + m + 1];
            s = abs(p) + abs(q) + abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m == l) { break; }
            let u = abs(a[m * N + m - 1]) * (abs(q) + abs(r));
            let v = abs(p) * (abs(a[(m - 1) * N + m - 1]) + abs(z) + abs(a[(m + 1) * N + m + 1]));
            if (u <= EPS_F32 * v) { break; }
            m -= 1;
          }
          for (var i = m + 2; i <= nn; i++) {
            a[i * N + i - 2] = 0.0;
            if (i != m + 2) { a[i * N + i - 3] = 0.0; }
          }
          // double QR step on rows l..nn and columns m..nn
          for (var k = m; k <= nn - 1; k++) {
            if (k != m) {
              p = a[k * N + k - 1];
              q = a[(k + 1) * N + k - 1];
              r = 0.0;
              if (k != nn - 1) { r = a[(k + 2) * N + k - 1]; }
              x = abs(p) + abs(q) + abs(r);
              if (x != 0.0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            let sq = sqrt(p * p + q * q + r * r);
            s = select(-sq, sq, p >= 0.0);
            if (s != 0.0) {
              if (k == m) {
                if (l != m) { a[k * N + k - 1] = -a[k * N + k - 1]; }
              } else {
                a[k * N + k - 1] = -s * x;
              }
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (var j = k; j <= nn; j++) {
                p = a[k * N + j] + q * a[(k + 1) * N + j];
                if (k != nn - 1) {
                  p += r * a[(k + 2) * N + j];
                  a[(k + 2) * N + j] -= p * z;
                }
                a[(k + 1) * N + j] -= p * y;
                a[k * N + j] -= p * x;
              }
              let mmin = min(nn, k + 3);
              for (var i = l; i <= mmin; i++) {
                p = x * a[i * N + k] + y * a[i * N + k + 1];
                if (k != nn - 1) {
                  p += z * a[i * N + k + 2];
                  a[i * N + k + 2] -= p * r;
                }
                a[i * N + k + 1] -= p * q;
                a[i * N + k] -= p;
              }
            }
          }
        }
      }
      if (!(l < nn - 1)) { break; }
    }
  }
  // eigenvalues left: the loops ended early (llvmpipe's shared iteration budget of a SIMD batch
  // ran out), so what this lane has is no spectrum
  if (nn >= 0) { res.ok = false; }
  return res;
}

struct SpectrumSummary { gap: f32, slowest: f32, radius: f32, kernel_dim: u32, ok: bool, largest: f32 }

// Liouvillian gap (second largest real part), spectral radius, and the slowest decay rate
// outside the kernel, whose dimension comes from the steady solve (1, or 2 where G' is
// singular in f32: the same decision as the leap program's, so the flags agree).
fn spectrum_summary(g: Mat16) -> SpectrumSummary {
  let full = mat16_to_array(g);
  for (var i = 0; i < N; i++) {
    for (var j = 0; j < N; j++) { a[i * N + j] = full[(i + 1) * STATE_DIM + j + 1]; }
  }
  balance();
  hessenberg();
  var e = hqr();
  e.re[N] = 0.0; // the eigenvalue of row 0
  e.im[N] = 0.0;
  // real parts, sorted descending (insertion sort: STATE_DIM values)
  var re = e.re;
  for (var i = 1; i < STATE_DIM; i++) {
    let v = re[i];
    var j = i - 1;
    loop {
      if (j < 0 || re[j] >= v) { break; }
      re[j + 1] = re[j];
      j -= 1;
    }
    re[j + 1] = v;
  }
  var radius = 0.0;
  for (var i = 0; i < STATE_DIM; i++) { radius = max(radius, sqrt(e.re[i] * e.re[i] + e.im[i] * e.im[i])); }
  let st = solve_steady(g);
  let kdim = select(2u, 1u, steady_solvable(st, g));
  return SpectrumSummary(re[1], re[kdim], radius, kdim, e.ok, re[0]);
}

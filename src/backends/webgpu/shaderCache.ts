// Where compiled GPU kernels are kept between runs: the driver's shader cache. Mesa (llvmpipe
// and Mesa's hardware drivers) keeps it under MESA_SHADER_CACHE_DIR, else
// $XDG_CACHE_HOME/mesa_shader_cache, else ~/.cache/mesa_shader_cache; NVIDIA's driver in
// ~/.nv/ComputeCache (or __GL_SHADER_DISK_CACHE_PATH / CUDA_CACHE_PATH).

import { homedir } from 'node:os';
import { join } from 'node:path';

export function shaderCacheLocation(adapterDescription: string): string {
  const home = homedir();
  const tilde = (p: string) => (p.startsWith(home + '/') ? '~' + p.slice(home.length) : p);
  if (/mesa|llvmpipe|lavapipe|radv|intel|amd|radeon/i.test(adapterDescription)) {
    const dir = process.env.MESA_SHADER_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(home, '.cache'), 'mesa_shader_cache');
    return `Mesa's shader cache, ${tilde(dir)}`;
  }
  if (/nvidia/i.test(adapterDescription)) return `the NVIDIA driver's cache, ${tilde(process.env.__GL_SHADER_DISK_CACHE_PATH ?? process.env.CUDA_CACHE_PATH ?? join(home, '.nv'))}`;
  if (/swiftshader/i.test(adapterDescription)) return 'nowhere (SwiftShader has no disk cache: every run compiles)';
  return "the GPU driver's shader cache";
}

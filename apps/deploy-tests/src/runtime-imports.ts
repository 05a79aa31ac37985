import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Package names a TypeScript source imports at runtime (type-only imports are erased by the compiler). */
export function runtimePackageImports(source: string): Set<string> {
  const names = new Set<string>();
  const withoutTypeImports = source.replace(
    /^\s*(import|export)\s+type\s[^;]*;/gm,
    '',
  );
  for (const match of withoutTypeImports.matchAll(
    /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm,
  )) {
    const specifier = match[1];
    if (
      specifier.startsWith('.') ||
      specifier.startsWith('node:') ||
      builtinModules.includes(specifier.split('/')[0])
    )
      continue;
    const parts = specifier.split('/');
    names.add(
      specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0],
    );
  }
  return names;
}

/** The non-test TypeScript files under a project's src/. */
export function productionSources(projectDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'test' && entry.name !== '__tests__') walk(full);
      } else if (
        /\.ts$/.test(entry.name) &&
        !/\.(test|spec)\.ts$/.test(entry.name) &&
        !entry.name.endsWith('.d.ts')
      ) {
        out.push(full);
      }
    }
  };
  walk(path.join(projectDir, 'src'));
  return out;
}

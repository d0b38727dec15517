import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';

/*
 * Feature folders import only downward (STYLE.md, "Layout"): a helper two features need lives in
 * common/, so features never reach sideways into each other. Keep the exceptions in step with README.md.
 */
const SRC = resolve(__dirname, '../../src');
const FEATURES = ['auth', 'users', 'groups', 'api-keys', 'models', 'gateway', 'health', 'web-app'];
// audit/ sits below users, groups, api-keys and models: each records its changes in its own transaction.
const LOWER_LAYERS = ['common', 'access', 'audit', 'database', 'config', 'logging', 'startup'];

/** Features allowed to build on another feature, with the reason. */
const FEATURE_EXCEPTIONS: Record<string, Record<string, string>> = {
  gateway: { models: 'the gateway lists models: it formats the model rows and responses for each client family' },
  auth: {
    users: 'sign-up, sign-in and the admin bootstrap create and read accounts',
    'api-keys': 'the API-key strategy looks keys up by hash and records their use',
  },
};

/** Lower layers import no feature, except the data source's list of every entity. */
const LOWER_LAYER_EXCEPTIONS: Record<string, string> = {
  'database/entities.ts': 'TypeORM needs every entity class to build the data source',
};

interface Violation {
  file: string;
  specifier: string;
}

const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function importSpecifiers(source: string): string[] {
  return [...source.matchAll(IMPORT_SPECIFIER)].map((match) => match[1]);
}

/** The top folder under src/ of a path relative to src/ ('' for files at the root). */
function folderOf(pathInSrc: string): string {
  const parts = pathInSrc.split('/');
  return parts.length > 1 ? parts[0] : '';
}

/** Imports that break the layering, for files given as (path relative to src/, source text). */
function layerViolations(files: Map<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    const from = folderOf(file);
    for (const specifier of importSpecifiers(source)) {
      if (!specifier.startsWith('.')) continue;
      const target = folderOf(posix.normalize(posix.join(posix.dirname(file), specifier)));
      if (target !== from && !allowed(file, from, target)) violations.push({ file, specifier });
    }
  }
  return violations;
}

function allowed(file: string, from: string, target: string): boolean {
  if (from === '') return true; // main.ts, app.module.ts, app.setup.ts wire everything together
  if (FEATURES.includes(from)) return LOWER_LAYERS.includes(target) || target in (FEATURE_EXCEPTIONS[from] ?? {});
  if (LOWER_LAYERS.includes(from)) return !FEATURES.includes(target) || file in LOWER_LAYER_EXCEPTIONS;
  return false;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function readSources(): Map<string, string> {
  return new Map(
    sourceFiles(SRC).map((path) => [relative(SRC, path).split(/[\\/]/).join('/'), readFileSync(path, 'utf8')]),
  );
}

describe('import layers', () => {
  it('lets feature folders import only common/, access/, database/, config/ and the listed exceptions', () => {
    const files = readSources();
    expect(files.size).toBeGreaterThan(50);
    expect(files.get('gateway/gateway.service.ts')).toBeDefined();
    expect(layerViolations(files)).toEqual([]);
  });

  it('keeps common/, access/, database/ and config/ free of feature imports (but the entity list)', () => {
    const files = readSources();
    const lower = new Map([...files].filter(([file]) => LOWER_LAYERS.includes(folderOf(file))));
    expect(layerViolations(lower)).toEqual([]);
  });

  it('reports a sideways import between features, in static, dynamic and type imports', () => {
    const files = new Map([
      ['groups/groups.service.ts', "import { conflictOnUnique } from '../users/unique-violation';"],
      ['users/dto/user.dto.ts', "import type { GrantRow } from '../../models/model-response';"],
      ['health/health.controller.ts', "const auth = await import('../auth/auth.service');"],
      ['common/decorators.ts', "import { UsersService } from '../users/users.service';"],
    ]);
    expect(layerViolations(files).map((violation) => violation.file)).toEqual([...files.keys()]);
  });

  it('allows imports within a feature, downward, and the listed feature exceptions', () => {
    const files = new Map([
      ['groups/groups.service.ts', "import { x } from './dto/group.dto';\nimport { y } from '../common/time';"],
      ['groups/dto/group.dto.ts', "import { DisplayName } from '../../common/text-fields';"],
      ['gateway/openai.format.ts', "import type { ModelResponse } from '../models/model-response';"],
      ['auth/auth.service.ts', "import { UsersService } from '../users/users.service';"],
      ['auth/api-key.strategy.ts', "import { hashApiKey } from '../api-keys/api-key-secret';"],
      ['database/entities.ts', "import { UserEntity } from '../users/user.entity';"],
      ['app.module.ts', "import { UsersModule } from './users/users.module';"],
    ]);
    expect(layerViolations(files)).toEqual([]);
  });

  it('reads the folder from the resolved path, not the text of the specifier', () => {
    const files = new Map([['users/dto/x.ts', "import { y } from '../../groups/dto/group.dto';"]]);
    expect(layerViolations(files)).toEqual([{ file: 'users/dto/x.ts', specifier: '../../groups/dto/group.dto' }]);
  });
});

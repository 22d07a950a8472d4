#!/usr/bin/env node
// Writes the engine contract's generated files from native/contract.json (the one source of the id lists,
// the spec fields with their types, defaults and ranges, and the optimizers' defaults):
//   lib/engine/ids.ts         id lists, their name types, OPTIMIZER_DEFAULTS
//   lib/engine/specs.ts       the spec interfaces the binding parses, and SPEC_FIELDS (types, defaults, ranges)
//   native/core/contract.h    the enums, counts and names, the field tables, visitors over the C++ structs
// `node scripts/gen-contract.mjs` writes them; `--check` exits 1 when a checked-in file differs.
// test/contract.test.ts calls generate() and compares in memory.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HEAD = 'Generated from native/contract.json by scripts/gen-contract.mjs (npm run gen:contract): do not edit.';

const camel = (s) => s.replace(/(^|[_-])([a-z0-9])/g, (_, __, c) => c.toUpperCase());
const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const tsValue = (v) => JSON.stringify(v).replace(/"/g, "'");
const cppNumber = (v) => (Number.isInteger(v) ? `${v}.0` : String(v));

/** The schema, checked, with each id list's entries as { name, cpp }. */
export function loadContract(text = readFileSync(join(root, 'native/contract.json'), 'utf8')) {
  const c = JSON.parse(text);
  const ids = {};
  for (const [key, list] of Object.entries(c.ids)) {
    const entries = list.names.map((e) => (typeof e === 'string' ? { name: e } : e));
    const names = entries.map((e) => ({ name: e.name, cpp: e.cpp ?? camel(e.name) }));
    for (const n of ['cpp', 'ts', 'type', 'what'])
      if (typeof list[n] !== 'string') throw new Error(`ids.${key}.${n} is missing`);
    const seen = new Set();
    for (const e of names) {
      if (seen.has(e.name) || seen.has(e.cpp)) throw new Error(`ids.${key}: '${e.name}' (${e.cpp}) appears twice`);
      seen.add(e.name).add(e.cpp);
    }
    ids[key] = { ...list, names };
  }
  const specs = {};
  for (const [name, spec] of Object.entries(c.specs)) {
    const fields = Object.entries(spec.fields).map(([key, f]) => {
      const list = f.type.endsWith('[]');
      const base = list ? f.type.slice(0, -2) : f.type;
      let kind;
      if (['int', 'float', 'bool', 'seed'].includes(base)) kind = list ? (base === 'float' ? 'floats' : null) : base;
      else if (ids[base]) kind = list ? 'ids' : 'id';
      else if (specs[base] && !list) kind = 'spec';
      const hint = c.specs[base] ? ' (define nested specs first)' : '';
      if (!kind) throw new Error(`${name}.${key}: unknown type '${f.type}'${hint}`);
      const of = kind === 'id' || kind === 'ids' || kind === 'spec' ? base : null;
      return {
        key,
        cpp: f.cpp ?? snake(key),
        doc: f.doc ?? null,
        kind,
        of,
        min: f.min ?? null,
        max: f.max ?? null,
        minOpen: !!f.minOpen,
        maxOpen: !!f.maxOpen,
        default: f.default,
      };
    });
    specs[name] = { ...spec, fields };
  }
  const optimizerFields = specs.OptimizerSpec.fields;
  const optimizers = {};
  for (const { name } of ids.optimizers.names) {
    const d = c.optimizers[name];
    if (!d) throw new Error(`optimizers.${name} is missing`);
    for (const [k, v] of Object.entries(d)) {
      const f = optimizerFields.find((x) => x.key === k);
      if (!f) throw new Error(`optimizers.${name}.${k} is not an OptimizerSpec field`);
      if (rangeProblem(f, v)) throw new Error(`optimizers.${name}.${k} = ${v} is not ${want(f, ids)}`);
    }
    optimizers[name] = d;
  }
  return { ids, specs, optimizers };
}

/** What a value must be, as both sides say it: 'in [0, 1)', '> 0', 'an integer >= 1', 'an activation id below 9'. */
function want(f, ids) {
  if (f.kind === 'id' || f.kind === 'ids') return `${ids[f.of].what} below ${ids[f.of].names.length}`;
  if (f.kind === 'int') return `an integer >= ${f.min ?? 0}`;
  if (f.min !== null && f.max !== null) return `in ${f.minOpen ? '(' : '['}${f.min}, ${f.max}${f.maxOpen ? ')' : ']'}`;
  if (f.min !== null) return `${f.minOpen ? '>' : '>='} ${f.min}`;
  if (f.max !== null) return `${f.maxOpen ? '<' : '<='} ${f.max}`;
  return '';
}

function rangeProblem(f, v) {
  if (f.kind === 'bool') return typeof v !== 'boolean';
  if (typeof v !== 'number') return true;
  if (f.min !== null && (f.minOpen ? !(v > f.min) : !(v >= f.min))) return true;
  return f.max !== null && (f.maxOpen ? !(v < f.max) : !(v <= f.max));
}

function idsTs({ ids, optimizers }) {
  const out = [`// ${HEAD}`, '// Names of what the native engine knows, in the order of their numeric ids.', ''];
  for (const [key, l] of Object.entries(ids)) {
    const list = l.names.map((e) => tsValue(e.name));
    const one = `export const ${l.ts} = [${list.join(', ')}] as const;`;
    const many = `export const ${l.ts} = [\n${list.map((s) => `  ${s},`).join('\n')}\n] as const;`;
    out.push(one.length <= 120 ? one : many);
    out.push(`export type ${l.type} = (typeof ${l.ts})[number];`, '');
    void key;
  }
  out.push("/** Keras's defaults of each optimizer: its learning rate and the OptimizerSpec fields it uses. */");
  out.push('export const OPTIMIZER_DEFAULTS = {');
  for (const [name, d] of Object.entries(optimizers))
    out.push(
      `  ${name}: { ${Object.entries(d)
        .map(([k, v]) => `${k}: ${tsValue(v)}`)
        .join(', ')} },`,
    );
  out.push('} as const;', '');
  return out.join('\n');
}

const TS_TYPES = {
  int: 'number',
  float: 'number',
  seed: 'number',
  id: 'number',
  bool: 'boolean',
  ids: 'number[]',
  floats: 'number[]',
};

function specsTs({ ids, specs }) {
  const about = "// The specs the binding parses (lib/engine/contract.ts), their fields' types, defaults, ranges.";
  const out = [`// ${HEAD}`, about, ''];
  for (const [name, s] of Object.entries(specs)) {
    out.push(`export interface ${name} {`);
    if (s.kind) out.push(`  kind: '${s.kind}';`);
    for (const f of s.fields) {
      if (f.doc) out.push(`  /** ${f.doc} */`);
      if (f.kind === 'spec') out.push(f.default === null ? `  ${f.key}?: ${f.of} | null;` : `  ${f.key}: ${f.of};`);
      else out.push(`  ${f.key}: ${TS_TYPES[f.kind]};`);
    }
    out.push('}', '');
  }
  out.push('/** A spec field: its type, its default (absent: required), its allowed range and how to say it. */');
  out.push('export interface FieldRule {');
  out.push(`  readonly type: 'int' | 'float' | 'bool' | 'seed' | 'id' | 'ids' | 'floats' | 'spec';`);
  out.push('  readonly min?: number;', '  readonly max?: number;');
  out.push('  readonly minOpen?: boolean;', '  readonly maxOpen?: boolean;');
  out.push('  readonly default?: number | boolean | readonly number[] | null;');
  out.push('  /** Ids are below this. */', '  readonly count?: number;');
  out.push("  /** 'in [0, 1)', '> 0', 'an integer >= 1', 'a loss id below 5'. */", '  readonly want: string;', '}', '');
  out.push('export const SPEC_FIELDS = {');
  for (const [name, s] of Object.entries(specs)) {
    out.push(`  ${name}: {`);
    for (const f of s.fields) {
      const r = { type: f.kind };
      if (f.min !== null) r.min = f.min;
      if (f.max !== null) r.max = f.max;
      if (f.minOpen) r.minOpen = true;
      if (f.maxOpen) r.maxOpen = true;
      if (f.default !== undefined) r.default = f.default;
      if (f.kind === 'id' || f.kind === 'ids') r.count = ids[f.of].names.length;
      r.want = want(f, ids);
      out.push(
        `    ${f.key}: { ${Object.entries(r)
          .map(([k, v]) => `${k}: ${tsValue(v)}`)
          .join(', ')} },`,
      );
    }
    out.push('  },');
  }
  out.push('} as const satisfies Record<string, Record<string, FieldRule>>;', '');
  return out.join('\n');
}

function contractH({ ids, specs, optimizers }) {
  const about = '// The ids lib/ and the engine share; the spec fields native/binding/spec_parse.cc reads.';
  const out = [`// ${HEAD}`, about];
  out.push('// clang-format off', '#pragma once', '', '#include <limits>', '', 'namespace myelin {', '');
  for (const l of Object.values(ids)) {
    const stem = `k${l.cpp.replace(/Id$/, '')}`;
    out.push(`enum class ${l.cpp} : int { ${l.names.map((e, i) => `${e.cpp} = ${i}`).join(', ')} };`);
    out.push(`constexpr int ${stem}Count = ${l.names.length};`);
    const names = l.names.map((e) => `"${e.name}"`).join(', ');
    out.push(`constexpr const char* ${stem}Names[${stem}Count] = {${names}};`, '');
  }
  out.push('namespace contract {', '');
  out.push('enum class FieldType : int { Int, Float, Bool, Seed, Id, IdList, FloatList, Spec };', '');
  out.push('// One spec field: its JS key, type, default (when optional), range (NaN: open-ended) and how to say it.');
  out.push('struct Field {', '  const char* key;', '  FieldType type;', '  bool optional;', '  double fallback;');
  out.push('  double min, max;', '  bool min_open, max_open;', '  int id_count;  // Id, IdList: ids are below this');
  out.push('  const char* want;  // "in [0, 1)", "> 0", "an integer >= 1", "a loss id below 5"', '};', '');
  out.push('constexpr double kNone = std::numeric_limits<double>::quiet_NaN();', '');
  const num = (v) => (v === null || v === undefined ? 'kNone' : cppNumber(v));
  const TYPES = {
    int: 'Int',
    float: 'Float',
    bool: 'Bool',
    seed: 'Seed',
    id: 'Id',
    ids: 'IdList',
    floats: 'FloatList',
    spec: 'Spec',
  };
  const fallback = (f) => (typeof f.default === 'number' ? cppNumber(f.default) : f.default === true ? '1.0' : '0.0');
  const visitor = (name) => `visit_${snake(name).slice(1)}`;
  out.push('// Each calls v(field, member) for every field of its spec, in table order; for a nested spec');
  out.push('// v(field, member, nested table, nested visitor).');
  for (const name of Object.keys(specs)) out.push(`template <class S, class V> void ${visitor(name)}(S& s, V&& v);`);
  out.push('');
  for (const [name, s] of Object.entries(specs)) {
    out.push(`constexpr int k${name}FieldCount = ${s.fields.length};`);
    out.push(`constexpr Field k${name}Fields[k${name}FieldCount] = {`);
    for (const f of s.fields)
      out.push(
        `  {"${f.key}", FieldType::${TYPES[f.kind]}, ${f.default !== undefined}, ${fallback(f)}, ` +
          `${num(f.min)}, ${num(f.max)}, ` +
          `${f.minOpen}, ${f.maxOpen}, ${f.of && ids[f.of] ? ids[f.of].names.length : 0}, "${want(f, ids)}"},`,
      );
    out.push('};', '');
  }
  for (const [name, s] of Object.entries(specs)) {
    out.push(`template <class S, class V> void ${visitor(name)}(S& s, V&& v) {`);
    s.fields.forEach((f, i) => {
      const field = `k${name}Fields[${i}]`;
      if (f.kind !== 'spec') out.push(`  v(${field}, s.${f.cpp});`);
      else out.push(`  v(${field}, s.${f.cpp}, k${f.of}Fields, [](auto& m, auto& r) { ${visitor(f.of)}(m, r); });`);
    });
    out.push('}', '');
  }
  const fields = specs.OptimizerSpec.fields;
  out.push("// Keras's default of each OptimizerSpec field per optimizer (OptId order); kNone: the field's default.");
  out.push('constexpr double kOptimizerDefaults[kOptCount][kOptimizerSpecFieldCount] = {');
  const value = (v) => (v === undefined ? 'kNone' : typeof v === 'boolean' ? (v ? '1.0' : '0.0') : cppNumber(v));
  for (const [name, d] of Object.entries(optimizers))
    out.push(`  {${fields.map((f) => value(d[f.key])).join(', ')}},  // ${name}`);
  out.push('};', '', '}  // namespace contract', '}  // namespace myelin', '');
  return out.join('\n');
}

/** TS as the repository's Biome configuration formats it (when there is one), so formatting never fights
 *  the generator. The C++ header says `clang-format off`. */
function formatTs(text, path) {
  if (!['biome.json', 'biome.jsonc'].some((f) => existsSync(join(root, f)))) return text;
  const biome = join(root, 'node_modules/.bin/biome');
  const r = spawnSync(biome, ['format', `--stdin-file-path=${path}`], { cwd: root, input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`biome format ${path} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

/** path -> text of every generated file. */
export function generate(contract = loadContract()) {
  return {
    'lib/engine/ids.ts': formatTs(idsTs(contract), 'lib/engine/ids.ts'),
    'lib/engine/specs.ts': formatTs(specsTs(contract), 'lib/engine/specs.ts'),
    'native/core/contract.h': contractH(contract),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, text] of Object.entries(generate())) {
    const file = join(root, path);
    let old = null;
    try {
      old = readFileSync(file, 'utf8');
    } catch {}
    if (old === text) continue;
    if (check) {
      console.error(`${path} is out of date: run npm run gen:contract`);
      stale++;
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${path}`);
    }
  }
  process.exit(stale ? 1 : 0);
}

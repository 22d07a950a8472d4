// Activations as exporters write them: one operator (Relu, Gelu...) or a small elementwise subgraph
// (PyTorch's x·Sigmoid(x) for SiLU, 0.5·x·(1 + Erf(x/√2)) for GELU below opset 20). The subgraph is read
// into an expression over the activation's input; products and sums are flattened with their constants
// folded (so operand order and Div-vs-Mul spellings do not matter), then compared structurally with each
// activation's forms. Anything else matches nothing: it is refused, never approximated.
import type { ActivationName } from '../../activations.js';

export type Expr =
  | { op: 'x' }
  | { op: 'const'; value: number }
  | { op: string; args: Expr[]; alpha?: number; approximate?: string };

/** Operators a decomposed activation may use (the first argument is the tensor, others scalars or tensors). */
export const ELEMENTWISE = new Set([
  'Relu',
  'Sigmoid',
  'Tanh',
  'LeakyRelu',
  'Elu',
  'Gelu',
  'Erf',
  'Mul',
  'Div',
  'Add',
  'Sub',
  'Identity',
  'Dropout',
]);

const args = (e: Expr): Expr[] => ('args' in e ? e.args : []);
const isX = (e: Expr) => e.op === 'x';
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** e as k · Π terms. */
function product(e: Expr): { k: number; terms: Expr[] } {
  if (e.op === 'const') return { k: (e as { value: number }).value, terms: [] };
  const [a, b] = args(e);
  if (args(e).length !== 2) return { k: 1, terms: [e] };
  if (e.op === 'Mul') {
    const p = product(a!);
    const q = product(b!);
    return { k: p.k * q.k, terms: [...p.terms, ...q.terms] };
  }
  if (e.op === 'Div' && b!.op === 'const') {
    const p = product(a!);
    return { k: p.k / (b as { value: number }).value, terms: p.terms };
  }
  return { k: 1, terms: [e] };
}

/** e as c + Σ terms. */
function sum(e: Expr): { c: number; terms: Expr[] } {
  if (e.op === 'const') return { c: (e as { value: number }).value, terms: [] };
  const [a, b] = args(e);
  if (args(e).length !== 2) return { c: 0, terms: [e] };
  if (e.op === 'Add') {
    const p = sum(a!);
    const q = sum(b!);
    return { c: p.c + q.c, terms: [...p.terms, ...q.terms] };
  }
  if (e.op === 'Sub' && b!.op === 'const') {
    const p = sum(a!);
    return { c: p.c - (b as { value: number }).value, terms: p.terms };
  }
  return { c: 0, terms: [e] };
}

/** Two terms matching two tests, in either order. */
const pair = (terms: Expr[], f: (e: Expr) => boolean, g: (e: Expr) => boolean) =>
  terms.length === 2 && ((f(terms[0]!) && g(terms[1]!)) || (g(terms[0]!) && f(terms[1]!)));

const of = (op: string) => (e: Expr) => e.op === op && args(e).length === 1 && isX(args(e)[0]!);

/** 1 + Erf(x / √2), however spelled. */
function onePlusErf(e: Expr): boolean {
  const s = sum(e);
  if (!near(s.c, 1) || s.terms.length !== 1 || s.terms[0]!.op !== 'Erf' || args(s.terms[0]!).length !== 1) return false;
  const p = product(args(s.terms[0]!)[0]!);
  return p.terms.length === 1 && isX(p.terms[0]!) && near(p.k, Math.SQRT1_2);
}

/** The activation e computes, or a reason it is none of myelin's. */
export function matchActivation(e: Expr): { activation: ActivationName } | { problem: string } {
  const p = product(e);
  if (near(p.k, 1) && p.terms.length === 1) {
    const t = p.terms[0]!;
    if (isX(t)) return { activation: 'linear' };
    const single: Record<string, ActivationName> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh' };
    if (single[t.op] && of(t.op)(t)) return { activation: single[t.op]! };
    const a = (t as { alpha?: number }).alpha;
    if (of('LeakyRelu')(t))
      return near(a ?? 0.01, 0.2)
        ? { activation: 'leaky_relu' }
        : { problem: `LeakyRelu with alpha ${a ?? 0.01} (myelin's leaky_relu has alpha 0.2)` };
    if (of('Elu')(t))
      return near(a ?? 1, 1) ? { activation: 'elu' } : { problem: `Elu with alpha ${a} (myelin's elu has alpha 1)` };
    if (of('Gelu')(t)) {
      const approximate = (t as { approximate?: string }).approximate ?? 'none';
      return approximate === 'none'
        ? { activation: 'gelu' }
        : { problem: `Gelu with approximate '${approximate}' (myelin's gelu is exact)` };
    }
  }
  if (near(p.k, 1) && pair(p.terms, isX, of('Sigmoid'))) return { activation: 'swish' };
  if (near(p.k, 0.5) && pair(p.terms, isX, onePlusErf)) return { activation: 'gelu' };
  return { problem: 'they compute no activation myelin has' };
}

import { describe, expect, it } from 'vitest';
import type { Output } from '../lib/cli/output.js';
import { formatLogs, progressCallback } from '../lib/cli/progress.js';
import { prepareTarget } from '../lib/cli/task.js';

function fakeOutput(tty: boolean): Output & { notes: string[]; raw: string } {
  const o = {
    json: false,
    tty,
    notes: [] as string[],
    raw: '',
    stderr: {
      write: (s: string) => {
        o.raw += s;
        return true;
      },
      columns: 200,
    } as unknown as NodeJS.WritableStream,
    line() {},
    note(t: string) {
      o.notes.push(t);
    },
    result() {},
  };
  return o;
}

describe('training progress', () => {
  it('prints one line per epoch without a TTY', () => {
    const out = fakeOutput(false);
    const cb = progressCallback(out, { epochs: 3 });
    cb.onTrainBegin();
    for (let e = 0; e < 3; e++) cb.onEpochEnd(e, { loss: 1 / (e + 1), val_loss: 2 / (e + 1) });
    cb.onTrainEnd();
    expect(out.notes).toHaveLength(3);
    expect(out.notes[2]).toMatch(/^epoch 3\/3 · loss 0\.3333 · val_loss 0\.6667 · \d+ ms$/);
  });

  it('thins lines with `every` but always shows the first and the last epoch run, even when stopped early', () => {
    const out = fakeOutput(false);
    const cb = progressCallback(out, { epochs: 100, every: 10 });
    cb.onTrainBegin();
    for (let e = 0; e < 25; e++) cb.onEpochEnd(e, { loss: 0.5 });
    cb.onTrainEnd();
    expect(out.notes.map((l) => /epoch (\d+)/.exec(l)![1])).toEqual(['1', '10', '20', '25']);
  });

  it('on a TTY, draws the epoch training ended on when early stopping ends a fast run between redraws', () => {
    const out = fakeOutput(true);
    const cb = progressCallback(out, { epochs: 1000 });
    cb.onTrainBegin();
    for (let e = 0; e < 3; e++) cb.onEpochEnd(e, { loss: 1 / (e + 1) }); // well within one 80 ms redraw interval
    cb.onTrainEnd();
    const frames = out.raw.split('\r').filter(Boolean);
    expect(frames[frames.length - 1]).toMatch(/^epoch +3\/1000 \[.*loss 0\.3333/);
    expect(out.raw.endsWith('\n')).toBe(true);
  });

  it('redraws one bar in place on a TTY and ends it with a newline', () => {
    const out = fakeOutput(true);
    const cb = progressCallback(out, { epochs: 2 });
    cb.onTrainBegin();
    cb.onEpochEnd(0, { loss: 0.9 });
    cb.onEpochEnd(1, { loss: 0.1 });
    cb.onTrainEnd();
    expect(out.notes).toEqual([]);
    expect(out.raw.startsWith('\repoch 1/2 [')).toBe(true);
    expect(out.raw).toMatch(/\repoch 2\/2 \[=+\] loss 0\.1000\s*\n$/);
  });

  it('formats small and large values readably', () => {
    expect(formatLogs({ loss: 0.00001234, mse: 123456789, accuracy: 0.5 })).toBe(
      'loss 1.23e-5 · mse 1.23e+8 · accuracy 0.5000',
    );
  });
});

describe('task detection', () => {
  it('takes text labels and a few integer values as classes, other numbers as regression', () => {
    expect(prepareTarget(new Int32Array([0, 1, 2, 1]), ['a', 'b', 'c'], 'y', 'auto')).toMatchObject({
      task: 'classification',
      classNames: ['a', 'b', 'c'],
    });
    const ints = prepareTarget(Float32Array.from([3, 7, 3, 5]), undefined, 'y', 'auto');
    expect(ints).toMatchObject({ task: 'classification', classNames: ['3', '5', '7'] });
    expect(Array.from(ints.y)).toEqual([0, 2, 0, 1]);
    expect(prepareTarget(Float32Array.from([0.5, 1.25, 2]), undefined, 'y', 'auto').task).toBe('regression');
    expect(
      prepareTarget(
        Float32Array.from({ length: 50 }, (_, i) => i),
        undefined,
        'y',
        'auto',
      ).task,
    ).toBe('regression');
    expect(prepareTarget(Float32Array.from([3, 7, 3, 5]), undefined, 'y', 'regression').task).toBe('regression');
  });

  it('refuses a target with one class', () => {
    expect(() => prepareTarget(Float32Array.from([1, 1, 1]), undefined, 'y', 'auto')).toThrow(
      /column "y" has a single value \(1\)/,
    );
    expect(() => prepareTarget(new Int32Array([0, 0]), ['yes'], 'y', 'auto')).toThrow(/single class \(yes\)/);
  });
});

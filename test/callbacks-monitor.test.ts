import { describe, expect, it } from 'vitest';
import {
  EarlyStopping,
  ModelCheckpoint,
  MonitorCallback,
  ReduceLROnPlateau,
  type MonitorOptions,
} from '../lib/index.js';
import { monitorMode } from '../lib/metrics.js';

class Watch extends MonitorCallback {
  constructor(options: MonitorOptions = {}) {
    super('Watch', options);
  }
}

describe('MonitorCallback', () => {
  it("resolves mode 'auto' from the monitored key: scores up, losses and errors down", () => {
    for (const k of [
      'accuracy',
      'val_acc',
      'binary_accuracy',
      'val_categorical_accuracy',
      'auc',
      'val_precision',
      'recall',
      'f1_score',
      'r2_score',
    ])
      expect([k, monitorMode(k)]).toEqual([k, 'max']);
    for (const k of [
      'loss',
      'val_loss',
      'mean_absolute_error',
      'val_mse',
      'score',
      'learning_rate',
      'accuracy_loss',
      'val_binary_crossentropy',
    ])
      expect([k, monitorMode(k)]).toEqual([k, 'min']);
    expect(new Watch().mode).toBe('min');
    expect(new Watch({ monitor: 'val_accuracy' }).mode).toBe('max');
    expect(new Watch({ monitor: 'val_accuracy', mode: 'min' }).mode).toBe('min');
    expect(new EarlyStopping({ monitor: 'accuracy' }).mode).toBe('max');
    expect(new ReduceLROnPlateau({ monitor: 'val_r2_score' }).mode).toBe('max');
    expect(new ModelCheckpoint({ filepath: 'm.myelin', monitor: 'val_f1_score' }).mode).toBe('max');
  });

  it('counts an improvement only beyond minDelta, in the direction of the mode', () => {
    const down = new Watch({ minDelta: -0.1 });
    expect(down.minDelta).toBe(0.1);
    expect(down.isImprovement(5, null)).toBe(true);
    expect(down.isImprovement(0.85, 1)).toBe(true);
    expect(down.isImprovement(0.95, 1)).toBe(false);
    expect(down.isImprovement(1.2, 1)).toBe(false);
    const up = new Watch({ mode: 'max', minDelta: 0.1 });
    expect(up.isImprovement(1.15, 1)).toBe(true);
    expect(up.isImprovement(1.05, 1)).toBe(false);
    expect(up.isImprovement(0.5, 1)).toBe(false);
  });

  it('names the callback and the argument in its errors', () => {
    expect(() => new Watch({ mode: 'up' as 'max' })).toThrow(/^Watch: mode must be 'auto', 'min' or 'max', got "up"$/);
    expect(() => new EarlyStopping({ monitor: 3 as unknown as string })).toThrow(
      /EarlyStopping: monitor must be a log key/,
    );
    expect(() => new ReduceLROnPlateau({ minDelta: Number.NaN })).toThrow(
      /ReduceLROnPlateau: minDelta must be a finite number, got number NaN/,
    );
    expect(() => new EarlyStopping({ baseline: '1' as unknown as number })).toThrow(
      /EarlyStopping: baseline must be a number or null/,
    );
    expect(() => new ModelCheckpoint({ filepath: 'm', mode: 'x' as 'min' })).toThrow(/ModelCheckpoint: mode must be/);
  });

  it('ModelCheckpoint takes initialValueThreshold as its baseline and first best', () => {
    const c = new ModelCheckpoint({ filepath: 'm', monitor: 'val_accuracy', initialValueThreshold: 0.9 });
    expect([c.baseline, c.best, c.mode]).toEqual([0.9, 0.9, 'max']);
    expect(new ModelCheckpoint({ filepath: 'm' }).best).toBe(Infinity);
  });
});

import { describe, expect, it } from 'vitest';
import { checkFilepathTemplate, formatFilepath } from '../lib/io/filepath-template.js';

describe('checkpoint filepath templates', () => {
  it('formats Keras/Python style placeholders', () => {
    const v = { epoch: 7, val_loss: 0.123456, loss: 12.5 };
    expect(formatFilepath('m-{epoch:02d}-{val_loss:.4f}.myelin', v)).toBe('m-07-0.1235.myelin');
    expect(formatFilepath('{epoch}_{loss}', v)).toBe('7_12.5');
    expect(formatFilepath('{epoch:03d}{loss:.2e}', v)).toBe('0071.25e+01');
    expect(formatFilepath('{val_loss:8.3f}|', v)).toBe('   0.123|');
    expect(formatFilepath('no-placeholders.myelin', v)).toBe('no-placeholders.myelin');
  });

  it('names a missing key and a bad spec', () => {
    expect(() => formatFilepath('m-{val_acc}.myelin', { epoch: 1, loss: 2 })).toThrow(
      'filepath "m-{val_acc}.myelin" uses {val_acc}, which is not available; available: {epoch}, {loss}',
    );
    expect(() => checkFilepathTemplate('m-{epoch:>5x}')).toThrow(/unsupported format spec ":>5x"/);
    expect(checkFilepathTemplate('a{epoch:02d}{val_loss}')).toEqual(['epoch', 'val_loss']);
  });
});

// The layer classes, and rebuilding a layer from its Keras-style config.
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import type { Layer, LayerConfig } from './layer.js';

export { Layer, type LayerConfig, type LayerOptions } from './layer.js';
export { Dense, type DenseOptions } from './dense.js';
export { Dropout, type DropoutOptions } from './dropout.js';

export function layerFromConfig(cfg: LayerConfig): Layer {
  const { units, rate, ...options } = cfg?.config ?? {};
  switch (cfg?.className) {
    case 'Dense':
      return new Dense(units as number, options as DenseOptions);
    case 'Dropout':
      return new Dropout(rate as number, options as DropoutOptions);
  }
  throw new Error(`layerFromConfig: unknown className ${JSON.stringify(cfg?.className)}; valid: 'Dense', 'Dropout'`);
}

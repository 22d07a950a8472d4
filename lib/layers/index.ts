// The layer classes, and rebuilding a layer from its Keras-style config.
import type { ActivationIdentifier } from '../activations.js';
import { Activation } from './activation.js';
import { BatchNormalization, LayerNormalization } from './batch-normalization.js';
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import type { Layer, LayerConfig, LayerOptions } from './layer.js';
import { Normalization } from './normalization.js';

export { Layer, type LayerConfig, type LayerOptions } from './layer.js';
export { Dense, type DenseOptions } from './dense.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Activation } from './activation.js';
export {
  BatchNormalization,
  LayerNormalization,
  type BatchNormalizationOptions,
  type LayerNormalizationOptions,
} from './batch-normalization.js';
export { Normalization, type NormalizationOptions } from './normalization.js';

/** Each class's constructor from its config (the config's other keys are the options). */
const FROM_CONFIG: Record<string, (c: Record<string, unknown>) => Layer> = {
  Dense: ({ units, ...o }) => new Dense(units as number, o as DenseOptions),
  Dropout: ({ rate, ...o }) => new Dropout(rate as number, o as DropoutOptions),
  BatchNormalization: (o) => new BatchNormalization(o),
  LayerNormalization: (o) => new LayerNormalization(o),
  Activation: ({ activation, ...o }) => new Activation(activation as ActivationIdentifier, o as LayerOptions),
  Normalization: (o) => new Normalization(o),
};

/** The layer classes' names, for messages. */
export const LAYER_CLASSES = Object.keys(FROM_CONFIG);

export function layerFromConfig(cfg: LayerConfig): Layer {
  const make = Object.hasOwn(FROM_CONFIG, cfg?.className) ? FROM_CONFIG[cfg.className] : undefined;
  if (!make)
    throw new Error(
      `layerFromConfig: unknown className ${JSON.stringify(cfg?.className)}; valid: ${LAYER_CLASSES.map((c) => `'${c}'`).join(', ')}`,
    );
  return make({ ...(cfg.config ?? {}) });
}

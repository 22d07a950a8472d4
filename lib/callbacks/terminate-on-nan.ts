// TerminateOnNaN: a loss that turns NaN/Infinity ends training normally (fit returns its History)
// instead of rejecting. The engine detects it per batch and restores the last finite epoch's weights.
import { Callback } from './callback.js';

export class TerminateOnNaN extends Callback {}

// The 6 x 3 inputs and 6 x 2 targets the toolbox tests train on; test/fixtures/make_toolbox_fixtures.py
// computes Keras's values on the same rows.
export const X = [
  [0.5, -1.0, 2.0],
  [1.5, 0.3, -0.7],
  [-0.8, 0.9, 0.1],
  [0.2, -0.4, -1.2],
  [-1.1, -0.6, 0.8],
  [0.7, 1.2, 0.4],
];
export const Y = [
  [2.5, -0.3],
  [0.4, 1.8],
  [-2.2, 0.1],
  [0.9, -1.5],
  [0.0, 0.6],
  [-0.7, 3.0],
];

/** Expects fn to throw an Error whose message contains `fragment` verbatim. */
export function expectError(fn: () => unknown, fragment: string) {
  expect(fn).toThrowError(new RegExp(fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}

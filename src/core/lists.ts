// Checks on the lists a user gives (axis values, outputs, --set names), shared by the spec and the CLI.

/** The first item that repeats an earlier one, as [index of the earlier, index of the repeat] (SameValueZero: 0 and -0 are one value). */
export function firstRepeat<T>(items: readonly T[], key: (item: T) => unknown = (x) => x): [number, number] | undefined {
  const seen = new Map<unknown, number>();
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]);
    const first = seen.get(k);
    if (first !== undefined) return [first, i];
    seen.set(k, i);
  }
  return undefined;
}

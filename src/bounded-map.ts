// The caches' one eviction rule (storage's account and hook caches, the worker's decrypted secrets, the
// sender's parsed URLs): a map that reaches its bound starts over. Entries are cheap to compute again,
// and the caches are sized far above what a deployment holds, so nothing finer is needed.

/** Sets `key`, first emptying `map` if it holds `limit` entries and `key` is not one of them. */
export function rememberBounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  if (map.size >= limit && !map.has(key)) map.clear();
  map.set(key, value);
}

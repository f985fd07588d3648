// What the raw and BullMQ senders share with Hookline's sender (URLs parsed once, the request timeout),
// loaded from the compiled build as Hookline itself is (bench/build.ts), so no system under test runs
// tsx-transformed code on its hot path.
import type * as SendModule from '../../src/delivery/send.js';

const DIST = new URL('../../dist/', import.meta.url);

export const { dialTarget, requestTimeout } = (await import(new URL('delivery/send.js', DIST).href)) as typeof SendModule;

/**
 * GPU data derived from an input tensor's values (a tri's index list and vertex arrays, its vertex → triangle
 * list), kept per tensor and purpose while the tensor lives: tensors are immutable, so a fit's constant mesh is
 * read, derived and uploaded once. One per WebGL context and per WebGPU device, under one byte budget.
 */
import {env} from '@tensorflow/tfjs-core';

/**
 * Environment flag: the byte budget of kept data per context or device. Data that could take more is not kept
 * (the kernels take a path without it); within it, the least recently used goes first. Tests lower it.
 */
export const KEPT_BYTES_FLAG = 'DIFFRAST_KEPT_BYTES';
env().registerFlag(KEPT_BYTES_FLAG, () => 64 * 2 ** 20);

/** The byte budget of kept data per context or device (see KEPT_BYTES_FLAG). */
export function keptBudget(): number {
  return env().getNumber(KEPT_BYTES_FLAG);
}

/** What a backend's kept store needs to know: whether a tensor lives, and how to free a value. */
export interface KeptOwner<T> {
  alive(dataId: object): boolean;
  free(value: T): void;
}

interface Entry<T> {
  dataId: object;
  value: T;
  bytes: number;
}

export class KeptPerTensor<T> {
  /** By tensor and purpose, least recently used first. */
  private readonly entries = new Map<string, Entry<T>>();
  /** Bytes of the entries. */
  bytes = 0;
  /** A number per tensor for the keys (tfjs's data ids are objects; ours must not keep them alive). */
  private readonly serials = new WeakMap<object, number>();
  private nextSerial = 0;

  /**
   * The value kept for `dataId` and `purpose`, else the one `make` returns, kept; null, with nothing made, when
   * `bound` (an upper bound of its bytes) passes the budget. Frees the entries of tensors no longer alive first,
   * and after making, the least recently used beyond the budget.
   */
  get(
    owner: KeptOwner<T>,
    dataId: object,
    purpose: string,
    bound: number,
    make: () => {value: T; bytes: number},
  ): T | null {
    this.sweep(owner);
    const key = this.key(dataId, purpose);
    const have = this.entries.get(key);
    if (have) {
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, have);
      return have.value;
    }
    const budget = keptBudget();
    if (bound > budget) return null;
    const made = make();
    for (const [k, e] of this.entries) {
      if (this.bytes + made.bytes <= budget) break;
      this.drop(owner, k, e);
    }
    this.entries.set(key, {dataId, ...made});
    this.bytes += made.bytes;
    return made.value;
  }

  /** The value kept for `dataId` and `purpose`, if any (for specs; not a use). */
  peek(dataId: object, purpose: string): T | undefined {
    return this.entries.get(this.key(dataId, purpose))?.value;
  }

  /** Frees the entries of tensors no longer alive. */
  sweep(owner: KeptOwner<T>) {
    for (const [k, e] of this.entries) if (!owner.alive(e.dataId)) this.drop(owner, k, e);
  }

  private drop(owner: KeptOwner<T>, key: string, e: Entry<T>) {
    this.entries.delete(key);
    this.bytes -= e.bytes;
    owner.free(e.value);
  }

  private key(dataId: object, purpose: string): string {
    let serial = this.serials.get(dataId);
    if (serial === undefined) this.serials.set(dataId, (serial = this.nextSerial++));
    return `${serial}:${purpose}`;
  }
}

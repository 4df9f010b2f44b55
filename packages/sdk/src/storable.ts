// Owns the compile-time side of task outputs: which types a task may return (see output-codec.ts
// for the runtime side), so that a downstream task's input type is what decodeOutput gives it.

declare const NOT_STORABLE: unique symbol;

/** Stands where a task's return type holds something that cannot be stored; `Why` says what. */
export interface NotStorable<Why extends string> {
  readonly [NOT_STORABLE]: Why;
}

export type StorableTypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

type StorablePrimitive = string | number | boolean | bigint | null | undefined;

/**
 * What a task's output may be made of: every value of this type is stored and arrives downstream
 * as itself. Handy to annotate a helper; tasks themselves are checked by `AsStorable`, which also
 * accepts interfaces (they have no index signature, so they are not assignable to this type).
 */
export type Storable =
  | string
  | number
  | boolean
  | bigint
  | null
  | undefined
  | Date
  | RegExp
  | StorableTypedArray
  | readonly Storable[]
  | ReadonlyMap<Storable, Storable>
  | ReadonlySet<Storable>
  | { readonly [key: string]: Storable };

/**
 * `T` itself when every part of it can be stored, otherwise `T` with each part that cannot replaced
 * by a `NotStorable`, so that `R extends AsStorable<R>` fails on a task returning it. Functions,
 * symbols, Promises, classes and objects with methods (class instances, sockets, WeakMaps) are
 * caught here; a class instance with data fields only passes here and is refused when the task
 * runs. `unknown` and `any` are checked only when the task runs.
 */
export type AsStorable<T> = unknown extends T
  ? T
  : // Storable itself (a helper annotated with it): known good, and recursing into it never ends.
    [Storable] extends [T]
    ? T
    : T extends StorablePrimitive
      ? T
      : // A task that returns nothing: its return type is void.
        T extends void
        ? T
        : T extends symbol
          ? NotStorable<'a symbol cannot be stored'>
          : T extends (...args: never[]) => unknown
            ? NotStorable<'a function cannot be stored'>
            : T extends abstract new (
                  ...args: never[]
                ) => unknown
              ? NotStorable<'a class cannot be stored'>
              : T extends PromiseLike<unknown>
                ? NotStorable<'a Promise cannot be stored: await it'>
                : T extends Date
                  ? Exactly<T, Date>
                  : T extends RegExp
                    ? Exactly<T, RegExp>
                    : T extends StorableTypedArray
                      ? AsTypedArray<T>
                      : T extends ReadonlyMap<infer K, infer V>
                        ? T extends Map<K, V>
                          ? Exactly<T, Map<K, V>, Map<AsStorable<K>, AsStorable<V>>>
                          : ReadonlyMap<AsStorable<K>, AsStorable<V>>
                        : T extends ReadonlySet<infer V>
                          ? T extends Set<V>
                            ? Exactly<T, Set<V>, Set<AsStorable<V>>>
                            : ReadonlySet<AsStorable<V>>
                          : T extends object
                            ? {
                                [K in keyof T]: K extends symbol
                                  ? NotStorable<'a symbol key cannot be stored'>
                                  : AsStorable<T[K]>;
                              }
                            : NotStorable<'this value cannot be stored'>;

/** `T` when it is the built-in `Base` itself, not a subclass that adds to it (a Buffer). */
type Exactly<T, Base, Then = T> = Base extends T
  ? Then
  : NotStorable<'a subclass of a built-in cannot be stored'>;

type AsTypedArray<T> =
  T extends Int8Array<infer B>
    ? Exactly<T, Int8Array<B>>
    : T extends Uint8ClampedArray<infer B>
      ? Exactly<T, Uint8ClampedArray<B>>
      : T extends Uint8Array<infer B>
        ? Exactly<T, Uint8Array<B>>
        : T extends Int16Array<infer B>
          ? Exactly<T, Int16Array<B>>
          : T extends Uint16Array<infer B>
            ? Exactly<T, Uint16Array<B>>
            : T extends Int32Array<infer B>
              ? Exactly<T, Int32Array<B>>
              : T extends Uint32Array<infer B>
                ? Exactly<T, Uint32Array<B>>
                : T extends Float32Array<infer B>
                  ? Exactly<T, Float32Array<B>>
                  : T extends Float64Array<infer B>
                    ? Exactly<T, Float64Array<B>>
                    : T extends BigInt64Array<infer B>
                      ? Exactly<T, BigInt64Array<B>>
                      : T extends BigUint64Array<infer B>
                        ? Exactly<T, BigUint64Array<B>>
                        : NotStorable<'this typed array cannot be stored'>;

/** What a mapped task's downstream receives per instance: an instance that returned nothing is null. */
export type MappedOutput<T> = T extends void ? null : T;

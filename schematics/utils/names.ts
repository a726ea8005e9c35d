import { strings } from '@angular-devkit/core';
import { SchematicsException } from '@angular-devkit/schematics';

/** What a raw name must look like: letters first, then letters, digits, `-` or `_`. */
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** A JavaScript identifier (ASCII), which every generated class name must be. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The names derived from one actor name given on the command line (`price-feed`). */
export interface ActorNames {
  /** File base name, kebab-case: `price-feed` (files `price-feed.actor.ts`, ...). */
  readonly fileName: string;
  /** The actor class: `PriceFeedActor`. */
  readonly className: string;
  /** The name the actor is exposed under (IPC `target`), snake_case: `price_feed`. */
  readonly actorName: string;
  /** The request message class (and its wire name): `PriceFeedRequest`. */
  readonly requestClass: string;
  /** The reply message class (and its wire name): `PriceFeedReply`. */
  readonly replyClass: string;
}

/** The names derived from one message name (`price-quote` or `PriceQuote`). */
export interface MessageNames {
  /** The message class and its wire name: `PriceQuote`. */
  readonly className: string;
  /** Its reply class and wire name: `PriceQuoteReply`. */
  readonly replyClass: string;
}

/**
 * Splits `feeds/price-feed` into the folder part (`feeds`, '' when none) and the last segment,
 * the way `nest g` accepts a path inside the name.
 */
export function splitNamePath(raw: string): { readonly dir: string; readonly name: string } {
  const parts = raw
    .trim()
    .split('/')
    .filter((part) => part.length > 0);
  return { dir: parts.slice(0, -1).join('/'), name: parts[parts.length - 1] ?? '' };
}

/**
 * Checks a name given on the command line and turns it into a class base name.
 * @param kind what is being named, for the error message (`actor`, `message`)
 * @throws SchematicsException naming the bad value and the expected shape
 */
export function classBaseName(raw: string, kind: string): string {
  const base = strings.classify(raw);
  if (!NAME_PATTERN.test(raw) || !IDENTIFIER.test(base)) {
    throw new SchematicsException(
      `Invalid ${kind} name ${JSON.stringify(raw)}: use letters, digits, '-' or '_', starting with a letter (e.g. price-feed or PriceFeed)`,
    );
  }
  return base;
}

/**
 * `price-feed` (or `PriceFeed`, `price_feed`) → `PriceFeedActor`, actor `price_feed`, files
 * `price-feed.*`, messages `PriceFeedRequest` / `PriceFeedReply`.
 * @throws SchematicsException when the name is not usable (see `classBaseName`)
 */
export function actorNames(raw: string): ActorNames {
  const base = classBaseName(raw, 'actor');
  const fileName = strings.dasherize(base);
  return {
    fileName,
    className: `${base}Actor`,
    actorName: fileName.replace(/-/g, '_'),
    requestClass: `${base}Request`,
    replyClass: `${base}Reply`,
  };
}

/**
 * `price-quote` or `PriceQuote` → class and wire name `PriceQuote`, reply `PriceQuoteReply`.
 * @throws SchematicsException when the name is not usable (see `classBaseName`)
 */
export function messageNames(raw: string): MessageNames {
  const className = classBaseName(raw, 'message');
  return { className, replyClass: `${className}Reply` };
}

/**
 * The indefinite article for a class name, so generated comments and spec titles read
 * "an InventoryRequest", "a PriceFeedRequest" (by the first letter: good enough for class names).
 */
export function article(name: string): 'a' | 'an' {
  return /^[aeiou]/i.test(name) ? 'an' : 'a';
}

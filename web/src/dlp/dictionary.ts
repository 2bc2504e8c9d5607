// Anchored dictionary matching, as the Rust crate's Aho-Corasick automata built with ASCII case
// folding and leftmost-longest semantics: at a given start, the longest pattern matching there
// (ASCII letters in any case, other bytes exactly); of equal patterns, the first added.
import { firstWordHash, lower } from "./text.js";

interface Node {
  next: Map<number, Node>;
  /** Index of the first pattern ending here, or -1. */
  pattern: number;
}

/** Transitions per state in the compiled table: more than the bytes patterns use. */
const WIDTH = 64;

export class Dictionary {
  private readonly root: Node = { next: new Map(), pattern: -1 };
  readonly patterns: Uint8Array[] = [];
  /** The hashes of the patterns' first words (`forEachWord`). */
  private readonly firstWords = new Set<number>();
  /** Compiled on first search: byte to symbol (0: in no pattern), ASCII case folded. */
  private classes: Uint8Array | null = null;
  /** State × symbol to the next state (0: none; state 0 is the root). */
  private transitions = new Int32Array(0);
  /** Per state, the first pattern ending there, or -1. */
  private accepting = new Int32Array(0);
  /** Where the match `longestAt` last returned ends. */
  matchEnd = 0;

  add(pattern: string): void {
    const bytes = utf8.encode(pattern);
    this.firstWords.add(firstWordHash(bytes));
    let node = this.root;
    for (const byte of bytes) {
      const key = lower(byte);
      let child = node.next.get(key);
      if (child === undefined) {
        child = { next: new Map(), pattern: -1 };
        node.next.set(key, child);
      }
      node = child;
    }
    if (node.pattern < 0) node.pattern = this.patterns.length;
    this.patterns.push(bytes);
    this.classes = null;
  }

  /**
   * Whether a word with this hash may start a match: most words start none. A word passes
   * wrongly only when its hash collides with a first word's; one that starts a match always
   * passes, since a pattern's first word must then be the word itself.
   */
  mayStart(wordHash: number): boolean {
    return this.firstWords.has(wordHash);
  }

  /** The hashes of the patterns' first words. */
  firstWordHashes(): Iterable<number> {
    return this.firstWords;
  }

  /** The flat table of the trie: one array look-up per byte searched. */
  private compile(): Uint8Array {
    const classes = new Uint8Array(256);
    const states: Node[] = [];
    const index = new Map<Node, number>();
    const queue = [this.root];
    let symbols = 0;
    while (queue.length > 0) {
      const node = queue.shift() as Node;
      index.set(node, states.length);
      states.push(node);
      for (const [byte, child] of node.next) {
        if (classes[byte] === 0) {
          symbols += 1;
          if (symbols >= WIDTH) throw new Error("too many distinct bytes in the dictionary");
          classes[byte] = symbols;
          // The upper case of an ASCII letter is the same symbol.
          if (byte >= 0x61 && byte <= 0x7a) classes[byte - 0x20] = symbols;
        }
        queue.push(child);
      }
    }
    this.transitions = new Int32Array(states.length * WIDTH);
    this.accepting = new Int32Array(states.length);
    states.forEach((node, state) => {
      this.accepting[state] = node.pattern;
      for (const [byte, child] of node.next) this.transitions[state * WIDTH + (classes[byte] as number)] = index.get(child) as number;
    });
    this.classes = classes;
    return classes;
  }

  /** The longest pattern matching at `start`: its index (its end in `matchEnd`), or -1. */
  longestAt(bytes: Uint8Array, start: number): number {
    const classes = this.classes ?? this.compile();
    const transitions = this.transitions;
    let state = 0;
    let found = -1;
    for (let at = start; at < bytes.length; at++) {
      const symbol = classes[bytes[at] as number] as number;
      if (symbol === 0) break;
      state = transitions[state * WIDTH + symbol] as number;
      if (state === 0) break;
      const pattern = this.accepting[state] as number;
      if (pattern >= 0) {
        found = pattern;
        this.matchEnd = at + 1;
      }
    }
    return found;
  }
}

const utf8 = new TextEncoder();

/**
 * The spellings under which `term` is searched, ASCII case being ignored by the matcher: as
 * written, in capitals, without accents (words of 4 characters or more: "né" is not "ne"),
 * and with the other apostrophe; sorted, as `health::fold_variants`.
 */
export function foldVariants(term: string): string[] {
  const lowered = term.toLowerCase();
  const variants = [lowered, lowered.toUpperCase()];
  const stripped = [...lowered].map(stripAccent).join("");
  if ([...stripped].length >= 4) variants.push(stripped);
  for (const variant of [...variants]) {
    if (variant.includes("'")) variants.push(variant.replaceAll("'", "’"));
    else if (variant.includes("’")) variants.push(variant.replaceAll("’", "'"));
  }
  // Rust sorts strings by their UTF-8 bytes, which is code point order.
  variants.sort(compareCodePoints);
  return variants.filter((variant, index) => index === 0 || variant !== variants[index - 1]);
}

function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = ((left[index] as string).codePointAt(0) ?? 0) - ((right[index] as string).codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function stripAccent(c: string): string {
  switch (c) {
    case "à":
    case "â":
    case "ä":
    case "á":
      return "a";
    case "é":
    case "è":
    case "ê":
    case "ë":
      return "e";
    case "î":
    case "ï":
    case "í":
      return "i";
    case "ô":
    case "ö":
    case "ó":
      return "o";
    case "ù":
    case "û":
    case "ü":
    case "ú":
      return "u";
    case "ç":
      return "c";
    case "ÿ":
      return "y";
    case "œ":
      return "oe";
    case "æ":
      return "ae";
    default:
      return c;
  }
}

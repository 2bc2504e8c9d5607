// Check-digit algorithms, as crates/dlp/src/checksum.rs. Inputs are the compact characters of
// a candidate (separators removed) as ASCII bytes; anything else is simply invalid.
import { isAlnum, isDigit, upper } from "./text.js";

/** Luhn (ISO/IEC 7812-1) over ASCII digits, check digit last. */
export function luhn(digits: Uint8Array): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    const byte = digits[digits.length - 1 - index] as number;
    if (!isDigit(byte)) return false;
    let value = byte - 0x30;
    if (index % 2 === 1) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return sum % 10 === 0;
}

/** Remainder modulo 97 of a decimal number in ASCII digits; -1 if a byte is not a digit. */
function mod97Digits(digits: ArrayLike<number>): number {
  let remainder = 0;
  for (let index = 0; index < digits.length; index++) {
    const byte = digits[index] as number;
    if (!isDigit(byte)) return -1;
    remainder = (remainder * 10 + (byte - 0x30)) % 97;
  }
  return remainder;
}

function twoDigits(a: number | undefined, b: number | undefined): number {
  return isDigit(a) && isDigit(b) ? ((a as number) - 0x30) * 10 + ((b as number) - 0x30) : -1;
}

/**
 * NIR: 13 characters and a 2-digit key equal to 97 minus the number modulo 97; Corsica's 2A
 * counts as 19 and 2B as 18.
 */
export function nir(compact: Uint8Array): boolean {
  if (compact.length !== 15) return false;
  const sex = compact[0] as number;
  if (!(sex === 0x31 || sex === 0x32 || sex === 0x33 || sex === 0x34 || sex === 0x37 || sex === 0x38)) return false;
  const [y1, y2, m1, m2, d1] = [compact[1], compact[2], compact[3], compact[4], compact[5]] as number[];
  if (!(isDigit(y1) && isDigit(y2) && isDigit(m1) && isDigit(m2))) return false;
  const month = ((m1 as number) - 0x30) * 10 + ((m2 as number) - 0x30);
  if (!((month >= 1 && month <= 12) || month === 20 || (month >= 30 && month <= 42) || month >= 50)) return false;
  const d2Upper = upper(compact[6] as number);
  let department1: number;
  let department2: number;
  if (d1 === 0x32 && d2Upper === 0x41) [department1, department2] = [0x31, 0x39];
  else if (d1 === 0x32 && d2Upper === 0x42) [department1, department2] = [0x31, 0x38];
  else if (isDigit(d1) && isDigit(d2Upper) && !(d1 === 0x30 && d2Upper === 0x30)) [department1, department2] = [d1 as number, d2Upper];
  else return false;
  // Place of birth (3 digits) then order number (3 digits, never 000), then the key.
  if (compact[10] === 0x30 && compact[11] === 0x30 && compact[12] === 0x30) return false;
  let remainder = 0;
  for (const byte of [sex, y1, y2, m1, m2, department1, department2]) remainder = (remainder * 10 + ((byte as number) - 0x30)) % 97;
  for (let index = 7; index < 13; index++) {
    const byte = compact[index] as number;
    if (!isDigit(byte)) return false;
    remainder = (remainder * 10 + (byte - 0x30)) % 97;
  }
  const key = twoDigits(compact[13], compact[14]);
  return key >= 0 && key === 97 - remainder;
}

/** IBAN (ISO 13616): the registered length of its country, then mod 97 (ISO 7064). */
export function iban(compact: Uint8Array): boolean {
  if (compact.length < 4 || ibanLength(compact[0] as number, compact[1] as number) !== compact.length) return false;
  if (!isDigit(compact[2]) || !isDigit(compact[3])) return false;
  for (let index = 4; index < compact.length; index++) if (!isAlnum(compact[index])) return false;
  let remainder = 0;
  for (let index = 0; index < compact.length; index++) {
    const byte = compact[(index + 4) % compact.length] as number;
    let value: number;
    if (isDigit(byte)) value = byte - 0x30;
    else if (byte >= 0x41 && byte <= 0x5a) value = byte - 0x41 + 10;
    else if (byte >= 0x61 && byte <= 0x7a) value = byte - 0x61 + 10;
    else return false;
    remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97;
  }
  return remainder === 1;
}

/** The length of an IBAN of this country (two upper-case ASCII bytes); -1 if unknown. */
export function ibanLength(first: number, second: number): number {
  return IBAN_LENGTHS.get(String.fromCharCode(first, second)) ?? -1;
}

const IBAN_LENGTHS = new Map<string, number>(
  Object.entries({
    AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
    DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
    GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
    LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24,
    PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25,
    SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
  }),
);

/** French RIB: bank (5), branch (5), account (11, letters transposed) and a 2-digit key. */
export function rib(compact: Uint8Array): boolean {
  if (compact.length !== 23) return false;
  const account: number[] = [];
  for (const byte of compact.subarray(10, 21)) {
    const digit = ribDigit(byte);
    if (digit < 0) return false;
    account.push(digit);
  }
  const bank = mod97Digits(compact.subarray(0, 5));
  const branch = mod97Digits(compact.subarray(5, 10));
  const accountValue = mod97Digits(account);
  const key = twoDigits(compact[21], compact[22]);
  if (bank < 0 || branch < 0 || accountValue < 0 || key < 0) return false;
  return key === 97 - ((89 * bank + 15 * branch + 3 * accountValue) % 97);
}

function ribDigit(byte: number): number {
  const letter = upper(byte);
  if (isDigit(letter)) return letter;
  if (letter >= 0x41 && letter <= 0x49) return 0x31 + (letter - 0x41);
  if (letter >= 0x4a && letter <= 0x52) return 0x31 + (letter - 0x4a);
  if (letter >= 0x53 && letter <= 0x5a) return 0x32 + (letter - 0x53);
  return -1;
}

/** SIRET: Luhn over 14 digits, or La Poste's establishments (digits adding up to a multiple of 5). */
export function siret(digits: Uint8Array): boolean {
  if (digits.length !== 14 || !digits.every((byte) => isDigit(byte))) return false;
  if (luhn(digits)) return true;
  const sum = digits.reduce((total, byte) => total + byte - 0x30, 0);
  return String.fromCharCode(...digits.subarray(0, 9)) === "356000000" && sum % 5 === 0;
}

/** Payment card: 12 to 19 digits, Luhn, and a length its issuer's range uses. */
export function card(digits: Uint8Array): boolean {
  return issuerAccepts(digits) && luhn(digits);
}

function issuerAccepts(digits: Uint8Array): boolean {
  const length = digits.length;
  if (length < 12 || length > 19 || !digits.every((byte) => isDigit(byte))) return false;
  const prefix = (n: number) => digits.subarray(0, n).reduce((value, byte) => value * 10 + byte - 0x30, 0);
  const first = digits[0];
  if (first === 0x34) return length === 13 || length === 16 || length === 19;
  if (first === 0x33) {
    const two = prefix(2);
    if (two === 34 || two === 37) return length === 15;
    const four = prefix(4);
    if (four >= 3528 && four <= 3589) return length >= 16;
    const three = prefix(3);
    if (two === 36 || two === 38 || two === 39 || (three >= 300 && three <= 305)) return length >= 14;
    return false;
  }
  if (first === 0x35) {
    const two = prefix(2);
    if (two >= 51 && two <= 55) return length === 16;
    return two === 50 || (two >= 56 && two <= 58);
  }
  if (first === 0x32) {
    const four = prefix(4);
    return four >= 2221 && four <= 2720 && length === 16;
  }
  return first === 0x36;
}

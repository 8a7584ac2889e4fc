// Reads the text Caseport's letters show: every string drawn with `Tj` (literal or hex), one per
// line, decoded from WinAnsi. Enough for the uncompressed PDFs of app/src/infra/pdf.rs; the Rust
// side has the same reader (`infra::pdf::shown_text`).

const WIN_ANSI_EXTRAS: Record<number, string> = {
  0x80: '\u20ac',
  0x91: '\u2018',
  0x92: '\u2019',
  0x93: '\u201c',
  0x94: '\u201d',
  0x95: '\u2022',
  0x96: '\u2013',
  0x97: '\u2014',
};

function decode(bytes: number[]): string {
  return bytes.map((b) => WIN_ANSI_EXTRAS[b] ?? String.fromCharCode(b)).join('');
}

export function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  let last: number[] | null = null;
  let i = 0;
  while (i < pdf.length) {
    const c = pdf[i];
    if (c === 0x28 /* ( */) {
      const bytes: number[] = [];
      let depth = 0;
      i += 1;
      while (i < pdf.length) {
        const b = pdf[i++];
        if (b === 0x5c /* \ */) {
          const e = pdf[i++];
          const simple: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
          if (e in simple) bytes.push(simple[e]);
          else if (e >= 0x30 && e <= 0x37) {
            let value = e - 0x30;
            for (let k = 0; k < 2 && pdf[i] >= 0x30 && pdf[i] <= 0x37; k++) value = value * 8 + (pdf[i++] - 0x30);
            bytes.push(value & 0xff);
          } else bytes.push(e);
        } else if (b === 0x28) {
          depth += 1;
          bytes.push(b);
        } else if (b === 0x29 /* ) */) {
          if (depth === 0) break;
          depth -= 1;
          bytes.push(b);
        } else bytes.push(b);
      }
      last = bytes;
    } else if (c === 0x3c /* < */ && pdf[i + 1] === 0x3c) {
      i += 2;
    } else if (c === 0x3c) {
      const end = pdf.indexOf(0x3e, i);
      const hex = pdf.subarray(i + 1, end).toString('latin1').replace(/[^0-9a-fA-F]/g, '');
      last = [];
      for (let k = 0; k < hex.length; k += 2) last.push(parseInt(hex.slice(k, k + 2).padEnd(2, '0'), 16));
      i = end + 1;
    } else if (c === 0x54 /* T */ && pdf[i + 1] === 0x6a /* j */) {
      if (last) lines.push(decode(last));
      last = null;
      i += 2;
    } else {
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d) last = null;
      i += 1;
    }
  }
  return lines.join('\n');
}
